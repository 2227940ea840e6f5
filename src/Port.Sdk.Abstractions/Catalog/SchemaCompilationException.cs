namespace Port.Sdk;

/// <summary>An <see cref="ISchemaValidator"/> could not compile a schema: it is malformed, or uses what the engine does not support.</summary>
public sealed class SchemaCompilationException : PortException
{
    /// <summary>Initializes a new instance of the <see cref="SchemaCompilationException"/> class.</summary>
    public SchemaCompilationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SchemaCompilationException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public SchemaCompilationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SchemaCompilationException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one, such as the engine's own.</param>
    public SchemaCompilationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SchemaCompilationException"/> class that says where the schema is malformed.</summary>
    /// <param name="message">The message.</param>
    /// <param name="schemaLocation">The JSON Pointer of the malformed part within the schema, or <see langword="null"/> when the engine does not say.</param>
    /// <param name="innerException">The exception that caused this one, such as the engine's own.</param>
    public SchemaCompilationException(string message, string? schemaLocation, Exception? innerException = null)
        : base(message, innerException)
    {
        SchemaLocation = schemaLocation;
    }

    /// <summary>Gets the JSON Pointer of the malformed part within the schema, such as <c>/properties/tier/enum</c>; <see langword="null"/> when the engine does not say.</summary>
    public string? SchemaLocation { get; }
}
