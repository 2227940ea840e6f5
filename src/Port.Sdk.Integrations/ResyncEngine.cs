using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Port.Sdk.Integrations;

/// <summary>
/// Runs full resyncs of an integration into the catalog: fetch every kind page by page, map, write what changed in
/// batches, then delete the entities this integration wrote before and did not see again — only after every kind was
/// fetched to the end, never more than <see cref="PortAppConfig.EntityDeletionThreshold"/> of the integration's or of a
/// kind's entities, and nothing of a kind whose mapping failures make it unsafe. An item whose mapping fails is that
/// item's failure: the entities it maps to count as seen, so what they wrote before stays. A resync that fails at the
/// source or is cancelled deletes nothing. Resyncs and live events of one engine never overlap.
/// </summary>
public sealed class ResyncEngine : IDisposable
{
    private const int BatchSize = 500;
    private readonly PortCatalog _catalog;
    private readonly IIntegration _integration;
    private readonly ISemanticMapper _mapper;
    private readonly PortAppConfig? _config;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _logger;
    private readonly StaleEntitySweeper _sweeper;
    private int _mappingParallelism = Environment.ProcessorCount;

    /// <summary>Initializes a new instance of the <see cref="ResyncEngine"/> class.</summary>
    /// <param name="catalog">The catalog to write into.</param>
    /// <param name="integration">The source of raw items.</param>
    /// <param name="mapper">Maps raw items to entities.</param>
    /// <param name="config">The mapping configuration, for its write and deletion settings; <see langword="null"/> for Ocean's defaults.</param>
    /// <param name="logger">Where runs are logged (counts and failures, never item payloads); <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public ResyncEngine(PortCatalog catalog, IIntegration integration, ISemanticMapper mapper, PortAppConfig? config = null, ILogger<ResyncEngine>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(integration);
        ArgumentNullException.ThrowIfNull(mapper);
        _catalog = catalog;
        _integration = integration;
        _mapper = mapper;
        _config = config ?? (mapper as JqSemanticMapper)?.Config;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _sweeper = new StaleEntitySweeper(catalog, integration.Identifier, _config);
    }

    /// <summary>
    /// Gets or sets how many threads map the items of a page at once. The mapper must then be safe for concurrent use,
    /// as <see cref="JqSemanticMapper"/> and <see cref="CodeSemanticMapper"/> are (the latter when its delegates are).
    /// Set it to 1 to map on the resync's own thread.
    /// </summary>
    /// <value>The default value is <see cref="Environment.ProcessorCount"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MappingParallelism
    {
        get => _mappingParallelism;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _mappingParallelism = value;
        }
    }

    /// <summary>Runs one full resync.</summary>
    /// <param name="progress">Receives the report of each kind as it finishes.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; a cancelled resync deletes nothing.</param>
    /// <returns>The report.</returns>
    /// <exception cref="OperationCanceledException">The resync was cancelled; what was written stays, nothing was deleted.</exception>
    public async Task<ResyncReport> ResyncAsync(IProgress<KindReport>? progress = null, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        using var activity = PortDiagnostics.ActivitySource.StartActivity("port.resync");
        activity?.SetTag("port.integration", _integration.Identifier);
        IAsyncDisposable? resyncLock = null;
        try
        {
            // A store shared by several instances lets one resync of an integration run at a time across all of them.
            if (_catalog.Store is IResyncLock locks)
            {
                resyncLock = await locks.AcquireResyncLockAsync(_integration.Identifier, cancellationToken).ConfigureAwait(false);
                if (resyncLock is null)
                {
                    var reason = $"another instance is resyncing '{_integration.Identifier}' (it holds the store's resync lock); this resync was skipped";
                    Log.DeletionSkipped(_logger, _integration.Identifier, reason);
                    return new ResyncReport { Integration = _integration.Identifier, Kinds = [], Completed = false, Skipped = true, DeletionSkippedReason = reason };
                }
            }

            Log.ResyncStarted(_logger, _integration.Identifier, string.Join(", ", _integration.Kinds));
            var reports = new List<KindReport>();
            var sightings = new Dictionary<string, KindSighting>(StringComparer.Ordinal);
            var completed = true;
            foreach (var kind in _integration.Kinds)
            {
                var (report, sighting, finished) = await SyncKindAsync(kind, null, cancellationToken).ConfigureAwait(false);
                reports.Add(report);
                sightings[kind] = sighting;
                completed &= finished;
                progress?.Report(report);
            }

            if (!completed)
            {
                Finish(reports, activity);
                Log.DeletionSkipped(_logger, _integration.Identifier, IncompleteReason);
                return new ResyncReport { Integration = _integration.Identifier, Kinds = reports, Completed = false, DeletionSkippedReason = IncompleteReason };
            }

            var sweep = await _sweeper.FindAsync(sightings, cancellationToken).ConfigureAwait(false);
            var (deleted, refused) = await _sweeper.DeleteAsync(sweep, cancellationToken).ConfigureAwait(false);
            var final = reports.Select(r => r with
            {
                Deleted = deleted.GetValueOrDefault(r.Kind),
                DeletionSkippedReason = sweep.KindReasons.GetValueOrDefault(r.Kind),
                Failures = [.. r.Failures, .. refused.GetValueOrDefault(r.Kind) ?? []],
            }).ToList();
            Finish(final, activity);
            foreach (var reason in sweep.KindReasons.Values.Prepend(sweep.Reason).OfType<string>())
            {
                Log.DeletionSkipped(_logger, _integration.Identifier, reason);
            }

            return new ResyncReport { Integration = _integration.Identifier, Kinds = final, Completed = true, DeletionSkippedReason = sweep.Reason };
        }
        finally
        {
            if (resyncLock is not null)
            {
                await resyncLock.DisposeAsync().ConfigureAwait(false);
            }

            _gate.Release();
        }
    }

    /// <summary>
    /// Works out what a full resync would do — fetch, select, map, merge, validate and compare every kind — and writes
    /// nothing: the entities it would create and update, and the stale ones it would delete (or why it would not).
    /// Waits for a resync or event under way, like one.
    /// </summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The plan.</returns>
    public async Task<ResyncPlan> PlanAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var plans = new List<KindPlan>();
            var sightings = new Dictionary<string, KindSighting>(StringComparer.Ordinal);
            var completed = true;
            foreach (var kind in _integration.Kinds)
            {
                var plan = new KindPlan { Kind = kind };
                var (report, sighting, finished) = await SyncKindAsync(kind, plan, cancellationToken).ConfigureAwait(false);
                plans.Add(plan with { Report = report });
                sightings[kind] = sighting;
                completed &= finished;
            }

            if (!completed)
            {
                return new ResyncPlan { Integration = _integration.Identifier, Kinds = plans, Completed = false, DeletionSkippedReason = IncompleteReason };
            }

            var sweep = await _sweeper.FindAsync(sightings, cancellationToken).ConfigureAwait(false);
            var final = plans.Select(plan =>
            {
                plan.Delete.AddRange(sweep.Deletable.GetValueOrDefault(plan.Kind) ?? []);
                return plan with { Report = plan.Report with { DeletionSkippedReason = sweep.KindReasons.GetValueOrDefault(plan.Kind) } };
            }).ToList();
            return new ResyncPlan { Integration = _integration.Identifier, Kinds = final, Completed = true, DeletionSkippedReason = sweep.Reason };
        }
        finally
        {
            _gate.Release();
        }
    }

    private const string IncompleteReason = "a kind failed at its source before its last page; nothing is deleted after an incomplete resync";

    private bool DeletionDisabled(string kind)
        => _config is { } config && config.Resources.Any(r => r.Kind == kind && !r.EnableDelete);

    private async Task<(KindReport Report, KindSighting Sighting, bool Finished)> SyncKindAsync(string kind, KindPlan? plan, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var sighting = new KindSighting { DeletionDisabled = DeletionDisabled(kind) };
        var failures = new List<ResyncFailure>();
        var writer = new KindWriter(_catalog, kind, _config);
        int fetched = 0, selected = 0, mapped = 0, created = 0, updated = 0, unchanged = 0;
        var pending = new List<PendingEntity>();
        var finished = true;
        var context = new MappingContext(_integration.Identifier);
        try
        {
            await foreach (var page in PrefetchAsync(kind, cancellationToken).ConfigureAwait(false))
            {
                foreach (var mappedItem in MapPage(kind, page, context, cancellationToken))
                {
                    var itemIndex = fetched++;
                    var result = await ResolveQueriesAsync(mappedItem, cancellationToken).ConfigureAwait(false);
                    selected += result.Selected ? 1 : 0;
                    mapped += result.Entities.Count;
                    Collect(result, itemIndex, sighting, failures, pending);
                }

                if (pending.Count >= BatchSize)
                {
                    var (c, u, n) = await writer.WriteAsync(pending, failures, plan, cancellationToken).ConfigureAwait(false);
                    (created, updated, unchanged) = (created + c, updated + u, unchanged + n);
                    pending.Clear();
                }
            }

            var (c2, u2, n2) = await writer.WriteAsync(pending, failures, plan, cancellationToken).ConfigureAwait(false);
            (created, updated, unchanged) = (created + c2, updated + u2, unchanged + n2);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A source failing mid-stream: what was written stays; the kind is incomplete, so nothing will be deleted.
            failures.Add(new ResyncFailure { Kind = kind, Stage = ResyncFailureStage.Source, Message = $"fetching failed after {fetched} items: {ex.GetType().Name}: {ex.Message}" });
            finished = false;
        }

        sighting.Fetched = fetched;
        var report = new KindReport
        {
            Kind = kind,
            Fetched = fetched,
            Selected = selected,
            Mapped = mapped,
            FailedItems = sighting.FailedItems,
            Created = created,
            Updated = updated,
            Unchanged = unchanged,
            Failures = failures,
            Duration = clock.Elapsed,
        };
        return (report, sighting, finished);
    }

    /// <summary>
    /// Takes in one item's result: its entities wait to be written; they, and the entities of its failures, count as
    /// seen; a failure without a known entity makes the kind's stale entities undeletable this time.
    /// </summary>
    private static void Collect(MappingResult result, int itemIndex, KindSighting sighting, List<ResyncFailure> failures, List<PendingEntity> pending)
    {
        if (result.Failures.Count > 0 || result.Unidentified > 0)
        {
            sighting.FailedItems++;
        }

        sighting.Unidentified += result.Unidentified;
        foreach (var failure in result.Failures)
        {
            failures.Add(ResyncFailure.FromMapping(failure, itemIndex));
            if (failure.Entity is { } key)
            {
                sighting.See(key);
            }
        }

        foreach (var key in result.Retained)
        {
            sighting.See(key);
        }

        for (var i = 0; i < result.Entities.Count; i++)
        {
            var entity = result.Entities[i];
            var key = new EntityKey(entity.Blueprint, entity.Identifier);
            sighting.See(key);
            IReadOnlyList<string> failed = result.Failures.Count == 0
                ? []
                : [.. result.Failures.Where(f => f.Member is not null && f.Entity == key).Select(f => f.Member!)];
            pending.Add(new PendingEntity(entity, failed));
        }
    }

    /// <summary>Maps a page's items, on up to <see cref="MappingParallelism"/> threads (mapping is CPU-bound), in page order.</summary>
    private MappingResult[] MapPage(string kind, IReadOnlyList<JsonElement> page, MappingContext context, CancellationToken cancellationToken)
    {
        var results = new MappingResult[page.Count];
        void MapOne(int i) => results[i] = _mapper.Map(kind, page[i], context);

        if (MappingParallelism <= 1 || page.Count < 16)
        {
            for (var i = 0; i < page.Count; i++)
            {
                MapOne(i);
            }

            return results;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = MappingParallelism, CancellationToken = cancellationToken };
        Parallel.For(0, page.Count, options, MapOne);
        return results;
    }

    /// <summary>
    /// The integration's pages of a kind, fetched one page ahead on another task, so fetching (an HTTP round trip,
    /// parsing) overlaps mapping and writing. A fetch failure surfaces after the pages before it, in order.
    /// </summary>
    private async IAsyncEnumerable<IReadOnlyList<JsonElement>> PrefetchAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = Channel.CreateBounded<IReadOnlyList<JsonElement>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var page in _integration.FetchAsync(kind, stop.Token).ConfigureAwait(false))
                    {
                        await pages.Writer.WriteAsync(page, stop.Token).ConfigureAwait(false);
                    }

                    pages.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    pages.Writer.TryComplete(ex);
                }
            },
            CancellationToken.None);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await pages.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (ChannelClosedException closed) when (closed.InnerException is { } inner)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
                    throw;
                }

                if (!more)
                {
                    break;
                }

                while (pages.Reader.TryRead(out var page))
                {
                    yield return page;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Applies a live event: upserts the entities the item maps to, and deletes those it mapped to before but no
    /// longer does (its selector no longer passes), or all of them for a delete event. Never interleaves with a resync.
    /// An item that fails mapping deletes nothing.
    /// </summary>
    /// <param name="change">The event.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>What the event changed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="change"/> is <see langword="null"/>.</exception>
    public async Task<KindReport> ApplyEventAsync(IntegrationEvent change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var clock = Stopwatch.StartNew();
            var context = new MappingContext(_integration.Identifier);
            var failures = new List<ResyncFailure>();
            var sighting = new KindSighting();
            var pending = new List<PendingEntity>();
            var result = change.Deleted ? MappingResult.Empty : await ResolveQueriesAsync(_mapper.Map(change.Kind, change.Item, context), cancellationToken).ConfigureAwait(false);
            Collect(result, 0, sighting, failures, pending);
            var (created, updated, unchanged) = await new KindWriter(_catalog, change.Kind, _config).WriteAsync(pending, failures, null, cancellationToken).ConfigureAwait(false);
            var deleted = 0;
            if (result.Failures.Count == 0 && result.Unidentified == 0)
            {
                var everything = _mapper is JqSemanticMapper jq ? jq.MapIgnoringSelector(change.Kind, change.Item, context).Entities : result.Entities;
                var keep = result.Entities.Select(e => new EntityKey(e.Blueprint, e.Identifier)).ToHashSet();
                foreach (var gone in everything.Select(e => new EntityKey(e.Blueprint, e.Identifier)).Where(k => !keep.Contains(k)).Distinct())
                {
                    var stored = await _catalog.Store.GetEntityAsync(gone.Blueprint, gone.Identifier, cancellationToken).ConfigureAwait(false);
                    if (stored?.DataSource?.Integration != _integration.Identifier)
                    {
                        continue;
                    }

                    try
                    {
                        deleted += await _catalog.DeleteEntityAsync(gone.Blueprint, gone.Identifier, _config?.DeleteDependentEntities ?? false, cancellationToken).ConfigureAwait(false) ? 1 : 0;
                    }
                    catch (CatalogValidationException ex)
                    {
                        failures.AddRange(ex.Errors.Select(e => ResyncFailure.FromCatalog(change.Kind, e, ResyncFailureStage.Deletion)));
                    }
                }
            }

            var eventReport = new KindReport
            {
                Kind = change.Kind,
                Fetched = 1,
                Selected = result.Selected ? 1 : 0,
                Mapped = result.Entities.Count,
                FailedItems = sighting.FailedItems,
                Created = created,
                Updated = updated,
                Unchanged = unchanged,
                Deleted = deleted,
                Failures = failures,
                Duration = clock.Elapsed,
            };
            PortDiagnostics.Record(_integration.Identifier, eventReport);
            return eventReport;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sets the relations (and teams) a mapping gave as search queries to the identifiers the catalog finds for them.</summary>
    private async Task<MappingResult> ResolveQueriesAsync(MappingResult result, CancellationToken cancellationToken)
    {
        if (result.RelationQueries.Count == 0)
        {
            return result;
        }

        var entities = result.Entities.ToDictionary(e => new EntityKey(e.Blueprint, e.Identifier));
        foreach (var query in result.RelationQueries)
        {
            if (!entities.TryGetValue(query.Entity, out var entity))
            {
                continue;
            }

            var targets = new List<string>();
            var blueprints = await _catalog.GetBlueprintAsync(entity.Blueprint, cancellationToken).ConfigureAwait(false);
            var target = query.Relation == "$team" ? null : blueprints?.Relations.GetValueOrDefault(query.Relation)?.Target;
            await foreach (var found in _catalog.SearchAsync(query.Query, target, cancellationToken).ConfigureAwait(false))
            {
                targets.Add(found.Identifier);
            }

            entities[query.Entity] = query.Relation == "$team"
                ? entity with { Team = targets }
                : entity with
                {
                    Relations = new Dictionary<string, EntityRelation>(entity.Relations)
                    {
                        [query.Relation] = blueprints?.Relations.GetValueOrDefault(query.Relation)?.Many == true
                            ? EntityRelation.ToMany([.. targets])
                            : targets.Count > 0 ? EntityRelation.To(targets[0]) : EntityRelation.None,
                    },
                };
        }

        return result with { Entities = [.. result.Entities.Select(e => entities[new EntityKey(e.Blueprint, e.Identifier)])] };
    }

    private void Finish(IEnumerable<KindReport> reports, Activity? activity)
    {
        foreach (var report in reports)
        {
            PortDiagnostics.Record(_integration.Identifier, report);
            Log.KindSynced(_logger, _integration.Identifier, report.Kind, report.Fetched, report.Created, report.Updated, report.Unchanged, report.Deleted, report.Failures.Count, report.Duration.TotalSeconds);
            foreach (var failure in report.Failures.Take(20))
            {
                Log.ItemFailed(_logger, _integration.Identifier, failure.ToString());
            }
        }

        activity?.SetTag("port.entities.written", reports.Sum(r => r.Created + r.Updated));
    }

    /// <summary>Releases the engine's lock.</summary>
    public void Dispose() => _gate.Dispose();
}
