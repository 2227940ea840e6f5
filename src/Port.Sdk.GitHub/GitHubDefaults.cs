using System.Text.Json;
using Port.Sdk.Integrations;

namespace Port.Sdk.GitHub;

/// <summary>
/// The default blueprints (<c>githubUser</c>, <c>githubTeam</c>, <c>service</c>, <c>githubPullRequest</c>, <c>githubWorkflow</c>, <c>githubWorkflowRun</c>, <c>githubIssue</c>, <c>githubRelease</c>) and the
/// default <c>port-app-config.yml</c> of the GitHub integration: usable as they are, or as the starting point of
/// your own (<see cref="ConfigText"/> is the file).
/// </summary>
public static class GitHubDefaults
{
    /// <summary>Gets the default mapping configuration's text (YAML, in Port's shape).</summary>
    public static string ConfigText { get; } = Read("port-app-config.yml");

    /// <summary>Gets the default blueprints, in Port's JSON.</summary>
    public static string BlueprintsJson { get; } = Read("blueprints.json");

    /// <summary>Parses the default mapping configuration.</summary>
    /// <returns>The configuration, compiled.</returns>
    public static PortAppConfig Config() => PortAppConfig.Parse(ConfigText, "Port.Sdk.GitHub/port-app-config.yml");

    /// <summary>Parses the default blueprints.</summary>
    /// <returns>The blueprints, related ones first.</returns>
    public static IReadOnlyList<Blueprint> Blueprints()
    {
        using var document = JsonDocument.Parse(BlueprintsJson);
        return [.. document.RootElement.EnumerateArray().Select(b => PortJson.ReadBlueprint(b.GetRawText()))];
    }

    private static string Read(string name)
    {
        using var stream = typeof(GitHubDefaults).Assembly.GetManifestResourceStream($"Port.Sdk.GitHub.Defaults.{name}")
            ?? throw new InvalidOperationException($"The resource '{name}' is missing from Port.Sdk.GitHub.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
