namespace Port.Sdk.Mcp;

/// <summary>A resource template of an MCP server: a family of resources addressed by an RFC 6570 URI template.</summary>
/// <param name="UriTemplate">The URI template, such as <c>file:///{path}</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="Description">What its resources are.</param>
/// <param name="MimeType">Their media type, when known.</param>
public sealed record McpResourceTemplateDescription(string UriTemplate, string Name, string? Description, string? MimeType);
