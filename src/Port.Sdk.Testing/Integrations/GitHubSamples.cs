using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Port.Sdk.Testing;

/// <summary>
/// Generated GitHub REST objects (the shape of <c>GET /orgs/{org}/repos</c>), deterministic for a given index, for
/// tests and benchmarks that need many realistic raw items without a network.
/// </summary>
public static class GitHubSamples
{
    private static readonly string[] Names = ["payments", "catalog", "search", "billing", "auth", "ledger", "gateway", "notifications"];
    private static readonly string[] Suffixes = ["api", "worker", "web", "svc"];
    private static readonly string?[] Languages = ["C#", "Go", "Python", "TypeScript", null];
    private static readonly string[] Topics = ["payments", "pci", "dotnet", "internal"];

    /// <summary>The name of the repository with an index: <c>{area}-{suffix}-{index}</c>.</summary>
    /// <param name="index">The repository's index.</param>
    /// <returns>The name.</returns>
    public static string RepositoryName(int index)
        => $"{Names[index % Names.Length]}-{Suffixes[index / Names.Length % Suffixes.Length]}-{index.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Writes the repository with an index as GitHub's REST API returns it.</summary>
    /// <param name="writer">Where to write the object.</param>
    /// <param name="index">The repository's index; every field derives from it.</param>
    /// <param name="organization">The owning organisation's login.</param>
    /// <param name="revision">Changes <c>pushed_at</c> and <c>stargazers_count</c>, to make a changed copy of the same repository.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> or <paramref name="organization"/> is <see langword="null"/>.</exception>
    public static void WriteRepository(Utf8JsonWriter writer, int index, string organization = "acme", int revision = 0)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(organization);
        var name = RepositoryName(index);
        writer.WriteStartObject();
        writer.WriteNumber("id", 100_000_000L + index);
        writer.WriteString("node_id", $"R_kgDO{index}");
        writer.WriteString("name", name);
        writer.WriteString("full_name", $"{organization}/{name}");
        writer.WriteBoolean("private", index % 3 == 0);
        writer.WriteStartObject("owner");
        writer.WriteString("login", organization);
        writer.WriteNumber("id", 424242);
        writer.WriteString("type", "Organization");
        writer.WriteEndObject();
        writer.WriteString("html_url", $"https://github.com/{organization}/{name}");
        if (index % 5 == 0)
        {
            writer.WriteNull("description");
        }
        else
        {
            writer.WriteString("description", $"The {name} service");
        }

        writer.WriteBoolean("fork", false);
        writer.WriteString("url", $"https://api.github.com/repos/{organization}/{name}");
        writer.WriteString("created_at", "2021-03-04T09:15:00Z");
        writer.WriteString("updated_at", "2026-11-20T17:42:11Z");
        writer.WriteString("pushed_at", revision == 0 ? "2026-11-21T08:01:59Z" : $"2026-11-{21 + (revision % 8):00}T08:01:59Z");
        writer.WriteNumber("size", index * 37L % 90_000);
        writer.WriteNumber("stargazers_count", (index % 250) + revision);
        writer.WriteNumber("watchers_count", index % 250);
        if (Languages[index % Languages.Length] is { } language)
        {
            writer.WriteString("language", language);
        }
        else
        {
            writer.WriteNull("language");
        }

        writer.WriteNumber("forks_count", index % 17);
        writer.WriteNumber("open_issues_count", index % 9);
        if (index % 4 == 0)
        {
            writer.WriteNull("license");
        }
        else
        {
            writer.WriteStartObject("license");
            writer.WriteString("key", "mit");
            writer.WriteString("name", "MIT License");
            writer.WriteString("spdx_id", "MIT");
            writer.WriteEndObject();
        }

        writer.WriteStartArray("topics");
        for (var t = 0; t < index % Topics.Length; t++)
        {
            writer.WriteStringValue(Topics[t]);
        }

        writer.WriteEndArray();
        writer.WriteString("visibility", index % 3 == 0 ? "private" : "public");
        writer.WriteString("default_branch", "main");
        writer.WriteBoolean("archived", index % 11 == 0);
        writer.WriteBoolean("disabled", false);
        writer.WriteEndObject();
    }

    /// <summary>The repository with an index, as a JSON element.</summary>
    /// <param name="index">The repository's index.</param>
    /// <param name="organization">The owning organisation's login.</param>
    /// <param name="revision">Makes a changed copy of the same repository.</param>
    /// <returns>The repository.</returns>
    public static JsonElement Repository(int index, string organization = "acme", int revision = 0)
        => Repositories(index, 1, organization, revision)[0];

    /// <summary>A page of consecutive repositories, parsed as one JSON document.</summary>
    /// <param name="start">The index of the first repository.</param>
    /// <param name="count">How many repositories.</param>
    /// <param name="organization">The owning organisation's login.</param>
    /// <param name="revision">Makes changed copies of the same repositories.</param>
    /// <returns>The repositories.</returns>
    public static IReadOnlyList<JsonElement> Repositories(int start, int count, string organization = "acme", int revision = 0)
    {
        var buffer = new ArrayBufferWriter<byte>(count * 900);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (var i = start; i < start + count; i++)
            {
                WriteRepository(writer, i, organization, revision);
            }

            writer.WriteEndArray();
        }

        // One document for the page, not one per item: the elements share it, as a page read from an HTTP body does.
        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return [.. JsonElement.ParseValue(ref reader).EnumerateArray()];
    }
}
