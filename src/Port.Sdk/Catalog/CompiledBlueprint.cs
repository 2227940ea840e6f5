using System.Text.Json;
using System.Text.Json.Nodes;
using Port.Sdk.Jq;
using Port.Sdk.JsonSchema;

namespace Port.Sdk.Catalog;

/// <summary>A blueprint with its property schema and calculation expressions compiled once.</summary>
internal sealed class CompiledBlueprint
{
    private CompiledBlueprint(Blueprint blueprint, JsonSchema.JsonSchema schema, IReadOnlyDictionary<string, JqFilter> calculations)
    {
        Blueprint = blueprint;
        Schema = schema;
        Calculations = calculations;
    }

    public Blueprint Blueprint { get; }

    public JsonSchema.JsonSchema Schema { get; }

    public IReadOnlyDictionary<string, JqFilter> Calculations { get; }

    /// <summary>Compiles a blueprint, collecting every problem with its JSON Pointer rather than stopping at the first.</summary>
    public static CompiledBlueprint Compile(Blueprint blueprint, List<CatalogError> errors)
    {
        var id = blueprint.Identifier;
        var schemaObject = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject(blueprint.Schema.Properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonNode.Parse(p.Value.GetRawText())))),
            ["required"] = new JsonArray([.. blueprint.Schema.Required.Select(r => (JsonNode?)JsonValue.Create(r))]),
            ["additionalProperties"] = false,
        };

        JsonSchema.JsonSchema schema;
        try
        {
            schema = JsonSchema.JsonSchema.FromNode(schemaObject, new JsonSchemaOptions { FormatAssertion = true });
        }
        catch (JsonSchemaException ex)
        {
            errors.Add(new CatalogError(id, null, "/schema" + (ex.SchemaLocation ?? string.Empty), "schema", ex.Message));
            schema = JsonSchema.JsonSchema.Parse("true");
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
