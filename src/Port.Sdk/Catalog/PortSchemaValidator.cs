using System.Text.Json;
using Port.Sdk.JsonSchema;

namespace Port.Sdk;

/// <summary>
/// The catalog's default <see cref="ISchemaValidator"/>: Port.Sdk's own JSON Schema 2020-12 validator
/// (Port.Sdk.JsonSchema), with <c>format</c> asserted and Port's formats (<c>url</c>, <c>user</c>, <c>timer</c>, <c>team</c>, ...) known.
/// </summary>
public sealed class PortSchemaValidator : ISchemaValidator
{
    private readonly JsonSchemaOptions _options;

    private PortSchemaValidator(JsonSchemaOptions options) => _options = options;

    /// <summary>Gets the validator with the catalog's options.</summary>
    public static PortSchemaValidator Instance { get; } = new(new JsonSchemaOptions { FormatAssertion = true });

    /// <inheritdoc />
    public ICompiledSchema Compile(JsonElement schema)
    {
        try
        {
            return new Compiled(JsonSchema.JsonSchema.FromElement(schema, _options));
        }
        catch (JsonSchemaException ex)
        {
            throw new SchemaCompilationException(ex.Message, ex.SchemaLocation, ex);
        }
    }

    private sealed class Compiled(JsonSchema.JsonSchema schema) : ICompiledSchema
    {
        public IReadOnlyList<SchemaError> Validate(JsonElement instance, CancellationToken cancellationToken = default)
        {
            var result = schema.Validate(instance, cancellationToken);
            if (result.IsValid)
            {
                return [];
            }

            var errors = new SchemaError[result.Errors.Count];
            for (var i = 0; i < errors.Length; i++)
            {
                var error = result.Errors[i];
                errors[i] = new SchemaError(error.InstanceLocation, error.KeywordLocation, error.Keyword, error.Message);
            }

            return errors;
        }
    }
}
