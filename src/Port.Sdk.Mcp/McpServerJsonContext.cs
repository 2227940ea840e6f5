using System.Text.Json;
using System.Text.Json.Serialization;

namespace Port.Sdk.Mcp;

[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, bool>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class McpServerJsonContext : JsonSerializerContext;
