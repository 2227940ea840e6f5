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
        await foreach (var (key, stamp) in catalog.Store.QueryStampsAsync(new EntityQuery(), cancellationToken).ConfigureAwait(false))
        {
            if (stamp.DataSource is not { } source || source.Integration != integration)
            {
                continue;
            }

            owned[source.Kind] = owned.GetValueOrDefault(source.Kind) + 1;
            var fingerprint = KindSighting.Fingerprint(key.Blueprint, key.Identifier);
            if (sightings.ContainsKey(source.Kind) && !sightings.Values.Any(s => s.Seen.Contains(fingerprint)))
            {
                (stale.TryGetValue(source.Kind, out var list) ? list : stale[source.Kind] = []).Add(key);
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
        foreach (var (kind, keys) in sweep.Deletable)
        {
            // In bulk, with the outcome of deleting one by one: an entity others still require stays
            // (deleteDependentEntities is off), and the report says why.
            var outcomes = await catalog.DeleteEntitiesAsync(keys, config?.DeleteDependentEntities ?? false, cancellationToken).ConfigureAwait(false);
            foreach (var outcome in outcomes)
            {
                if (outcome.Status == EntityDeletionStatus.Deleted)
                {
                    deleted[kind] = deleted.GetValueOrDefault(kind) + 1;
                }
                else if (outcome.Status == EntityDeletionStatus.Refused)
                {
                    (refused.TryGetValue(kind, out var list) ? list : refused[kind] = []).AddRange(outcome.Errors.Select(e => ResyncFailure.FromCatalog(kind, e, ResyncFailureStage.Deletion)));
                }
            }
        }

        return (deleted, refused);
    }
}

/// <summary>The stale entities a resync may delete, by kind, and why the others are kept.</summary>
/// <param name="Reason">Why nothing of the integration is deleted, when nothing is.</param>
/// <param name="Deletable">The stale entities that may be deleted, by kind.</param>
/// <param name="KindReasons">Why a kind's stale entities are kept, by kind.</param>
internal sealed record StaleSweep(string? Reason, IReadOnlyDictionary<string, List<EntityKey>> Deletable, IReadOnlyDictionary<string, string> KindReasons);
