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

/// <summary>One reason a blueprint or an entity was rejected.</summary>
/// <param name="Blueprint">The blueprint of the rejected entity, or the rejected blueprint.</param>
/// <param name="Entity">The identifier of the rejected entity; <see langword="null"/> for a blueprint.</param>
/// <param name="Pointer">The JSON Pointer of the value at fault, such as <c>/properties/tier</c> or <c>/relations/service</c>.</param>
/// <param name="Rule">The rule that failed, such as <c>enum</c>, <c>required</c>, <c>relation-target</c>.</param>
/// <param name="Message">A sentence a person can act on.</param>
public sealed record CatalogError(string Blueprint, string? Entity, string Pointer, string Rule, string Message)
{
    /// <summary>Returns the error as one line: which entity, where, and what is wrong.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
        => Entity is null
            ? $"blueprint '{Blueprint}' {Pointer}: {Message} ({Rule})"
            : $"entity '{Entity}' of blueprint '{Blueprint}' {Pointer}: {Message} ({Rule})";
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
