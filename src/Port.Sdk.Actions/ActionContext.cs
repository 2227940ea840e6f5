using System.Text.Json;

namespace Port.Sdk.Actions;

/// <summary>What an <see cref="IActionHandler"/> gets: the run, its inputs, its entity, and ways to report progress.</summary>
public sealed class ActionContext
{
    private readonly PortActions _actions;

    internal ActionContext(PortActions actions, PortAction action, ActionRun run, JsonElement inputs, JsonElement templateContext, Entity? entity)
    {
        _actions = actions;
        Action = action;
        Run = run;
        Inputs = inputs;
        TemplateContext = templateContext;
        Entity = entity;
    }

    /// <summary>Gets the action.</summary>
    public PortAction Action { get; }

    /// <summary>Gets the run as it was when the handler was called.</summary>
    public ActionRun Run { get; }

    /// <summary>Gets the validated inputs (defaults applied; entity inputs as identifiers).</summary>
    public JsonElement Inputs { get; }

    /// <summary>Gets what templates see: <c>inputs</c> (entity inputs as entities), <c>entity</c>, <c>trigger</c>, <c>event</c>, <c>run</c>, <c>action</c>.</summary>
    public JsonElement TemplateContext { get; }

    /// <summary>Gets the entity the run acts on (DAY-2, DELETE, or an automation's entity), if any.</summary>
    public Entity? Entity { get; }

    /// <summary>Adds a log entry to the run.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the entry is saved.</returns>
    public Task LogAsync(string message, CancellationToken cancellationToken = default) => _actions.AddRunLogAsync(Run.Id, message, cancellationToken: cancellationToken);

    /// <summary>Reports progress: a status label, links, a summary, or a final status.</summary>
    /// <param name="update">What changed.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The run as saved.</returns>
    public Task<ActionRun> ReportAsync(ActionRunUpdate update, CancellationToken cancellationToken = default) => _actions.UpdateRunAsync(Run.Id, update, cancellationToken);
}
