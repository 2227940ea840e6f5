namespace Port.Sdk.Actions;

/// <summary>
/// Where action runs are kept. The SDK ships an in-memory store (Port.Sdk.Actions) and a SQLite store that shares the
/// catalog's file (Port.Sdk.Sqlite); implement this to keep runs in another database. Port.Sdk.Testing's
/// <c>ActionRunStoreConformanceTests</c> checks an implementation.
/// </summary>
public interface IActionRunStore
{
    /// <summary>
    /// Adds a run. When <see cref="ActionRun.IdempotencyKey"/> is set and a run with that key exists, nothing is
    /// added and that run is returned: one event starts one run, however often it is delivered.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The run added, or the existing run with the same idempotency key.</returns>
    Task<ActionRun> CreateAsync(ActionRun run, CancellationToken cancellationToken = default);

    /// <summary>Gets a run.</summary>
    /// <param name="id">The run's identifier.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The run, or <see langword="null"/> when there is none.</returns>
    Task<ActionRun?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces a run that exists.</summary>
    /// <param name="run">The run, with the changes.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the run is durable.</returns>
    /// <exception cref="KeyNotFoundException">There is no run with that identifier.</exception>
    Task UpdateAsync(ActionRun run, CancellationToken cancellationToken = default);

    /// <summary>Lists runs, newest first.</summary>
    /// <param name="query">Which runs.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The runs.</returns>
    IAsyncEnumerable<ActionRun> ListAsync(ActionRunQuery query, CancellationToken cancellationToken = default);
}
