namespace Port.Sdk.JsonSchema;

/// <summary>A limit of <see cref="JsonSchemaOptions"/> that stopped a validation before it could decide.</summary>
/// <remarks>A validation stopped by a limit is reported as invalid: the instance was not shown to match.</remarks>
public enum ValidationLimit
{
    /// <summary>No limit was reached: the result is the schema's answer.</summary>
    None = 0,

    /// <summary>Evaluation went deeper than <see cref="JsonSchemaOptions.MaxDepth"/> (instance depth plus reference hops), or the stack ran short.</summary>
    Depth,

    /// <summary>The validation used up <see cref="JsonSchemaOptions.MaxEvaluations"/> keyword evaluations.</summary>
    Evaluations,

    /// <summary>The regexes of the validation ran longer than <see cref="JsonSchemaOptions.MaxRegexTime"/> in total.</summary>
    RegexTime,
}
