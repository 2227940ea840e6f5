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
    /// Gets or sets the protocol version to ask for. <see langword="null"/> lets the SDK probe for the newest revision
    /// (<c>server/discover</c>) and fall back to <c>initialize</c>; the version the server settled on is then used for
    /// reconnections, with no probe.
    /// </summary>
    public string? ProtocolVersion { get; set; }

    /// <summary>Gets or sets how long the <c>server/discover</c> probe waits for a server that ignores it before falling back.</summary>
    /// <value>The default value is 500 milliseconds (the SDK's default is 5 seconds).</value>
    public TimeSpan DiscoverProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets how long connecting (starting the server and the handshake) may take.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long one request may take once connected (connecting is bounded by <see cref="ConnectTimeout"/>).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the lists of tools, resources and prompts are kept before they are read again (they are also read again after an error).</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan ListCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many times a call reconnects to a crashed or closed server before it fails.</summary>
    /// <value>The default value is 3.</value>
    public int MaxReconnectAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first reconnection's delay; each further one doubles it.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the tools that may be called; empty for every tool the server offers (minus <see cref="DeniedTools"/>).</summary>
    public ISet<string> AllowedTools { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets the tools that may never be called.</summary>
    public ISet<string> DeniedTools { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the largest result, in characters of text, a call returns; longer text is cut and marked <see cref="McpToolResult.Truncated"/>.</summary>
    /// <value>The default value is 1,000,000.</value>
    public int MaxResultLength { get; set; } = 1_000_000;

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
