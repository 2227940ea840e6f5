// The client the MCP conformance harness (@modelcontextprotocol/conformance) drives: it appends the test server's
// URL to this command and names the scenario in MCP_CONFORMANCE_SCENARIO. This client does what a user of the
// connector would: connect through McpConnector over HTTP, list the tools, and call each one with arguments built
// from its input schema. Exit code 0 when every step succeeded.
using System.Text.Json;
using Port.Sdk;
using Port.Sdk.Mcp;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Port.Sdk.Mcp.ConformanceClient <server-url>");
    return 2;
}

var scenario = Environment.GetEnvironmentVariable("MCP_CONFORMANCE_SCENARIO") ?? "unknown";
var options = new McpConnectorOptions { Endpoint = new Uri(args[^1]), CallTimeout = TimeSpan.FromSeconds(20) };
if (Environment.GetEnvironmentVariable("MCP_CONFORMANCE_PROTOCOL_VERSION") is { Length: > 0 } version)
{
    options.ProtocolVersion = version;
}

await using var connector = new McpConnector("conformance", options);
try
{
    var tools = await connector.ListToolsAsync();
    Console.WriteLine($"{scenario}: {tools.Count} tools");
    foreach (var tool in tools)
    {
        var arguments = ArgumentsFor(tool.InputSchema);
        try
        {
            var result = await connector.CallToolAsync(tool.Name, arguments);
            Console.WriteLine($"{tool.Name}: {result.Text}");
        }
        catch (McpConnectorException ex) when (ex.Kind is McpFailureKind.ToolError)
        {
            // A tool reporting an error is a result the scenario may expect.
            Console.WriteLine($"{tool.Name}: error: {ex.Detail}");
        }
    }

    return 0;
}
catch (McpConnectorException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

// The smallest arguments that satisfy a schema: required properties with a value of their type (a default or the first enum value when given).
static Dictionary<string, JsonElement> ArgumentsFor(JsonElement schema)
{
    var arguments = new Dictionary<string, JsonElement>();
    if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
    {
        return arguments;
    }

    var required = schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().Select(e => e.GetString()).ToHashSet() : [];
    foreach (var property in properties.EnumerateObject())
    {
        if (required.Contains(property.Name))
        {
            arguments[property.Name] = ValueFor(property.Value);
        }
    }

    return arguments;
}

static JsonElement ValueFor(JsonElement schema)
{
    if (schema.ValueKind == JsonValueKind.Object)
    {
        if (schema.TryGetProperty("default", out var d))
        {
            return d.Clone();
        }

        if (schema.TryGetProperty("enum", out var e) && e.GetArrayLength() > 0)
        {
            return e[0].Clone();
        }
    }

    var type = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var t) ? (t.ValueKind == JsonValueKind.Array ? t[0].GetString() : t.GetString()) : "string";
    var json = type switch
    {
        "number" => "1",
        "integer" => "1",
        "boolean" => "true",
        "array" => "[]",
        "object" => JsonSerializer.Serialize(ArgumentsFor(schema), ConformanceJson.Default.DictionaryStringJsonElement),
        "null" => "null",
        _ => "\"test\"",
    };
    using var document = JsonDocument.Parse(json);
    return document.RootElement.Clone();
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, JsonElement>))]
internal sealed partial class ConformanceJson : System.Text.Json.Serialization.JsonSerializerContext;
