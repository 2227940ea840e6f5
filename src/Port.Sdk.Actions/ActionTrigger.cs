using System.Text.Json;

namespace Port.Sdk.Actions;

/// <summary>What starts an action: <c>trigger</c>.</summary>
public sealed record ActionTrigger
{
    /// <summary>Gets the trigger type.</summary>
    public required ActionTriggerType Type { get; init; }

    /// <summary>Gets the operation of a self-service action; <see langword="null"/> for an automation.</summary>
    public ActionOperation? Operation { get; init; }

    /// <summary>Gets the blueprint a self-service action is tied to (<c>trigger.blueprintIdentifier</c>), if any.</summary>
    public string? BlueprintIdentifier { get; init; }

    /// <summary>Gets the user inputs of a self-service action.</summary>
    public ActionUserInputs UserInputs { get; init; } = new([], [], null, []);

    /// <summary>Gets the search condition of a DAY-2 or DELETE action (which entities it is available on), if any.</summary>
    public JsonElement? EntityCondition { get; init; }

    /// <summary>Gets the event of an automation.</summary>
    public AutomationEvent? Event { get; init; }

    /// <summary>Gets the condition of an automation, if any.</summary>
    public AutomationCondition? Condition { get; init; }
}
