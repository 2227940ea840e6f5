namespace Port.Sdk.JsonSchema;

/// <summary>The outcome of validating an instance: whether it is valid and, when it is not, every error.</summary>
public sealed class ValidationResult
{
    private ValidationResult(IReadOnlyList<ValidationError> errors) => Errors = errors;

    /// <summary>Gets the shared result of a valid instance.</summary>
    public static ValidationResult Valid { get; } = new([]);

    /// <summary>Gets a value indicating whether the instance matches the schema.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Gets every error found, in evaluation order; empty when the instance is valid.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    internal static ValidationResult Invalid(IReadOnlyList<ValidationError> errors) => new(errors);

    /// <summary>Returns <c>valid</c>, or one line per error.</summary>
    /// <returns>A description of the result.</returns>
    public override string ToString()
        => IsValid ? "valid" : string.Join(Environment.NewLine, Errors);
}
