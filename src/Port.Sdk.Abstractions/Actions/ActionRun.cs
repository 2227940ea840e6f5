using System.Text.Json;
using System.Text.Json.Serialization;

namespace Port.Sdk.Actions;

/// <summary>
/// One invocation of an action or automation, as Port's action run has it: its status and status label, logs, links,
/// who invoked it and when. Runs are kept in an <see cref="IActionRunStore"/>.
/// </summary>
public sealed record ActionRun
{
    /// <summary>Gets the run's identifier (<c>r_</c> followed by random characters, as Port's).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the identifier of the action or automation that ran.</summary>
    public required string Action { get; init; }

    /// <summary>Gets the status.</summary>
    public ActionRunStatus Status { get; init; } = ActionRunStatus.InProgress;

    /// <summary>Gets a short message about the status, such as why the run failed.</summary>
    public string? StatusLabel { get; init; }

    /// <summary>Gets the summary the backend reported, if any.</summary>
    public string? Summary { get; init; }

    /// <summary>Gets the blueprint the run is about, if any.</summary>
    public string? Blueprint { get; init; }

    /// <summary>Gets the identifier of the entity the run is about (a DAY-2 or DELETE action, or an automation's entity), if any.</summary>
    public string? Entity { get; init; }

    /// <summary>Gets who invoked the run: a user, or <c>automation:{identifier}</c>.</summary>
    public string? Caller { get; init; }

    /// <summary>Gets where the invocation came from, such as <c>API</c>, <c>CLI</c>, <c>MCP</c> or <c>AUTOMATION</c>.</summary>
    public string? Source { get; init; }

    /// <summary>Gets the validated inputs (defaults applied); an empty object for an automation.</summary>
    public JsonElement? Inputs { get; init; }

    /// <summary>
    /// Gets what the payload templates read (<c>.inputs</c>, <c>.entity</c>, <c>.trigger</c>, <c>.event</c>, <c>.run</c>),
    /// kept so that a run interrupted by a restart can be invoked again.
    /// </summary>
    public JsonElement? Context { get; init; }

    /// <summary>Gets the links to the run's external jobs or logs, in the order reported.</summary>
    public IReadOnlyList<string> Links { get => _links; init => _links = value ?? []; }

    private readonly IReadOnlyList<string> _links = [];

    /// <summary>Gets the log entries, oldest first.</summary>
    public IReadOnlyList<ActionRunLog> Logs { get => _logs; init => _logs = value ?? []; }

    private readonly IReadOnlyList<ActionRunLog> _logs = [];

    /// <summary>Gets a value indicating whether the run must be approved before it is invoked.</summary>
    public bool RequiresApproval { get; init; }

    /// <summary>Gets the approval decision, once made.</summary>
    public ActionRunApproval? Approval { get; init; }

    /// <summary>
    /// Gets every approval given so far, oldest first: an action whose approval type is <c>ALL</c> waits until each
    /// of its approvers has approved; <see cref="Approval"/> is set by the decision that ends the wait.
    /// </summary>
    public IReadOnlyList<ActionRunApproval> Approvals { get => _approvals; init => _approvals = value ?? []; }

    private readonly IReadOnlyList<ActionRunApproval> _approvals = [];

    /// <summary>
    /// Gets the process invoking the run right now (<c>machine/pid/start</c>), or <see langword="null"/> when no process
    /// is: the run waits for approval, for its backend to report, or has ended. A run left with the owner of a process
    /// that has died was interrupted.
    /// </summary>
    public string? Owner { get; init; }

    /// <summary>Gets the key that makes one event start one run at most (automations), if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Gets how many automation runs led to this one (0 for a run started by a person or a program).</summary>
    public int Depth { get; init; }

    /// <summary>Gets how many times the run has been invoked (more than one when it was resumed after a restart).</summary>
    public int Attempts { get; init; }

    /// <summary>Gets when the run was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the run last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets when the run ended, once it has.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Gets a value indicating whether the run has ended (<see cref="ActionRunStatus.Success"/>, <see cref="ActionRunStatus.Failure"/> or <see cref="ActionRunStatus.Declined"/>).</summary>
    [JsonIgnore]
    public bool IsTerminal => Status is ActionRunStatus.Success or ActionRunStatus.Failure or ActionRunStatus.Declined;
}
