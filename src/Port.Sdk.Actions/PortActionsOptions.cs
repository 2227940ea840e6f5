namespace Port.Sdk.Actions;

/// <summary>Options of <see cref="PortActions"/>: webhook signing, timeouts and retries, limits, recovery and automation depth.</summary>
public sealed class PortActionsOptions
{
    /// <summary>Gets the actions and automations to register.</summary>
    public IList<PortAction> Actions { get; } = [];

    /// <summary>Gets the .NET handlers, by action identifier (also found in DI as keyed <see cref="IActionHandler"/> services).</summary>
    public IDictionary<string, IActionHandler> Handlers { get; } = new Dictionary<string, IActionHandler>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the invokers of invocation method types the SDK does not run itself, by type (also found in DI as
    /// <see cref="IActionInvoker"/> services).
    /// </summary>
    public IDictionary<string, IActionInvoker> Invokers { get; } = new Dictionary<string, IActionInvoker>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the approvers of actions that require approval, by action identifier (the <c>approve</c> part of Port's
    /// action permissions). An action without an entry may be approved or declined by anyone, in one decision.
    /// </summary>
    public IDictionary<string, ActionApprovers> Approvers { get; } = new Dictionary<string, ActionApprovers>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the secret webhook requests are signed with (Port signs with the organization's client secret):
    /// <c>x-port-signature: v1,{base64 HMAC-SHA-256 of "{timestamp}.{body}"}</c> and <c>x-port-timestamp</c>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: requests are not signed.</value>
    public string? WebhookSecret { get; set; }

    /// <summary>Gets or sets how long one webhook request may take; a request that takes longer fails the run.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how many times a webhook request is sent when it fails transiently (the connection failed, or the
    /// answer was 408, 429, 502, 503 or 504). A timeout is not retried: the backend may have acted on the request.
    /// </summary>
    /// <value>The default value is 3.</value>
    public int WebhookMaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets the delay before the first retry; each further retry waits twice as long (or what <c>Retry-After</c> asks, up to a minute).</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the base URL of a run's link (<c>.run.url</c> in templates is this followed by the run's identifier).</summary>
    /// <value>The default value is <see langword="null"/>: <c>.run.url</c> is <c>null</c>.</value>
    public Uri? RunUrlBase { get; set; }

    /// <summary>Gets or sets what happens, when <see cref="PortActions.StartAsync"/> runs, to a run a dead process left under way.</summary>
    /// <value>The default value is <see cref="ActionRunRecovery.MarkFailed"/>.</value>
    public ActionRunRecovery Recovery { get; set; } = ActionRunRecovery.MarkFailed;

    /// <summary>
    /// Gets or sets how many automation runs may lead one to another (an automation that writes an entity another
    /// automation watches, say) before the chain is stopped: what keeps an automation from triggering itself forever.
    /// </summary>
    /// <value>The default value is 5.</value>
    public int MaxAutomationDepth { get; set; } = 5;

    /// <summary>Gets or sets the most log entries a run keeps; later entries are dropped (and the last entry says so).</summary>
    /// <value>The default value is 1,000.</value>
    public int MaxLogEntries { get; set; } = 1_000;

    /// <summary>Gets or sets the longest log message, status label or summary kept; longer ones are cut.</summary>
    /// <value>The default value is 10,000 characters.</value>
    public int MaxMessageLength { get; set; } = 10_000;

    /// <summary>Gets or sets the most steps one template or condition may take (the jq engine's limit).</summary>
    /// <value>The default value is 1,000,000.</value>
    public long MaxJqSteps { get; set; } = 1_000_000;

    /// <summary>Gets or sets the time source (run timestamps, timers, webhook timestamps and timeouts).</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
