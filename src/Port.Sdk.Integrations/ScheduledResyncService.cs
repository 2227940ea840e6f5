using Microsoft.Extensions.Hosting;

namespace Port.Sdk.Integrations;

/// <summary>
/// A hosted service that resyncs an integration now and then every <see cref="Interval"/>, one resync at a time,
/// until the host stops (a resync in progress is cancelled, and so deletes nothing).
/// </summary>
public sealed class ScheduledResyncService : BackgroundService
{
    private readonly ResyncEngine _engine;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="ScheduledResyncService"/> class.</summary>
    /// <param name="engine">The engine of the integration.</param>
    /// <param name="interval">The time between the end of one resync and the start of the next.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="engine"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    public ScheduledResyncService(ResyncEngine engine, TimeSpan interval, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _engine = engine;
        Interval = interval;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the time between the end of one resync and the start of the next.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Gets the report of the last resync that finished, if any.</summary>
    public ResyncReport? LastReport { get; private set; }

    /// <summary>Raised after each resync, with its report.</summary>
    public event EventHandler<ResyncReport>? Completed;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                LastReport = await _engine.ResyncAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                Completed?.Invoke(this, LastReport);
                await Task.Delay(Interval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
