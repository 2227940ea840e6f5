using System.Runtime.CompilerServices;

namespace Port.Sdk;

/// <summary>
/// The relation walk of <see cref="IEntityStore.WalkRelationsAsync"/> over any store, breadth first, hop by hop, with
/// the store's reads: what the interface's default implementation runs, and what a store that walks in one query can
/// fall back to (or be compared with).
/// </summary>
public static class EntityRelationWalk
{
    /// <summary>Walks relations from an entity, breadth first, up to <paramref name="hops"/> relations away.</summary>
    /// <param name="store">The store to read.</param>
    /// <param name="start">The entity to start from; nothing is found when it does not exist.</param>
    /// <param name="hops">How far to walk (1 or more).</param>
    /// <param name="direction">Upstream, downstream, or <see langword="null"/> for both.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Each related entity once (not the start), as stored, nearest first, with the relations of one shortest path to it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hops"/> is less than 1.</exception>
    public static async IAsyncEnumerable<RelatedEntity> WalkAsync(IEntityStore store, EntityKey start, int hops, RelationDirection? direction, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(hops, 1);
        var blueprints = new Dictionary<string, Blueprint>(StringComparer.Ordinal);
        await foreach (var blueprint in store.GetBlueprintsAsync(cancellationToken).ConfigureAwait(false))
        {
            blueprints[blueprint.Identifier] = blueprint;
        }

        var seen = new HashSet<EntityKey> { start };
        var frontier = new List<(Entity Entity, IReadOnlyList<string> Path)>();
        if (await store.GetEntityAsync(start.Blueprint, start.Identifier, cancellationToken).ConfigureAwait(false) is { } origin)
        {
            frontier.Add((origin, []));
        }

        for (var hop = 1; hop <= hops && frontier.Count > 0; hop++)
        {
            var next = new List<(Entity, IReadOnlyList<string>)>();
            foreach (var (entity, path) in frontier)
            {
                if (direction is null or RelationDirection.Upstream && blueprints.TryGetValue(entity.Blueprint, out var definition))
                {
                    foreach (var (name, relation) in entity.Relations)
                    {
                        if (!definition.Relations.TryGetValue(name, out var relationDefinition))
                        {
                            continue;
                        }

                        foreach (var target in relation.Targets)
                        {
                            var key = new EntityKey(relationDefinition.Target, target);
                            if (seen.Add(key) && await store.GetEntityAsync(key.Blueprint, key.Identifier, cancellationToken).ConfigureAwait(false) is { } found)
                            {
                                next.Add((found, [.. path, name]));
                            }
                        }
                    }
                }

                if (direction is null or RelationDirection.Downstream)
                {
                    var rule = new RelatedToRule { Blueprint = entity.Blueprint, Value = entity.Identifier, Direction = RelationDirection.Downstream };
                    await foreach (var source in store.QueryAsync(new EntityQuery { Filter = new SearchQuery { Rules = [rule] } }, cancellationToken).ConfigureAwait(false))
                    {
                        if (seen.Add(new EntityKey(source.Blueprint, source.Identifier)))
                        {
                            var via = source.Relations.First(r => r.Value.Targets.Contains(entity.Identifier)).Key;
                            next.Add((source, [.. path, "~" + via]));
                        }
                    }
                }
            }

            foreach (var (entity, path) in next)
            {
                yield return new RelatedEntity(entity, hop, path);
            }

            frontier = next;
        }
    }
}
