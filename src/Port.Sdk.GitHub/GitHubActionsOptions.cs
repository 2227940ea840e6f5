namespace Port.Sdk.GitHub;

/// <summary>How <see cref="GitHubActionInvoker"/> dispatches workflows and follows their runs.</summary>
public sealed class GitHubActionsOptions
{
    /// <summary>Gets or sets the branch or tag dispatched when the workflow inputs have no <c>ref</c>.</summary>
    /// <value>The default value is <c>main</c>, as in Port.</value>
    public string DefaultRef { get; set; } = "main";

    /// <summary>Gets or sets how long to wait between two requests that look for or follow the workflow run.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long after the dispatch the workflow run may take to appear; after that the action run fails.</summary>
    /// <value>The default value is 2 minutes.</value>
    public TimeSpan RunLookupTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets how long a followed workflow run may take to complete; after that the action run fails (the workflow run is left alone).</summary>
    /// <value>The default value is 6 hours (GitHub's limit for a job on a GitHub-hosted runner).</value>
    public TimeSpan MaxRunDuration { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Gets or sets the time source of the polling delays and deadlines.</summary>
    /// <value>The default value is <see langword="null"/>: the integration's <see cref="GitHubIntegrationOptions.TimeProvider"/>.</value>
    public TimeProvider? TimeProvider { get; set; }
}
