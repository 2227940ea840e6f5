using System.Text.Json;
using Port.Sdk.Catalog;

namespace Port.Sdk;

/// <summary>Entity writes: create, replace, merge, batches, and the validation a sync plan runs.</summary>
public sealed partial class PortCatalog
{
    private const int MaxConflictRetries = 20;

    private enum WriteMode
    {
        Create,
        Replace,
        Merge,
    }

    /// <summary>Creates an entity; fails if it exists.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="options">How missing related entities are treated.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The stored entity.</returns>
    /// <exception cref="CatalogValidationException">The entity is invalid or exists; nothing was written.</exception>
    public async Task<Entity> CreateEntityAsync(Entity entity, EntityWriteOptions? options = null, CancellationToken cancellationToken = default)
        => (await WriteAsync([entity], WriteMode.Create, options, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Creates an entity, or replaces it entirely.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="options">How missing related entities are treated.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The stored entity.</returns>
    /// <exception cref="CatalogValidationException">The entity is invalid; nothing was written.</exception>
    public async Task<Entity> UpsertEntityAsync(Entity entity, EntityWriteOptions? options = null, CancellationToken cancellationToken = default)
        => (await WriteAsync([entity], WriteMode.Replace, options, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Merges into an existing entity: the given properties and relations replace those of the same name; others stay.</summary>
    /// <param name="patch">The blueprint, identifier, and the properties and relations to set (title, icon and team when given).</param>
    /// <param name="options">How missing related entities are treated.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The stored entity.</returns>
    /// <exception cref="CatalogValidationException">The entity does not exist or the result is invalid; nothing was written.</exception>
    public async Task<Entity> MergeEntityAsync(Entity patch, EntityWriteOptions? options = null, CancellationToken cancellationToken = default)
        => (await WriteAsync([patch], WriteMode.Merge, options, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Creates or replaces many entities at once (or, with <see cref="EntityWriteOptions.Merge"/>, merges them into the
    /// stored ones): all are written, or (if any is invalid) none is.
    /// </summary>
    /// <param name="entities">
    /// The entities. In <see cref="CatalogValidationMode.Port"/> mode one entity may appear several times: the
    /// occurrences apply in order (the last replaces the others, or each merges into the ones before it). In
    /// <see cref="CatalogValidationMode.Strict"/> mode that is an error.
    /// </param>
    /// <param name="options">How missing related entities are treated, and whether to merge.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The stored entities, one per distinct entity, in the order each first appears.</returns>
    /// <exception cref="CatalogValidationException">An entity is invalid; the errors name each one; nothing was written.</exception>
    public Task<IReadOnlyList<Entity>> UpsertEntitiesAsync(IReadOnlyList<Entity> entities, EntityWriteOptions? options = null, CancellationToken cancellationToken = default)
        => WriteAsync(entities, WriteMode.Replace, options, cancellationToken);

    /// <summary>
    /// Checks what <see cref="UpsertEntitiesAsync"/> would check — schema, relations, the batch's own duplicates,
    /// the merge with stored entities when <see cref="EntityWriteOptions.Merge"/> is set — and writes nothing: what a sync plan reports.
    /// </summary>
    /// <param name="entities">The entities.</param>
    /// <param name="options">How missing related entities are treated, and whether to merge.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The errors; empty when every entity would be written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entities"/> is <see langword="null"/>.</exception>
    public async Task<IReadOnlyList<CatalogError>> ValidateEntitiesAsync(IReadOnlyList<Entity> entities, EntityWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await WriteAsync(entities, WriteMode.Replace, options, cancellationToken, validateOnly: true).ConfigureAwait(false);
            return [];
        }
        catch (CatalogValidationException ex)
        {
            return ex.Errors;
        }
    }

    /// <summary>
    /// Returns each entity as the catalog would store it, without writing or validating: computed properties removed,
    /// and in <see cref="CatalogValidationMode.Port"/> mode the properties its blueprint lacks dropped, numeric strings
    /// of number properties made numbers, and single identifiers of <c>many</c> relations made arrays. Timestamps are
    /// left as given. What a sync hashes to compare mapped entities with stored ones.
    /// </summary>
    /// <param name="entities">The entities.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The entities, in the same order; an entity of an unknown blueprint is returned as given.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entities"/> is <see langword="null"/>.</exception>
    public async Task<IReadOnlyList<Entity>> NormalizeEntitiesAsync(IReadOnlyList<Entity> entities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entities);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var blueprints = await AllBlueprintsAsync(cancellationToken).ConfigureAwait(false);
        return [.. entities.Select(e => Normalize(e, blueprints))];
    }

    private async Task<IReadOnlyList<Entity>> WriteAsync(IReadOnlyList<Entity> entities, WriteMode mode, EntityWriteOptions? options, CancellationToken cancellationToken, bool validateOnly = false)
    {
        ArgumentNullException.ThrowIfNull(entities);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        options ??= EntityWriteOptions.Default;

        // Another instance may change what a merge read, or create what a placeholder fills, before the write: the store
        // then writes nothing and says so, and the write is decided again on what is there now.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await WriteOnceAsync(entities, mode, options, validateOnly, cancellationToken).ConfigureAwait(false);
            }
            catch (EntityConflictException) when (attempt < MaxConflictRetries)
            {
            }
        }
    }

    private async Task<IReadOnlyList<Entity>> WriteOnceAsync(IReadOnlyList<Entity> entities, WriteMode mode, EntityWriteOptions options, bool validateOnly, CancellationToken cancellationToken)
    {

        // A merging batch creates the entities that do not exist (Port's upsert with merge=true); MergeEntityAsync does not.
        var merging = mode == WriteMode.Merge || (mode == WriteMode.Replace && options.Merge);
        var lenient = ValidationMode == CatalogValidationMode.Port;
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var blueprints = await AllBlueprintsAsync(cancellationToken).ConfigureAwait(false);
            var errors = new List<CatalogError>();
            var now = _time.GetUtcNow();
            var batch = new Dictionary<EntityKey, Entity>();
            var previous = new Dictionary<EntityKey, Entity?>();

            // One bulk lookup finds what exists of the batch and of its relation targets; merges read whole entities.
            var keys = entities.Where(e => e is not null).Select(e => new EntityKey(e.Blueprint ?? string.Empty, e.Identifier ?? string.Empty)).ToList();
            var stamps = new Dictionary<EntityKey, EntityStamp>(await Store.GetStampsAsync(
                keys.Concat(entities.Where(e => e is not null).SelectMany(e => RelationTargets(e, blueprints))), cancellationToken).ConfigureAwait(false));
            var originals = merging ? await GetStoredEntitiesAsync(keys, cancellationToken).ConfigureAwait(false) : new Dictionary<EntityKey, Entity>();
            var rejected = new HashSet<EntityKey>();
            foreach (var input in entities)
            {
                ArgumentNullException.ThrowIfNull(input, nameof(entities));
                var key = new EntityKey(input.Blueprint ?? string.Empty, input.Identifier ?? string.Empty);
                if (rejected.Contains(key))
                {
                    continue;
                }

                var repeated = batch.TryGetValue(key, out var earlier);
                if (repeated && !lenient)
                {
                    errors.Add(new CatalogError(key.Blueprint, key.Identifier, "/identifier", "duplicate", "the identifier appears more than once in the batch"));
                    continue;
                }

                var stamp = stamps.GetValueOrDefault(key);
                var existing = originals.GetValueOrDefault(key);
                if (!repeated)
                {
                    previous[key] = existing ?? (stamp is null ? null : input);
                }

                if (mode == WriteMode.Create && stamp is not null)
                {
                    errors.Add(new CatalogError(key.Blueprint, key.Identifier, "/identifier", "exists", "an entity with this identifier already exists"));
                    rejected.Add(key);
                    continue;
                }

                if (mode == WriteMode.Merge && existing is null && !repeated)
                {
                    errors.Add(new CatalogError(key.Blueprint, key.Identifier, "/identifier", "not-found", "there is no entity to merge into"));
                    rejected.Add(key);
                    continue;
                }

                // Later occurrences of one entity apply over the earlier ones: merged into them, or replacing them.
                var basis = repeated ? earlier : existing;
                var merged = merging && basis is not null ? EntityMerge.Apply(basis, input) : input;
                var normalized = Normalize(merged, blueprints);
                batch[key] = normalized with
                {
                    CreatedAt = stamp?.CreatedAt ?? basis?.CreatedAt ?? normalized.CreatedAt ?? now,
                    UpdatedAt = now,
                    DataSource = normalized.DataSource ?? stamp?.DataSource,
                };
            }

            // Merged entities keep relations the input did not name: their targets are looked up too.
            var unseen = batch.Values.SelectMany(e => RelationTargets(e, blueprints)).Where(k => !stamps.ContainsKey(k) && !batch.ContainsKey(k)).ToList();
            if (unseen.Count > 0)
            {
                foreach (var (key, stamp) in await Store.GetStampsAsync(unseen, cancellationToken).ConfigureAwait(false))
                {
                    stamps[key] = stamp;
                }
            }

            var placeholders = new Dictionary<EntityKey, Entity>();
            foreach (var entity in batch.Values)
            {
                ValidateEntity(entity, blueprints, batch, stamps, placeholders, options, errors, now);
            }

            if (errors.Count > 0)
            {
                throw new CatalogValidationException(errors);
            }

            if (validateOnly)
            {
                return [.. batch.Values];
            }

            var upserts = placeholders.Values.Concat(batch.Values).ToList();
            var expected = new Dictionary<EntityKey, string?>();
            foreach (var key in placeholders.Keys)
            {
                expected[key] = null;
            }

            foreach (var (key, original) in originals)
            {
                expected[key] = EntityContentHash.Compute(original);
            }

            if (merging)
            {
                foreach (var key in batch.Keys.Where(k => !originals.ContainsKey(k)))
                {
                    expected[key] = null;
                }
            }

            await Store.ApplyAsync(new EntityChangeSet { Upserts = upserts, ExpectedContentHashes = expected }, cancellationToken).ConfigureAwait(false);
            foreach (var entity in upserts)
            {
                var key = new EntityKey(entity.Blueprint, entity.Identifier);
                var created = !previous.TryGetValue(key, out var before) || before is null;
                Publish(new EntityChange(created ? EntityChangeKind.Created : EntityChangeKind.Updated, key, entity));
            }

            return [.. batch.Values];
        }
        finally
        {
            _writes.Release();
        }
    }
}
