namespace Port.Sdk;

/// <summary>
/// Tells the <see cref="ContextComposer"/> which self-service actions an entity offers, for recipes that include them
/// (<see cref="ContextRecipe.IncludeActions"/>). Port.Sdk.Actions' <c>PortActionsContextSource</c> implements it over the
/// registered actions: those of the entity's blueprint whose condition the entity matches.
/// </summary>
public interface IContextActionSource
{
    /// <summary>Gets the actions available on an entity.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The actions, in the order they should be listed; empty when there are none.</returns>
    Task<IReadOnlyList<ContextAction>> GetActionsAsync(EntityKey entity, CancellationToken cancellationToken = default);
}
