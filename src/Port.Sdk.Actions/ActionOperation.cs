namespace Port.Sdk.Actions;

/// <summary>What a self-service action does to the catalog: <c>trigger.operation</c>.</summary>
public enum ActionOperation
{
    /// <summary>Creates something (<c>CREATE</c>); not tied to an existing entity.</summary>
    Create,

    /// <summary>Acts on an existing entity (<c>DAY-2</c>).</summary>
    DayTwo,

    /// <summary>Deletes an existing entity (<c>DELETE</c>).</summary>
    Delete,
}
