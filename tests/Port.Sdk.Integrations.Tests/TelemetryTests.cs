using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Port.Sdk.Integrations.Tests;

[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryTestsDefinition;

/// <summary>Metrics and logs of a resync. Not parallel: the meter is process-wide.</summary>
[Collection(nameof(TelemetryTests))]
public sealed class TelemetryTests
{
    private sealed class Items(params string[] items) : IIntegration
    {
        public string Identifier => "telemetry-test";

        public IReadOnlyList<string> Kinds => ["thing"];

        public async IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield return [.. items.Select(i => JsonDocument.Parse(i).RootElement.Clone())];
        }

        public async IAsyncEnumerable<IntegrationEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield break;
        }
    }

    private sealed class ListLogger : ILogger<ResyncEngine>
    {
        public List<(LogLevel Level, int Id, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Entries.Add((logLevel, eventId.Id, formatter(state, exception)));
    }

    [Fact]
    public async Task Resync_RecordsMetricsAndLogsCountsNotPayloads()
    {
        using var catalog = new PortCatalog(new InMemoryEntityStore());
        await catalog.RegisterBlueprintAsync(new Blueprint { Identifier = "thing" });
        var config = PortAppConfig.Parse("""
            resources:
              - kind: thing
                selector:
                  query: 'true'
                port:
                  entity:
                    mappings:
                      identifier: .id
                      blueprint: '"thing"'
            """);
        var logger = new ListLogger();
        using var engine = new ResyncEngine(catalog, new Items("""{ "id": "a", "secret": "s3cr3t" }""", """{ "id": "b" }""", """{ "id": 5 }"""), new JqSemanticMapper(config), config, logger);
        var measurements = new List<(string Outcome, long Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Port.Sdk" && instrument.Name == "port.sync.entities")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "port.outcome" && tags.ToArray().Any(t => t.Key == "port.integration" && (string?)t.Value == "telemetry-test"))
                {
                    measurements.Add(((string)tag.Value!, value));
                }
            }
        });
        listener.Start();

        await engine.ResyncAsync();

        Assert.Contains(("created", 2L), measurements);
        Assert.Contains(("failed", 1L), measurements);
        Assert.Contains(logger.Entries, e => e.Id == 2001 && e.Message.Contains("kind 'thing': 3 fetched, 2 created, 0 updated, 0 unchanged, 0 deleted, 1 failed", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Id == 2003 && e.Level == LogLevel.Warning);
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("s3cr3t", StringComparison.Ordinal));
    }
}
