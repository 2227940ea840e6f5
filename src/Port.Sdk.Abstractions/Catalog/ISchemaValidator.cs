using System.Text.Json;

namespace Port.Sdk;

/// <summary>
/// A JSON Schema engine the catalog validates entities with: it compiles the schema the catalog builds from a
/// blueprint's <c>schema</c> (an object schema whose <c>properties</c> are the blueprint's) once per blueprint, and
/// the compiled schema then validates each entity's properties.
/// </summary>
/// <remarks>
/// The catalog applies the leniencies of its validation mode (<c>CatalogValidationMode</c>) before and after the engine, so every
/// engine sees the same instance and its errors are reported the same way. Port.Sdk's own validator is the default;
/// the Port.Sdk.JsonSchemaNet package plugs in JsonSchema.Net. Implementations must be thread-safe.
/// </remarks>
public interface ISchemaValidator
{
    /// <summary>Compiles a schema.</summary>
    /// <param name="schema">The schema document, a JSON object or boolean.</param>
    /// <returns>The compiled schema, which may be used concurrently.</returns>
    /// <exception cref="SchemaCompilationException">The schema is malformed; <see cref="SchemaCompilationException.SchemaLocation"/> says where.</exception>
    ICompiledSchema Compile(JsonElement schema);
}
