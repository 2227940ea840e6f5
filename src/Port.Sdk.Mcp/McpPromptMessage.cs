namespace Port.Sdk.Mcp;

/// <summary>One message of a prompt an MCP server gave.</summary>
/// <param name="Role">Who speaks: <c>user</c> or <c>assistant</c>.</param>
/// <param name="Content">What the message holds: text, an image, audio, a resource link or an embedded resource.</param>
public sealed record McpPromptMessage(string Role, McpContent Content);
