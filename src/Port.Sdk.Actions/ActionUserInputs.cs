namespace Port.Sdk.Actions;

/// <summary>An action's user inputs: <c>trigger.userInputs</c>.</summary>
/// <param name="Properties">The inputs, in the order given.</param>
/// <param name="Required">The names of the required inputs (when <c>required</c> is an array).</param>
/// <param name="RequiredJq">The jq query that produces the required inputs' names (when <c>required</c> is a <c>jqQuery</c>).</param>
/// <param name="Order">The display order, if given.</param>
public sealed record ActionUserInputs(IReadOnlyList<ActionUserInput> Properties, IReadOnlyList<string> Required, string? RequiredJq, IReadOnlyList<string> Order);
