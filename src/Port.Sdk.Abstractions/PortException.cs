namespace Port.Sdk;

/// <summary>The base of Port.Sdk's domain errors. Argument and usage errors remain the BCL's exceptions.</summary>
/// <remarks>Messages may name identifiers and values from the catalog; they never contain secrets.</remarks>
public class PortException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PortException"/> class.</summary>
    public PortException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PortException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public PortException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PortException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public PortException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>One reason a blueprint, a blueprint file or an entity was rejected.</summary>
/// <param name="Blueprint">The blueprint of the rejected entity, or the rejected blueprint (empty when a file holds no readable blueprint).</param>
/// <param name="Entity">The identifier of the rejected entity; <see langword="null"/> for a blueprint.</param>
/// <param name="Pointer">
/// The JSON Pointer of the value at fault, such as <c>/properties/tier</c> or <c>/relations/service</c>; in a file
/// (<see cref="File"/> set), the pointer within that file, such as <c>/2/relations/team/target</c>.
/// </param>
/// <param name="Rule">The rule that failed, such as <c>enum</c>, <c>required</c>, <c>relation-target</c>, <c>json</c>.</param>
/// <param name="Message">A sentence a person can act on.</param>
public sealed record CatalogError(string Blueprint, string? Entity, string Pointer, string Rule, string Message)
{
    /// <summary>Gets the file the blueprint was read from, when it was read from one.</summary>
    public string? File { get; init; }

    /// <summary>Gets the line in <see cref="File"/> (1-based), when known.</summary>
    public long? Line { get; init; }

    /// <summary>Gets the column, in bytes, in <see cref="Line"/> (1-based), when known.</summary>
    public long? Column { get; init; }

    /// <summary>
    /// Gets, for an entity that does not match its blueprint's schema, the JSON Pointer of the failing keyword within the
    /// blueprint, through any <c>$ref</c>, such as <c>/schema/properties/tier/enum</c> (<c>/schema/additionalProperties</c>
    /// for a property the blueprint lacks); <see langword="null"/> for other errors. The same whatever the
    /// <see cref="ISchemaValidator"/>.
    /// </summary>
    public string? KeywordLocation { get; init; }

    /// <summary>Returns the error as one line: which file, which entity or blueprint, where, and what is wrong.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var what = Entity is not null
            ? $"entity '{Entity}' of blueprint '{Blueprint}' {Pointer}"
            : Blueprint.Length > 0 ? $"blueprint '{Blueprint}' {Pointer}" : Pointer;
        var where = File is null ? string.Empty : Line is null ? $"{File}: " : Column is null ? $"{File}:{Line}: " : $"{File}:{Line}:{Column}: ";
        return $"{where}{what}: {Message} ({Rule})";
    }
}

/// <summary>A write was rejected: nothing was written. <see cref="Errors"/> lists every reason.</summary>
public sealed class CatalogValidationException : PortException
{
    /// <summary>Initializes a new instance of the <see cref="CatalogValidationException"/> class.</summary>
    public CatalogValidationException()
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="CatalogValidationException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public CatalogValidationException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="CatalogValidationException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public CatalogValidationException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="CatalogValidationException"/> class with the errors found.</summary>
    /// <param name="errors">Every reason the write was rejected.</param>
    public CatalogValidationException(IReadOnlyList<CatalogError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Gets every reason the write was rejected.</summary>
    public IReadOnlyList<CatalogError> Errors { get; }

    private static string Describe(IReadOnlyList<CatalogError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 1
            ? $"The write was rejected and nothing was written: {errors[0]}."
            : $"The write was rejected and nothing was written ({errors.Count} errors):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
    }
}
