namespace Port.Sdk;

/// <summary>One reason an instance does not match its schema, whatever the engine that found it.</summary>
/// <param name="InstanceLocation">The JSON Pointer of the failing value within the instance (<c>""</c> for the root), such as <c>/tier</c>.</param>
/// <param name="KeywordLocation">The JSON Pointer of the failing keyword along the evaluation path, through any <c>$ref</c>, such as <c>/properties/tier/enum</c>.</param>
/// <param name="Keyword">The failing keyword, such as <c>enum</c>.</param>
/// <param name="Message">A sentence a person can act on, in the engine's words.</param>
public sealed record SchemaError(string InstanceLocation, string KeywordLocation, string Keyword, string Message);
