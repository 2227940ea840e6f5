namespace Port.Sdk;

/// <summary>What <see cref="PortCatalog.DeleteEntitiesAsync"/> did with one of the entities it was given.</summary>
public enum EntityDeletionStatus
{
    /// <summary>The entity was deleted (with its dependents, when those were to be deleted too).</summary>
    Deleted,

    /// <summary>There was no such entity (also when an earlier entity of the same call deleted it as a dependent).</summary>
    NotFound,

    /// <summary>Other entities require it and its dependents were not to be deleted; nothing of it changed.</summary>
    Refused,
}
