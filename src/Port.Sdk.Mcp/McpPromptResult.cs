namespace Port.Sdk.Mcp;

/// <summary>A prompt an MCP server gave for <c>prompts/get</c>.</summary>
/// <param name="Description">What the prompt is for, when the server said.</param>
/// <param name="Messages">The prompt's messages, in order.</param>
public sealed record McpPromptResult(string? Description, IReadOnlyList<McpPromptMessage> Messages)
{
    /// <summary>Gets a value indicating whether text was cut at the connector's <see cref="McpConnectorOptions.MaxResultLength"/>.</summary>
    public bool Truncated { get; init; }
}
