using System.Text.Json;
using System.Text.Json.Nodes;

namespace Port.Sdk.JsonSchema.Internal;

internal static class JsonText
{
    public static JsonElement ParseSchema(string json, int maxDepth, string? source)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = Math.Max(64, maxDepth + 8), CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            var where = source is null ? string.Empty : $" in '{source}'";
            throw new JsonSchemaException($"The schema{where} is not valid JSON at line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}: {ex.Message}", ex);
        }
    }

    public static JsonElement ToElement(JsonNode? node)
    {
        if (node is null)
        {
            using var nullDocument = JsonDocument.Parse("null");
            return nullDocument.RootElement.Clone();
        }

        return JsonSerializer.SerializeToElement(node, JsonNodeContext.Default.JsonNode);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonNode))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class JsonNodeContext : System.Text.Json.Serialization.JsonSerializerContext;
