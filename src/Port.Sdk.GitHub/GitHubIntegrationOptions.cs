namespace Port.Sdk.GitHub;

/// <summary>How the GitHub integration connects and how hard it may use the API.</summary>
public sealed class GitHubIntegrationOptions
{
    /// <summary>Gets or sets the organisation to sync.</summary>
    public string Organization { get; set; } = string.Empty;

    /// <summary>Gets or sets the personal access token (or installation token). Never logged or reported.</summary>
    /// <value>The default value is <see langword="null"/>: anonymous, as for a fixture server.</value>
    public string? Token { get; set; }

    /// <summary>Gets or sets the GitHub App installation to authenticate as, instead of <see cref="Token"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public GitHubAppOptions? App { get; set; }

    /// <summary>Gets or sets the REST API's base address: GitHub Enterprise Server's <c>https://host/api/v3/</c>, or a fixture server.</summary>
    /// <value>The default value is <c>https://api.github.com/</c>.</value>
    public Uri BaseAddress { get; set; } = new("https://api.github.com/");

    /// <summary>Gets or sets the integration identifier written into each entity's data source.</summary>
    /// <value>The default value is <see langword="null"/>: <c>github-{organization}</c>.</value>
    public string? Identifier { get; set; }

    /// <summary>Gets or sets the kinds to sync, in order (members, then teams, so teams and repositories relate to existing entities).</summary>
    /// <value>The default value is the kinds of the default mapping: <c>user</c>, <c>team</c>, <c>repository</c>, <c>pull-request</c>, <c>workflow</c>, <c>workflow-run</c>.</value>
    public IList<string> Kinds { get; set; } = [.. GitHubIntegration.DefaultKinds];

    /// <summary>
    /// Gets or sets the files the <c>file</c> kind reads in each repository: paths (<c>port.yml</c>) or globs
    /// (<c>**/catalog-info.yaml</c>, <c>services/*/port.json</c>). JSON and YAML files are parsed; others are text.
    /// </summary>
    /// <value>The default value is <c>port.yml</c>.</value>
    public IList<string> FilePatterns { get; set; } = ["port.yml"];

    /// <summary>Gets or sets the repositories the <c>file</c> kind reads; <see langword="null"/> for every repository.</summary>
    public IList<string>? FileRepositories { get; set; }

    /// <summary>Gets or sets how many of each repository's most recent workflow runs are synced.</summary>
    /// <value>The default value is 10.</value>
    public int WorkflowRunsPerRepository { get; set; } = 10;

    /// <summary>Gets or sets how far back closed and merged pull requests are synced.</summary>
    /// <value>The default value is 30 days.</value>
    public TimeSpan ClosedPullRequestWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Gets or sets how many times a request failing transiently (5xx, a timeout, a dropped connection) is retried.</summary>
    /// <value>The default value is 5.</value>
    public int MaxRetries { get; set; } = 5;

    /// <summary>Gets or sets the first retry's delay; each further retry doubles it, with jitter.</summary>
    /// <value>The default value is 200 milliseconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the longest the integration waits for an exhausted rate limit to reset (or a <c>Retry-After</c>); longer fails the request.</summary>
    /// <value>The default value is 15 minutes.</value>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets how long one request may take before it is abandoned and retried (a slow or stuck answer counts as a transient failure).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many requests may be in flight at once.</summary>
    /// <value>The default value is 4.</value>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets a value indicating whether responses are kept with their ETags, so an unchanged page costs a 304 (which GitHub does not count against the rate limit).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseConditionalRequests { get; set; } = true;

    /// <summary>Gets or sets the secret webhook deliveries are signed with (<c>X-Hub-Signature-256</c>). Never logged or reported.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// Gets or sets how many accepted webhook deliveries may wait to be applied. When the queue is full, a delivery is
    /// answered 429 (and not remembered), so GitHub or the sender can deliver it again later.
    /// </summary>
    /// <value>The default value is 1,000.</value>
    public int WebhookQueueCapacity { get; set; } = 1_000;

    /// <summary>
    /// Gets or sets how many recent <c>X-GitHub-Delivery</c> ids are remembered: a delivery whose id is among them is
    /// acknowledged (200) and not applied again. The oldest id is forgotten first.
    /// </summary>
    /// <value>The default value is 10,000.</value>
    public int RememberedDeliveries { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets the largest webhook body accepted, in bytes; a larger one is answered 413. The body is read as it
    /// streams in, hashed on the way (the signature is checked before anything is parsed), and kept in memory only up
    /// to 64 KB (the rest waits in a temporary file until the signature is checked).
    /// </summary>
    /// <value>The default value is 25 MB (26,214,400 bytes), GitHub's own cap on a delivery.</value>
    public long MaxWebhookBodySize { get; set; } = 25 * 1024 * 1024;

    /// <summary>Gets or sets the clock, for retry and rate-limit waits and the pull-request window.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (Errors() is { Count: > 0 } errors)
        {
            throw new ArgumentException($"The 'GitHubIntegrationOptions' are invalid.{Environment.NewLine}Validation Errors:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }
    }

    /// <summary>Every problem of the options, one sentence each, naming the field and its value (never a secret).</summary>
    internal List<string> Errors()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Organization))
        {
            errors.Add("The field Organization is required.");
        }

        if (BaseAddress is null || !BaseAddress.IsAbsoluteUri)
        {
            errors.Add($"The field BaseAddress must be an absolute URI, was '{BaseAddress}'.");
        }

        if (MaxRetries is < 0 or > 20)
        {
            errors.Add($"The field MaxRetries must be between 0 and 20, was '{MaxRetries}'.");
        }

        if (App is { } app && (app.AppId <= 0 || app.InstallationId <= 0 || string.IsNullOrWhiteSpace(app.PrivateKeyPem)))
        {
            errors.Add($"The App needs an AppId, an InstallationId and a PrivateKeyPem; AppId was '{app.AppId}', InstallationId '{app.InstallationId}', PrivateKeyPem {(string.IsNullOrWhiteSpace(app.PrivateKeyPem) ? "empty" : "set")}.");
        }

        if (App is not null && !string.IsNullOrEmpty(Token))
        {
            errors.Add("Set either Token or App, not both.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"The field RequestTimeout must be positive, was '{RequestTimeout}'.");
        }

        if (MaxConcurrency is < 1 or > 64)
        {
            errors.Add($"The field MaxConcurrency must be between 1 and 64, was '{MaxConcurrency}'.");
        }

        if (WebhookQueueCapacity is < 1 or > 1_000_000)
        {
            errors.Add($"The field WebhookQueueCapacity must be between 1 and 1000000, was '{WebhookQueueCapacity}'.");
        }

        if (RememberedDeliveries is < 0 or > 10_000_000)
        {
            errors.Add($"The field RememberedDeliveries must be between 0 and 10000000, was '{RememberedDeliveries}'.");
        }

        if (MaxWebhookBodySize < 1)
        {
            errors.Add($"The field MaxWebhookBodySize must be positive, was '{MaxWebhookBodySize}'.");
        }

        foreach (var kind in Kinds.Where(k => !GitHubIntegration.AllKinds.Contains(k)))
        {
            errors.Add($"The kind '{kind}' is not supported; the kinds are {string.Join(", ", GitHubIntegration.AllKinds.Select(k => $"'{k}'"))}.");
        }

        return errors;
    }
}
