using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Port.Sdk.Integrations;

/// <summary>
/// A hosted service that reads an integration's live events (<see cref="IIntegration.WatchAsync"/>) and applies each
/// to the catalog with <see cref="ResyncEngine.ApplyEventAsync"/>, one at a time, in the order the integration gives
/// them (so the events of one entity are applied in order). While an event is applied no other is read, so an
/// integration with a bounded queue (GitHub's webhooks) pushes back on its sender when the catalog falls behind.
/// An event that fails is logged (with its delivery id) and counted, and the next one is applied; an event stream
/// that fails is watched again after a growing delay. When the host stops, an <see cref="IDrainableIntegration"/>
/// stops accepting events and the pump applies those already queued until the host's shutdown token fires; what is
/// left is logged with its delivery id.
/// </summary>
public sealed class IntegrationEventPump : IHostedService, IDisposable
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);
    private readonly IIntegration _integration;
    private readonly ResyncEngine _engine;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _watch = new();
    private readonly CancellationTokenSource _apply = new();
    private Task? _loop;
    private bool _disposed;
    private long _applied;
    private long _failed;
    private long _notApplied;

    /// <summary>Initializes a new instance of the <see cref="IntegrationEventPump"/> class.</summary>
    /// <param name="integration">The integration whose events are read.</param>
    /// <param name="engine">The engine that applies them (of the same integration).</param>
    /// <param name="logger">Where failures are logged; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock of the retry delays; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="integration"/> or <paramref name="engine"/> is <see langword="null"/>.</exception>
    public IntegrationEventPump(IIntegration integration, ResyncEngine engine, ILogger<IntegrationEventPump>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(integration);
        ArgumentNullException.ThrowIfNull(engine);
        _integration = integration;
        _engine = engine;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets how many events were applied without a failure.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Gets how many events were applied with a failure, or could not be applied.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Gets how many events the host stopped before they were applied.</summary>
    public long NotApplied => Interlocked.Read(ref _notApplied);

    /// <summary>Raised after each event was handled, with what it changed (its <see cref="KindReport.Failures"/> say what failed).</summary>
    public event EventHandler<KindReport>? EventHandled;

    /// <summary>Gets or sets a value indicating whether <see cref="StartAsync"/> starts reading (the runtime sets it from <see cref="IntegrationOptions.LiveEvents"/>).</summary>
    internal bool Enabled { get; set; } = true;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled && _loop is null)
        {
            _loop = Task.Run(RunAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Waits until the queued events are applied (a drainable integration) or until <paramref name="cancellationToken"/> fires.</remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            return;
        }

        if (_integration is IDrainableIntegration drainable)
        {
            drainable.CompleteEvents();
        }
        else
        {
            await _watch.CancelAsync().ConfigureAwait(false);
        }

        using var abort = cancellationToken.Register(() =>
        {
            _watch.Cancel();
            _apply.Cancel();
        });
        await _loop.ConfigureAwait(false);
        Log.EventsStopped(_logger, _integration.Identifier, Applied, Failed, NotApplied);
    }

    /// <summary>Cancels the pump's work.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _watch.Cancel();
        _apply.Cancel();
        _watch.Dispose();
        _apply.Dispose();
    }

    private async Task RunAsync()
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!_watch.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in _integration.WatchAsync(_watch.Token).ConfigureAwait(false))
                {
                    if (!await ApplyAsync(change).ConfigureAwait(false))
                    {
                        return;
                    }

                    delay = TimeSpan.FromSeconds(1);
                }

                // The stream ended: a drainable integration was completed, or an integration without events.
                return;
            }
            catch (OperationCanceledException) when (_watch.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.WatchFailed(_logger, ex, _integration.Identifier, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, _time, _watch.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = delay * 2 > MaxRetryDelay ? MaxRetryDelay : delay * 2;
            }
        }
    }

    /// <summary>Applies one event; false when the host stopped before it was applied.</summary>
    private async Task<bool> ApplyAsync(IntegrationEvent change)
    {
        var delivery = change.DeliveryId ?? "none";
        try
        {
            var report = await _engine.ApplyEventAsync(change, _apply.Token).ConfigureAwait(false);
            if (report.Failures.Count == 0)
            {
                Interlocked.Increment(ref _applied);
                HostingDiagnostics.Record(_integration.Identifier, change.Kind, "applied");
                Log.EventApplied(_logger, _integration.Identifier, change.Kind, delivery, report.Created, report.Updated, report.Deleted);
            }
            else
            {
                Interlocked.Increment(ref _failed);
                HostingDiagnostics.Record(_integration.Identifier, change.Kind, "failed");
                foreach (var failure in report.Failures)
                {
                    Log.EventFailed(_logger, _integration.Identifier, change.Kind, delivery, failure.ToString());
                }
            }

            EventHandled?.Invoke(this, report);
            return true;
        }
        catch (OperationCanceledException) when (_apply.IsCancellationRequested)
        {
            Interlocked.Increment(ref _notApplied);
            HostingDiagnostics.Record(_integration.Identifier, change.Kind, "not_applied");
            Log.EventNotApplied(_logger, _integration.Identifier, change.Kind, delivery);
            return false;
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _failed);
            HostingDiagnostics.Record(_integration.Identifier, change.Kind, "failed");
            Log.EventError(_logger, ex, _integration.Identifier, change.Kind, delivery);
            EventHandled?.Invoke(this, new KindReport { Kind = change.Kind, Fetched = 1, Failures = [new ResyncFailure { Kind = change.Kind, Stage = ResyncFailureStage.Source, Message = $"{ex.GetType().Name}: {ex.Message}" }] });
            return true;
        }
    }
}
