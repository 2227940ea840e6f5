using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Port.Sdk.Mcp.Connector;

/// <summary>
/// Reads MCP results from the raw JSON-RPC result, not through the SDK's protocol types: the SDK 2.4.0 cannot read a
/// content block that carries <c>annotations</c> (it fails on its <c>TypeInfoResolverChain</c>). Every value read here is
/// checked for its shape, and a wrong one is a <see cref="FormatException"/> that names where it is (a JSON Pointer).
/// </summary>
internal static class ResultReader
{
    public static JsonObject Object(JsonNode? node, string pointer)
        => node as JsonObject ?? throw new FormatException($"'{pointer}' must be an object, was {Describe(node)}.");

    public static JsonArray Array(JsonObject parent, string name, string pointer)
        => parent[name] switch
        {
            null => [],
            JsonArray array => array,
            var other => throw new FormatException($"'{pointer}/{name}' must be an array, was {Describe(other)}."),
        };

    public static string? String(JsonObject parent, string name, string pointer)
        => parent[name] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            var other => throw new FormatException($"'{pointer}/{name}' must be a string, was {Describe(other)}."),
        };

    public static string RequiredString(JsonObject parent, string name, string pointer)
        => String(parent, name, pointer) ?? throw new FormatException($"'{pointer}/{name}' is missing.");

    public static bool? Boolean(JsonObject? parent, string name)
        => parent?[name] is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;

    public static JsonElement? Element(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }

    /// <summary>Reads content blocks; <paramref name="binaryCharacters"/> grows by the base64 characters of the binary ones.</summary>
    public static List<McpContent> Content(JsonArray blocks, string pointer, ref long binaryCharacters)
    {
        var content = new List<McpContent>(blocks.Count);
        for (var i = 0; i < blocks.Count; i++)
        {
            content.Add(Block(Object(blocks[i], $"{pointer}/{i}"), $"{pointer}/{i}", ref binaryCharacters));
        }

        return content;
    }

    public static McpContent Block(JsonObject block, string pointer, ref long binaryCharacters)
    {
        var type = RequiredString(block, "type", pointer);
        var annotations = Element(block["annotations"]);
        switch (type)
        {
            case "text":
                return new McpContent(McpContentKind.Text, type) { Text = RequiredString(block, "text", pointer), Annotations = annotations };
            case "image" or "audio":
                return new McpContent(type == "image" ? McpContentKind.Image : McpContentKind.Audio, type)
                {
                    Data = Base64(block, "data", pointer, ref binaryCharacters),
                    MimeType = String(block, "mimeType", pointer),
                    Annotations = annotations,
                };
            case "resource_link":
                return new McpContent(McpContentKind.ResourceLink, type)
                {
                    Uri = RequiredString(block, "uri", pointer),
                    Name = String(block, "name", pointer),
                    MimeType = String(block, "mimeType", pointer),
                    Annotations = annotations,
                };
            case "resource":
                var resource = Object(block["resource"], pointer + "/resource");
                return new McpContent(McpContentKind.EmbeddedResource, type)
                {
                    Uri = RequiredString(resource, "uri", pointer + "/resource"),
                    MimeType = String(resource, "mimeType", pointer + "/resource"),
                    Text = String(resource, "text", pointer + "/resource"),
                    Data = resource["blob"] is null ? null : Base64(resource, "blob", pointer + "/resource", ref binaryCharacters),
                    Annotations = annotations,
                };
            default:
                return new McpContent(McpContentKind.Unknown, type) { Annotations = annotations };
        }
    }

    public static ReadOnlyMemory<byte> Base64(JsonObject parent, string name, string pointer, ref long binaryCharacters)
    {
        var text = RequiredString(parent, name, pointer);
        binaryCharacters += text.Length;
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new FormatException($"'{pointer}/{name}' is not base64.");
        }
    }

    /// <summary>The text of content blocks, joined, with a placeholder for each block that is not text.</summary>
    public static string Text(IEnumerable<McpContent> content)
    {
        var text = new StringBuilder();
        foreach (var block in content)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(block switch
            {
                { Kind: McpContentKind.Text } => block.Text,
                { Kind: McpContentKind.Image or McpContentKind.Audio } => $"[{block.Type} {block.MimeType}]",
                { Kind: McpContentKind.EmbeddedResource, Text: { } embedded } => embedded,
                { Kind: McpContentKind.EmbeddedResource } => $"[resource {block.Uri}]",
                { Kind: McpContentKind.ResourceLink } => $"[resource link {block.Uri}]",
                _ => $"[{block.Type}]",
            });
        }

        return text.ToString();
    }

    private static string Describe(JsonNode? node) => node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();
}
