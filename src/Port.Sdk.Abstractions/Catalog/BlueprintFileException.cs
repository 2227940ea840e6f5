namespace Port.Sdk;

/// <summary>A blueprint file (or JSON text) could not be read as blueprints. <see cref="Errors"/> says where, for every file at fault.</summary>
public sealed class BlueprintFileException : PortException
{
    /// <summary>Initializes a new instance of the <see cref="BlueprintFileException"/> class.</summary>
    public BlueprintFileException()
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="BlueprintFileException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public BlueprintFileException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="BlueprintFileException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public BlueprintFileException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="BlueprintFileException"/> class with the errors found.</summary>
    /// <param name="errors">Every problem, each with its file, line and JSON Pointer.</param>
    /// <param name="innerException">The first parser exception, if any.</param>
    public BlueprintFileException(IReadOnlyList<CatalogError> errors, Exception? innerException = null)
        : base(Describe(errors), innerException)
    {
        Errors = errors;
    }

    /// <summary>Gets every problem found, each with its <see cref="CatalogError.File"/>, <see cref="CatalogError.Line"/> and <see cref="CatalogError.Pointer"/>.</summary>
    public IReadOnlyList<CatalogError> Errors { get; }

    private static string Describe(IReadOnlyList<CatalogError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 1
            ? $"The blueprints could not be read: {errors[0]}."
            : $"The blueprints could not be read ({errors.Count} errors):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
    }
}
