namespace Port.Sdk.Mcp;

/// <summary>How one tool call of an <see cref="McpConnector"/> is made.</summary>
public sealed class McpToolCallOptions
{
    /// <summary>
    /// Gets or sets whether the call may be re-sent after its server crashed or lost the connection mid-call:
    /// <see langword="true"/> when running the tool twice is harmless, <see langword="false"/> never to re-send it,
    /// <see langword="null"/> to go by the tool's <c>readOnlyHint</c> and <c>idempotentHint</c> annotations and
    /// <see cref="McpConnectorOptions.IdempotentTools"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public bool? Idempotent { get; set; }
}
