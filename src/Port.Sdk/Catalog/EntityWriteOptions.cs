namespace Port.Sdk;

/// <summary>How entity writes treat relations to entities that do not exist, and whether a batch replaces or merges.</summary>
public sealed class EntityWriteOptions
{
    internal static EntityWriteOptions Default { get; } = new();

    /// <summary>
    /// Gets or sets a value indicating whether a relation to a missing entity creates that entity as a placeholder
    /// (identifier and blueprint only), as Port's <c>createMissingRelatedEntities</c> does, instead of rejecting the write.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool CreateMissingRelatedEntities { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether <see cref="PortCatalog.UpsertEntitiesAsync"/> and
    /// <see cref="PortCatalog.ValidateEntitiesAsync"/> merge each entity into the stored one, as Port's
    /// <c>merge=true</c> upsert (Ocean's <c>enableMergeEntity</c>) does, instead of replacing it.
    /// </summary>
    /// <remarks>
    /// A merge has <see cref="PortCatalog.MergeEntityAsync"/>'s semantics: the given properties and relations replace
    /// those of the same name and the others stay; title, icon and team are replaced only when given. An entity that
    /// does not exist yet is created. When one entity appears several times in the batch, each occurrence is merged,
    /// in order, into the result of the ones before it.
    /// </remarks>
    /// <value>The default value is <see langword="false"/>: each entity replaces the stored one.</value>
    public bool Merge { get; set; }
}
