using Microsoft.Extensions.Logging;

namespace Port.Sdk.Actions.Internal;

/// <summary>Event ids of the actions' log messages: 5000-5099.</summary>
internal static class ActionsEventId
{
    public const int RunFailed = 5000;
    public const int RunRecovered = 5001;
    public const int WebhookRetried = 5002;
    public const int AutomationDepthExceeded = 5003;
    public const int AutomationFailed = 5004;
    public const int RunSucceeded = 5005;
    public const int ApprovalNotified = 5006;
}

/// <summary>The actions' log messages. Inputs, payloads and secrets are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(ActionsEventId.RunFailed, LogLevel.Warning, "Run '{RunId}' of action '{Action}' failed: {Reason}")]
    public static partial void RunFailed(ILogger logger, string runId, string action, string reason);

    [LoggerMessage(ActionsEventId.RunRecovered, LogLevel.Warning, "Run '{RunId}' of action '{Action}' was left in progress by process '{Owner}', which has ended; it is {Outcome}.")]
    public static partial void RunRecovered(ILogger logger, string runId, string action, string owner, string outcome);

    [LoggerMessage(ActionsEventId.WebhookRetried, LogLevel.Information, "Run '{RunId}': the webhook failed transiently ({Failure}); attempt {Attempt} of {MaxAttempts} in {Seconds:0.###} s.")]
    public static partial void WebhookRetried(ILogger logger, string runId, string failure, int attempt, int maxAttempts, double seconds);

    [LoggerMessage(ActionsEventId.AutomationDepthExceeded, LogLevel.Warning, "Automation '{Automation}' was not run for {Subject}: {Depth} automation runs led to this event, more than MaxAutomationDepth ({MaxDepth}).")]
    public static partial void AutomationDepthExceeded(ILogger logger, string automation, string subject, int depth, int maxDepth);

    [LoggerMessage(ActionsEventId.AutomationFailed, LogLevel.Error, "Automation '{Automation}' could not be evaluated for {Subject}: {Reason}")]
    public static partial void AutomationFailed(ILogger logger, string automation, string subject, string reason);

    [LoggerMessage(ActionsEventId.RunSucceeded, LogLevel.Debug, "Run '{RunId}' of action '{Action}' succeeded.")]
    public static partial void RunSucceeded(ILogger logger, string runId, string action);

    [LoggerMessage(ActionsEventId.ApprovalNotified, LogLevel.Information, "Run '{RunId}' of action '{Action}' waits for approval: {Outcome}")]
    public static partial void ApprovalNotified(ILogger logger, string runId, string action, string outcome);
}
