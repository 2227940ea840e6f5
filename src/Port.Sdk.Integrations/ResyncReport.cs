namespace Port.Sdk.Integrations;

/// <summary>The report of a resync: per kind, and whether (and why not) stale entities were deleted.</summary>
public sealed record ResyncReport
{
    /// <summary>Gets the integration.</summary>
    public required string Integration { get; init; }

    /// <summary>Gets the report of each kind.</summary>
    public required IReadOnlyList<KindReport> Kinds { get; init; }

    /// <summary>
    /// Gets a value indicating whether every kind was fetched to the end without a source error. Items that failed
    /// mapping do not make a resync incomplete: they are reported in <see cref="KindReport.Failures"/>.
    /// </summary>
    public bool Completed { get; init; }

    /// <summary>
    /// Gets a value indicating whether the resync did not run because another instance was resyncing the same
    /// integration and the store's <see cref="IResyncLock"/> is configured to skip rather than wait.
    /// </summary>
    public bool Skipped { get; init; }

    /// <summary>Gets why no stale entity of the integration was deleted, when none was; see also <see cref="KindReport.DeletionSkippedReason"/>.</summary>
    public string? DeletionSkippedReason { get; init; }
}
