namespace Port.Sdk.Actions;

/// <summary>
/// A progress report on a run, as Port's <c>PATCH /v1/actions/runs/{run_id}</c> takes it: each given member
/// replaces the run's; <see cref="Status"/> <c>SUCCESS</c> or <c>FAILURE</c> ends the run.
/// </summary>
public sealed record ActionRunUpdate
{
    /// <summary>Gets the final status (<see cref="ActionRunStatus.Success"/> or <see cref="ActionRunStatus.Failure"/>), if the run ended.</summary>
    public ActionRunStatus? Status { get; init; }

    /// <summary>Gets the status label.</summary>
    public string? StatusLabel { get; init; }

    /// <summary>Gets the links to external jobs or logs (replacing the run's).</summary>
    public IReadOnlyList<string>? Link { get; init; }

    /// <summary>Gets the summary.</summary>
    public string? Summary { get; init; }
}
