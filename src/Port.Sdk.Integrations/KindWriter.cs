using System.Text.Json;

namespace Port.Sdk.Integrations;

/// <summary>
/// Writes the entities a kind mapped to, batch by batch, as Port's bulk upsert does for Ocean: several entities with
/// one key in a batch are combined in order (merged with <c>enableMergeEntity</c>, else the last one wins), merged into
/// the stored entity when merging, members whose expression failed keep their stored value, and only what changed is
/// written. A rejected batch is retried entity by entity, so one bad entity does not hold back the rest.
/// </summary>
internal sealed class KindWriter
{
    private readonly PortCatalog _catalog;
    private readonly string _kind;
    private readonly bool _merge;
    private readonly EntityWriteOptions _options;

    public KindWriter(PortCatalog catalog, string kind, PortAppConfig? config)
    {
        _catalog = catalog;
        _kind = kind;
        _merge = config?.EnableMergeEntity ?? true;
        _options = new EntityWriteOptions { CreateMissingRelatedEntities = config?.CreateMissingRelatedEntities ?? true };
    }

    /// <summary>Writes (or, with a plan, only validates) a batch; returns the counts of created, updated and unchanged entities.</summary>
    public async Task<(int Created, int Updated, int Unchanged)> WriteAsync(IReadOnlyList<PendingEntity> entities, List<ResyncFailure> failures, KindPlan? plan, CancellationToken cancellationToken)
    {
        if (entities.Count == 0)
        {
            return (0, 0, 0);
        }

        // Hashed as the catalog stores them (Port's normalizations applied), so an unchanged entity compares equal.
        var combined = Combine(entities);
        var normalized = await _catalog.NormalizeEntitiesAsync([.. combined.Select(p => p.Entity)], cancellationToken).ConfigureAwait(false);
        var batch = new PendingEntity[combined.Count];
        var hashes = new string[combined.Count];
        void Prepare(int i)
        {
            batch[i] = combined[i] with { Entity = normalized[i] };
            hashes[i] = EntityContentHash.Compute(normalized[i]);
        }

        if (combined.Count < 64)
        {
            for (var i = 0; i < combined.Count; i++)
            {
                Prepare(i);
            }
        }
        else
        {
            Parallel.For(0, combined.Count, new ParallelOptions { CancellationToken = cancellationToken }, Prepare);
        }

        var stamps = await _catalog.Store.GetStampsAsync(batch.Select(p => p.Key), cancellationToken).ConfigureAwait(false);

        // A patch that hashes like the stored entity is that entity, merged or not: no read is needed for it.
        var candidates = new List<PendingEntity>(batch.Length);
        var unchanged = 0;
        var toRead = new List<EntityKey>();
        for (var i = 0; i < batch.Length; i++)
        {
            var pending = batch[i];
            if (!stamps.TryGetValue(pending.Key, out var stamp))
            {
                candidates.Add(pending);
                continue;
            }

            if (pending.FailedMembers.Count == 0 && stamp.ContentHash is { } stored && stored == hashes[i])
            {
                unchanged++;
                continue;
            }

            candidates.Add(pending);
            if (_merge || pending.FailedMembers.Count > 0)
            {
                toRead.Add(pending.Key);
            }
        }

        var originals = toRead.Count == 0 ? null : await _catalog.GetStoredEntitiesAsync(toRead, cancellationToken).ConfigureAwait(false);
        var changed = new List<Entity>(candidates.Count);
        var isNew = new HashSet<EntityKey>();
        foreach (var pending in candidates)
        {
            if (!stamps.TryGetValue(pending.Key, out var stamp))
            {
                isNew.Add(pending.Key);
                changed.Add(pending.Entity);
                continue;
            }

            if (originals?.GetValueOrDefault(pending.Key) is not { } original)
            {
                changed.Add(pending.Entity);
                continue;
            }

            var patch = Retain(pending.Entity, original, pending.FailedMembers, keepAbsent: _merge);
            var final = _merge ? EntityMerge.Apply(original, patch) : patch;

            // Merged into an entity another kind of the same integration wrote: that kind stays its source, so two
            // kinds writing one entity do not rewrite it on every resync.
            if (_merge && original.DataSource is { } source && source.Integration == patch.DataSource?.Integration)
            {
                final = final with { DataSource = source };
            }

            if (stamp.ContentHash is { } hash && hash == EntityContentHash.Compute(final))
            {
                unchanged++;
                continue;
            }

            changed.Add(final);
        }

        return plan is null
            ? await UpsertAsync(changed, isNew, unchanged, failures, cancellationToken).ConfigureAwait(false)
            : await ValidateAsync(changed, isNew, unchanged, failures, plan, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(int Created, int Updated, int Unchanged)> ValidateAsync(List<Entity> changed, HashSet<EntityKey> isNew, int unchanged, List<ResyncFailure> failures, KindPlan plan, CancellationToken cancellationToken)
    {
        var errors = await _catalog.ValidateEntitiesAsync(changed, _options, cancellationToken).ConfigureAwait(false);
        failures.AddRange(errors.Select(e => ResyncFailure.FromCatalog(_kind, e)));
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

    private async Task<(int Created, int Updated, int Unchanged)> UpsertAsync(List<Entity> changed, HashSet<EntityKey> isNew, int unchanged, List<ResyncFailure> failures, CancellationToken cancellationToken)
    {
        try
        {
            await _catalog.UpsertEntitiesAsync(changed, _options, cancellationToken).ConfigureAwait(false);
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
                    await _catalog.UpsertEntityAsync(entity, _options, cancellationToken).ConfigureAwait(false);
                    written++;
                    writtenNew += isNew.Contains(new EntityKey(entity.Blueprint, entity.Identifier)) ? 1 : 0;
                }
                catch (CatalogValidationException ex)
                {
                    failures.AddRange(ex.Errors.Select(e => ResyncFailure.FromCatalog(_kind, e)));
                }
            }

            return (writtenNew, written - writtenNew, unchanged);
        }
    }

    /// <summary>Combines the entities of one key in batch order: merged when merging, else the last one wins.</summary>
    private List<PendingEntity> Combine(IReadOnlyList<PendingEntity> entities)
    {
        var order = new List<PendingEntity>(entities.Count);
        Dictionary<EntityKey, int>? index = null;
        foreach (var pending in entities)
        {
            index ??= new Dictionary<EntityKey, int>(entities.Count);
            if (!index.TryGetValue(pending.Key, out var at))
            {
                index[pending.Key] = order.Count;
                order.Add(pending);
                continue;
            }

            var earlier = order[at];
            var later = Retain(pending.Entity, earlier.Entity, pending.FailedMembers, keepAbsent: _merge);
            var entity = _merge ? EntityMerge.Apply(earlier.Entity, later) : later;
            var failed = _merge ? [.. earlier.FailedMembers.Where(m => !IsGiven(later, m)), .. pending.FailedMembers.Where(m => !IsGiven(earlier.Entity, m))] : pending.FailedMembers;
            order[at] = new PendingEntity(entity, failed);
        }

        return order;
    }

    /// <summary>
    /// The patch with the members whose expression failed taken from <paramref name="original"/> (or, when
    /// <paramref name="keepAbsent"/>, left out of the patch so a merge keeps them): a broken expression never
    /// overwrites a stored value with null.
    /// </summary>
    private static Entity Retain(Entity patch, Entity original, IReadOnlyList<string> failedMembers, bool keepAbsent)
    {
        if (failedMembers.Count == 0)
        {
            return patch;
        }

        var properties = new Dictionary<string, JsonElement>(patch.Properties, StringComparer.Ordinal);
        var relations = new Dictionary<string, EntityRelation>(patch.Relations, StringComparer.Ordinal);
        var (title, icon, team) = (patch.Title, patch.Icon, patch.Team);
        foreach (var member in failedMembers)
        {
            if (member.StartsWith(MappedMember.PropertyPrefix, StringComparison.Ordinal))
            {
                var name = member[MappedMember.PropertyPrefix.Length..];
                if (!keepAbsent && original.Properties.TryGetValue(name, out var value))
                {
                    properties[name] = value;
                }
                else
                {
                    properties.Remove(name);
                }
            }
            else if (member.StartsWith(MappedMember.RelationPrefix, StringComparison.Ordinal))
            {
                var name = member[MappedMember.RelationPrefix.Length..];
                if (!keepAbsent && original.Relations.TryGetValue(name, out var value))
                {
                    relations[name] = value;
                }
                else
                {
                    relations.Remove(name);
                }
            }
            else if (member == MappedMember.Title)
            {
                title = original.Title;
            }
            else if (member == MappedMember.Icon)
            {
                icon = original.Icon;
            }
            else if (member == MappedMember.Team)
            {
                team = original.Team;
            }
        }

        return patch with { Title = title, Icon = icon, Team = team, Properties = properties, Relations = relations };
    }

    private static bool IsGiven(Entity entity, string member)
        => member.StartsWith(MappedMember.PropertyPrefix, StringComparison.Ordinal) ? entity.Properties.ContainsKey(member[MappedMember.PropertyPrefix.Length..])
            : member.StartsWith(MappedMember.RelationPrefix, StringComparison.Ordinal) ? entity.Relations.ContainsKey(member[MappedMember.RelationPrefix.Length..])
            : member == MappedMember.Title ? entity.Title is not null
            : member == MappedMember.Icon ? entity.Icon is not null
            : member == MappedMember.Team && entity.Team.Count > 0;
}

/// <summary>A mapped entity waiting to be written, and the members whose expression failed.</summary>
internal sealed record PendingEntity(Entity Entity, IReadOnlyList<string> FailedMembers)
{
    public EntityKey Key => new(Entity.Blueprint, Entity.Identifier);
}
