namespace Port.Sdk.Mcp;

/// <summary>How to reach an MCP server and how far to trust it. Set <see cref="Command"/> for a stdio server or <see cref="Endpoint"/> for an HTTP one.</summary>
public sealed class McpConnectorOptions
{
    /// <summary>Gets or sets the command that starts a stdio server, such as <c>npx</c> or a path to an executable.</summary>
    public string? Command { get; set; }

    /// <summary>Gets the stdio server's arguments.</summary>
    public IList<string> Arguments { get; init; } = [];

    /// <summary>Gets or sets the stdio server's working directory; <see langword="null"/> for the current one.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>
    /// Gets the environment variables of the stdio server. It gets these and the few a process needs to start
    /// (<c>PATH</c>, <c>HOME</c> and the like) — never the rest of the host's environment, so host secrets stay put.
    /// Never logged or reported.
    /// </summary>
    public IDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets a factory of the transport, instead of <see cref="Command"/> or <see cref="Endpoint"/>: for a server
    /// in the same process (over pipes, in tests) or a transport of your own. Called at every (re)connection.
    /// </summary>
    public Func<ModelContextProtocol.Client.IClientTransport>? TransportFactory { get; set; }

    /// <summary>Gets or sets the HTTP server's endpoint (Streamable HTTP, or SSE for older servers).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the HTTP transport: <see langword="null"/> to detect it (Streamable HTTP, falling back to SSE), or <c>StreamableHttp</c> or <c>Sse</c>.</summary>
    public string? HttpTransport { get; set; }

    /// <summary>Gets the HTTP headers sent with every request, such as <c>Authorization</c>. Never logged or reported.</summary>
    public IDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets the protocol version to ask for in the <c>initialize</c> handshake; the server answers with the
    /// version it settles on (see <see cref="McpConnector.ProtocolVersion"/>). A fixed version makes the negotiation
    /// deterministic: no <c>server/discover</c> probe races the server's start-up. Set <c>2026-07-28</c> (or
    /// <see langword="null"/>, the SDK's own choice) to let the SDK probe with <c>server/discover</c> first, bounded by
    /// <see cref="DiscoverProbeTimeout"/>.
    /// </summary>
    /// <value>The default value is <c>2025-11-25</c>.</value>
    public string? ProtocolVersion { get; set; } = "2025-11-25";

    /// <summary>Gets or sets how long a <c>server/discover</c> probe waits (only when <see cref="ProtocolVersion"/> asks for one).</summary>
    /// <value>The default value is 500 milliseconds (the SDK's default is 5 seconds).</value>
    public TimeSpan DiscoverProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets how long connecting (starting the server and the handshake, with every reconnection attempt) may take in all.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long one request may take once connected (connecting is bounded by <see cref="ConnectTimeout"/>).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the lists of tools, resources and prompts are kept before they are read again (they are also read again after an error).</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan ListCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how many times a request reconnects before it fails: after a failed connection, an expired HTTP
    /// session or a server found dead before the request was sent. A tool call that may have reached its server is
    /// re-sent (once) only when the tool is read-only or idempotent; see <see cref="IdempotentTools"/>.
    /// </summary>
    /// <value>The default value is 3.</value>
    public int MaxReconnectAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first reconnection's delay; each further one doubles it.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the tools that may be called; empty for every tool the server offers (minus <see cref="DeniedTools"/>).</summary>
    public ISet<string> AllowedTools { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets the tools that may never be called.</summary>
    public ISet<string> DeniedTools { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the tools whose calls may be re-sent after the server crashed mid-call, as if the server had annotated them
    /// <c>idempotentHint</c>. Any other tool call that may have reached its server is never re-sent.
    /// </summary>
    public ISet<string> IdempotentTools { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the largest result, in characters, a call returns: longer text is cut and marked
    /// <see cref="McpToolResult.Truncated"/>; binary content (images, audio, embedded blobs, counted in base64
    /// characters) past it is refused as <see cref="McpFailureKind.ResultTooLarge"/>.
    /// </summary>
    /// <value>The default value is 1,000,000.</value>
    public int MaxResultLength { get; set; } = 1_000_000;

    /// <summary>
    /// Gets or sets the largest message, in bytes, read from a stdio or HTTP server (a stdio line, an HTTP body, one
    /// server-sent event). A longer one is refused while it is read, as <see cref="McpFailureKind.ResultTooLarge"/>,
    /// and never held whole. <see langword="null"/> for six times <see cref="MaxResultLength"/> plus 1 MiB (room for
    /// escaped text and the JSON around it). Not applied to a <see cref="TransportFactory"/> transport.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public long? MaxMessageBytes { get; set; }

    internal long EffectiveMaxMessageBytes => MaxMessageBytes ?? ((6L * MaxResultLength) + 1_048_576);

    /// <summary>Gets or sets the clock, for the list cache and reconnection delays.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate(string name)
    {
        if (Errors() is { Count: > 0 } errors)
        {
            throw new ArgumentException($"The 'McpConnectorOptions' of connector '{name}' are invalid.{System.Environment.NewLine}Validation Errors:{System.Environment.NewLine}{string.Join(System.Environment.NewLine, errors)}");
        }
    }

    /// <summary>Every problem of the options, one sentence each, naming the field and its value (never a secret).</summary>
    internal List<string> Errors()
    {
        var errors = new List<string>();
        if (new object?[] { Command, Endpoint, TransportFactory }.Count(o => o is not null) != 1)
        {
            errors.Add($"Exactly one of Command (stdio), Endpoint (HTTP) and TransportFactory must be set; Command was {(Command is null ? "not set" : "set")}, Endpoint {(Endpoint is null ? "not set" : "set")}, TransportFactory {(TransportFactory is null ? "not set" : "set")}.");
        }

        if (Endpoint is { IsAbsoluteUri: false })
        {
            errors.Add($"The field Endpoint must be an absolute URI, was '{Endpoint}'.");
        }

        if (HttpTransport is not (null or "StreamableHttp" or "Sse"))
        {
            errors.Add($"The field HttpTransport must be null, 'StreamableHttp' or 'Sse', was '{HttpTransport}'.");
        }

        if (CallTimeout <= TimeSpan.Zero || ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"The fields CallTimeout and ConnectTimeout must be positive, were '{CallTimeout}' and '{ConnectTimeout}'.");
        }

        if (MaxResultLength < 1)
        {
            errors.Add($"The field MaxResultLength must be at least 1, was '{MaxResultLength}'.");
        }

        if (MaxMessageBytes is < 1_024)
        {
            errors.Add($"The field MaxMessageBytes must be at least 1024, was '{MaxMessageBytes}'.");
        }

        return errors;
    }
}

/// <summary>Checks the named <see cref="McpConnectorOptions"/> of each registered connector when the host starts.</summary>
internal sealed class McpConnectorOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<McpConnectorOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, McpConnectorOptions options)
    {
        if (string.IsNullOrEmpty(name))
        {
            return Microsoft.Extensions.Options.ValidateOptionsResult.Skip;
        }

        var errors = options.Errors();
        return errors.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors.Select(e => $"McpConnectorOptions of connector '{name}': {e}"));
    }
}
