using Microsoft.Extensions.Logging;

namespace Port.Sdk.GitHub;

/// <summary>Event ids of the GitHub integration's log messages: 3000-3099.</summary>
internal static class GitHubEventId
{
    public const int RateLimitWait = 3000;
    public const int RateLimitTooLong = 3001;
    public const int RequestRetried = 3002;
    public const int WebhookRejected = 3003;
    public const int WebhookQueueFull = 3004;
    public const int WebhookDuplicate = 3005;
    public const int WebhookWorkFailed = 3006;
    public const int WebhookNotApplied = 3007;
}

/// <summary>The GitHub integration's log messages. Tokens, keys, secrets and payloads are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(GitHubEventId.RateLimitWait, LogLevel.Warning, "GitHub integration '{Integration}': the rate limit is exhausted on '{Method} {Path}' ({Status}); waiting {Seconds:0.#} s before retrying.")]
    public static partial void RateLimitWait(ILogger logger, string integration, string method, string path, int status, double seconds);

    [LoggerMessage(GitHubEventId.RateLimitTooLong, LogLevel.Error, "GitHub integration '{Integration}': the rate limit on '{Method} {Path}' resets in {Seconds:0.#} s, longer than MaxRateLimitWait ({MaxSeconds:0.#} s); the request fails.")]
    public static partial void RateLimitTooLong(ILogger logger, string integration, string method, string path, double seconds, double maxSeconds);

    [LoggerMessage(GitHubEventId.RequestRetried, LogLevel.Information, "GitHub integration '{Integration}': '{Method} {Path}' failed transiently ({Failure}); retry {Attempt} of {MaxRetries} in {Seconds:0.###} s.")]
    public static partial void RequestRetried(ILogger logger, string integration, string method, string path, string failure, int attempt, int maxRetries, double seconds);

    [LoggerMessage(GitHubEventId.WebhookRejected, LogLevel.Warning, "GitHub integration '{Integration}': webhook delivery '{DeliveryId}' refused with {Status}: {Reason}")]
    public static partial void WebhookRefused(ILogger logger, string integration, string deliveryId, int status, string reason);

    [LoggerMessage(GitHubEventId.WebhookQueueFull, LogLevel.Warning, "GitHub integration '{Integration}': webhook delivery '{DeliveryId}' answered 429: the event queue is full ({Capacity} waiting); GitHub can redeliver it.")]
    public static partial void WebhookQueueFull(ILogger logger, string integration, string deliveryId, int capacity);

    [LoggerMessage(GitHubEventId.WebhookDuplicate, LogLevel.Debug, "GitHub integration '{Integration}': webhook delivery '{DeliveryId}' was already accepted; acknowledged, not applied again.")]
    public static partial void WebhookDuplicate(ILogger logger, string integration, string deliveryId);

    [LoggerMessage(GitHubEventId.WebhookWorkFailed, LogLevel.Error, "GitHub integration '{Integration}': the '{Kind}' work of webhook delivery '{DeliveryId}' failed; the next resync brings the catalog up to date.")]
    public static partial void WebhookWorkFailed(ILogger logger, Exception exception, string integration, string kind, string deliveryId);

    [LoggerMessage(GitHubEventId.WebhookNotApplied, LogLevel.Error, "GitHub integration '{Integration}': the host stopped before webhook delivery '{DeliveryId}' was applied; it is lost (the next resync brings the catalog up to date).")]
    public static partial void WebhookNotApplied(ILogger logger, string integration, string deliveryId);
}
