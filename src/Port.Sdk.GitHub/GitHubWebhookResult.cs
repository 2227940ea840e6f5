namespace Port.Sdk.GitHub;

/// <summary>The result of <see cref="GitHubWebhookHandler.Handle"/> and <see cref="GitHubWebhookHandler.HandleAsync"/>.</summary>
/// <param name="Outcome">What became of the delivery.</param>
/// <param name="Reason">Why, in a sentence with no secret in it.</param>
/// <param name="Events">The live events the delivery became at once; team and push deliveries become events after the integration fetched what they need.</param>
public sealed record GitHubWebhookResult(GitHubWebhookOutcome Outcome, string Reason, IReadOnlyList<IntegrationEvent> Events)
{
    /// <summary>Gets the delivery's <c>X-GitHub-Delivery</c> id, if it had one.</summary>
    public string? DeliveryId { get; init; }

    /// <summary>Gets the HTTP status to answer with: 202, 200, 401, 413, 429 or 503.</summary>
    public int StatusCode => Outcome switch
    {
        GitHubWebhookOutcome.Accepted => 202,
        GitHubWebhookOutcome.Ignored or GitHubWebhookOutcome.Duplicate => 200,
        GitHubWebhookOutcome.TooLarge => 413,
        GitHubWebhookOutcome.QueueFull => 429,
        GitHubWebhookOutcome.Unavailable => 503,
        _ => 401,
    };
}
