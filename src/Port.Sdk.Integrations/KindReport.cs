namespace Port.Sdk.Integrations;

/// <summary>What happened to one kind during a resync (or one live event).</summary>
public sealed record KindReport
{
    /// <summary>Gets the kind.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets how many raw items were fetched.</summary>
    public int Fetched { get; init; }

    /// <summary>Gets how many of the fetched items passed the kind's selector.</summary>
    public int Selected { get; init; }

    /// <summary>Gets how many entities the items mapped to.</summary>
    public int Mapped { get; init; }

    /// <summary>Gets how many items had a mapping failure (a field set to null, or an entity that could not be built).</summary>
    public int FailedItems { get; init; }

    /// <summary>Gets how many entities were created.</summary>
    public int Created { get; init; }

    /// <summary>Gets how many entities changed and were rewritten.</summary>
    public int Updated { get; init; }

    /// <summary>Gets how many entities were already up to date and were not rewritten.</summary>
    public int Unchanged { get; init; }

    /// <summary>Gets how many stale entities were deleted.</summary>
    public int Deleted { get; init; }

    /// <summary>Gets why no stale entity of this kind was deleted, when none was for a reason of the kind's own.</summary>
    public string? DeletionSkippedReason { get; init; }

    /// <summary>Gets what failed, item by item and entity by entity; everything else went on.</summary>
    public IReadOnlyList<ResyncFailure> Failures { get; init; } = [];

    /// <summary>Gets how long the kind took to fetch, map and write.</summary>
    public TimeSpan Duration { get; init; }
}
