namespace Port.Sdk.Actions;

/// <summary>
/// An automation's condition: <c>trigger.condition</c>, jq expressions over the event (<c>.diff.before</c>,
/// <c>.diff.after</c>, <c>.context</c>, <c>.trigger</c>), combined with <c>and</c> or <c>or</c>.
/// </summary>
/// <param name="Expressions">The jq expressions; each must produce a boolean.</param>
/// <param name="Combinator"><c>and</c> (all must hold, the default) or <c>or</c> (one must).</param>
public sealed record AutomationCondition(IReadOnlyList<string> Expressions, string Combinator);
