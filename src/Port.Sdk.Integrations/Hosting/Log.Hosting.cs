using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Port.Sdk.Integrations;

/// <summary>Event ids of the hosting runtime's log messages (live events, schedules): 2100-2199.</summary>
internal static class HostingEventId
{
    public const int EventFailed = 2100;
    public const int EventError = 2101;
    public const int EventNotApplied = 2102;
    public const int WatchFailed = 2103;
    public const int ScheduledResyncFailed = 2104;
    public const int EventsStopped = 2105;
    public const int EventApplied = 2106;
}

/// <summary>The hosting runtime's metrics, on the <c>Port.Sdk</c> meter.</summary>
internal static class HostingDiagnostics
{
    /// <summary>Live events the pumps handled, tagged with the integration, the kind and the outcome (applied, failed, not_applied).</summary>
    public static Counter<long> Events { get; } = PortDiagnostics.Meter.CreateCounter<long>("port.sync.events", "{event}", "Live events handled by the integrations' event pumps.");

    public static void Record(string integration, string kind, string outcome)
    {
        if (Events.Enabled)
        {
            Events.Add(1, new KeyValuePair<string, object?>("port.integration", integration), new KeyValuePair<string, object?>("port.kind", kind), new KeyValuePair<string, object?>("port.outcome", outcome));
        }
    }
}

/// <summary>The hosting runtime's log messages. Item payloads are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(HostingEventId.EventFailed, LogLevel.Warning, "Integration '{Integration}': the '{Kind}' event of delivery '{DeliveryId}' was applied with a failure: {Failure}")]
    public static partial void EventFailed(ILogger logger, string integration, string kind, string deliveryId, string failure);

    [LoggerMessage(HostingEventId.EventError, LogLevel.Error, "Integration '{Integration}': the '{Kind}' event of delivery '{DeliveryId}' could not be applied.")]
    public static partial void EventError(ILogger logger, Exception exception, string integration, string kind, string deliveryId);

    [LoggerMessage(HostingEventId.EventNotApplied, LogLevel.Error, "Integration '{Integration}': the host stopped before the '{Kind}' event of delivery '{DeliveryId}' was applied; it is lost (the next resync brings the catalog up to date).")]
    public static partial void EventNotApplied(ILogger logger, string integration, string kind, string deliveryId);

    [LoggerMessage(HostingEventId.WatchFailed, LogLevel.Error, "Integration '{Integration}': its live events failed; watching again in {Seconds:0.###} s.")]
    public static partial void WatchFailed(ILogger logger, Exception exception, string integration, double seconds);

    [LoggerMessage(HostingEventId.ScheduledResyncFailed, LogLevel.Error, "Integration '{Integration}': the scheduled resync failed; the next one starts in {Seconds:0.###} s.")]
    public static partial void ScheduledResyncFailed(ILogger logger, Exception exception, string integration, double seconds);

    [LoggerMessage(HostingEventId.EventsStopped, LogLevel.Information, "Integration '{Integration}': live events stopped after {Applied} applied, {Failed} failed and {NotApplied} not applied.")]
    public static partial void EventsStopped(ILogger logger, string integration, long applied, long failed, long notApplied);

    [LoggerMessage(HostingEventId.EventApplied, LogLevel.Debug, "Integration '{Integration}': the '{Kind}' event of delivery '{DeliveryId}' was applied: {Created} created, {Updated} updated, {Deleted} deleted.")]
    public static partial void EventApplied(ILogger logger, string integration, string kind, string deliveryId, int created, int updated, int deleted);
}
