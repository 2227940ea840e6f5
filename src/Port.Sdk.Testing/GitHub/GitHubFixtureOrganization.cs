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

    /// <summary>Gets or sets how many issues each repository has: the first open, the rest closed; the issue list also holds the repository's first pull request, as GitHub's does.</summary>
    /// <value>The default value is 2.</value>
    public int IssuesPerRepository { get; set; } = 2;

    /// <summary>Gets or sets how many releases each repository has.</summary>
    /// <value>The default value is 1.</value>
    public int ReleasesPerRepository { get; set; } = 1;

    /// <summary>Gets or sets how many workflow runs each repository's one workflow (<c>CI</c>) has.</summary>
    /// <value>The default value is 2.</value>
    public int WorkflowRunsPerRepository { get; set; } = 2;

    /// <summary>
    /// Gets the files of every repository, by path: a function of the repository's index giving the text, or
    /// <see langword="null"/> where that repository lacks the file. By default <c>port.yml</c> (YAML) and
    /// <c>.github/catalog/service.json</c> (JSON) in every repository, and <c>README.md</c>.
    /// </summary>
    public IDictionary<string, Func<int, string?>> Files { get; } = new Dictionary<string, Func<int, string?>>(StringComparer.Ordinal)
    {
        ["port.yml"] = i => $"tier: {(i % 3 == 0 ? "gold" : "silver")}\nowner: {TeamSlug(i % 5)}\nlifecycle: production\n",
        [".github/catalog/service.json"] = i => $$"""{ "oncall": "{{MemberLogin(i % 20)}}", "slo": 99.{{i % 10}} }""",
        ["README.md"] = i => $"# {GitHubSamples.RepositoryName(i)}\n",
    };

    internal interface IItems
    {
        int Count { get; }

        /// <summary>Gets the key a page's items are under (<c>{ "total_count": n, key: [...] }</c>), or null for a bare array.</summary>
        string? Wrapper => null;

        /// <summary>Gets a value indicating whether the answer is one object, not a list.</summary>
        bool Single => false;

        void Write(Utf8JsonWriter writer, int index);
    }

    private sealed class Items(int count, Action<Utf8JsonWriter, int> write, string? wrapper = null, bool single = false) : IItems
    {
        public int Count => count;

        public string? Wrapper => wrapper;

        public bool Single => single;

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
            case ["repos", _, var name, "issues"] when RepositoryIndex(name) is { } repository:
                var issueState = query["state"].ToString() is { Length: > 0 } st ? st : "open";
                var issues = Enumerable.Range(0, IssuesPerRepository).Where(n => issueState == "all" || (issueState == "open") == (n == 0)).ToList();
                var withPull = PullRequestsPerRepository > 0 && issueState is "open" or "all";
                items = new Items(issues.Count + (withPull ? 1 : 0), (w, i) =>
                {
                    if (i < issues.Count)
                    {
                        WriteIssue(w, repository, issues[i]);
                    }
                    else
                    {
                        WritePullRequestAsIssue(w, repository);
                    }
                });
                return true;
            case ["repos", _, var name, "releases"] when RepositoryIndex(name) is { } repository:
                items = new Items(ReleasesPerRepository, (w, i) => WriteRelease(w, repository, i));
                return true;
            case ["repos", _, var name, "actions", "workflows"] when RepositoryIndex(name) is { } repository:
                items = new Items(1, (w, _) => WriteWorkflow(w, repository), "workflows");
                return true;
            case ["repos", _, var name, "actions", "runs"] when RepositoryIndex(name) is { } repository:
                items = new Items(WorkflowRunsPerRepository, (w, i) => WriteWorkflowRun(w, repository, i), "workflow_runs");
                return true;
            case ["repos", _, var name, "git", "trees", _] when RepositoryIndex(name) is { } repository:
                var paths = Files.Where(f => f.Value(repository) is not null).Select(f => f.Key).Order(StringComparer.Ordinal).ToArray();
                items = new Items(1, (w, _) => WriteTree(w, repository, paths), single: true);
                return true;
            case ["repos", _, var name, "contents", ..] when RepositoryIndex(name) is { } repository:
                var filePath = string.Join('/', parts.Skip(4).Select(Uri.UnescapeDataString));
                if (!Files.TryGetValue(filePath, out var file) || file(repository) is not { } text)
                {
                    return false;
                }

                items = new Items(1, (w, _) => WriteContent(w, repository, filePath, text), single: true);
                return true;
            case ["repos", _, var name, "pulls", var n] when RepositoryIndex(name) is { } repository && PullIndex(n) is { } pull:
                items = new Items(1, (w, _) => WritePullRequest(w, repository, pull), single: true);
                return true;
            case ["repos", _, var name, "pulls", var n, "files"] when RepositoryIndex(name) is { } repository && PullIndex(n) is { } pull:
                var changed = ChangedFiles(repository, pull);
                items = new Items(changed.Length, (w, i) => WriteChangedFile(w, changed[i]));
                return true;
            case ["repos", _, var name, "pulls", var n, "reviews"] when RepositoryIndex(name) is { } repository && PullIndex(n) is { } pull:
                items = new Items(pull == 0 ? 0 : 1, (w, _) => WriteReview(w, repository, pull));
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

    /// <summary>The unified diff of a pull request, as GitHub answers <c>Accept: application/vnd.github.diff</c>.</summary>
    /// <param name="path">The request path.</param>
    /// <returns>The diff, or <see langword="null"/> when the path is not a pull request of this organisation.</returns>
    internal string? Diff(string path)
    {
        if (path.Trim('/').Split('/') is not ["repos", var owner, var name, "pulls", var n] || owner != Login || RepositoryIndex(name) is not { } repository || PullIndex(n) is not { } pull)
        {
            return null;
        }

        var diff = new System.Text.StringBuilder();
        foreach (var (file, additions, deletions) in ChangedFiles(repository, pull))
        {
            diff.Append(CultureInfo.InvariantCulture, $"diff --git a/{file} b/{file}\nindex 3b18e51..a9c3f6e 100644\n--- a/{file}\n+++ b/{file}\n@@ -1,{deletions + 1} +1,{additions + 1} @@\n");
            diff.Append(CultureInfo.InvariantCulture, $" // {GitHubSamples.RepositoryName(repository)}\n");
            for (var d = 0; d < deletions; d++)
            {
                diff.Append(CultureInfo.InvariantCulture, $"-    var timeout = TimeSpan.FromSeconds({d + 10});\n");
            }

            for (var a = 0; a < additions; a++)
            {
                diff.Append(CultureInfo.InvariantCulture, $"+    var timeout = options.Timeout; // change {pull + 1}, line {a + 1}\n");
            }
        }

        return diff.ToString();
    }

    private int? PullIndex(string number)
        => int.TryParse(number, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= PullRequestsPerRepository ? n - 1 : null;

    private static (string File, int Additions, int Deletions)[] ChangedFiles(int repository, int pull)
        => [($"src/Service{repository}/Handler.cs", 3 + pull, 1), ($"tests/Service{repository}.Tests/HandlerTests.cs", 2, 0)];

    private static void WriteChangedFile(Utf8JsonWriter writer, (string File, int Additions, int Deletions) file)
    {
        writer.WriteStartObject();
        writer.WriteString("filename", file.File);
        writer.WriteString("status", "modified");
        writer.WriteNumber("additions", file.Additions);
        writer.WriteNumber("deletions", file.Deletions);
        writer.WriteNumber("changes", file.Additions + file.Deletions);
        writer.WriteEndObject();
    }

    private void WriteReview(Utf8JsonWriter writer, int repository, int pull)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", 700_000_000L + (repository * 1_000L) + pull);
        writer.WriteStartObject("user");
        writer.WriteString("login", MemberLogin((repository + 1) % Math.Max(1, Members)));
        writer.WriteEndObject();
        writer.WriteString("state", pull % 2 == 0 ? "APPROVED" : "CHANGES_REQUESTED");
        writer.WriteString("body", pull % 2 == 0 ? "Looks good." : "Please add a test for the timeout.");
        writer.WriteString("submitted_at", "2026-11-25T15:00:00Z");
        writer.WriteEndObject();
    }

    private void WriteIssue(Utf8JsonWriter writer, int repository, int number)
    {
        var name = GitHubSamples.RepositoryName(repository);
        var open = number == 0;
        writer.WriteStartObject();
        writer.WriteNumber("id", 800_000_000L + (repository * 1_000L) + number);
        writer.WriteNumber("number", 100 + number);
        writer.WriteString("title", $"Issue {100 + number} of {name}");
        writer.WriteString("state", open ? "open" : "closed");
        writer.WriteString("html_url", $"https://github.com/{Login}/{name}/issues/{100 + number}");
        writer.WriteString("repository_url", $"https://api.github.com/repos/{Login}/{name}");
        writer.WriteStartObject("user");
        writer.WriteString("login", MemberLogin(repository % Math.Max(1, Members)));
        writer.WriteEndObject();
        writer.WriteStartArray("labels");
        writer.WriteStartObject();
        writer.WriteString("name", open ? "bug" : "chore");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteString("created_at", "2026-11-01T09:00:00Z");
        if (open)
        {
            writer.WriteNull("closed_at");
        }
        else
        {
            writer.WriteString("closed_at", "2026-11-15T09:00:00Z");
        }

        writer.WriteEndObject();
    }

    private void WritePullRequestAsIssue(Utf8JsonWriter writer, int repository)
    {
        var name = GitHubSamples.RepositoryName(repository);
        writer.WriteStartObject();
        writer.WriteNumber("id", 900_000_000L + (repository * 1_000L));
        writer.WriteNumber("number", 1);
        writer.WriteString("title", $"Change 1 to {name}");
        writer.WriteString("state", "open");
        writer.WriteString("html_url", $"https://github.com/{Login}/{name}/pull/1");
        writer.WriteStartObject("pull_request");
        writer.WriteString("url", $"https://api.github.com/repos/{Login}/{name}/pulls/1");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private void WriteRelease(Utf8JsonWriter writer, int repository, int index)
    {
        var name = GitHubSamples.RepositoryName(repository);
        writer.WriteStartObject();
        writer.WriteNumber("id", 600_000_000L + (repository * 1_000L) + index);
        writer.WriteString("tag_name", $"v1.{index}.{Revision}");
        writer.WriteString("name", $"{name} 1.{index}.{Revision}");
        writer.WriteBoolean("draft", false);
        writer.WriteBoolean("prerelease", false);
        writer.WriteString("html_url", $"https://github.com/{Login}/{name}/releases/tag/v1.{index}.{Revision}");
        writer.WriteStartObject("author");
        writer.WriteString("login", MemberLogin(repository % Math.Max(1, Members)));
        writer.WriteEndObject();
        writer.WriteString("created_at", "2026-11-20T10:00:00Z");
        writer.WriteString("published_at", "2026-11-20T10:05:00Z");
        writer.WriteEndObject();
    }

    private void WriteWorkflow(Utf8JsonWriter writer, int repository)
    {
        var name = GitHubSamples.RepositoryName(repository);
        writer.WriteStartObject();
        writer.WriteNumber("id", 300_000_000L + repository);
        writer.WriteString("name", "CI");
        writer.WriteString("path", ".github/workflows/ci.yml");
        writer.WriteString("state", "active");
        writer.WriteString("html_url", $"https://github.com/{Login}/{name}/blob/main/.github/workflows/ci.yml");
        writer.WriteString("badge_url", $"https://github.com/{Login}/{name}/workflows/CI/badge.svg");
        writer.WriteString("created_at", "2021-03-04T09:15:00Z");
        writer.WriteString("updated_at", "2026-11-20T17:42:11Z");
        writer.WriteEndObject();
    }

    private void WriteWorkflowRun(Utf8JsonWriter writer, int repository, int index)
    {
        var name = GitHubSamples.RepositoryName(repository);
        var id = 400_000_000L + (repository * 1_000L) + index;
        writer.WriteStartObject();
        writer.WriteNumber("id", id);
        writer.WriteString("name", "CI");
        writer.WriteString("head_branch", index == 0 ? "main" : $"feature-{index}");
        writer.WriteString("head_sha", Convert.ToHexStringLower(BitConverter.GetBytes(id)).PadRight(40, '0'));
        writer.WriteNumber("run_number", index + 1);
        writer.WriteString("event", index == 0 ? "push" : "pull_request");
        writer.WriteString("status", "completed");
        writer.WriteString("conclusion", (repository + index) % 4 == 0 ? "failure" : "success");
        writer.WriteNumber("workflow_id", 300_000_000L + repository);
        writer.WriteString("html_url", $"https://github.com/{Login}/{name}/actions/runs/{id}");
        writer.WriteString("created_at", "2026-11-28T10:00:00Z");
        writer.WriteString("updated_at", "2026-11-28T10:06:00Z");
        writer.WriteString("run_started_at", "2026-11-28T10:00:05Z");
        writer.WriteStartObject("repository");
        writer.WriteString("name", name);
        writer.WriteString("full_name", $"{Login}/{name}");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteTree(Utf8JsonWriter writer, int repository, string[] paths)
    {
        writer.WriteStartObject();
        writer.WriteString("sha", Convert.ToHexStringLower(BitConverter.GetBytes((long)repository)).PadRight(40, '0'));
        writer.WriteStartArray("tree");
        foreach (var directory in paths.Where(p => p.Contains('/', StringComparison.Ordinal)).Select(p => p[..p.LastIndexOf('/')]).Distinct(StringComparer.Ordinal))
        {
            writer.WriteStartObject();
            writer.WriteString("path", directory);
            writer.WriteString("type", "tree");
            writer.WriteEndObject();
        }

        foreach (var path in paths)
        {
            writer.WriteStartObject();
            writer.WriteString("path", path);
            writer.WriteString("type", "blob");
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteBoolean("truncated", false);
        writer.WriteEndObject();
    }

    private void WriteContent(Utf8JsonWriter writer, int repository, string path, string text)
    {
        var name = GitHubSamples.RepositoryName(repository);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        writer.WriteStartObject();
        writer.WriteString("type", "file");
        writer.WriteString("encoding", "base64");
        writer.WriteNumber("size", bytes.Length);
        writer.WriteString("name", path[(path.LastIndexOf('/') + 1)..]);
        writer.WriteString("path", path);
        writer.WriteString("sha", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..40]);
        writer.WriteString("html_url", $"https://github.com/{Login}/{name}/blob/main/{path}");

        // GitHub wraps the base64 at 60 characters.
        var base64 = Convert.ToBase64String(bytes);
        writer.WriteString("content", string.Join('\n', base64.Chunk(60).Select(c => new string(c))) + "\n");
        writer.WriteEndObject();
    }

    private int? TeamIndex(string slug)
        => slug.StartsWith("team-", StringComparison.Ordinal) && int.TryParse(slug.AsSpan(5), CultureInfo.InvariantCulture, out var i) && i < Teams ? i : null;

    internal int? RepositoryIndex(string name)
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
