namespace Port.Sdk.GitHub;

/// <summary>What became of a webhook delivery.</summary>
public enum GitHubWebhookOutcome
{
    /// <summary>The signature was valid and the delivery became live events (or work that will become them). Answer 202.</summary>
    Accepted,

    /// <summary>The signature was valid, but the event is not one the integration syncs. Answer 200.</summary>
    Ignored,

    /// <summary>The signature was missing or wrong: the delivery was dropped. Answer 401.</summary>
    Rejected,

    /// <summary>The signature was valid and a delivery with the same <c>X-GitHub-Delivery</c> id was accepted recently: acknowledged, not applied again. Answer 200.</summary>
    Duplicate,

    /// <summary>The integration's event queue is full: the delivery was not accepted (nor remembered) and can be delivered again later. Answer 429.</summary>
    QueueFull,

    /// <summary>The body is larger than <see cref="GitHubIntegrationOptions.MaxWebhookBodySize"/>. Answer 413.</summary>
    TooLarge,

    /// <summary>The integration is shutting down and accepts no more deliveries. Answer 503.</summary>
    Unavailable,
}
