using System.Runtime.CompilerServices;

namespace Port.Sdk.Actions;

/// <summary>Keeps action runs in memory: what <c>AddActions()</c> uses when nothing else is registered. Runs are lost when the process ends.</summary>
public sealed class InMemoryActionRunStore : IActionRunStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ActionRun> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Task<ActionRun> CreateAsync(ActionRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            if (run.IdempotencyKey is { } key && _keys.TryGetValue(key, out var existing))
            {
                return Task.FromResult(_runs[existing]);
            }

            if (!_runs.TryAdd(run.Id, run))
            {
                throw new InvalidOperationException($"A run with the identifier '{run.Id}' exists.");
            }

            if (run.IdempotencyKey is { } newKey)
            {
                _keys[newKey] = run.Id;
            }

            return Task.FromResult(run);
        }
    }

    /// <inheritdoc/>
    public Task<ActionRun?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            return Task.FromResult(_runs.GetValueOrDefault(id));
        }
    }

    /// <inheritdoc/>
    public Task UpdateAsync(ActionRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            if (!_runs.ContainsKey(run.Id))
            {
                throw new KeyNotFoundException($"There is no run '{run.Id}'.");
            }

            _runs[run.Id] = run;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ActionRun> ListAsync(ActionRunQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        List<ActionRun> found;
        lock (_gate)
        {
            found = [.. _runs.Values
                .Where(r => (query.Action is null || r.Action == query.Action)
                    && (query.Entity is null || r.Entity == query.Entity)
                    && (query.Statuses is null || query.Statuses.Count == 0 || query.Statuses.Contains(r.Status)))
                .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal)
                .Take(query.Limit)];
        }

        foreach (var run in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return run;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
