namespace Port.Sdk;

/// <summary>A self-service action available on an entity of a composed context.</summary>
/// <param name="Entity">The entity the action acts on.</param>
/// <param name="Identifier">The action's identifier.</param>
/// <param name="Operation">Its operation: <c>DAY-2</c> or <c>DELETE</c>.</param>
public sealed record ContextAction(EntityKey Entity, string Identifier, string Operation)
{
    /// <summary>Gets the action's title, if any.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the action's description, if any.</summary>
    public string? Description { get; init; }

    /// <summary>Gets a value indicating whether a run of the action waits for an approval before anything runs.</summary>
    public bool RequiresApproval { get; init; }

    /// <summary>Gets a value indicating whether running the action may destroy or overwrite data.</summary>
    public bool IsDestructive { get; init; }
}
