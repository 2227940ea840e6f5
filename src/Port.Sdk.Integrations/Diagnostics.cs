using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Port.Sdk.Integrations;

/// <summary>The <see cref="ActivitySource"/> and <see cref="Meter"/> of the integration runtime, both named <c>Port.Sdk</c>.</summary>
internal static class PortDiagnostics
{
    public const string Name = "Port.Sdk";

    private static readonly string Version = typeof(PortDiagnostics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static ActivitySource ActivitySource { get; } = new(Name, Version);

    public static Meter Meter { get; } = new(Name, Version);

    /// <summary>Entities a sync handled, tagged with the integration, the kind and the outcome (created, updated, unchanged, deleted, failed).</summary>
    public static Counter<long> Entities { get; } = Meter.CreateCounter<long>("port.sync.entities", "{entity}", "Entities handled by resyncs and live events.");

    /// <summary>How long each kind of a resync took.</summary>
    public static Histogram<double> Duration { get; } = Meter.CreateHistogram<double>(
        "port.sync.duration", "s", "Duration of a resync of one kind.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300] });

    public static void Record(string integration, KindReport report)
    {
        if (Entities.Enabled)
        {
            Add(integration, report.Kind, "created", report.Created);
            Add(integration, report.Kind, "updated", report.Updated);
            Add(integration, report.Kind, "unchanged", report.Unchanged);
            Add(integration, report.Kind, "deleted", report.Deleted);
            Add(integration, report.Kind, "failed", report.Failures.Count);
        }

        if (Duration.Enabled)
        {
            Duration.Record(report.Duration.TotalSeconds, new KeyValuePair<string, object?>("port.integration", integration), new KeyValuePair<string, object?>("port.kind", report.Kind));
        }
    }

    private static void Add(string integration, string kind, string outcome, long count)
    {
        if (count > 0)
        {
            Entities.Add(count, new KeyValuePair<string, object?>("port.integration", integration), new KeyValuePair<string, object?>("port.kind", kind), new KeyValuePair<string, object?>("port.outcome", outcome));
        }
    }
}

/// <summary>Event ids of the integration runtime's log messages: 2000-2099.</summary>
internal static class PortEventId
{
    public const int ResyncStarted = 2000;
    public const int KindSynced = 2001;
    public const int DeletionSkipped = 2002;
    public const int ItemFailed = 2003;
    public const int ResyncFailed = 2004;
}

/// <summary>The integration runtime's log messages. Item payloads are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(PortEventId.ResyncStarted, LogLevel.Information, "Resync of integration '{Integration}' started for kinds {Kinds}.")]
    public static partial void ResyncStarted(ILogger logger, string integration, string kinds);

    [LoggerMessage(PortEventId.KindSynced, LogLevel.Information, "Integration '{Integration}', kind '{Kind}': {Fetched} fetched, {Created} created, {Updated} updated, {Unchanged} unchanged, {Deleted} deleted, {Failed} failed in {Seconds:0.###} s.")]
    public static partial void KindSynced(ILogger logger, string integration, string kind, int fetched, int created, int updated, int unchanged, int deleted, int failed, double seconds);

    [LoggerMessage(PortEventId.DeletionSkipped, LogLevel.Warning, "Integration '{Integration}': stale entities were not deleted: {Reason}.")]
    public static partial void DeletionSkipped(ILogger logger, string integration, string reason);

    [LoggerMessage(PortEventId.ItemFailed, LogLevel.Warning, "Integration '{Integration}': {Failure}")]
    public static partial void ItemFailed(ILogger logger, string integration, string failure);
}
