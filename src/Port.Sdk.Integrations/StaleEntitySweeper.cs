namespace Port.Sdk.Integrations;

/// <summary>
/// Finds and deletes the entities an integration wrote before and a complete resync did not see again, with Ocean's
/// <c>entityDeletionThreshold</c> applied to the integration as a whole and to each kind, and no deletion at all in a
/// kind whose failures make it unsafe (<see cref="KindSighting.UnsafeReason"/>).
/// </summary>
internal sealed class StaleEntitySweeper(PortCatalog catalog, string integration, PortAppConfig? config)
{
    private double Threshold => config?.EntityDeletionThreshold ?? 0.9;

    public async Task<StaleSweep> FindAsync(IReadOnlyDictionary<string, KindSighting> sightings, CancellationToken cancellationToken)
    {
        // Only keys and metadata are read, so the memory this takes grows with the stale entities, not the catalog.
        // An entity any kind of the resync saw is not stale, whichever kind wrote it last.
        var owned = new Dictionary<string, int>(StringComparer.Ordinal);
        var stale = new Dictionary<string, List<EntityKey>>(StringComparer.Ordinal);
        await foreach (var (key, kind) in catalog.Store.QueryKeysBySourceAsync(integration, cancellationToken).ConfigureAwait(false))
        {
            owned[kind] = owned.GetValueOrDefault(kind) + 1;
            var fingerprint = KindSighting.Fingerprint(key.Blueprint, key.Identifier);
            if (sightings.ContainsKey(kind) && !sightings.Values.Any(s => s.Seen.Contains(fingerprint)))
            {
                (stale.TryGetValue(kind, out var list) ? list : stale[kind] = []).Add(key);
            }
        }

        var total = owned.Values.Sum();
        var totalStale = stale.Values.Sum(s => s.Count);
        if (total > 0 && totalStale > Threshold * total)
        {
            return new StaleSweep(
                $"deleting {totalStale} of the integration's {total} entities would exceed entityDeletionThreshold ({Threshold:0.##}); nothing was deleted (an empty API answer or a revoked token looks like this)",
                new Dictionary<string, List<EntityKey>>(),
                new Dictionary<string, string>());
        }

        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        var deletable = new Dictionary<string, List<EntityKey>>(StringComparer.Ordinal);
        foreach (var (kind, keys) in stale)
        {
            var kindOwned = owned.GetValueOrDefault(kind);
            if (sightings[kind].UnsafeReason(kind) is { } unsafeReason)
            {
                reasons[kind] = unsafeReason;
            }
            else if (keys.Count > Threshold * kindOwned)
            {
                reasons[kind] = $"deleting {keys.Count} of kind '{kind}''s {kindOwned} entities would exceed entityDeletionThreshold ({Threshold:0.##}); nothing of the kind was deleted";
            }
            else
            {
                deletable[kind] = keys;
            }
        }

        return new StaleSweep(null, deletable, reasons);
    }

    public async Task<(Dictionary<string, int> Deleted, Dictionary<string, List<ResyncFailure>> Refused)> DeleteAsync(StaleSweep sweep, CancellationToken cancellationToken)
    {
        var deleted = new Dictionary<string, int>(StringComparer.Ordinal);
        var refused = new Dictionary<string, List<ResyncFailure>>(StringComparer.Ordinal);
        if (sweep.Deletable.Count == 0)
        {
            return (deleted, refused);
        }

        var kindOf = new Dictionary<EntityKey, string>();
        foreach (var (kind, keys) in sweep.Deletable)
        {
            foreach (var key in keys)
            {
                kindOf.TryAdd(key, kind);
            }
        }

        // In bulk, with the outcome of deleting one by one: an entity others still require stays
        // (deleteDependentEntities is off), and the report says why. Like Ocean's topological order, the entities that
        // relate to others go first, so a stale pull request is gone before its stale repository is checked, and
        // no relation is cleared (rewritten) on an entity about to be deleted.
        var order = await DependentsFirstAsync(cancellationToken).ConfigureAwait(false);
        var ordered = kindOf.Keys.OrderBy(k => order.GetValueOrDefault(k.Blueprint, int.MaxValue)).ToList();
        var outcomes = await catalog.DeleteEntitiesAsync(ordered, config?.DeleteDependentEntities ?? false, cancellationToken).ConfigureAwait(false);
        foreach (var outcome in outcomes)
        {
            var kind = kindOf[outcome.Key];
            if (outcome.Status == EntityDeletionStatus.Deleted)
            {
                deleted[kind] = deleted.GetValueOrDefault(kind) + 1;
            }
            else if (outcome.Status == EntityDeletionStatus.Refused)
            {
                (refused.TryGetValue(kind, out var list) ? list : refused[kind] = []).AddRange(outcome.Errors.Select(e => ResyncFailure.FromCatalog(kind, e, ResyncFailureStage.Deletion)));
            }
        }

        return (deleted, refused);
    }

    /// <summary>
    /// The blueprints ranked so that one whose relations point to another comes before it (its entities are deleted
    /// first); blueprints in a relation cycle keep their identifiers' order among themselves.
    /// </summary>
    private async Task<Dictionary<string, int>> DependentsFirstAsync(CancellationToken cancellationToken)
    {
        var targets = new SortedDictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await foreach (var blueprint in catalog.GetBlueprintsAsync(cancellationToken).ConfigureAwait(false))
        {
            targets[blueprint.Identifier] = [.. blueprint.Relations.Values.Select(r => r.Target).Where(t => t != blueprint.Identifier)];
        }

        // Kahn's algorithm over "is related to by": a blueprint is ranked once every blueprint relating to it is.
        var relatedBy = targets.Keys.ToDictionary(b => b, _ => 0, StringComparer.Ordinal);
        foreach (var target in targets.Values.SelectMany(t => t).Where(relatedBy.ContainsKey))
        {
            relatedBy[target]++;
        }

        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        var ready = new Queue<string>(relatedBy.Where(p => p.Value == 0).Select(p => p.Key));
        while (rank.Count < targets.Count)
        {
            if (ready.Count == 0)
            {
                ready.Enqueue(targets.Keys.First(b => !rank.ContainsKey(b)));
            }

            var next = ready.Dequeue();
            if (!rank.TryAdd(next, rank.Count))
            {
                continue;
            }

            foreach (var target in targets[next].Where(t => relatedBy.ContainsKey(t) && !rank.ContainsKey(t)))
            {
                if (--relatedBy[target] == 0)
                {
                    ready.Enqueue(target);
                }
            }
        }

        return rank;
    }
}

/// <summary>The stale entities a resync may delete, by kind, and why the others are kept.</summary>
/// <param name="Reason">Why nothing of the integration is deleted, when nothing is.</param>
/// <param name="Deletable">The stale entities that may be deleted, by kind.</param>
/// <param name="KindReasons">Why a kind's stale entities are kept, by kind.</param>
internal sealed record StaleSweep(string? Reason, IReadOnlyDictionary<string, List<EntityKey>> Deletable, IReadOnlyDictionary<string, string> KindReasons);
