using System.Text.Json;

namespace Port.Sdk;

/// <summary>
/// Live, on-demand access to a tool through the Model Context Protocol: its tools, resources and prompts, retrieved
/// as-is and never persisted. Implemented over stdio and HTTP servers by the Port.Sdk.Mcp package.
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

    /// <summary>Lists the resources the server offers.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The resources.</returns>
    Task<IReadOnlyList<McpResourceDescription>> ListResourcesAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads a resource.</summary>
    /// <param name="uri">The resource's URI.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Its contents, as the server gave them.</returns>
    Task<IReadOnlyList<McpResourceContent>> ReadResourceAsync(string uri, CancellationToken cancellationToken = default);

    /// <summary>Lists the prompts the server offers.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The prompts.</returns>
    Task<IReadOnlyList<McpPromptDescription>> ListPromptsAsync(CancellationToken cancellationToken = default);
}

/// <summary>A tool of an MCP server.</summary>
/// <param name="Name">The tool's name.</param>
/// <param name="Description">What the tool does.</param>
/// <param name="InputSchema">The JSON Schema of its arguments.</param>
public sealed record McpToolDescription(string Name, string? Description, JsonElement InputSchema)
{
    /// <summary>Gets the server's <c>readOnlyHint</c> annotation: the tool changes nothing (a call may then be re-sent after a crash).</summary>
    public bool? ReadOnlyHint { get; init; }

    /// <summary>Gets the server's <c>idempotentHint</c> annotation: calling it twice does what calling it once does (a call may then be re-sent after a crash).</summary>
    public bool? IdempotentHint { get; init; }
}

/// <summary>The result of a tool call.</summary>
/// <param name="Text">The text content the server returned, joined.</param>
/// <param name="Structured">The structured content, when the server returned one.</param>
public sealed record McpToolResult(string Text, JsonElement? Structured = null)
{
    /// <summary>Gets a value indicating whether the text was cut at the connector's size cap.</summary>
    public bool Truncated { get; init; }

    /// <summary>Gets every content block of the result, in order: text, images, audio, resource links and embedded resources.</summary>
    public IReadOnlyList<McpContent> Content { get; init; } = [];
}

/// <summary>A resource of an MCP server.</summary>
/// <param name="Uri">The resource's URI.</param>
/// <param name="Name">Its name.</param>
/// <param name="Description">What it is.</param>
/// <param name="MimeType">Its media type, when known.</param>
public sealed record McpResourceDescription(string Uri, string Name, string? Description, string? MimeType);

/// <summary>One content of a read resource: text, or binary data.</summary>
/// <param name="Uri">The content's URI.</param>
/// <param name="MimeType">Its media type, when known.</param>
/// <param name="Text">The text, for a text content.</param>
/// <param name="Data">The bytes, for a binary content.</param>
public sealed record McpResourceContent(string Uri, string? MimeType, string? Text, ReadOnlyMemory<byte>? Data = null);

/// <summary>A prompt of an MCP server.</summary>
/// <param name="Name">The prompt's name.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Arguments">The names of its arguments.</param>
public sealed record McpPromptDescription(string Name, string? Description, IReadOnlyList<string> Arguments);

/// <summary>
/// A connector call that failed: the server reported an error (a tool result marked <c>isError</c>, or a protocol
/// error), the server could not be reached or crashed, the call timed out, the answer was too large, or the
/// connector refused it (a denied tool, arguments that break the tool's schema). <see cref="Kind"/> says which.
/// A cancelled call throws <see cref="OperationCanceledException"/> instead.
/// </summary>
/// <remarks>
/// The message may be shown to an AI model or a user: it names the connector, the tool and what the server said,
/// and never the connector's environment, headers or credentials.
/// </remarks>
public sealed class McpConnectorException : PortException
{
    /// <summary>Initializes a new instance of the <see cref="McpConnectorException"/> class.</summary>
    public McpConnectorException()
        : this("The MCP connector call failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="McpConnectorException"/> class.</summary>
    /// <param name="message">The message.</param>
    public McpConnectorException(string message)
        : this(message, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="McpConnectorException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public McpConnectorException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Connector = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="McpConnectorException"/> class for a failed call.</summary>
    /// <param name="connector">The connector.</param>
    /// <param name="operation">The tool, resource or operation.</param>
    /// <param name="kind">What kind of failure.</param>
    /// <param name="detail">What the server (or the connector) said.</param>
    /// <param name="innerException">The cause.</param>
    public McpConnectorException(string connector, string? operation, McpFailureKind kind, string detail, Exception? innerException = null)
        : base($"The MCP connector '{connector}' {Describe(operation, kind)}: {detail}", innerException)
    {
        Connector = connector;
        Operation = operation;
        Kind = kind;
        Detail = detail;
    }

    /// <summary>Gets the MCP method of the failed request, such as <c>tools/call</c> or <c>initialize</c>, when known.</summary>
    public string? Method { get; init; }

    /// <summary>Gets the tool the failed request called, for a <c>tools/call</c>.</summary>
    public string? Tool { get; init; }

    /// <summary>Gets the HTTP status the server answered with, for an HTTP server's failure such as 413 or 503.</summary>
    public int? StatusCode { get; init; }

    /// <summary>
    /// Gets a value indicating whether the request may have reached the server before it failed (so a tool with side
    /// effects may have run); <see langword="false"/> when it certainly did not (the connection was refused, the
    /// session was unknown).
    /// </summary>
    public bool MayHaveReachedServer { get; init; }

    /// <summary>Gets the connector's name.</summary>
    public string Connector { get; }

    /// <summary>Gets the tool, resource or operation that failed.</summary>
    public string? Operation { get; }

    /// <summary>Gets what kind of failure it was.</summary>
    public McpFailureKind Kind { get; }

    /// <summary>Gets what the server (or the connector) said.</summary>
    public string? Detail { get; }

    private static string Describe(string? operation, McpFailureKind kind) => kind switch
    {
        McpFailureKind.ToolError => $"tool '{operation}' returned an error",
        McpFailureKind.ProtocolError => $"'{operation}' failed with a protocol error",
        McpFailureKind.ConnectFailed => $"could not connect to its server for '{operation}'",
        McpFailureKind.ServerCrashed => $"lost its server during '{operation}'",
        McpFailureKind.Timeout => $"'{operation}' timed out",
        McpFailureKind.Refused => $"refused '{operation}'",
        McpFailureKind.ResultTooLarge => $"refused the result of '{operation}'",
        McpFailureKind.SessionExpired => $"lost its session for '{operation}'",
        McpFailureKind.HttpError => $"'{operation}' failed with an HTTP error",
        _ => $"'{operation}' failed",
    };
}

/// <summary>What kind of failure an <see cref="McpConnectorException"/> is.</summary>
public enum McpFailureKind
{
    /// <summary>The tool ran and returned a result marked <c>isError</c>.</summary>
    ToolError,

    /// <summary>The server answered the request with a JSON-RPC error.</summary>
    ProtocolError,

    /// <summary>The server could not be started, reached or initialized (after the connector's reconnection attempts); the request was not sent.</summary>
    ConnectFailed,

    /// <summary>
    /// The server crashed or closed the connection while the request was in flight. A tool call is not re-sent after
    /// this unless the tool is read-only or idempotent, so a tool with side effects may or may not have run.
    /// </summary>
    ServerCrashed,

    /// <summary>The call did not finish within the connector's timeout.</summary>
    Timeout,

    /// <summary>The connector refused the call: the tool is not allowed, or the arguments break its schema.</summary>
    Refused,

    /// <summary>The server's answer passed the connector's size caps; it was refused while being read, never held whole.</summary>
    ResultTooLarge,

    /// <summary>An HTTP server no longer knew the session (404, or a 400 whose error names the session), and new sessions could not take the request either.</summary>
    SessionExpired,

    /// <summary>An HTTP server answered with an error status (such as 401, 413 or 5xx); see <see cref="McpConnectorException.StatusCode"/>.</summary>
    HttpError,
}
