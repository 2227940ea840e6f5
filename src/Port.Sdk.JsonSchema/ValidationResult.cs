namespace Port.Sdk.JsonSchema;

/// <summary>The outcome of validating an instance: whether it is valid and, when it is not, every error.</summary>
public sealed class ValidationResult
{
    private ValidationResult(IReadOnlyList<ValidationError> errors, ValidationLimit exceededLimit)
    {
        Errors = errors;
        ExceededLimit = exceededLimit;
    }

    /// <summary>Gets the shared result of a valid instance.</summary>
    public static ValidationResult Valid { get; } = new([], ValidationLimit.None);

    /// <summary>Gets a value indicating whether the instance matches the schema.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Gets every error found, in evaluation order; empty when the instance is valid.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>
    /// Gets the limit of <see cref="JsonSchemaOptions"/> that stopped the validation, or <see cref="ValidationLimit.None"/>.
    /// When it is not <see cref="ValidationLimit.None"/>, the result is invalid and <see cref="Errors"/> holds the errors
    /// found before the stop and one that names the limit.
    /// </summary>
    public ValidationLimit ExceededLimit { get; }

    internal static ValidationResult Invalid(IReadOnlyList<ValidationError> errors, ValidationLimit exceededLimit) => new(errors, exceededLimit);

    /// <summary>Returns <c>valid</c>, or one line per error.</summary>
    /// <returns>A description of the result.</returns>
    public override string ToString()
        => IsValid ? "valid" : string.Join(Environment.NewLine, Errors);
}
