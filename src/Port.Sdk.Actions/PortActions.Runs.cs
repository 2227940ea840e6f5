using System.Diagnostics;
using System.Globalization;
using Port.Sdk.Actions.Internal;

namespace Port.Sdk.Actions;

/// <summary>Reporting on runs: progress, logs, approvals, and recovery after a restart.</summary>
public sealed partial class PortActions
{
    /// <summary>
    /// Reports progress on a run, as Port's run PATCH does: the status label, links and summary given replace the
    /// run's; a <see cref="ActionRunUpdate.Status"/> of <c>SUCCESS</c> or <c>FAILURE</c> ends the run.
    /// </summary>
    /// <param name="id">The run's identifier.</param>
    /// <param name="update">What changed.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The run as saved.</returns>
    /// <exception cref="KeyNotFoundException">There is no such run.</exception>
    /// <exception cref="InvalidOperationException">The run has ended, or the status is not <c>SUCCESS</c> or <c>FAILURE</c>.</exception>
    public Task<ActionRun> UpdateRunAsync(string id, ActionRunUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(update);
        if (update.Status is { } status && status is not (ActionRunStatus.Success or ActionRunStatus.Failure))
        {
            throw new InvalidOperationException($"A run's status can be set to SUCCESS or FAILURE only, not '{status}'.");
        }

        return MutateAsync(id, run =>
        {
            Open(run);
            var now = Options.TimeProvider.GetUtcNow();
            return run with
            {
                StatusLabel = update.StatusLabel is null ? run.StatusLabel : Cut(update.StatusLabel),
                Summary = update.Summary is null ? run.Summary : Cut(update.Summary),
                Links = update.Link is null ? run.Links : [.. update.Link.Take(100).Select(Cut)],
                Status = update.Status ?? run.Status,
                EndedAt = update.Status is null ? run.EndedAt : now,
                Owner = update.Status is null ? run.Owner : null,
                UpdatedAt = now,
            };
        }, cancellationToken);
    }

    /// <summary>Adds a log entry to a run, as Port's run log POST does; a termination status ends the run.</summary>
    /// <param name="id">The run's identifier.</param>
    /// <param name="message">The message.</param>
    /// <param name="terminationStatus"><c>SUCCESS</c> or <c>FAILURE</c> to end the run with this entry.</param>
    /// <param name="statusLabel">The status label to set.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The run as saved.</returns>
    /// <exception cref="KeyNotFoundException">There is no such run.</exception>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public Task<ActionRun> AddRunLogAsync(string id, string message, ActionRunStatus? terminationStatus = null, string? statusLabel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(message);
        if (terminationStatus is { } status && status is not (ActionRunStatus.Success or ActionRunStatus.Failure))
        {
            throw new InvalidOperationException($"A run can end in SUCCESS or FAILURE only, not '{status}'.");
        }

        return MutateAsync(id, run =>
        {
            Open(run);
            var now = Options.TimeProvider.GetUtcNow();
            return WithLog(run, message, now) with
            {
                StatusLabel = statusLabel is null ? run.StatusLabel : Cut(statusLabel),
                Status = terminationStatus ?? run.Status,
                EndedAt = terminationStatus is null ? run.EndedAt : now,
                Owner = terminationStatus is null ? run.Owner : null,
                UpdatedAt = now,
            };
        }, cancellationToken);
    }

    /// <summary>
    /// Finds the runs a process on this machine left <c>IN_PROGRESS</c> while invoking them and that process has
    /// ended, and marks them <c>FAILURE</c> (with a status label naming the process) or invokes them again, as
    /// <see cref="PortActionsOptions.Recovery"/> says. Runs waiting for approval or for an asynchronous backend are
    /// left alone: no process owns them.
    /// </summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The number of runs recovered.</returns>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken = default)
    {
        var interrupted = new List<ActionRun>();
        await foreach (var run in Store.ListAsync(new ActionRunQuery { Statuses = [ActionRunStatus.InProgress], Limit = int.MaxValue }, cancellationToken).ConfigureAwait(false))
        {
            if (run.Owner is { } owner && IsDead(owner))
            {
                interrupted.Add(run);
            }
        }

        foreach (var run in interrupted)
        {
            var registered = Find(run.Action);
            if (Options.Recovery == ActionRunRecovery.Resume && registered is not null)
            {
                var resumed = await MutateAsync(run.Id, r => WithLog(r, $"Resumed: the process that ran it ({run.Owner}) ended before it finished.", Options.TimeProvider.GetUtcNow()) with { Owner = Owner }, cancellationToken).ConfigureAwait(false);
                Log.RunRecovered(_logger, run.Id, run.Action, run.Owner!, "resumed");
                Start(registered, resumed);
            }
            else
            {
                await FailAsync(run.Id, $"The run was interrupted: the process that ran it ({run.Owner}) ended before it finished.", cancellationToken).ConfigureAwait(false);
                Log.RunRecovered(_logger, run.Id, run.Action, run.Owner!, "marked FAILURE");
            }
        }

        return interrupted.Count;
    }

    internal async Task<ActionRun> MutateAsync(string id, Func<ActionRun, ActionRun> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        ActionRun before, after;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            before = await Store.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"There is no run '{id}'.");
            after = change(before);
            await Store.UpdateAsync(after, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        if (after.Status == ActionRunStatus.Failure && before.Status != ActionRunStatus.Failure)
        {
            Log.RunFailed(_logger, after.Id, after.Action, after.StatusLabel ?? "(no reason given)");
        }

        Publish(before, after);
        return after;
    }

    internal Task<ActionRun> FailAsync(string id, string reason, CancellationToken cancellationToken)
        => MutateAsync(id, run => run.IsTerminal ? run : WithLog(run, reason, Options.TimeProvider.GetUtcNow()) with
        {
            Status = ActionRunStatus.Failure,
            StatusLabel = Cut(reason),
            Owner = null,
            EndedAt = Options.TimeProvider.GetUtcNow(),
            UpdatedAt = Options.TimeProvider.GetUtcNow(),
        }, cancellationToken);

    internal ActionRun WithLog(ActionRun run, string message, DateTimeOffset at)
    {
        if (run.Logs.Count >= Options.MaxLogEntries)
        {
            return run;
        }

        var entry = run.Logs.Count == Options.MaxLogEntries - 1
            ? new ActionRunLog($"The run reached MaxLogEntries ({Options.MaxLogEntries}); later log entries are dropped.", at)
            : new ActionRunLog(Cut(message), at);
        return run with { Logs = [.. run.Logs, entry] };
    }

    private string Cut(string text) => text.Length <= Options.MaxMessageLength ? text : string.Concat(text.AsSpan(0, Options.MaxMessageLength), "…");

    private static void Open(ActionRun run)
    {
        if (run.IsTerminal)
        {
            throw new InvalidOperationException($"The run '{run.Id}' has ended ({run.Status}); it can no longer be changed.");
        }
    }

    /// <summary>Whether the process named by a run's owner (<c>machine/pid/start</c>) has ended; a process on another machine is assumed alive.</summary>
    internal static bool IsDead(string owner)
    {
        var parts = owner.Split('/');
        if (parts.Length != 3 || parts[0] != Environment.MachineName
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var started))
        {
            return false;
        }

        if (owner == Owner)
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited || process.StartTime.ToUniversalTime().Ticks != started;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
