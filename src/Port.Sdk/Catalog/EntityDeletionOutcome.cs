namespace Port.Sdk;

/// <summary>The outcome of deleting one entity with <see cref="PortCatalog.DeleteEntitiesAsync"/>.</summary>
/// <param name="Key">The entity given.</param>
/// <param name="Status">Whether it was deleted, absent or refused.</param>
public sealed record EntityDeletionOutcome(EntityKey Key, EntityDeletionStatus Status)
{
    /// <summary>Gets why the deletion was refused (rule <c>has-dependents</c>, one error per requiring entity); empty otherwise.</summary>
    public IReadOnlyList<CatalogError> Errors { get; init; } = [];

    /// <summary>Gets the entities deleted with it because they required it (when deleting dependents), nearest first; empty otherwise.</summary>
    public IReadOnlyList<EntityKey> Dependents { get; init; } = [];
}
