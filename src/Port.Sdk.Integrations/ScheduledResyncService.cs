using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Port.Sdk.Integrations;

/// <summary>
/// A hosted service that resyncs an integration now and then every <see cref="Interval"/>, one resync at a time,
/// until the host stops (a resync in progress is cancelled, and so deletes nothing). A resync that throws is logged
/// and the schedule goes on: a failing source never stops the host.
/// </summary>
public sealed class ScheduledResyncService : BackgroundService
{
    private readonly ResyncEngine _engine;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _integration;

    /// <summary>Initializes a new instance of the <see cref="ScheduledResyncService"/> class.</summary>
    /// <param name="engine">The engine of the integration.</param>
    /// <param name="interval">The time between the end of one resync and the start of the next.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="engine"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    public ScheduledResyncService(ResyncEngine engine, TimeSpan interval, TimeProvider? timeProvider = null)
        : this(engine, interval, timeProvider, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ScheduledResyncService"/> class.</summary>
    /// <param name="engine">The engine of the integration.</param>
    /// <param name="interval">The time between the end of one resync and the start of the next.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system clock.</param>
    /// <param name="logger">Where failed resyncs are logged; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="engine"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    public ScheduledResyncService(ResyncEngine engine, TimeSpan interval, TimeProvider? timeProvider, ILogger<ScheduledResyncService>? logger)
        : this(engine, (TimeSpan?)interval, string.Empty, timeProvider, logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
    }

    /// <summary>A schedule of a registered integration: idle when <paramref name="interval"/> is <see langword="null"/>.</summary>
    internal ScheduledResyncService(ResyncEngine engine, TimeSpan? interval, string integration, TimeProvider? timeProvider, ILogger<ScheduledResyncService>? logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        Interval = interval ?? Timeout.InfiniteTimeSpan;
        _integration = integration;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the time between the end of one resync and the start of the next; <see cref="Timeout.InfiniteTimeSpan"/> when the integration has no schedule.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Gets the report of the last resync that finished, if any.</summary>
    public ResyncReport? LastReport { get; private set; }

    /// <summary>Raised after each resync, with its report.</summary>
    public event EventHandler<ResyncReport>? Completed;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Interval == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                LastReport = await _engine.ResyncAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                Completed?.Invoke(this, LastReport);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.ScheduledResyncFailed(_logger, ex, _integration, Interval.TotalSeconds);
            }

            try
            {
                await Task.Delay(Interval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
