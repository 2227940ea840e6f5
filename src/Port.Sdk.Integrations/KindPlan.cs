namespace Port.Sdk.Integrations;

/// <summary>What a resync would do to one kind: <see cref="ResyncEngine.PlanAsync"/>'s answer.</summary>
public sealed record KindPlan
{
    /// <summary>Gets the kind.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets the counts (fetched, selected, mapped, would create, would update, unchanged) and the failures.</summary>
    public KindReport Report { get; init; } = null!;

    /// <summary>Gets the entities that would be created.</summary>
    public List<EntityKey> Create { get; init; } = [];

    /// <summary>Gets the entities that would be rewritten because they changed.</summary>
    public List<EntityKey> Update { get; init; } = [];

    /// <summary>Gets the stale entities that would be deleted.</summary>
    public List<EntityKey> Delete { get; init; } = [];
}
