using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Port.Sdk.JsonSchema;

namespace Port.Sdk.Mcp;

/// <summary>
/// An <see cref="IMcpConnector"/> over the official MCP SDK, to a stdio server (a process it starts) or an HTTP one.
/// It connects on first use and keeps the session; after a crash or a closed transport the next call reconnects
/// (with backoff, up to <see cref="McpConnectorOptions.MaxReconnectAttempts"/>). Lists are cached for
/// <see cref="McpConnectorOptions.ListCacheDuration"/>; a call's arguments are checked against the tool's input schema
/// before it is sent; every call has a timeout; every failure is one <see cref="McpConnectorException"/>.
/// </summary>
public sealed class McpConnector : IMcpConnector
{
    private readonly McpConnectorOptions _options;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly SemaphoreSlim _connect = new(1, 1);
    private readonly ConcurrentDictionary<string, Port.Sdk.JsonSchema.JsonSchema> _schemas = new(StringComparer.Ordinal);
    private McpClient? _client;
    private string? _negotiatedVersion;
    private Cached<IReadOnlyList<McpClientTool>>? _tools;
    private Cached<IReadOnlyList<McpResourceDescription>>? _resources;
    private Cached<IReadOnlyList<McpPromptDescription>>? _prompts;
    private int _connections;
    private bool _disposed;

    private sealed record Cached<T>(DateTimeOffset At, T Value);

    /// <summary>Initializes a new instance of the <see cref="McpConnector"/> class. Nothing is started until the first call.</summary>
    /// <param name="name">The connector's name, such as <c>github</c>.</param>
    /// <param name="options">The server and the limits.</param>
    /// <param name="loggerFactory">Where the SDK logs; <see langword="null"/> for nowhere.</param>
    /// <exception cref="ArgumentException">The name is empty, or the options are invalid (the message lists each field).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public McpConnector(string name, McpConnectorOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(name);
        Name = name;
        _options = options;
        _loggerFactory = loggerFactory;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Gets how many times the connector connected (the first connection and every reconnection).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Gets the protocol version the server settled on, once connected.</summary>
    public string? ProtocolVersion => _negotiatedVersion;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<McpToolDescription>> ListToolsAsync(CancellationToken cancellationToken = default)
        => [.. (await ToolsAsync(refresh: false, cancellationToken).ConfigureAwait(false)).Select(t => new McpToolDescription(t.Name, t.Description, t.ProtocolTool.InputSchema))];

    /// <inheritdoc/>
    /// <exception cref="McpConnectorException">The tool is not allowed or does not exist, the arguments break its schema, or the call failed; the message says which and why.</exception>
    public async Task<McpToolResult> CallToolAsync(string tool, IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        ArgumentNullException.ThrowIfNull(arguments);
        if (!Allowed(tool))
        {
            throw new McpConnectorException(Name, tool, McpFailureKind.Refused, $"the tool is not allowed by this connector's {(_options.DeniedTools.Contains(tool) ? "deny list" : "allow list")}.");
        }

        var description = (await ToolsAsync(refresh: false, cancellationToken).ConfigureAwait(false)).FirstOrDefault(t => t.Name == tool)
            ?? (await ToolsAsync(refresh: true, cancellationToken).ConfigureAwait(false)).FirstOrDefault(t => t.Name == tool)
            ?? throw new McpConnectorException(Name, tool, McpFailureKind.Refused, "the server has no tool of that name.");
        // The check is CPU work on the caller's thread: bounded by the schema's evaluation budget, and by CallTimeout
        // (and the caller's token) through cancellation; the request then gets what is left of CallTimeout.
        var started = _options.TimeProvider.GetTimestamp();
        using (var checkTimeout = new CancellationTokenSource(_options.CallTimeout, _options.TimeProvider))
        using (var checking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, checkTimeout.Token))
        {
            try
            {
                CheckArguments(description, arguments, checking.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new McpConnectorException(Name, tool, McpFailureKind.Timeout, $"the arguments could not be checked against the tool's input schema within {_options.CallTimeout.TotalSeconds:0.###} s.");
            }
        }

        var remaining = _options.CallTimeout - _options.TimeProvider.GetElapsedTime(started);
        if (remaining <= TimeSpan.Zero)
        {
            throw new McpConnectorException(Name, tool, McpFailureKind.Timeout, $"no answer within {_options.CallTimeout.TotalSeconds:0.###} s (checking the arguments took it all).");
        }

        var result = await RunAsync(tool, remaining, (client, ct) => client.CallToolAsync(new CallToolRequestParams { Name = tool, Arguments = new Dictionary<string, JsonElement>(arguments) }, ct).AsTask(), cancellationToken).ConfigureAwait(false);
        var text = Text(result.Content);
        if (result.IsError == true)
        {
            throw new McpConnectorException(Name, tool, McpFailureKind.ToolError, text.Length > 2_000 ? text[..2_000] + "…" : text);
        }

        var truncated = text.Length > _options.MaxResultLength;
        return new McpToolResult(truncated ? text[.._options.MaxResultLength] : text, Structured(result)) { Truncated = truncated };
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<McpResourceDescription>> ListResourcesAsync(CancellationToken cancellationToken = default)
    {
        if (Fresh(_resources) is { } cached)
        {
            return cached;
        }

        var resources = await RunAsync("resources/list", async (client, ct) => await client.ListResourcesAsync(cancellationToken: ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<McpResourceDescription> list = [.. resources.Select(r => new McpResourceDescription(r.Uri, r.Name, r.Description, r.MimeType))];
        _resources = new(_options.TimeProvider.GetUtcNow(), list);
        return list;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<McpResourceContent>> ReadResourceAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        var result = await RunAsync(uri, (client, ct) => client.ReadResourceAsync(uri, cancellationToken: ct).AsTask(), cancellationToken).ConfigureAwait(false);
        return [.. result.Contents.Select(c => c switch
        {
            TextResourceContents text => new McpResourceContent(c.Uri, c.MimeType, Cap(text.Text)),
            BlobResourceContents blob => new McpResourceContent(c.Uri, c.MimeType, null, blob.DecodedData),
            _ => new McpResourceContent(c.Uri, c.MimeType, null),
        })];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<McpPromptDescription>> ListPromptsAsync(CancellationToken cancellationToken = default)
    {
        if (Fresh(_prompts) is { } cached)
        {
            return cached;
        }

        var prompts = await RunAsync("prompts/list", async (client, ct) => await client.ListPromptsAsync(cancellationToken: ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<McpPromptDescription> list = [.. prompts.Select(p => new McpPromptDescription(p.Name, p.Description, [.. (p.ProtocolPrompt.Arguments ?? []).Select(a => a.Name)]))];
        _prompts = new(_options.TimeProvider.GetUtcNow(), list);
        return list;
    }

    /// <summary>Closes the session and stops a stdio server.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await ResetAsync().ConfigureAwait(false);
        _connect.Dispose();
    }

    private bool Allowed(string tool) => !_options.DeniedTools.Contains(tool) && (_options.AllowedTools.Count == 0 || _options.AllowedTools.Contains(tool));

    private T? Fresh<T>(Cached<T>? cached) where T : class
        => cached is not null && _options.TimeProvider.GetUtcNow() - cached.At < _options.ListCacheDuration ? cached.Value : null;

    private async Task<IReadOnlyList<McpClientTool>> ToolsAsync(bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && Fresh(_tools) is { } cached)
        {
            return cached;
        }

        var tools = await RunAsync("tools/list", async (client, ct) => await client.ListToolsAsync(cancellationToken: ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<McpClientTool> allowed = [.. tools.Where(t => Allowed(t.Name))];
        _tools = new(_options.TimeProvider.GetUtcNow(), allowed);
        _schemas.Clear();
        return allowed;
    }

    private void CheckArguments(McpClientTool tool, IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        Port.Sdk.JsonSchema.JsonSchema schema;
        try
        {
            schema = _schemas.GetOrAdd(tool.Name, _ => Port.Sdk.JsonSchema.JsonSchema.FromElement(tool.ProtocolTool.InputSchema));
        }
        catch (JsonSchemaException)
        {
            // A server whose schema our validator cannot compile still gets the call; the server checks it.
            return;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in arguments)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var result = schema.Validate(document.RootElement, cancellationToken);
        if (result.ExceededLimit is ValidationLimit.Evaluations or ValidationLimit.RegexTime)
        {
            throw new McpConnectorException(Name, tool.Name, McpFailureKind.Refused, $"the arguments could not be checked against the tool's input schema within its limits ({result.ExceededLimit}): " + string.Join("; ", result.Errors.Take(5).Select(e => e.ToString())));
        }

        if (!result.IsValid)
        {
            throw new McpConnectorException(Name, tool.Name, McpFailureKind.Refused, "the arguments do not match the tool's input schema: " + string.Join("; ", result.Errors.Take(5).Select(e => e.ToString())));
        }
    }

    /// <summary>Runs a request with the call timeout, connecting first; reconnects after a transport failure.</summary>
    private Task<T> RunAsync<T>(string operation, Func<McpClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
        => RunAsync(operation, _options.CallTimeout, call, cancellationToken);

    private async Task<T> RunAsync<T>(string operation, TimeSpan callTimeout, Func<McpClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var attempt = 0; ; attempt++)
        {
            // Connecting (starting a server, the handshake) is bounded by ConnectTimeout; the request by CallTimeout.
            var connecting = true;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
                connecting = false;
                timeout.CancelAfter(callTimeout);
                return await call(client, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new McpConnectorException(Name, operation, McpFailureKind.Timeout, connecting
                    ? $"could not connect within {_options.ConnectTimeout.TotalSeconds:0.###} s."
                    : $"no answer within {_options.CallTimeout.TotalSeconds:0.###} s.");
            }
            catch (McpProtocolException ex)
            {
                _tools = null;
                throw new McpConnectorException(Name, operation, McpFailureKind.ProtocolError, $"{ex.Message} (code {(int)ex.ErrorCode})", ex);
            }
            catch (Exception ex) when (ex is IOException or McpException or ObjectDisposedException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // A crashed server, a closed transport, or one that would not start: drop the session and reconnect.
                await ResetAsync().ConfigureAwait(false);
                if (attempt >= _options.MaxReconnectAttempts)
                {
                    throw new McpConnectorException(Name, operation, McpFailureKind.Unavailable, $"{ex.GetType().Name}: {ex.Message}", ex);
                }

                await Task.Delay(_options.ReconnectDelay * Math.Pow(2, attempt), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<McpClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { } client)
        {
            return client;
        }

        await _connect.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client is { } again)
            {
                return again;
            }

            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connecting.CancelAfter(_options.ConnectTimeout);
            var options = new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "Port.Sdk.Mcp", Version = "0.1.0" },
                ProtocolVersion = _options.ProtocolVersion ?? _negotiatedVersion,
                DiscoverProbeTimeout = _options.DiscoverProbeTimeout,
                InitializationTimeout = _options.ConnectTimeout,
            };
            var created = await McpClient.CreateAsync(Transport(), options, _loggerFactory, connecting.Token).ConfigureAwait(false);
            _negotiatedVersion ??= created.NegotiatedProtocolVersion;
            Interlocked.Increment(ref _connections);
            _client = created;
            return created;
        }
        finally
        {
            _connect.Release();
        }
    }

    private IClientTransport Transport()
    {
        if (_options.TransportFactory is { } factory)
        {
            return factory();
        }

        if (_options.Command is { } command)
        {
            var environment = StdioClientTransportOptions.GetDefaultEnvironmentVariables();
            foreach (var (name, value) in _options.Environment)
            {
                environment[name] = value;
            }

            return new StdioClientTransport(
                new StdioClientTransportOptions
                {
                    Name = Name,
                    Command = command,
                    Arguments = [.. _options.Arguments],
                    WorkingDirectory = _options.WorkingDirectory,
                    InheritEnvironmentVariables = false,
                    EnvironmentVariables = environment!,
                },
                _loggerFactory);
        }

        return new HttpClientTransport(
            new HttpClientTransportOptions
            {
                Name = Name,
                Endpoint = _options.Endpoint!,
                TransportMode = _options.HttpTransport switch { "StreamableHttp" => HttpTransportMode.StreamableHttp, "Sse" => HttpTransportMode.Sse, _ => HttpTransportMode.AutoDetect },
                AdditionalHeaders = new Dictionary<string, string>(_options.Headers),
                ConnectionTimeout = _options.ConnectTimeout,
            },
            _loggerFactory);
    }

    private async Task ResetAsync()
    {
        var client = Interlocked.Exchange(ref _client, null);
        if (client is not null)
        {
            try
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or McpException or InvalidOperationException or ObjectDisposedException)
            {
                // The session is being dropped because it failed; a failure to close it says nothing new.
            }
        }
    }

    private string Cap(string text) => text.Length > _options.MaxResultLength ? text[.._options.MaxResultLength] : text;

    private static string Text(IList<ContentBlock> content)
    {
        var text = new StringBuilder();
        foreach (var block in content)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(block switch
            {
                TextContentBlock t => t.Text,
                ImageContentBlock i => $"[image {i.MimeType}]",
                AudioContentBlock a => $"[audio {a.MimeType}]",
                EmbeddedResourceBlock { Resource: TextResourceContents r } => r.Text,
                EmbeddedResourceBlock e => $"[resource {e.Resource.Uri}]",
                ResourceLinkBlock l => $"[resource link {l.Uri}]",
                _ => $"[{block.Type}]",
            });
        }

        return text.ToString();
    }

    private static JsonElement? Structured(CallToolResult result) => result.StructuredContent?.Clone();
}
