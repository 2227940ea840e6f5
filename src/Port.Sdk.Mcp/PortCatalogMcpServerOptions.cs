using Port.Sdk.Actions;

namespace Port.Sdk.Mcp;

/// <summary>What a <see cref="PortCatalogMcpServer"/> lets its clients do beyond reading.</summary>
public sealed class PortCatalogMcpServerOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether the write tools are offered: <c>create_entity</c>, <c>update_entity</c>,
    /// <c>delete_entity</c> and <c>register_blueprint</c>. They go through the catalog, so its validation applies to every write.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: the server only reads.</value>
    public bool AllowWrites { get; set; }

    /// <summary>Gets or sets the most values one <c>completion/complete</c> answer holds (the MCP specification allows at most 100).</summary>
    /// <value>The default value is 100.</value>
    public int MaxCompletions { get; set; } = 100;

    /// <summary>
    /// Gets or sets the actions whose self-service actions the server offers as tools when <see cref="ExposeActions"/> is set:
    /// one tool per action (<c>run_{identifier}</c>, its input schema from the action's <c>userInputs</c>), plus
    /// <c>list_actions</c> and <c>get_action_run</c> to find actions and track their runs.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no actions.</value>
    public PortActions? Actions { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the actions of <see cref="Actions"/> are offered as tools. Invoking an action runs
    /// its backend (a webhook, a handler, a write to the catalog), so it is off unless asked for.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ExposeActions { get; set; }

    /// <summary>
    /// Gets the identifiers of the actions offered as tools when <see cref="ExposeActions"/> is set; when empty, every self-service
    /// action of <see cref="Actions"/>. An action not listed has no tool, is not listed by <c>list_actions</c>, and its runs are not
    /// shown by <c>get_action_run</c>.
    /// </summary>
    /// <value>The default value is empty: every self-service action.</value>
    public ISet<string> AllowedActions { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the longest <c>get_action_run</c> waits (with <c>wait</c>) for a run to end or to wait on someone else.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan MaxRunWait { get; set; } = TimeSpan.FromSeconds(30);
}
