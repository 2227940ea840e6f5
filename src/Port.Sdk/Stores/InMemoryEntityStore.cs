using System.Runtime.CompilerServices;
using Port.Sdk.Search;

namespace Port.Sdk;

/// <summary>
/// The embedded default store: entities in memory, indexed by blueprint and by incoming relation, safe for concurrent
/// readers and writers. A change set is applied under one lock, so readers see all of it or none of it.
/// Reads copy what they return before releasing the lock.
/// </summary>
public sealed class InMemoryEntityStore : IEntityStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Blueprint> _blueprints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, Entity>> _entities = new(StringComparer.Ordinal);
    private readonly Dictionary<EntityKey, HashSet<EntityKey>> _incoming = [];

    /// <inheritdoc/>
    public Task<Blueprint?> GetBlueprintAsync(string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return Task.FromResult(Read(() => _blueprints.GetValueOrDefault(identifier)));
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<Blueprint> GetBlueprintsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var blueprint in Read(() => _blueprints.Values.ToList()))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return blueprint;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task SaveBlueprintAsync(Blueprint blueprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        cancellationToken.ThrowIfCancellationRequested();
        Write(() => _blueprints[blueprint.Identifier] = blueprint);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<bool> DeleteBlueprintAsync(string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Write(() => _blueprints.Remove(identifier)));
    }

    /// <inheritdoc/>
    public Task<Entity?> GetEntityAsync(string blueprint, string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        ArgumentNullException.ThrowIfNull(identifier);
        return Task.FromResult(Read(() => _entities.TryGetValue(blueprint, out var byId) ? byId.GetValueOrDefault(identifier) : null));
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<Entity> QueryAsync(EntityQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        List<Entity> matches = Read(() =>
        {
            Dictionary<string, Entity>? byId = null;
            IEnumerable<Entity> candidates = query.Blueprint is null
                ? _entities.Values.SelectMany(e => e.Values)
                : _entities.TryGetValue(query.Blueprint, out byId) ? byId.Values : [];

            // A lookup by identifiers (what the catalog's batch writes ask) uses the index instead of a scan.
            // A list with anything but strings is left to the evaluator, the reference for what matches.
            if (byId is not null && query.Filter is { Combinator: SearchCombinator.And, Rules: [PropertyRule { Property: "$identifier", Operator: "in", Value: { ValueKind: System.Text.Json.JsonValueKind.Array } ids }] }
                && ids.EnumerateArray().All(id => id.ValueKind == System.Text.Json.JsonValueKind.String))
            {
                return [.. ids.EnumerateArray().Select(id => id.GetString()!).Distinct(StringComparer.Ordinal).Where(byId.ContainsKey).Select(id => byId[id])];
            }
            if (query.Filter is null)
            {
                return candidates.ToList();
            }

            var cache = new Dictionary<RelatedToRule, ISet<EntityKey>>();
            var evaluator = new SearchEvaluator(rule => cache.TryGetValue(rule, out var found) ? found : cache[rule] = ResolveRelated(rule));
            return candidates.Where(e => evaluator.Matches(e, query.Filter)).ToList();
        });

        foreach (var entity in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entity;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<KeyValuePair<EntityKey, Entity>> QueryRelatingAsync(IEnumerable<EntityKey> targets, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var wanted = targets.Distinct().ToList();
        var pairs = Read(() =>
        {
            var found = new List<KeyValuePair<EntityKey, Entity>>();
            foreach (var target in wanted)
            {
                foreach (var source in _incoming.TryGetValue(target, out var sources) ? sources : [])
                {
                    if (_entities.TryGetValue(source.Blueprint, out var byId) && byId.TryGetValue(source.Identifier, out var entity))
                    {
                        found.Add(new(target, entity));
                    }
                }
            }

            return found;
        });

        foreach (var pair in pairs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return pair;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<KeyValuePair<EntityKey, string>> QueryKeysBySourceAsync(string integration, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(integration);
        var keys = Read(() => _entities.Values.SelectMany(byId => byId.Values)
            .Where(e => string.Equals(e.DataSource?.Integration, integration, StringComparison.Ordinal))
            .Select(e => new KeyValuePair<EntityKey, string>(new EntityKey(e.Blueprint, e.Identifier), e.DataSource!.Kind))
            .ToList());
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<EntityKey, EntityStamp>> GetStampsAsync(IEnumerable<EntityKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return Task.FromResult<IReadOnlyDictionary<EntityKey, EntityStamp>>(Read(() =>
        {
            var stamps = new Dictionary<EntityKey, EntityStamp>();
            foreach (var key in keys)
            {
                if (_entities.TryGetValue(key.Blueprint, out var byId) && byId.TryGetValue(key.Identifier, out var entity))
                {
                    stamps[key] = EntityStamp.Of(entity);
                }
            }

            return stamps;
        }));
    }

    /// <inheritdoc/>
    public Task<long> CountAsync(string blueprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        return Task.FromResult(Read(() => _entities.TryGetValue(blueprint, out var byId) ? (long)byId.Count : 0L));
    }

    /// <inheritdoc/>
    public Task ApplyAsync(EntityChangeSet changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        cancellationToken.ThrowIfCancellationRequested();
        Write(() =>
        {
            var conflicts = changes.ExpectedContentHashes
                .Where(e => (_entities.TryGetValue(e.Key.Blueprint, out var byId) && byId.TryGetValue(e.Key.Identifier, out var stored) ? EntityContentHash.Compute(stored) : null) != e.Value)
                .Select(e => e.Key).ToList();
            if (conflicts.Count > 0)
            {
                throw new EntityConflictException(conflicts);
            }

            foreach (var key in changes.Deletes)
            {
                if (_entities.TryGetValue(key.Blueprint, out var byId) && byId.Remove(key.Identifier, out var removed))
                {
                    Unindex(removed);
                }
            }

            foreach (var entity in changes.Upserts)
            {
                if (!_entities.TryGetValue(entity.Blueprint, out var byId))
                {
                    byId = new Dictionary<string, Entity>(StringComparer.Ordinal);
                    _entities[entity.Blueprint] = byId;
                }

                if (byId.TryGetValue(entity.Identifier, out var previous))
                {
                    Unindex(previous);
                }

                byId[entity.Identifier] = entity;
                Index(entity);
            }

            return true;
        });
        return Task.CompletedTask;
    }

    private HashSet<EntityKey> ResolveRelated(RelatedToRule rule)
    {
        var anchor = new EntityKey(rule.Blueprint, rule.Value);
        if (rule.Direction == RelationDirection.Downstream)
        {
            return _incoming.TryGetValue(anchor, out var sources) ? [.. sources] : [];
        }

        var targets = new HashSet<EntityKey>();
        if (_entities.TryGetValue(rule.Blueprint, out var byId) && byId.TryGetValue(rule.Value, out var entity))
        {
            foreach (var target in Targets(entity))
            {
                targets.Add(target);
            }
        }

        return targets;
    }

    private IEnumerable<EntityKey> Targets(Entity entity)
    {
        if (!_blueprints.TryGetValue(entity.Blueprint, out var blueprint))
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

    private void Index(Entity entity)
    {
        var source = new EntityKey(entity.Blueprint, entity.Identifier);
        foreach (var target in Targets(entity))
        {
            if (!_incoming.TryGetValue(target, out var sources))
            {
                sources = [];
                _incoming[target] = sources;
            }

            sources.Add(source);
        }
    }

    private void Unindex(Entity entity)
    {
        var source = new EntityKey(entity.Blueprint, entity.Identifier);
        foreach (var target in Targets(entity))
        {
            if (_incoming.TryGetValue(target, out var sources))
            {
                sources.Remove(source);
                if (sources.Count == 0)
                {
                    _incoming.Remove(target);
                }
            }
        }
    }

    private T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    private T Write<T>(Func<T> write)
    {
        lock (_gate)
        {
            return write();
        }
    }
}
