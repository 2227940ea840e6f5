using System.Text.Json;

namespace Port.Sdk;

/// <summary>
/// Live, on-demand access to a tool through the Model Context Protocol: its tools and resources, retrieved as-is and
/// never persisted. Implemented over stdio and HTTP servers by the Port.Sdk.Mcp package.
/// </summary>
public interface IMcpConnector : IAsyncDisposable
{
    /// <summary>Gets the connector's name, such as <c>github</c>.</summary>
    string Name { get; }

    /// <summary>Lists the tools the server offers (filtered by the connector's allow and deny lists).</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The tools.</returns>
    Task<IReadOnlyList<McpToolDescription>> ListToolsAsync(CancellationToken cancellationToken = default);

    /// <summary>Calls a tool.</summary>
    /// <param name="tool">The tool's name.</param>
    /// <param name="arguments">The arguments, checked against the tool's input schema before the call.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The tool's result, as the server gave it.</returns>
    Task<McpToolResult> CallToolAsync(string tool, IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken = default);
}

/// <summary>A tool of an MCP server.</summary>
/// <param name="Name">The tool's name.</param>
/// <param name="Description">What the tool does.</param>
/// <param name="InputSchema">The JSON Schema of its arguments.</param>
public sealed record McpToolDescription(string Name, string? Description, JsonElement InputSchema);

/// <summary>The result of a tool call.</summary>
/// <param name="Text">The text content the server returned, joined.</param>
/// <param name="Structured">The structured content, when the server returned one.</param>
public sealed record McpToolResult(string Text, JsonElement? Structured = null);
