using System.Runtime.CompilerServices;

namespace Port.Sdk;

/// <summary>
/// Where the catalog keeps blueprints and entities. A store persists and finds; the catalog
/// (<c>PortCatalog</c> in the Port.Sdk package) validates, relates and computes. Implement this to keep the catalog
/// in your own database; <c>Port.Sdk.Testing</c>'s conformance suite checks an implementation.
/// </summary>
public interface IEntityStore
{
    /// <summary>Gets a blueprint.</summary>
    /// <param name="identifier">The blueprint's identifier.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The blueprint, or <see langword="null"/> when there is none.</returns>
    Task<Blueprint?> GetBlueprintAsync(string identifier, CancellationToken cancellationToken = default);

    /// <summary>Lists every blueprint.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The blueprints, in no particular order.</returns>
    IAsyncEnumerable<Blueprint> GetBlueprintsAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a blueprint. The catalog has validated it.</summary>
    /// <param name="blueprint">The blueprint.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the blueprint is saved.</returns>
    Task SaveBlueprintAsync(Blueprint blueprint, CancellationToken cancellationToken = default);

    /// <summary>Deletes a blueprint. The catalog has checked that no entity uses it.</summary>
    /// <param name="identifier">The blueprint's identifier.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when a blueprint was deleted.</returns>
    Task<bool> DeleteBlueprintAsync(string identifier, CancellationToken cancellationToken = default);

    /// <summary>Gets an entity as stored (without computed properties).</summary>
    /// <param name="blueprint">The entity's blueprint.</param>
    /// <param name="identifier">The entity's identifier.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The entity, or <see langword="null"/> when there is none.</returns>
    Task<Entity?> GetEntityAsync(string blueprint, string identifier, CancellationToken cancellationToken = default);

    /// <summary>Finds the stored entities that match a query, streaming them.</summary>
    /// <param name="query">The blueprint to search (or all), and the filter in the search rule language.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The matching entities.</returns>
    IAsyncEnumerable<Entity> QueryAsync(EntityQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds which of the given entities exist, with the metadata a write keeps (creation time and data source),
    /// without reading whole entities. The default implementation reads them with <see cref="GetEntityAsync"/>;
    /// a store overrides it to look them up in bulk.
    /// </summary>
    /// <param name="keys">The entities to look up.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The metadata of those that exist, by key.</returns>
    async Task<IReadOnlyDictionary<EntityKey, EntityStamp>> GetStampsAsync(IEnumerable<EntityKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var stamps = new Dictionary<EntityKey, EntityStamp>();
        foreach (var key in keys.Distinct())
        {
            if (await GetEntityAsync(key.Blueprint, key.Identifier, cancellationToken).ConfigureAwait(false) is { } entity)
            {
                stamps[key] = EntityStamp.Of(entity);
            }
        }

        return stamps;
    }

    /// <summary>
    /// Streams the keys and metadata of the stored entities that match a query, without whole entities: what a sync
    /// reads to find the entities it owns. The default implementation reads them with <see cref="QueryAsync"/>; a
    /// store overrides it to read only the metadata.
    /// </summary>
    /// <param name="query">The blueprint to search (or all), and the filter in the search rule language.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The key and metadata of each matching entity.</returns>
    async IAsyncEnumerable<KeyValuePair<EntityKey, EntityStamp>> QueryStampsAsync(EntityQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await foreach (var entity in QueryAsync(query, cancellationToken).ConfigureAwait(false))
        {
            yield return new(new EntityKey(entity.Blueprint, entity.Identifier), EntityStamp.Of(entity));
        }
    }

    /// <summary>
    /// Streams the key of every stored entity whose data source is <paramref name="integration"/>, with the kind that
    /// wrote it: what a resync reads to find the entities it wrote before and did not see again. The default
    /// implementation filters <see cref="QueryStampsAsync"/>; a store overrides it to read only those keys (an index on
    /// the data source).
    /// </summary>
    /// <param name="integration">The integration (<see cref="EntityDataSource.Integration"/>), compared ordinally.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Each such entity's key (the key) and <see cref="EntityDataSource.Kind"/> (the value), in no particular order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="integration"/> is <see langword="null"/>.</exception>
    async IAsyncEnumerable<KeyValuePair<EntityKey, string>> QueryKeysBySourceAsync(string integration, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(integration);
        await foreach (var (key, stamp) in QueryStampsAsync(new EntityQuery(), cancellationToken).ConfigureAwait(false))
        {
            if (stamp.DataSource is { } source && string.Equals(source.Integration, integration, StringComparison.Ordinal))
            {
                yield return new(key, source.Kind);
            }
        }
    }

    /// <summary>
    /// Streams, for each of the given entities, the stored entities that relate to it (what a <c>relatedTo</c> rule
    /// with <see cref="RelationDirection.Downstream"/> finds for it): what a deletion checks and clears. The default
    /// implementation runs one such query per entity with <see cref="QueryAsync"/>; a store overrides it to look them up
    /// in bulk.
    /// </summary>
    /// <param name="targets">The entities related to.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>
    /// Pairs of a target (the key) and an entity that relates to it (the value), each pair once, in no particular order;
    /// an entity that relates to several targets comes once for each.
    /// </returns>
    async IAsyncEnumerable<KeyValuePair<EntityKey, Entity>> QueryRelatingAsync(IEnumerable<EntityKey> targets, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        foreach (var target in targets.Distinct())
        {
            var rule = new RelatedToRule { Blueprint = target.Blueprint, Value = target.Identifier, Direction = RelationDirection.Downstream };
            await foreach (var entity in QueryAsync(new EntityQuery { Filter = new SearchQuery { Rules = [rule] } }, cancellationToken).ConfigureAwait(false))
            {
                yield return new(target, entity);
            }
        }
    }

    /// <summary>
    /// Walks relations from an entity, breadth first, up to <paramref name="hops"/> relations away: what
    /// <c>PortCatalog.GetRelatedEntitiesAsync</c> and the context composer's walks read. The default implementation,
    /// <see cref="EntityRelationWalk.WalkAsync"/>, reads hop by hop with <see cref="GetEntityAsync"/> and
    /// <see cref="QueryAsync"/>; a store overrides it to walk in one query.
    /// </summary>
    /// <param name="start">The entity to start from; nothing is found when it does not exist.</param>
    /// <param name="hops">How far to walk (1 or more).</param>
    /// <param name="direction">Upstream, downstream, or <see langword="null"/> for both.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>
    /// Each related entity once (not the start), as stored, nearest first, with the relations of one shortest path to
    /// it (which one, when several are as short, is the store's choice). A walk goes through existing entities only.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hops"/> is less than 1.</exception>
    IAsyncEnumerable<RelatedEntity> WalkRelationsAsync(EntityKey start, int hops, RelationDirection? direction, CancellationToken cancellationToken = default)
        => EntityRelationWalk.WalkAsync(this, start, hops, direction, cancellationToken);

    /// <summary>Counts the entities of a blueprint.</summary>
    /// <param name="blueprint">The blueprint.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The number of entities.</returns>
    Task<long> CountAsync(string blueprint, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a change set atomically: every upsert and delete is applied, or (on any failure or cancellation)
    /// none is. The catalog has validated the change set.
    /// </summary>
    /// <param name="changes">The entities to create or replace, and the entities to delete.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the change set is durable.</returns>
    Task ApplyAsync(EntityChangeSet changes, CancellationToken cancellationToken = default);
}

/// <summary>Identifies an entity: its blueprint and its identifier.</summary>
/// <param name="Blueprint">The blueprint.</param>
/// <param name="Identifier">The identifier.</param>
public readonly record struct EntityKey(string Blueprint, string Identifier)
{
    /// <summary>Returns <c>blueprint/identifier</c>.</summary>
    /// <returns>The key as text.</returns>
    public override string ToString() => $"{Blueprint}/{Identifier}";
}

/// <summary>What a write keeps of an existing entity it replaces, and what a sync compares it by.</summary>
/// <param name="CreatedAt">When the entity was first written.</param>
/// <param name="DataSource">What wrote it.</param>
public sealed record EntityStamp(DateTimeOffset? CreatedAt, EntityDataSource? DataSource)
{
    /// <summary>
    /// Gets the <see cref="EntityContentHash"/> of the entity as stored, or <see langword="null"/> when the store does
    /// not know it (the entity is then treated as changed).
    /// </summary>
    public string? ContentHash { get; init; }

    /// <summary>The stamp of a stored entity, with its <see cref="EntityContentHash"/> computed: what a store without stamp columns answers.</summary>
    /// <param name="entity">The entity as stored.</param>
    /// <returns>The stamp.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entity"/> is <see langword="null"/>.</exception>
    public static EntityStamp Of(Entity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return new EntityStamp(entity.CreatedAt, entity.DataSource) { ContentHash = EntityContentHash.Compute(entity) };
    }
}

/// <summary>What <see cref="IEntityStore.QueryAsync"/> finds.</summary>
public sealed record EntityQuery
{
    /// <summary>Gets the blueprint to search; <see langword="null"/> for every blueprint.</summary>
    public string? Blueprint { get; init; }

    /// <summary>Gets the filter; <see langword="null"/> for every entity.</summary>
    public SearchQuery? Filter { get; init; }
}

/// <summary>Entities to create or replace and entities to delete, written together by <see cref="IEntityStore.ApplyAsync"/>.</summary>
public sealed record EntityChangeSet
{
    /// <summary>Gets the entities to create or replace.</summary>
    public IReadOnlyList<Entity> Upserts { get => _upserts; init => _upserts = value ?? []; }

    // System.Text.Json passes null for a member missing from the JSON: the setter keeps the default.
    private readonly IReadOnlyList<Entity> _upserts = [];

    /// <summary>Gets the entities to delete.</summary>
    public IReadOnlyList<EntityKey> Deletes { get => _deletes; init => _deletes = value ?? []; }

    private readonly IReadOnlyList<EntityKey> _deletes = [];

    /// <summary>
    /// Gets what some of the entities must still be for the change set to be written: by key, the
    /// <see cref="EntityContentHash"/> the entity had when the write was decided (a merge read it), or
    /// <see langword="null"/> when it did not exist. A store that several catalogs write checks them under the lock of
    /// the change set and, when one differs, writes nothing and throws <see cref="EntityConflictException"/>; the
    /// catalog then reads again and redoes the write. A store that only one catalog writes may ignore them (the catalog
    /// serializes its own writes). Empty by default.
    /// </summary>
    public IReadOnlyDictionary<EntityKey, string?> ExpectedContentHashes { get => _expected; init => _expected = value ?? EmptyExpected; }

    private static readonly IReadOnlyDictionary<EntityKey, string?> EmptyExpected = new Dictionary<EntityKey, string?>();
    private readonly IReadOnlyDictionary<EntityKey, string?> _expected = EmptyExpected;
}

/// <summary>A change to the catalog, as <c>PortCatalog.WatchAsync</c> reports it.</summary>
/// <param name="Kind">Created, updated or deleted.</param>
/// <param name="Key">The entity.</param>
/// <param name="Entity">The entity after the change; <see langword="null"/> when it was deleted.</param>
public sealed record EntityChange(EntityChangeKind Kind, EntityKey Key, Entity? Entity);

/// <summary>The kind of an <see cref="EntityChange"/>.</summary>
public enum EntityChangeKind
{
    /// <summary>The entity did not exist before.</summary>
    Created,

    /// <summary>The entity existed and changed.</summary>
    Updated,

    /// <summary>The entity was deleted.</summary>
    Deleted,
}
