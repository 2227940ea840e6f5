using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Port.Sdk.Integrations;

/// <summary>What happened to one kind during a resync.</summary>
public sealed record KindReport
{
    /// <summary>Gets the kind.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets how many raw items were fetched.</summary>
    public int Fetched { get; init; }

    /// <summary>Gets how many of the fetched items passed the kind's selector.</summary>
    public int Selected { get; init; }

    /// <summary>Gets how many entities the items mapped to.</summary>
    public int Mapped { get; init; }

    /// <summary>Gets how many entities were created.</summary>
    public int Created { get; init; }

    /// <summary>Gets how many entities changed and were rewritten.</summary>
    public int Updated { get; init; }

    /// <summary>Gets how many entities were already up to date and were not rewritten.</summary>
    public int Unchanged { get; init; }

    /// <summary>Gets how many stale entities were deleted.</summary>
    public int Deleted { get; init; }

    /// <summary>Gets the items or entities that failed, with why; the others went on.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>Gets how long the kind took to fetch, map and write.</summary>
    public TimeSpan Duration { get; init; }
}

/// <summary>The report of a resync: per kind, and whether (and why not) stale entities were deleted.</summary>
public sealed record ResyncReport
{
    /// <summary>Gets the integration.</summary>
    public required string Integration { get; init; }

    /// <summary>Gets the report of each kind.</summary>
    public required IReadOnlyList<KindReport> Kinds { get; init; }

    /// <summary>Gets a value indicating whether every kind was fetched to the end without error.</summary>
    public bool Completed { get; init; }

    /// <summary>Gets why stale entities were not deleted, when they were not.</summary>
    public string? DeletionSkippedReason { get; init; }
}

/// <summary>What a resync would do to one kind: <see cref="ResyncEngine.PlanAsync"/>'s answer.</summary>
public sealed record KindPlan
{
    /// <summary>Gets the kind.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets the counts (fetched, selected, mapped, would create, would update, unchanged) and the failures.</summary>
    public KindReport Report { get; init; } = null!;

    /// <summary>Gets the entities that would be created.</summary>
    public List<EntityKey> Create { get; init; } = [];

    /// <summary>Gets the entities that would be rewritten because they changed.</summary>
    public List<EntityKey> Update { get; init; } = [];

    /// <summary>Gets the stale entities that would be deleted.</summary>
    public List<EntityKey> Delete { get; init; } = [];
}

/// <summary>What a resync would do, without doing it.</summary>
public sealed record ResyncPlan
{
    /// <summary>Gets the integration.</summary>
    public required string Integration { get; init; }

    /// <summary>Gets the plan of each kind.</summary>
    public required IReadOnlyList<KindPlan> Kinds { get; init; }

    /// <summary>Gets a value indicating whether every kind was fetched to the end without error.</summary>
    public bool Completed { get; init; }

    /// <summary>Gets why stale entities would not be deleted, when they would not.</summary>
    public string? DeletionSkippedReason { get; init; }
}

/// <summary>
/// Runs full resyncs of an integration into the catalog: fetch every kind page by page, map, write what changed in
/// batches, then delete the entities this integration wrote before and did not see again — only after every kind
/// finished without error, and never more than <see cref="PortAppConfig.EntityDeletionThreshold"/> of them.
/// A resync that fails or is cancelled deletes nothing. Resyncs of one engine never overlap.
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

    /// <summary>Initializes a new instance of the <see cref="ResyncEngine"/> class.</summary>
    /// <param name="catalog">The catalog to write into.</param>
    /// <param name="integration">The source of raw items.</param>
    /// <param name="mapper">Maps raw items to entities.</param>
    /// <param name="config">The mapping configuration, for its deletion settings; <see langword="null"/> for the defaults.</param>
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
        _config = config;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
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

    private int _mappingParallelism = Environment.ProcessorCount;

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
        try
        {
            Log.ResyncStarted(_logger, _integration.Identifier, string.Join(", ", _integration.Kinds));
            var reports = new List<KindReport>();
            var seen = new Dictionary<string, HashSet<ulong>>(StringComparer.Ordinal);
            var completed = true;
            foreach (var kind in _integration.Kinds)
            {
                var (report, keys, finished) = await SyncKindAsync(kind, null, cancellationToken).ConfigureAwait(false);
                reports.Add(report);
                seen[kind] = keys;
                completed &= finished;
                progress?.Report(report);
            }

            if (!completed)
            {
                Finish(reports, activity);
                Log.DeletionSkipped(_logger, _integration.Identifier, "a kind failed before its last page");
                return new ResyncReport { Integration = _integration.Identifier, Kinds = reports, Completed = false, DeletionSkippedReason = "a kind failed before its last page; nothing is deleted after an incomplete resync" };
            }

            var (deleted, refused, reason) = await DeleteStaleAsync(seen, cancellationToken).ConfigureAwait(false);
            var final = reports.Select(r => r with
            {
                Deleted = deleted.GetValueOrDefault(r.Kind),
                Failures = [.. r.Failures, .. refused.GetValueOrDefault(r.Kind) ?? []],
            }).ToList();
            Finish(final, activity);
            if (reason is not null)
            {
                Log.DeletionSkipped(_logger, _integration.Identifier, reason);
            }

            return new ResyncReport { Integration = _integration.Identifier, Kinds = final, Completed = true, DeletionSkippedReason = reason };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Works out what a full resync would do — fetch, select, map, validate and compare every kind — and writes
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
            var seen = new Dictionary<string, HashSet<ulong>>(StringComparer.Ordinal);
            var completed = true;
            foreach (var kind in _integration.Kinds)
            {
                var plan = new KindPlan { Kind = kind };
                var (report, keys, finished) = await SyncKindAsync(kind, plan, cancellationToken).ConfigureAwait(false);
                plans.Add(plan with { Report = report });
                seen[kind] = keys;
                completed &= finished;
            }

            if (!completed)
            {
                return new ResyncPlan { Integration = _integration.Identifier, Kinds = plans, Completed = false, DeletionSkippedReason = "a kind failed before its last page; nothing would be deleted after an incomplete resync" };
            }

            var (stale, owned) = await FindStaleAsync(seen, cancellationToken).ConfigureAwait(false);
            var reason = RefusalReason(stale.Count, owned);
            if (reason is null)
            {
                foreach (var plan in plans)
                {
                    plan.Delete.AddRange(stale.Where(s => s.Kind == plan.Kind).Select(s => s.Key));
                }
            }

            return new ResyncPlan { Integration = _integration.Identifier, Kinds = plans, Completed = true, DeletionSkippedReason = reason };
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(KindReport Report, HashSet<ulong> Seen, bool Finished)> SyncKindAsync(string kind, KindPlan? plan, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var seen = new HashSet<ulong>();
        var failures = new List<string>();
        int fetched = 0, selected = 0, mapped = 0, created = 0, updated = 0, unchanged = 0;
        var pending = new List<(Entity Entity, string? Hash)>();
        var finished = true;
        var context = new MappingContext(_integration.Identifier);
        try
        {
            await foreach (var page in PrefetchAsync(kind, cancellationToken).ConfigureAwait(false))
            {
                foreach (var (mappedItem, hashes) in MapPage(kind, page, context, cancellationToken))
                {
                    fetched++;
                    var result = await ResolveQueriesAsync(mappedItem, cancellationToken).ConfigureAwait(false);
                    selected += result.Selected ? 1 : 0;
                    foreach (var failure in result.Failures)
                    {
                        failures.Add(failure.ToString());
                    }

                    for (var i = 0; i < result.Entities.Count; i++)
                    {
                        var entity = result.Entities[i];
                        mapped++;
                        seen.Add(Fingerprint(entity.Blueprint, entity.Identifier));
                        pending.Add((entity, ReferenceEquals(result, mappedItem) ? hashes?[i] : null));
                    }
                }

                if (pending.Count >= BatchSize)
                {
                    var (c, u, n) = await WriteAsync(pending, failures, plan, cancellationToken).ConfigureAwait(false);
                    (created, updated, unchanged) = (created + c, updated + u, unchanged + n);
                    pending.Clear();
                }
            }

            var (c2, u2, n2) = await WriteAsync(pending, failures, plan, cancellationToken).ConfigureAwait(false);
            (created, updated, unchanged) = (created + c2, updated + u2, unchanged + n2);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A source failing mid-stream: what was written stays; the kind is incomplete, so nothing will be deleted.
            failures.Add($"{kind}: fetching failed after {fetched} items: {ex.GetType().Name}: {ex.Message}");
            finished = false;
        }

        var report = new KindReport { Kind = kind, Fetched = fetched, Selected = selected, Mapped = mapped, Created = created, Updated = updated, Unchanged = unchanged, Failures = failures, Duration = clock.Elapsed };
        return (report, seen, finished);
    }

    /// <summary>
    /// Maps a page's items, on up to <see cref="MappingParallelism"/> threads (mapping is CPU-bound), in page order,
    /// with the content hash of each entity whose relations need no catalog lookup (hashing is CPU-bound too).
    /// </summary>
    private (MappingResult Result, string[]? Hashes)[] MapPage(string kind, IReadOnlyList<JsonElement> page, MappingContext context, CancellationToken cancellationToken)
    {
        var results = new (MappingResult, string[]?)[page.Count];
        void MapOne(int i)
        {
            var result = _mapper.Map(kind, page[i], context);
            results[i] = (result, result.RelationQueries.Count == 0 ? [.. result.Entities.Select(EntityContentHash.Compute)] : null);
        }

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

    /// <summary>Writes the entities that changed, in one batch; when the batch is rejected, entity by entity, so one bad entity does not hold back the rest.</summary>
    private async Task<(int Created, int Updated, int Unchanged)> WriteAsync(List<(Entity Entity, string? Hash)> entities, List<string> failures, KindPlan? plan, CancellationToken cancellationToken)
    {
        if (entities.Count == 0)
        {
            return (0, 0, 0);
        }

        var stored = await _catalog.Store.GetStampsAsync(entities.Select(e => new EntityKey(e.Entity.Blueprint, e.Entity.Identifier)), cancellationToken).ConfigureAwait(false);
        var changed = new List<Entity>();
        var isNew = new HashSet<EntityKey>();
        var unchanged = 0;
        foreach (var (entity, precomputed) in entities)
        {
            var key = new EntityKey(entity.Blueprint, entity.Identifier);
            if (!stored.TryGetValue(key, out var existing))
            {
                isNew.Add(key);
                changed.Add(entity);
            }
            else if (existing.ContentHash is { } hash && hash == (precomputed ?? EntityContentHash.Compute(entity)))
            {
                unchanged++;
            }
            else
            {
                changed.Add(entity);
            }
        }

        var options = new EntityWriteOptions { CreateMissingRelatedEntities = _config?.CreateMissingRelatedEntities ?? true };
        if (plan is not null)
        {
            var errors = await _catalog.ValidateEntitiesAsync(changed, options, cancellationToken).ConfigureAwait(false);
            failures.AddRange(errors.Select(e => e.ToString()));
            var invalid = errors.Where(e => e.Entity is not null).Select(e => new EntityKey(e.Blueprint, e.Entity!)).ToHashSet();
            var (creates, updates) = (plan.Create.Count, plan.Update.Count);
            foreach (var entity in changed)
            {
                var key = new EntityKey(entity.Blueprint, entity.Identifier);
                if (!invalid.Contains(key))
                {
                    (isNew.Contains(key) ? plan.Create : plan.Update).Add(key);
                }
            }

            return (plan.Create.Count - creates, plan.Update.Count - updates, unchanged);
        }

        try
        {
            await _catalog.UpsertEntitiesAsync(changed, options, cancellationToken).ConfigureAwait(false);
            return (isNew.Count, changed.Count - isNew.Count, unchanged);
        }
        catch (CatalogValidationException)
        {
            var written = 0;
            var writtenNew = 0;
            foreach (var entity in changed)
            {
                try
                {
                    await _catalog.UpsertEntityAsync(entity, options, cancellationToken).ConfigureAwait(false);
                    written++;
                    writtenNew += isNew.Contains(new EntityKey(entity.Blueprint, entity.Identifier)) ? 1 : 0;
                }
                catch (CatalogValidationException ex)
                {
                    failures.AddRange(ex.Errors.Select(e => e.ToString()));
                }
            }

            return (writtenNew, written - writtenNew, unchanged);
        }
    }

    /// <summary>
    /// Applies a live event: upserts the entities the item maps to, and deletes those it mapped to before but no
    /// longer does (its selector no longer passes), or all of them for a delete event. Never interleaves with a resync.
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
            var failures = new List<string>();
            var result = change.Deleted ? MappingResult.Empty : await ResolveQueriesAsync(_mapper.Map(change.Kind, change.Item, context), cancellationToken).ConfigureAwait(false);
            failures.AddRange(result.Failures.Select(f => f.ToString()));
            var everything = _mapper is JqSemanticMapper jq ? jq.MapIgnoringSelector(change.Kind, change.Item, context).Entities : result.Entities;
            var keep = result.Entities.Select(e => new EntityKey(e.Blueprint, e.Identifier)).ToHashSet();
            var (created, updated, unchanged) = await WriteAsync([.. result.Entities.Select(e => (e, (string?)null))], failures, null, cancellationToken).ConfigureAwait(false);
            var deleted = 0;
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
                    failures.AddRange(ex.Errors.Select(e => e.ToString()));
                }
            }

            var eventReport = new KindReport
            {
                Kind = change.Kind,
                Fetched = 1,
                Mapped = result.Entities.Count,
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

    /// <summary>
    /// A 64-bit FNV-1a fingerprint of an entity's key: a resync remembers what it saw in 8 bytes per entity instead of
    /// the two strings. Two keys sharing a fingerprint (about 1 in 10^9 for 200,000 keys) can only keep a stale entity
    /// one resync longer, never delete a seen one.
    /// </summary>
    private static ulong Fingerprint(string blueprint, string identifier)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in blueprint)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash = (hash ^ 0xFFFF) * 1099511628211UL;
        foreach (var c in identifier)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>The entities this integration wrote that the resync did not see, and how many it owns in all.</summary>
    private async Task<(List<(EntityKey Key, string Kind)> Stale, int Owned)> FindStaleAsync(Dictionary<string, HashSet<ulong>> seen, CancellationToken cancellationToken)
    {
        // Only keys and metadata are read, so the memory this takes grows with the stale entities, not the catalog.
        var owned = 0;
        var stale = new List<(EntityKey Key, string Kind)>();
        await foreach (var (key, stamp) in _catalog.Store.QueryStampsAsync(new EntityQuery(), cancellationToken).ConfigureAwait(false))
        {
            if (stamp.DataSource is not { } source || source.Integration != _integration.Identifier)
            {
                continue;
            }

            owned++;
            if (seen.TryGetValue(source.Kind, out var keys) && !keys.Contains(Fingerprint(key.Blueprint, key.Identifier)))
            {
                stale.Add((key, source.Kind));
            }
        }

        return (stale, owned);
    }

    private string? RefusalReason(int stale, int owned)
    {
        var threshold = _config?.EntityDeletionThreshold ?? 0.9;
        return owned > 0 && stale > threshold * owned
            ? $"deleting {stale} of the integration's {owned} entities would exceed entityDeletionThreshold ({threshold:0.##}); nothing was deleted (an empty API answer or a revoked token looks like this)"
            : null;
    }

    private async Task<(Dictionary<string, int> Deleted, Dictionary<string, List<string>> Refused, string? Reason)> DeleteStaleAsync(Dictionary<string, HashSet<ulong>> seen, CancellationToken cancellationToken)
    {
        var (stale, owned) = await FindStaleAsync(seen, cancellationToken).ConfigureAwait(false);
        if (RefusalReason(stale.Count, owned) is { } reason)
        {
            return ([], [], reason);
        }

        var deleted = new Dictionary<string, int>(StringComparer.Ordinal);
        var refused = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (key, kind) in stale)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (await _catalog.DeleteEntityAsync(key.Blueprint, key.Identifier, _config?.DeleteDependentEntities ?? false, cancellationToken).ConfigureAwait(false))
                {
                    deleted[kind] = deleted.GetValueOrDefault(kind) + 1;
                }
            }
            catch (CatalogValidationException ex)
            {
                // An entity that others still require stays (deleteDependentEntities is off); the report says why.
                (refused.TryGetValue(kind, out var list) ? list : refused[kind] = []).AddRange(ex.Errors.Select(e => e.ToString()));
            }
        }

        return (deleted, refused, null);
    }

    private void Finish(IEnumerable<KindReport> reports, Activity? activity)
    {
        foreach (var report in reports)
        {
            PortDiagnostics.Record(_integration.Identifier, report);
            Log.KindSynced(_logger, _integration.Identifier, report.Kind, report.Fetched, report.Created, report.Updated, report.Unchanged, report.Deleted, report.Failures.Count, report.Duration.TotalSeconds);
            foreach (var failure in report.Failures.Take(20))
            {
                Log.ItemFailed(_logger, _integration.Identifier, failure);
            }
        }

        activity?.SetTag("port.entities.written", reports.Sum(r => r.Created + r.Updated));
    }

    /// <summary>Releases the engine's lock.</summary>
    public void Dispose() => _gate.Dispose();
}
