using System.Text.Json;
using System.Text.Json.Nodes;
using Port.Sdk.Jq;

namespace Port.Sdk.Catalog;

/// <summary>A blueprint with its property schema and calculation expressions compiled once.</summary>
internal sealed class CompiledBlueprint
{
    private CompiledBlueprint(Blueprint blueprint, ICompiledSchema schema, IReadOnlyDictionary<string, JqFilter> calculations)
    {
        Blueprint = blueprint;
        Schema = schema;
        Calculations = calculations;
    }

    public Blueprint Blueprint { get; }

    /// <summary>Gets the schema of the entity's properties, compiled by the catalog's <see cref="ISchemaValidator"/>.</summary>
    public ICompiledSchema Schema { get; }

    public IReadOnlyDictionary<string, JqFilter> Calculations { get; }

    /// <summary>Compiles a blueprint, collecting every problem with its JSON Pointer rather than stopping at the first.</summary>
    public static CompiledBlueprint Compile(Blueprint blueprint, ISchemaValidator validator, List<CatalogError> errors)
    {
        var id = blueprint.Identifier;
        var schemaObject = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject(blueprint.Schema.Properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonNode.Parse(p.Value.GetRawText())))),
            ["required"] = new JsonArray([.. blueprint.Schema.Required.Select(r => (JsonNode?)JsonValue.Create(r))]),
            ["additionalProperties"] = false,
        };

        ICompiledSchema schema;
        try
        {
            schema = validator.Compile(Json.From(schemaObject));
        }
        catch (SchemaCompilationException ex)
        {
            errors.Add(new CatalogError(id, null, "/schema" + (ex.SchemaLocation ?? string.Empty), "schema", ex.Message));
            schema = AcceptAll.Instance;
        }

        foreach (var required in blueprint.Schema.Required.Where(r => !blueprint.Schema.Properties.ContainsKey(r)))
        {
            errors.Add(new CatalogError(id, null, "/schema/required", "required", $"the required property '{required}' is not defined in 'schema.properties'"));
        }

        var calculations = new Dictionary<string, JqFilter>(StringComparer.Ordinal);
        foreach (var (name, calculation) in blueprint.CalculationProperties)
        {
            if (JqFilter.TryCompile(calculation.Calculation, out var filter, out var error))
            {
                calculations[name] = filter;
            }
            else
            {
                errors.Add(new CatalogError(id, null, $"/calculationProperties/{name}/calculation", "jq", $"the jq expression does not compile: {error.Reason} at line {error.Line}, column {error.Column}"));
            }
        }

        return new CompiledBlueprint(blueprint, schema, calculations);
    }
}

/// <summary>The schema of a blueprint whose schema did not compile: the blueprint is rejected, so it validates nothing.</summary>
internal sealed class AcceptAll : ICompiledSchema
{
    public static AcceptAll Instance { get; } = new();

    public IReadOnlyList<SchemaError> Validate(JsonElement instance, CancellationToken cancellationToken = default) => [];
}

/// <summary>Helpers to build JSON values.</summary>
internal static class Json
{
    public static JsonElement Null { get; } = JsonDocument.Parse("null").RootElement.Clone();

    public static JsonElement From(JsonNode? node) => node is null ? Null : JsonSerializer.SerializeToElement(node, CatalogJsonContext.Default.JsonNode);

    public static JsonElement Number(double value) => JsonSerializer.SerializeToElement(value, CatalogJsonContext.Default.Double);

    public static JsonElement Array(IEnumerable<JsonElement> items) => JsonSerializer.SerializeToElement(items.ToList(), CatalogJsonContext.Default.ListJsonElement);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonNode))]
[System.Text.Json.Serialization.JsonSerializable(typeof(double))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<JsonElement>))]
internal sealed partial class CatalogJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
