using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Port.Sdk.Catalog;
using Port.Sdk.Jq;
using Port.Sdk.Search;

namespace Port.Sdk;

/// <summary>
/// The catalog: blueprints, entities, relations, search, computed properties and scorecards, over an
/// <see cref="IEntityStore"/>. Every write is validated against its blueprint, and a rejected write changes nothing.
/// Thread-safe.
/// </summary>
public sealed partial class PortCatalog : IDisposable
{
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly List<Channel<EntityChange>> _watchers = [];
    private readonly Lock _watchersGate = new();
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _disposed = new();

    /// <summary>Initializes a new instance of the <see cref="PortCatalog"/> class.</summary>
    /// <param name="store">Where blueprints and entities are kept.</param>
    /// <param name="timeProvider">The clock for entity timestamps; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    public PortCatalog(IEntityStore store, TimeProvider? timeProvider = null)
        : this(store, CatalogValidationOptions.Default, timeProvider)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PortCatalog"/> class that validates entities as the options say.</summary>
    /// <param name="store">Where blueprints and entities are kept.</param>
    /// <param name="validation">How strictly entities are checked against their blueprints; read once, here.</param>
    /// <param name="timeProvider">The clock for entity timestamps; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="validation"/> is <see langword="null"/>.</exception>
    public PortCatalog(IEntityStore store, CatalogValidationOptions validation, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(validation);
        Store = store;
        ValidationMode = validation.Mode;
        SchemaValidator = validation.SchemaValidator ?? PortSchemaValidator.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets how strictly the catalog checks entities against their blueprints.</summary>
    public CatalogValidationMode ValidationMode { get; }

    /// <summary>Gets the store the catalog reads and writes.</summary>
    public IEntityStore Store { get; }

    /// <summary>Creates or updates a blueprint after validating it, and the blueprints that depend on it.</summary>
    /// <param name="blueprint">The blueprint.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The registered blueprint.</returns>
    /// <exception cref="CatalogValidationException">The blueprint is invalid; nothing was changed.</exception>
    public async Task<Blueprint> RegisterBlueprintAsync(Blueprint blueprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        await RegisterBlueprintsAsync([blueprint], cancellationToken).ConfigureAwait(false);
        return blueprint;
    }

    /// <summary>
    /// Creates or updates blueprints together, so that they may relate to each other: all are validated as one set
    /// (with the blueprints already registered, and those that depend on them), then all are saved, or none is.
    /// </summary>
    /// <param name="blueprints">The blueprints.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when all are registered.</returns>
    /// <exception cref="CatalogValidationException">A blueprint is invalid; the errors name each; nothing was changed.</exception>
    public async Task RegisterBlueprintsAsync(IEnumerable<Blueprint> blueprints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprints);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await RegisterBlueprintsCoreAsync(blueprints, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What <see cref="RegisterBlueprintsAsync"/> does, without waiting for the configured blueprints: it registers them.</summary>
    internal async Task RegisterBlueprintsCoreAsync(IEnumerable<Blueprint> blueprints, CancellationToken cancellationToken)
    {
        var incoming = blueprints.ToList();
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var all = await AllBlueprintsAsync(cancellationToken).ConfigureAwait(false);
            var errors = new List<CatalogError>();
            foreach (var group in incoming.GroupBy(b => b.Identifier ?? string.Empty).Where(g => g.Count() > 1))
            {
                errors.Add(new CatalogError(group.Key, null, "/identifier", "duplicate", "the blueprint is given more than once"));
            }

            foreach (var blueprint in incoming)
            {
                all[blueprint.Identifier ?? string.Empty] = blueprint;
            }

            var changed = incoming.Select(b => b.Identifier).ToHashSet(StringComparer.Ordinal);
            foreach (var blueprint in incoming)
            {
                ValidateBlueprint(blueprint, all, errors);
            }

            // Blueprints whose relations, mirror or aggregation properties reach a changed one are checked again.
            foreach (var dependent in all.Values.Where(b => !changed.Contains(b.Identifier) && changed.Any(c => DependsOn(b, c))))
            {
                ValidateBlueprint(dependent, all, errors);
            }

            if (errors.Count > 0)
            {
                throw new CatalogValidationException(errors);
            }

            foreach (var blueprint in incoming)
            {
                await Store.SaveBlueprintAsync(blueprint, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Gets a blueprint.</summary>
    /// <param name="identifier">The blueprint's identifier.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The blueprint, or <see langword="null"/>.</returns>
    public async Task<Blueprint?> GetBlueprintAsync(string identifier, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        return await Store.GetBlueprintAsync(identifier, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the blueprints.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The blueprints.</returns>
    public async IAsyncEnumerable<Blueprint> GetBlueprintsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var blueprint in Store.GetBlueprintsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return blueprint;
        }
    }

    /// <summary>Deletes a blueprint that has no entities and that no other blueprint relates to.</summary>
    /// <param name="identifier">The blueprint's identifier.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when it was deleted, <see langword="false"/> when there was none.</returns>
    /// <exception cref="CatalogValidationException">The blueprint has entities or is the target of a relation.</exception>
    public async Task<bool> DeleteBlueprintAsync(string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var errors = new List<CatalogError>();
            var count = await Store.CountAsync(identifier, cancellationToken).ConfigureAwait(false);
            if (count > 0)
            {
                errors.Add(new CatalogError(identifier, null, string.Empty, "has-entities", $"the blueprint has {count} entities; delete them first"));
            }

            await foreach (var other in Store.GetBlueprintsAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var (name, relation) in other.Relations)
                {
                    if (relation.Target == identifier && other.Identifier != identifier)
                    {
                        errors.Add(new CatalogError(identifier, null, string.Empty, "relation-target", $"blueprint '{other.Identifier}' relates to it through '{name}'"));
                    }
                }
            }

            if (errors.Count > 0)
            {
                throw new CatalogValidationException(errors);
            }

            return await Store.DeleteBlueprintAsync(identifier, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Gets an entity with its mirror, calculation and aggregation properties computed now.</summary>
    /// <param name="blueprint">The entity's blueprint.</param>
    /// <param name="identifier">The entity's identifier.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The entity, or <see langword="null"/>.</returns>
    public async Task<Entity?> GetEntityAsync(string blueprint, string identifier, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var entity = await Store.GetEntityAsync(blueprint, identifier, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : await ComputeAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds entities with the search rule language; rules may read computed properties.</summary>
    /// <param name="query">The query.</param>
    /// <param name="blueprint">The blueprint to search; <see langword="null"/> for all (or use a <c>$blueprint</c> rule).</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The matching entities, with computed properties.</returns>
    public async IAsyncEnumerable<Entity> SearchAsync(SearchQuery query, string? blueprint = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var blueprints = await AllBlueprintsAsync(cancellationToken).ConfigureAwait(false);
        if (!ReadsComputedProperties(query, blueprints.Values))
        {
            // The store evaluates the whole query (and may translate it to its own query language).
            await foreach (var entity in Store.QueryAsync(new EntityQuery { Blueprint = blueprint, Filter = query }, cancellationToken).ConfigureAwait(false))
            {
                yield return await ComputeAsync(entity, cancellationToken).ConfigureAwait(false);
            }

            yield break;
        }

        // Computed properties exist only on read: evaluate the query here, on computed entities.
        var evaluator = await EvaluatorForAsync([query], cancellationToken).ConfigureAwait(false);
        await foreach (var entity in Store.QueryAsync(new EntityQuery { Blueprint = blueprint }, cancellationToken).ConfigureAwait(false))
        {
            var computed = await ComputeAsync(entity, cancellationToken).ConfigureAwait(false);
            if (evaluator.Matches(computed, query))
            {
                yield return computed;
            }
        }
    }

    /// <summary>Walks relations from an entity, breadth first, up to <paramref name="hops"/> relations away.</summary>
    /// <param name="blueprint">The starting entity's blueprint.</param>
    /// <param name="identifier">The starting entity's identifier.</param>
    /// <param name="hops">How far to walk (1 or more).</param>
    /// <param name="direction">Upstream, downstream, or <see langword="null"/> for both.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Each related entity once, nearest first, with the relations that reach it.</returns>
    public async Task<IReadOnlyList<RelatedEntity>> GetRelatedEntitiesAsync(string blueprint, string identifier, int hops = 1, RelationDirection? direction = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hops, 1);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<RelatedEntity>();
        await foreach (var related in Store.WalkRelationsAsync(new EntityKey(blueprint, identifier), hops, direction, cancellationToken).ConfigureAwait(false))
        {
            results.Add(related with { Entity = await ComputeAsync(related.Entity, cancellationToken).ConfigureAwait(false) });
        }

        return results;
    }

    /// <summary>Scores every entity of the scorecard's blueprint.</summary>
    /// <param name="scorecard">The scorecard.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Each entity's level and the outcome of every rule.</returns>
    /// <exception cref="ArgumentException">A rule names a level the scorecard does not have.</exception>
    public async IAsyncEnumerable<ScorecardResult> EvaluateScorecardAsync(Scorecard scorecard, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scorecard);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var levels = scorecard.Levels.Select(l => l.Title).ToList();
        foreach (var rule in scorecard.Rules.Where(r => !levels.Contains(r.Level)))
        {
            throw new ArgumentException($"Scorecard '{scorecard.Identifier}': rule '{rule.Identifier}' names the level '{rule.Level}', which is not one of {string.Join(", ", levels)}.", nameof(scorecard));
        }

        var evaluator = await EvaluatorForAsync(scorecard.Rules.Select(r => r.Query), cancellationToken).ConfigureAwait(false);
        await foreach (var entity in SearchAsync(new SearchQuery(), scorecard.Blueprint, cancellationToken).ConfigureAwait(false))
        {
            var outcomes = scorecard.Rules.ToDictionary(r => r.Identifier, r => evaluator.Matches(entity, r.Query), StringComparer.Ordinal);
            var achieved = levels.Count > 0 ? levels[0] : string.Empty;
            for (var i = 1; i < levels.Count; i++)
            {
                var allPass = scorecard.Rules.Where(r => levels.IndexOf(r.Level) <= i && levels.IndexOf(r.Level) > 0).All(r => outcomes[r.Identifier]);
                if (!allPass)
                {
                    break;
                }

                achieved = levels[i];
            }

            yield return new ScorecardResult(entity.Identifier, achieved, outcomes);
        }
    }

    /// <summary>
    /// Streams every change written through this catalog from now on, until cancelled. When the store is an
    /// <see cref="IEntityChangeFeed"/> (a store shared by several instances), the changes every instance writes.
    /// </summary>
    /// <param name="cancellationToken">The token that ends the stream.</param>
    /// <returns>The changes, in the order they were written.</returns>
    public async IAsyncEnumerable<EntityChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Store is IEntityChangeFeed feed)
        {
            // The position is read before the first await, so a write made after the first MoveNextAsync is seen.
            var after = feed.CurrentPosition;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            var changes = feed.WatchChangesAsync(after, linked.Token).GetAsyncEnumerator(linked.Token);
            try
            {
                while (true)
                {
                    try
                    {
                        if (!await changes.MoveNextAsync().ConfigureAwait(false))
                        {
                            yield break;
                        }
                    }
                    catch (OperationCanceledException) when (_disposed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        yield break;
                    }

                    yield return changes.Current.Change;
                }
            }
            finally
            {
                await changes.DisposeAsync().ConfigureAwait(false);
            }
        }

        var channel = Channel.CreateUnbounded<EntityChange>(new UnboundedChannelOptions { SingleReader = true });
        lock (_watchersGate)
        {
            _watchers.Add(channel);
        }

        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var change))
                {
                    yield return change;
                }
            }
        }
        finally
        {
            lock (_watchersGate)
            {
                _watchers.Remove(channel);
            }
        }
    }

    private static IEnumerable<EntityKey> RelationTargets(Entity entity, Dictionary<string, Blueprint> blueprints)
    {
        if (!blueprints.TryGetValue(entity.Blueprint ?? string.Empty, out var blueprint))
        {
            yield break;
        }

        foreach (var (name, relation) in entity.Relations)
        {
            if (blueprint.Relations.TryGetValue(name, out var definition))
            {
                foreach (var target in relation.Targets)
                {
                    yield return new EntityKey(definition.Target, target);
                }
            }
        }
    }

    /// <summary>
    /// Gets many entities as stored (without computed properties), with one <c>$identifier in [...]</c> query per
    /// blueprint and 500 identifiers: what a sync compares its mapped entities with.
    /// </summary>
    /// <param name="keys">The entities to get.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Those that exist, by key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    public async Task<IReadOnlyDictionary<EntityKey, Entity>> GetStoredEntitiesAsync(IEnumerable<EntityKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<EntityKey, Entity>();
        foreach (var group in keys.Distinct().GroupBy(k => k.Blueprint))
        {
            foreach (var chunk in group.Select(k => k.Identifier).Chunk(500))
            {
                var identifiers = JsonSerializer.SerializeToElement(chunk, Search.SearchJsonContext.Default.StringArray);
                var query = new EntityQuery
                {
                    Blueprint = group.Key,
                    Filter = new SearchQuery { Rules = [new PropertyRule { Property = "$identifier", Operator = "in", Value = identifiers }] },
                };
                await foreach (var entity in Store.QueryAsync(query, cancellationToken).ConfigureAwait(false))
                {
                    found[new EntityKey(entity.Blueprint, entity.Identifier)] = entity;
                }
            }
        }

        return found;
    }

    private static bool DependsOn(Blueprint blueprint, string identifier)
        => blueprint.Relations.Values.Any(r => r.Target == identifier) || blueprint.AggregationProperties.Values.Any(a => a.Target == identifier);

    private async Task<Dictionary<string, Blueprint>> AllBlueprintsAsync(CancellationToken cancellationToken)
    {
        var all = new Dictionary<string, Blueprint>(StringComparer.Ordinal);
        await foreach (var blueprint in Store.GetBlueprintsAsync(cancellationToken).ConfigureAwait(false))
        {
            all[blueprint.Identifier] = blueprint;
        }

        return all;
    }

    /// <summary>Ends every <see cref="WatchAsync"/> stream and releases the catalog's resources. The store is not disposed.</summary>
    public void Dispose()
    {
        lock (_watchersGate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryComplete();
            }
        }

        _disposed.Cancel();
        _disposed.Dispose();
        _writes.Dispose();
    }

    private void Publish(EntityChange change)
    {
        lock (_watchersGate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(change);
            }
        }
    }
}
