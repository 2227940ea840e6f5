namespace Port.Sdk;

/// <summary>Entity deletion, one or many: the incoming relation checks, dependents, and the relations cleared.</summary>
public sealed partial class PortCatalog
{
    private const int DeletionChunkSize = 1_000;

    /// <summary>Deletes an entity; refused while other entities relate to it, unless its dependents are deleted too.</summary>
    /// <param name="blueprint">The entity's blueprint.</param>
    /// <param name="identifier">The entity's identifier.</param>
    /// <param name="deleteDependents">Whether to delete, recursively, the entities whose required relations point to it.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when the entity was deleted, <see langword="false"/> when there was none.</returns>
    /// <exception cref="CatalogValidationException">Entities depend on it and <paramref name="deleteDependents"/> is false.</exception>
    public async Task<bool> DeleteEntityAsync(string blueprint, string identifier, bool deleteDependents = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        ArgumentNullException.ThrowIfNull(identifier);
        var outcome = (await DeleteEntitiesAsync([new EntityKey(blueprint, identifier)], deleteDependents, cancellationToken).ConfigureAwait(false))[0];
        return outcome.Status switch
        {
            EntityDeletionStatus.Refused => throw new CatalogValidationException(outcome.Errors),
            EntityDeletionStatus.Deleted => true,
            _ => false,
        };
    }

    /// <summary>
    /// Deletes many entities with the result of deleting them one by one, in order, with <see cref="DeleteEntityAsync"/>:
    /// an entity others require is refused (its outcome says why) unless its dependents are deleted too, an entity an
    /// earlier one took with it as a dependent is not found, and optional relations to deleted entities are cleared.
    /// The relation checks are looked up in bulk and each run of up to 1,000 entities is written in one change set, so
    /// a refusal does not stop the others, and a failure or cancellation keeps the runs already written.
    /// </summary>
    /// <param name="keys">The entities to delete, in order.</param>
    /// <param name="deleteDependents">Whether to delete, recursively, the entities whose required relations point to one.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One outcome per key, in the order given.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A key has no blueprint or no identifier.</exception>
    public async Task<IReadOnlyList<EntityDeletionOutcome>> DeleteEntitiesAsync(IReadOnlyList<EntityKey> keys, bool deleteDependents = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i].Blueprint is null || keys[i].Identifier is null)
            {
                throw new ArgumentException($"The key at index {i} has no blueprint or no identifier.", nameof(keys));
            }
        }

        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var outcomes = new List<EntityDeletionOutcome>(keys.Count);
        for (var start = 0; start < keys.Count; start += DeletionChunkSize)
        {
            var chunk = new EntityKey[Math.Min(DeletionChunkSize, keys.Count - start)];
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i] = keys[start + i];
            }

            await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                outcomes.AddRange(await DeleteChunkAsync(chunk, deleteDependents, cancellationToken).ConfigureAwait(false));
            }
            finally
            {
                _writes.Release();
            }
        }

        return outcomes;
    }

    /// <summary>
    /// Deletes one run of entities in order as single deletions would, against the store as it was before the run plus
    /// what the run has deleted and cleared so far, then writes it all in one change set.
    /// </summary>
    private async Task<List<EntityDeletionOutcome>> DeleteChunkAsync(EntityKey[] chunk, bool deleteDependents, CancellationToken cancellationToken)
    {
        var blueprints = await AllBlueprintsAsync(cancellationToken).ConfigureAwait(false);
        var existing = await Store.GetStampsAsync(chunk, cancellationToken).ConfigureAwait(false);
        var relating = new Dictionary<EntityKey, List<Entity>>();
        await LoadRelatingAsync([.. chunk.Where(existing.ContainsKey).Distinct()], relating, cancellationToken).ConfigureAwait(false);

        var deleted = new HashSet<EntityKey>();
        var order = new List<EntityKey>();
        var cleared = new Dictionary<EntityKey, Entity>();
        var outcomes = new List<EntityDeletionOutcome>(chunk.Length);
        foreach (var key in chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!existing.ContainsKey(key) || deleted.Contains(key))
            {
                outcomes.Add(new EntityDeletionOutcome(key, EntityDeletionStatus.NotFound));
                continue;
            }

            var toDelete = new List<EntityKey>();
            var queue = new Queue<EntityKey>([key]);
            var seen = new HashSet<EntityKey>();
            var errors = new List<CatalogError>();
            while (queue.TryDequeue(out var target))
            {
                if (!seen.Add(target))
                {
                    continue;
                }

                toDelete.Add(target);
                foreach (var dependent in await RelatingAsync(target, relating, deleted, cleared, cancellationToken).ConfigureAwait(false))
                {
                    var dependentKey = new EntityKey(dependent.Blueprint, dependent.Identifier);
                    if (seen.Contains(dependentKey))
                    {
                        continue;
                    }

                    var required = RequiredRelationsTo(dependent, target, blueprints);
                    if (required.Count == 0)
                    {
                        // An optional relation to a deleted entity is cleared, as Port does.
                        continue;
                    }

                    if (deleteDependents)
                    {
                        queue.Enqueue(dependentKey);
                    }
                    else
                    {
                        errors.Add(new CatalogError(target.Blueprint, target.Identifier, string.Empty, "has-dependents", $"entity '{dependent.Identifier}' of blueprint '{dependent.Blueprint}' requires it through '{string.Join("', '", required)}'; delete with dependents, or change that entity first"));
                    }
                }
            }

            if (errors.Count > 0)
            {
                outcomes.Add(new EntityDeletionOutcome(key, EntityDeletionStatus.Refused) { Errors = errors });
                continue;
            }

            deleted.UnionWith(toDelete);
            order.AddRange(toDelete);

            // Entities that keep existing lose their optional relations to the deleted ones.
            foreach (var target in toDelete)
            {
                foreach (var dependent in await RelatingAsync(target, relating, deleted, cleared, cancellationToken).ConfigureAwait(false))
                {
                    cleared[new EntityKey(dependent.Blueprint, dependent.Identifier)] = ClearRelationsTo(dependent, deleted, blueprints);
                }
            }

            outcomes.Add(new EntityDeletionOutcome(key, EntityDeletionStatus.Deleted) { Dependents = [.. toDelete.Skip(1)] });
        }

        if (order.Count == 0)
        {
            return outcomes;
        }

        var upserts = cleared.Where(c => !deleted.Contains(c.Key)).Select(c => c.Value).ToList();
        await Store.ApplyAsync(new EntityChangeSet { Deletes = order, Upserts = upserts }, cancellationToken).ConfigureAwait(false);
        foreach (var key in order)
        {
            Publish(new EntityChange(EntityChangeKind.Deleted, key, null));
        }

        foreach (var entity in upserts)
        {
            Publish(new EntityChange(EntityChangeKind.Updated, new EntityKey(entity.Blueprint, entity.Identifier), entity));
        }

        return outcomes;
    }

    /// <summary>The entities relating to <paramref name="target"/> now: as stored, less those deleted, with the relations already cleared.</summary>
    private async Task<IEnumerable<Entity>> RelatingAsync(EntityKey target, Dictionary<EntityKey, List<Entity>> relating, HashSet<EntityKey> deleted, Dictionary<EntityKey, Entity> cleared, CancellationToken cancellationToken)
    {
        if (!relating.TryGetValue(target, out var stored))
        {
            // A dependent deleted with its dependency: its own dependents were not looked up with the run.
            await LoadRelatingAsync([target], relating, cancellationToken).ConfigureAwait(false);
            stored = relating[target];
        }

        var current = new List<Entity>(stored.Count);
        foreach (var entity in stored)
        {
            var key = new EntityKey(entity.Blueprint, entity.Identifier);
            if (!deleted.Contains(key))
            {
                current.Add(cleared.GetValueOrDefault(key) ?? entity);
            }
        }

        return current;
    }

    private async Task LoadRelatingAsync(IReadOnlyList<EntityKey> targets, Dictionary<EntityKey, List<Entity>> relating, CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            relating[target] = [];
        }

        if (targets.Count == 0)
        {
            return;
        }

        await foreach (var (target, entity) in Store.QueryRelatingAsync(targets, cancellationToken).ConfigureAwait(false))
        {
            if (relating.TryGetValue(target, out var list))
            {
                list.Add(entity);
            }
        }
    }

    private static List<string> RequiredRelationsTo(Entity dependent, EntityKey target, Dictionary<string, Blueprint> blueprints)
    {
        if (!blueprints.TryGetValue(dependent.Blueprint, out var blueprint))
        {
            return [];
        }

        return [.. dependent.Relations
            .Where(r => blueprint.Relations.TryGetValue(r.Key, out var d) && d.Target == target.Blueprint && r.Value.Targets.Contains(target.Identifier) && d.Required)
            .Select(r => r.Key)];
    }

    private static Entity ClearRelationsTo(Entity entity, HashSet<EntityKey> deleted, Dictionary<string, Blueprint> blueprints)
    {
        var blueprint = blueprints[entity.Blueprint];
        var relations = entity.Relations.ToDictionary(
            r => r.Key,
            r =>
            {
                if (!blueprint.Relations.TryGetValue(r.Key, out var definition))
                {
                    return r.Value;
                }

                var kept = r.Value.Targets.Where(t => !deleted.Contains(new EntityKey(definition.Target, t))).ToList();
                return kept.Count == r.Value.Targets.Count ? r.Value : r.Value with { Targets = kept };
            },
            StringComparer.Ordinal);
        return entity with { Relations = relations };
    }
}
