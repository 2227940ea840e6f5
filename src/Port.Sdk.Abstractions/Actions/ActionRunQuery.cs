namespace Port.Sdk.Actions;

/// <summary>What <see cref="IActionRunStore.ListAsync"/> finds.</summary>
public sealed record ActionRunQuery
{
    /// <summary>Gets the action whose runs to list; <see langword="null"/> for every action.</summary>
    public string? Action { get; init; }

    /// <summary>Gets the statuses to list; <see langword="null"/> or empty for every status.</summary>
    public IReadOnlyList<ActionRunStatus>? Statuses { get; init; }

    /// <summary>Gets the entity whose runs to list; <see langword="null"/> for every entity.</summary>
    public string? Entity { get; init; }

    /// <summary>Gets the most runs to return, newest first.</summary>
    /// <value>The default value is 100.</value>
    public int Limit { get; init; } = 100;
}
