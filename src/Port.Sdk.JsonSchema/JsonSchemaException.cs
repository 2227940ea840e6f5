namespace Port.Sdk.JsonSchema;

/// <summary>
/// The exception thrown when a schema is malformed: a keyword has a value of the wrong type or range,
/// a reference cannot be resolved, or the schema is nested deeper than <see cref="JsonSchemaOptions.MaxDepth"/>.
/// </summary>
/// <remarks>Validation failures of an instance are never thrown; they are returned in a <see cref="ValidationResult"/>.</remarks>
public class JsonSchemaException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="JsonSchemaException"/> class.</summary>
    public JsonSchemaException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JsonSchemaException"/> class with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public JsonSchemaException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JsonSchemaException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public JsonSchemaException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JsonSchemaException"/> class with the location of the error.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="schemaLocation">The JSON Pointer, within the schema document, of the value that is wrong.</param>
    /// <param name="baseUri">The base URI of the schema resource that holds the value, if known.</param>
    public JsonSchemaException(string message, string schemaLocation, Uri? baseUri)
        : base(message)
    {
        SchemaLocation = schemaLocation;
        BaseUri = baseUri;
    }

    /// <summary>Gets the JSON Pointer, within the schema document, of the value that is wrong.</summary>
    public string? SchemaLocation { get; }

    /// <summary>Gets the base URI of the schema resource that holds the wrong value, if known.</summary>
    public Uri? BaseUri { get; }
}
