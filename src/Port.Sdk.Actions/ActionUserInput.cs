using System.Text.Json;

namespace Port.Sdk.Actions;

/// <summary>One of an action's user inputs: <c>trigger.userInputs.properties.{name}</c>.</summary>
/// <param name="Name">The input's name (its key).</param>
/// <param name="Type">The input's <c>type</c>: <c>string</c>, <c>number</c>, <c>boolean</c>, <c>object</c> or <c>array</c>.</param>
/// <param name="Format">The input's <c>format</c>, such as <c>entity</c>, <c>date-time</c>, <c>url</c>, <c>email</c>.</param>
/// <param name="Blueprint">The blueprint of an entity input (<c>format: entity</c>, or an array whose items are).</param>
/// <param name="Definition">The input's definition as given.</param>
public sealed record ActionUserInput(string Name, string Type, string? Format, string? Blueprint, JsonElement Definition)
{
    /// <summary>Gets a value indicating whether the input selects entities: <c>format: entity</c>, or an array of them.</summary>
    public bool IsEntity => Format == "entity";

    /// <summary>Gets a value indicating whether the input is an array of entities.</summary>
    public bool IsEntityArray { get; init; }
}
