namespace Port.Sdk.Actions;

/// <summary>
/// The actions of a <see cref="PortActions"/> as the context composer's <see cref="IContextActionSource"/>: for an entity, the
/// actions <see cref="PortActions.GetAvailableActionsAsync"/> finds (its blueprint's DAY-2 and DELETE actions whose condition
/// it matches), optionally narrowed by a filter such as an MCP server's allow-list.
/// </summary>
public sealed class PortActionsContextSource : IContextActionSource
{
    private readonly PortActions _actions;
    private readonly Func<PortAction, bool> _filter;

    /// <summary>Initializes a new instance of the <see cref="PortActionsContextSource"/> class.</summary>
    /// <param name="actions">The actions.</param>
    /// <param name="filter">Which actions may be listed; <see langword="null"/> for all of them.</param>
    /// <exception cref="ArgumentNullException"><paramref name="actions"/> is <see langword="null"/>.</exception>
    public PortActionsContextSource(PortActions actions, Func<PortAction, bool>? filter = null)
    {
        ArgumentNullException.ThrowIfNull(actions);
        _actions = actions;
        _filter = filter ?? (_ => true);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ContextAction>> GetActionsAsync(EntityKey entity, CancellationToken cancellationToken = default)
    {
        var available = await _actions.GetAvailableActionsAsync(entity.Blueprint, entity.Identifier, cancellationToken).ConfigureAwait(false);
        return [.. available.Where(_filter).Select(a => new ContextAction(entity, a.Identifier, a.Trigger.Operation == ActionOperation.Delete ? "DELETE" : "DAY-2")
        {
            Title = a.Title,
            Description = a.Description,
            RequiresApproval = a.RequiredApproval,
            IsDestructive = a.IsDestructive,
        })];
    }
}
