using System.Text.Json;

namespace Port.Sdk;

/// <summary>One content block of an MCP tool result or prompt message, as the server gave it.</summary>
/// <param name="Kind">What the block is.</param>
/// <param name="Type">The block's <c>type</c> on the wire, such as <c>text</c> or <c>resource_link</c>.</param>
public sealed record McpContent(McpContentKind Kind, string Type)
{
    /// <summary>Gets the text of a text block or of an embedded text resource.</summary>
    public string? Text { get; init; }

    /// <summary>Gets the decoded bytes of an image, audio or embedded binary resource.</summary>
    public ReadOnlyMemory<byte>? Data { get; init; }

    /// <summary>Gets the media type, when the server gave one.</summary>
    public string? MimeType { get; init; }

    /// <summary>Gets the URI of a resource link or embedded resource.</summary>
    public string? Uri { get; init; }

    /// <summary>Gets the name of a resource link.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the block's <c>annotations</c> (<c>audience</c>, <c>priority</c>, <c>lastModified</c>), as JSON.</summary>
    public JsonElement? Annotations { get; init; }
}
