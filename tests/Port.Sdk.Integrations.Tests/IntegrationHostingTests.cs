using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Port.Sdk.Integrations;

namespace Port.Sdk.Integrations.Tests;

/// <summary>A custom integration hosted with AddIntegration&lt;T&gt;(): scheduled resyncs, live events, drain at shutdown, options checked at start.</summary>
public sealed class IntegrationHostingTests : IDisposable
{
    private const string Mapping = """
        resources:
          - kind: ticket
            selector:
              query: 'true'
            port:
              entity:
                mappings:
                  identifier: .key
                  title: .summary
                  blueprint: '"ticket"'
                  properties:
                    status: .status
        """;

    private static readonly Blueprint Ticket = PortJson.ReadBlueprint("""
        { "identifier": "ticket", "title": "Ticket", "schema": { "properties": { "status": { "type": "string", "enum": ["open", "closed"] } } } }
        """);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    public void Dispose() => _timeout.Dispose();

    /// <summary>A ticket tracker: FetchAsync reads its current tickets; Publish queues a live change, as a webhook would.</summary>
    private sealed class TicketIntegration : IDrainableIntegration
    {
        private readonly Channel<IntegrationEvent> _events = Channel.CreateBounded<IntegrationEvent>(100);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TicketIntegration([ServiceKey] string name) => Identifier = $"tickets-{name}";

        public List<(string Key, string Summary, string Status)> Tickets { get; } = [];

        /// <summary>Gets or sets a value indicating whether events are held back until <see cref="CompleteEvents"/> (to show the drain at shutdown).</summary>
        public bool HoldEventsUntilShutdown { get; set; }

        public string Identifier { get; }

        public IReadOnlyList<string> Kinds { get; } = ["ticket"];

        public async IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            List<(string Key, string Summary, string Status)> snapshot;
            lock (Tickets)
            {
                snapshot = [.. Tickets];
            }

            yield return [.. snapshot.Select(t => Item(t.Key, t.Summary, t.Status))];
        }

        public async IAsyncEnumerable<IntegrationEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (HoldEventsUntilShutdown)
            {
                await _released.Task.WaitAsync(cancellationToken);
            }

            await foreach (var change in _events.Reader.ReadAllAsync(cancellationToken))
            {
                yield return change;
            }
        }

        public void CompleteEvents()
        {
            _events.Writer.TryComplete();
            _released.TrySetResult();
        }

        public void Publish(string key, string summary, string status, string delivery)
            => Assert.True(_events.Writer.TryWrite(new IntegrationEvent("ticket", Item(key, summary, status)) { DeliveryId = delivery }));

        private static JsonElement Item(string key, string summary, string status)
            => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["key"] = key, ["summary"] = summary, ["status"] = status });
    }

    private static HostApplicationBuilder Builder()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        return builder;
    }

    private async Task<Entity> EventuallyAsync(PortCatalog catalog, string identifier, Func<Entity, bool>? where = null)
    {
        // Polls until the entity is there (bounded by the test's timeout, which fails the test).
        while (true)
        {
            if (await catalog.GetEntityAsync("ticket", identifier, _timeout.Token) is { } entity && (where is null || where(entity)))
            {
                return entity;
            }

            await Task.Delay(10, _timeout.Token);
        }
    }

    [Fact]
    public async Task AddIntegration_CustomIntegration_ResyncsOnSchedule_AndAppliesLiveEvents()
    {
        var builder = Builder();
        builder.Services.AddPort().AddBlueprints(Ticket)
            .AddIntegration<TicketIntegration>("jira", o =>
            {
                o.Mapping = PortAppConfig.Parse(Mapping);
                o.ResyncInterval = TimeSpan.FromMilliseconds(50);
            });
        using var host = builder.Build();
        var tickets = host.Services.GetRequiredKeyedService<TicketIntegration>("jira");
        tickets.Tickets.Add(("T-1", "First", "open"));
        var registry = host.Services.GetRequiredService<IntegrationRegistry>();
        var resyncs = 0;
        registry.GetSchedule("jira").Completed += (_, _) => Interlocked.Increment(ref resyncs);
        await host.StartAsync(_timeout.Token);
        var catalog = host.Services.GetRequiredService<PortCatalog>();

        var first = await EventuallyAsync(catalog, "T-1");
        lock (tickets.Tickets)
        {
            tickets.Tickets.Add(("T-2", "Second", "open"));
        }

        var second = await EventuallyAsync(catalog, "T-2");

        // The tool changes a ticket and sends the change: the pump applies it (the schedule would too, later).
        var applied = new TaskCompletionSource<KindReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pump = registry.GetEventPump("jira");
        pump.EventHandled += (_, report) => applied.TrySetResult(report);
        lock (tickets.Tickets)
        {
            tickets.Tickets[0] = ("T-1", "First", "closed");
        }

        tickets.Publish("T-1", "First", "closed", "evt-1");
        var report = await applied.Task.WaitAsync(_timeout.Token);
        var closed = await EventuallyAsync(catalog, "T-1", e => e.Properties["status"].GetString() == "closed");
        await host.StopAsync(_timeout.Token);

        Assert.Equal(("First", "tickets-jira"), (first.Title, first.DataSource!.Integration));
        Assert.Equal("Second", second.Title);
        Assert.Equal(("ticket", 1, 0), (report.Kind, report.Mapped, report.Failures.Count));
        Assert.Equal("closed", closed.Properties["status"].GetString());
        Assert.True(Volatile.Read(ref resyncs) >= 2);
        Assert.Equal(TimeSpan.FromMilliseconds(50), registry.GetSchedule("jira").Interval);
        Assert.Equal((1L, 0L), (registry.GetEventPump("jira").Applied, registry.GetEventPump("jira").Failed));
        Assert.Same(tickets, registry.GetIntegration("jira"));
        Assert.Same(registry.GetEngine("jira"), host.Services.GetRequiredService<ResyncEngine>());
    }

    [Fact]
    public async Task HostStop_DrainsTheQueuedEvents_BeforeItReturns()
    {
        var builder = Builder();
        builder.Services.AddPort().AddBlueprints(Ticket)
            .AddIntegration<TicketIntegration>("jira", (_, name) => new TicketIntegration(name) { HoldEventsUntilShutdown = true }, o => o.Mapping = PortAppConfig.Parse(Mapping));
        using var host = builder.Build();
        await host.StartAsync(_timeout.Token);
        var tickets = host.Services.GetRequiredKeyedService<TicketIntegration>("jira");
        for (var i = 1; i <= 3; i++)
        {
            tickets.Publish($"T-{i}", $"Ticket {i}", "open", $"evt-{i}");
        }

        await host.StopAsync(_timeout.Token);

        var catalog = host.Services.GetRequiredService<PortCatalog>();
        Assert.Equal(3, await catalog.Store.CountAsync("ticket", _timeout.Token));
        Assert.Equal(3L, host.Services.GetRequiredService<IntegrationRegistry>().GetEventPump("jira").Applied);
    }

    [Fact]
    public async Task FailingEvent_IsReportedWithItsDeliveryId_AndTheNextOneIsApplied()
    {
        var builder = Builder();
        var logs = new List<string>();
        builder.Logging.AddProvider(new ListLoggerProvider(logs));
        builder.Services.AddPort().AddBlueprints(Ticket)
            .AddIntegration<TicketIntegration>("jira", o => o.Mapping = PortAppConfig.Parse(Mapping));
        using var host = builder.Build();
        await host.StartAsync(_timeout.Token);
        var tickets = host.Services.GetRequiredKeyedService<TicketIntegration>("jira");
        var pump = host.Services.GetRequiredService<IntegrationRegistry>().GetEventPump("jira");
        var handled = 0;
        var both = new TaskCompletionSource();
        pump.EventHandled += (_, _) =>
        {
            if (Interlocked.Increment(ref handled) == 2)
            {
                both.TrySetResult();
            }
        };

        tickets.Publish("T-1", "Bad status", "unknown", "evt-bad");
        tickets.Publish("T-2", "Good", "open", "evt-good");
        await both.Task.WaitAsync(_timeout.Token);
        await host.StopAsync(_timeout.Token);

        Assert.Equal((1L, 1L), (pump.Applied, pump.Failed));
        Assert.NotNull(await host.Services.GetRequiredService<PortCatalog>().GetEntityAsync("ticket", "T-2", _timeout.Token));
        lock (logs)
        {
            Assert.Contains(logs, l => l.StartsWith("Integration 'tickets-jira': the 'ticket' event of delivery 'evt-bad' was applied with a failure:", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void AddIntegration_SameNameTwice_IsRefused_AndEachNameHasItsOwnServices()
    {
        var services = new ServiceCollection();
        var port = services.AddPort().AddBlueprints(Ticket);
        port.AddIntegration<TicketIntegration>("jira", o => o.Mapping = PortAppConfig.Parse(Mapping));
        port.AddIntegration<TicketIntegration>("linear", o => o.Mapping = PortAppConfig.Parse(Mapping));

        var ex = Assert.Throws<ArgumentException>("name", () => port.AddIntegration<TicketIntegration>("jira"));
        using var provider = services.BuildServiceProvider(validateScopes: true);

        Assert.StartsWith("An integration named 'jira' is already registered", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["tickets-jira", "tickets-linear"], provider.GetServices<IIntegration>().Select(i => i.Identifier));
        Assert.NotSame(provider.GetRequiredKeyedService<ResyncEngine>("jira"), provider.GetRequiredKeyedService<ResyncEngine>("linear"));
        var unknown = Assert.Throws<ArgumentException>("name", () => provider.GetRequiredService<IntegrationRegistry>().GetEngine("github"));
        Assert.StartsWith("No integration is named 'github'; the integrations are 'jira', 'linear'.", unknown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zero", "IntegrationOptions of integration 'jira': The field ResyncInterval must be positive, was '00:00:00'.")]
    [InlineData("negative", "IntegrationOptions of integration 'jira': The field ResyncInterval must be positive, was '-00:00:01'.")]
    [InlineData("no-mapping", "IntegrationOptions of integration 'jira': The field Mapping or MappingFile is required: the integration has no mapping.")]
    public async Task HostStart_BadIntegrationOptions_FailsNamingTheOption(string bad, string expected)
    {
        var builder = Builder();
        builder.Services.AddPort().AddIntegration<TicketIntegration>("jira", o =>
        {
            o.Mapping = bad == "no-mapping" ? null : PortAppConfig.Parse(Mapping);
            o.ResyncInterval = bad switch { "zero" => TimeSpan.Zero, "negative" => TimeSpan.FromSeconds(-1), _ => null };
        });
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(_timeout.Token));

        Assert.Equal(expected, ex.Message);
    }

    private sealed class ListLoggerProvider(List<string> messages) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(messages);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (messages)
                {
                    messages.Add(formatter(state, exception));
                }
            }
        }
    }
}
