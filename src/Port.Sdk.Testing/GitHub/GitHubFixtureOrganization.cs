using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Port.Sdk.Testing;

/// <summary>
/// The generated organisation a <see cref="GitHubFixtureServer"/> serves: repositories (<see cref="GitHubSamples"/>),
/// pull requests per repository, teams owning repositories, and members. Every object derives from its index, so
/// the same settings always give the same organisation; change <see cref="Revision"/> or the counts between
/// resyncs to change it.
/// </summary>
public sealed class GitHubFixtureOrganization
{
    /// <summary>Gets or sets the organisation's login.</summary>
    /// <value>The default value is <c>acme</c>.</value>
    public string Login { get; set; } = "acme";

    /// <summary>Gets or sets how many repositories the organisation has.</summary>
    /// <value>The default value is 50.</value>
    public int Repositories { get; set; } = 50;

    /// <summary>Gets or sets how many pull requests each repository has: the first two open, the rest closed (every other one merged).</summary>
    /// <value>The default value is 3.</value>
    public int PullRequestsPerRepository { get; set; } = 3;

    /// <summary>Gets or sets how many teams there are; repository <c>i</c> belongs to team <c>i % Teams</c>.</summary>
    /// <value>The default value is 5.</value>
    public int Teams { get; set; } = 5;

    /// <summary>Gets or sets how many members there are; member <c>i</c> is in team <c>i % Teams</c>.</summary>
    /// <value>The default value is 20.</value>
    public int Members { get; set; } = 20;

    /// <summary>Gets or sets the revision of the data: a new revision changes every repository.</summary>
    /// <value>The default value is 0.</value>
    public int Revision { get; set; }

    /// <summary>Gets or sets the primary rate limit per window.</summary>
    /// <value>The default value is 5,000, GitHub's limit for a token.</value>
    public int RateLimit { get; set; } = 5_000;

    /// <summary>The slug of a team.</summary>
    /// <param name="index">The team's index.</param>
    /// <returns>The slug.</returns>
    public static string TeamSlug(int index) => $"team-{index.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The login of a member.</summary>
    /// <param name="index">The member's index.</param>
    /// <returns>The login.</returns>
    public static string MemberLogin(int index) => $"dev-{index.ToString(CultureInfo.InvariantCulture)}";

    internal interface IItems
    {
        int Count { get; }

        void Write(Utf8JsonWriter writer, int index);
    }

    private sealed class Items(int count, Action<Utf8JsonWriter, int> write) : IItems
    {
        public int Count => count;

        public void Write(Utf8JsonWriter writer, int index) => write(writer, index);
    }

    internal bool TryGetList(string path, IQueryCollection query, out IItems items, out int status)
    {
        items = new Items(0, (_, _) => { });
        status = 404;
        var parts = path.Trim('/').Split('/');
        if (parts is ["orgs", var org, ..] && org != Login || parts is ["repos", var owner, ..] && owner != Login)
        {
            return false;
        }

        switch (parts)
        {
            case ["orgs", _, "repos"]:
                items = new Items(Repositories, (w, i) => GitHubSamples.WriteRepository(w, i, Login, Revision));
                return true;
            case ["orgs", _, "members"]:
                items = new Items(Members, WriteUser);
                return true;
            case ["orgs", _, "teams"]:
                items = new Items(Teams, WriteTeam);
                return true;
            case ["orgs", _, "teams", var slug, "members"] when TeamIndex(slug) is { } team:
                var members = Enumerable.Range(0, Members).Where(m => m % Teams == team).ToArray();
                items = new Items(members.Length, (w, i) => WriteUser(w, members[i]));
                return true;
            case ["orgs", _, "teams", var slug, "repos"] when TeamIndex(slug) is { } team:
                var repositories = Enumerable.Range(0, Repositories).Where(r => r % Teams == team).ToArray();
                items = new Items(repositories.Length, (w, i) => GitHubSamples.WriteRepository(w, repositories[i], Login, Revision));
                return true;
            case ["repos", _, var name, "pulls"] when RepositoryIndex(name) is { } repository:
                var state = query["state"].ToString() is { Length: > 0 } s ? s : "open";
                if (state is not ("open" or "closed" or "all"))
                {
                    status = 422;
                    return false;
                }

                var pulls = Enumerable.Range(0, PullRequestsPerRepository).Where(p => state == "all" || (state == "open") == (p < 2)).ToArray();
                items = new Items(pulls.Length, (w, i) => WritePullRequest(w, repository, pulls[i]));
                return true;
            default:
                return false;
        }
    }

    private int? TeamIndex(string slug)
        => slug.StartsWith("team-", StringComparison.Ordinal) && int.TryParse(slug.AsSpan(5), CultureInfo.InvariantCulture, out var i) && i < Teams ? i : null;

    private int? RepositoryIndex(string name)
    {
        var dash = name.LastIndexOf('-');
        return dash > 0 && int.TryParse(name.AsSpan(dash + 1), CultureInfo.InvariantCulture, out var i) && i < Repositories && GitHubSamples.RepositoryName(i) == name ? i : null;
    }

    private static void WriteUser(Utf8JsonWriter writer, int index)
    {
        writer.WriteStartObject();
        writer.WriteString("login", MemberLogin(index));
        writer.WriteNumber("id", 5_000_000 + index);
        writer.WriteString("type", "User");
        writer.WriteString("html_url", $"https://github.com/{MemberLogin(index)}");
        writer.WriteBoolean("site_admin", false);
        writer.WriteEndObject();
    }

    private void WriteTeam(Utf8JsonWriter writer, int index)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", 7_000_000 + index);
        writer.WriteString("name", $"Team {index.ToString(CultureInfo.InvariantCulture)}");
        writer.WriteString("slug", TeamSlug(index));
        writer.WriteString("description", $"Owners of every repository i with i % {Teams} == {index}");
        writer.WriteString("privacy", "closed");
        writer.WriteString("html_url", $"https://github.com/orgs/{Login}/teams/{TeamSlug(index)}");
        writer.WriteString("members_url", $"https://api.github.com/organizations/424242/team/{7_000_000 + index}/members{{/member}}");
        writer.WriteEndObject();
    }

    private void WritePullRequest(Utf8JsonWriter writer, int repository, int number)
    {
        var name = GitHubSamples.RepositoryName(repository);
        var open = number < 2;
        var merged = !open && number % 2 == 0;
        writer.WriteStartObject();
        writer.WriteNumber("id", 900_000_000L + (repository * 1_000L) + number);
        writer.WriteNumber("number", number + 1);
        writer.WriteString("state", open ? "open" : "closed");
        writer.WriteString("title", $"Change {number + 1} to {name}");
        writer.WriteString("html_url", $"https://github.com/{Login}/{name}/pull/{number + 1}");
        writer.WriteStartObject("user");
        writer.WriteString("login", MemberLogin((repository + number) % Math.Max(1, Members)));
        writer.WriteEndObject();
        writer.WriteString("created_at", "2026-11-10T09:00:00Z");
        writer.WriteString("updated_at", "2026-11-25T12:00:00Z");
        if (open)
        {
            writer.WriteNull("closed_at");
            writer.WriteNull("merged_at");
        }
        else
        {
            writer.WriteString("closed_at", "2026-11-26T12:00:00Z");
            if (merged)
            {
                writer.WriteString("merged_at", "2026-11-26T12:00:00Z");
            }
            else
            {
                writer.WriteNull("merged_at");
            }
        }

        writer.WriteBoolean("draft", false);
        writer.WriteStartObject("head");
        writer.WriteString("ref", $"feature-{number + 1}");
        writer.WriteStartObject("repo");
        writer.WriteString("name", name);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("base");
        writer.WriteString("ref", "main");
        writer.WriteStartObject("repo");
        writer.WriteString("name", name);
        writer.WriteString("full_name", $"{Login}/{name}");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
