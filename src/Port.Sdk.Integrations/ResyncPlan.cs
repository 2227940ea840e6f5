namespace Port.Sdk.Integrations;

/// <summary>What a resync would do, without doing it.</summary>
public sealed record ResyncPlan
{
    /// <summary>Gets the integration.</summary>
    public required string Integration { get; init; }

    /// <summary>Gets the plan of each kind.</summary>
    public required IReadOnlyList<KindPlan> Kinds { get; init; }

    /// <summary>Gets a value indicating whether every kind was fetched to the end without a source error.</summary>
    public bool Completed { get; init; }

    /// <summary>Gets why stale entities would not be deleted, when they would not.</summary>
    public string? DeletionSkippedReason { get; init; }
}
