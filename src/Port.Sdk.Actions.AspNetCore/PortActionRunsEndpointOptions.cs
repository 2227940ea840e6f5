namespace Port.Sdk.Actions.AspNetCore;

/// <summary>How <see cref="PortActionRunsEndpointRouteBuilderExtensions.MapPortActionRuns"/> authenticates backends and bounds requests.</summary>
public sealed class PortActionRunsEndpointOptions
{
    /// <summary>Gets or sets the bearer token a backend may send (<c>Authorization: Bearer …</c>), compared in constant time.</summary>
    /// <value>The default value is <see langword="null"/>: no bearer token is accepted.</value>
    public string? BearerToken { get; set; }

    /// <summary>
    /// Gets or sets the secret of Port's webhook signature a backend may sign its report with (<c>x-port-timestamp</c>
    /// and <c>x-port-signature</c> over the request's body, as <see cref="WebhookSignature"/> signs).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: <see cref="PortActionsOptions.WebhookSecret"/>, the secret the action's webhooks are signed with.</value>
    public string? WebhookSecret { get; set; }

    /// <summary>Gets or sets how far a signed request's timestamp may be from now (what stops a captured request from being replayed later).</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the largest request body read; a larger one is answered 413.</summary>
    /// <value>The default value is 1 MiB.</value>
    public int MaxBodySize { get; set; } = 1024 * 1024;
}
