namespace Port.Sdk.JsonSchema;

/// <summary>One reason an instance does not match its schema.</summary>
/// <param name="InstanceLocation">The JSON Pointer of the failing value within the instance (<c>""</c> for the root).</param>
/// <param name="KeywordLocation">The JSON Pointer of the failing keyword along the evaluation path, through any <c>$ref</c>.</param>
/// <param name="AbsoluteKeywordLocation">The absolute URI of the failing keyword in its schema resource.</param>
/// <param name="Keyword">The failing keyword, such as <c>maxLength</c>.</param>
/// <param name="Message">A sentence a person can act on, such as <c>must be at most 100 characters, was 137</c>.</param>
public sealed record ValidationError(
    string InstanceLocation,
    string KeywordLocation,
    string AbsoluteKeywordLocation,
    string Keyword,
    string Message)
{
    /// <summary>Returns the error as <c>{InstanceLocation}: {Message} ({KeywordLocation})</c>.</summary>
    /// <returns>A one-line description of the error.</returns>
    public override string ToString()
        => $"{(InstanceLocation.Length == 0 ? "(root)" : InstanceLocation)}: {Message} ({KeywordLocation})";
}
