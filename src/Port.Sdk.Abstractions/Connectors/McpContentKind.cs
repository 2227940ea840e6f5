namespace Port.Sdk;

/// <summary>What a content block of an MCP result is.</summary>
public enum McpContentKind
{
    /// <summary>A type this connector does not know; <see cref="McpContent.Type"/> names it.</summary>
    Unknown,

    /// <summary>Text (<c>text</c>).</summary>
    Text,

    /// <summary>An image (<c>image</c>): <see cref="McpContent.Data"/> and <see cref="McpContent.MimeType"/>.</summary>
    Image,

    /// <summary>Audio (<c>audio</c>): <see cref="McpContent.Data"/> and <see cref="McpContent.MimeType"/>.</summary>
    Audio,

    /// <summary>A link to a resource (<c>resource_link</c>): <see cref="McpContent.Uri"/>, not its contents.</summary>
    ResourceLink,

    /// <summary>An embedded resource (<c>resource</c>): its <see cref="McpContent.Uri"/> and its text or data.</summary>
    EmbeddedResource,
}
