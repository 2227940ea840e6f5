namespace Port.Sdk;

/// <summary>An entity found by a relation walk, with how it was reached.</summary>
/// <param name="Entity">The entity: as stored when a store's <see cref="IEntityStore.WalkRelationsAsync"/> returns it, with its computed properties when the catalog does.</param>
/// <param name="Hops">How many relations away it is.</param>
/// <param name="Path">The relations walked, as <c>relation</c> (upstream) or <c>~relation</c> (downstream, reversed).</param>
public sealed record RelatedEntity(Entity Entity, int Hops, IReadOnlyList<string> Path);
