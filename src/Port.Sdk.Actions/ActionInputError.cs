namespace Port.Sdk.Actions;

/// <summary>One reason the inputs of an invocation were rejected.</summary>
/// <param name="Input">The input at fault, or an empty string for the inputs as a whole (or <c>entity</c> for the entity acted on).</param>
/// <param name="Pointer">The JSON Pointer of the value at fault within the inputs, such as <c>/replicas</c>.</param>
/// <param name="Rule">What failed: a JSON Schema keyword (<c>type</c>, <c>enum</c>, <c>maxLength</c>, …), <c>required</c>, <c>entity</c>, <c>jq</c>.</param>
/// <param name="Message">A sentence a person can act on.</param>
public sealed record ActionInputError(string Input, string Pointer, string Rule, string Message)
{
    /// <summary>Returns the error as <c>{Pointer}: {Message} ({Rule})</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{(Pointer.Length == 0 ? "(inputs)" : Pointer)}: {Message} ({Rule})";
}
