using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using Port.Sdk.JsonSchema;
using Port.Sdk.Mcp.Connector;

namespace Port.Sdk.Mcp;

/// <summary>
/// An <see cref="IMcpConnector"/> over the official MCP SDK, to a stdio server (a process it starts) or an HTTP one.
/// It connects on first use and keeps the session. A request that certainly did not reach the server (a failed
/// connection, an expired HTTP session, a server found dead) is sent again on a new session; a tool call that may have
/// reached it is re-sent only when the tool is read-only or idempotent. Every message read from the server is bounded
/// while it is read. Lists are cached until the server says they changed (<c>notifications/*/list_changed</c>) or
/// <see cref="McpConnectorOptions.ListCacheDuration"/> passes; a call's arguments are checked against the tool's input
/// schema before it is sent; every failure is one <see cref="McpConnectorException"/> with a <see cref="McpFailureKind"/>.
/// </summary>
public sealed partial class McpConnector : IMcpConnector
{
    private const int MaxListPages = 1_000;
    private readonly McpConnectorOptions _options;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly SemaphoreSlim _connect = new(1, 1);
    private readonly ConcurrentDictionary<string, Port.Sdk.JsonSchema.JsonSchema> _schemas = new(StringComparer.Ordinal);
    private Cached<IReadOnlyList<McpToolDescription>>? _tools;
    private Cached<IReadOnlyList<McpResourceDescription>>? _resources;
    private Cached<IReadOnlyList<McpResourceTemplateDescription>>? _templates;
    private Cached<IReadOnlyList<McpPromptDescription>>? _prompts;

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

    /// <summary>Raised after the server said one of its lists changed and the cached list was dropped; the argument is the notification's method, such as <c>notifications/tools/list_changed</c>.</summary>
    public event EventHandler<string>? ListChanged;

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<McpToolDescription>> ListToolsAsync(CancellationToken cancellationToken = default)
        => await ToolsAsync(refresh: false, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <exception cref="McpConnectorException">The tool is not allowed or does not exist, the arguments break its schema, or the call failed; <see cref="McpConnectorException.Kind"/> says which.</exception>
    public Task<McpToolResult> CallToolAsync(string tool, IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken = default)
        => CallToolAsync(tool, arguments, null, cancellationToken);

    /// <summary>Calls a tool, saying whether it may be re-sent after a crash.</summary>
    /// <param name="tool">The tool's name.</param>
    /// <param name="arguments">The arguments, checked against the tool's input schema before the call.</param>
    /// <param name="options">How the call is made; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The tool's result: its text (cut at <see cref="McpConnectorOptions.MaxResultLength"/>), every content block, and its structured content.</returns>
    /// <exception cref="McpConnectorException">The tool is not allowed or does not exist, the arguments break its schema, or the call failed; <see cref="McpConnectorException.Kind"/> says which.</exception>
    public async Task<McpToolResult> CallToolAsync(string tool, IReadOnlyDictionary<string, JsonElement> arguments, McpToolCallOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        ArgumentNullException.ThrowIfNull(arguments);
        if (!Allowed(tool))
        {
            throw Failure("tools/call", tool, McpFailureKind.Refused, $"the tool is not allowed by this connector's {(_options.DeniedTools.Contains(tool) ? "deny list" : "allow list")}.");
        }

        var description = (await ToolsAsync(refresh: false, cancellationToken).ConfigureAwait(false)).FirstOrDefault(t => t.Name == tool)
            ?? (await ToolsAsync(refresh: true, cancellationToken).ConfigureAwait(false)).FirstOrDefault(t => t.Name == tool)
            ?? throw Failure("tools/call", tool, McpFailureKind.Refused, "the server has no tool of that name.");
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
                throw Failure("tools/call", tool, McpFailureKind.Timeout, $"the arguments could not be checked against the tool's input schema within {_options.CallTimeout.TotalSeconds:0.###} s.");
            }
        }

        var remaining = _options.CallTimeout - _options.TimeProvider.GetElapsedTime(started);
        if (remaining <= TimeSpan.Zero)
        {
            throw Failure("tools/call", tool, McpFailureKind.Timeout, $"no answer within {_options.CallTimeout.TotalSeconds:0.###} s (checking the arguments took it all).");
        }

        var replayable = options?.Idempotent ?? (description.ReadOnlyHint == true || description.IdempotentHint == true || _options.IdempotentTools.Contains(tool));
        var parameters = new JsonObject { ["name"] = tool, ["arguments"] = Arguments(arguments) };
        var result = await RequestAsync("tools/call", tool, parameters, replayable, remaining, cancellationToken).ConfigureAwait(false);
        return Read("tools/call", tool, () =>
        {
            long binary = 0;
            var content = ResultReader.Content(ResultReader.Array(result, "content", string.Empty), "/content", ref binary);
            CheckBinary("tools/call", tool, binary);
            var (capped, truncated) = CapText(content);
            var text = ResultReader.Text(capped);
            if (ResultReader.Boolean(result, "isError") == true)
            {
                throw Failure("tools/call", tool, McpFailureKind.ToolError, text.Length > 2_000 ? text[..2_000] + "…" : text);
            }

            return new McpToolResult(text, ResultReader.Element(result["structuredContent"])) { Truncated = truncated, Content = capped };
        });
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<McpResourceDescription>> ListResourcesAsync(CancellationToken cancellationToken = default)
    {
        if (Fresh(_resources) is { } cached)
        {
            return cached;
        }

        var items = await ListAsync("resources/list", "resources", cancellationToken).ConfigureAwait(false);
        IReadOnlyList<McpResourceDescription> list = Read("resources/list", null, () => items.Select((r, i) => new McpResourceDescription(
            ResultReader.RequiredString(r, "uri", $"/resources/{i}"), ResultReader.RequiredString(r, "name", $"/resources/{i}"), ResultReader.String(r, "description", $"/resources/{i}"), ResultReader.String(r, "mimeType", $"/resources/{i}"))).ToList());
        _resources = new(_options.TimeProvider.GetUtcNow(), list);
        return list;
    }

    /// <summary>Lists the resource templates the server offers.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The resource templates.</returns>
    /// <exception cref="McpConnectorException">The request failed; <see cref="McpConnectorException.Kind"/> says why.</exception>
    public async Task<IReadOnlyList<McpResourceTemplateDescription>> ListResourceTemplatesAsync(CancellationToken cancellationToken = default)
    {
        if (Fresh(_templates) is { } cached)
        {
            return cached;
        }

        var items = await ListAsync("resources/templates/list", "resourceTemplates", cancellationToken).ConfigureAwait(false);
        IReadOnlyList<McpResourceTemplateDescription> list = Read("resources/templates/list", null, () => items.Select((r, i) => new McpResourceTemplateDescription(
            ResultReader.RequiredString(r, "uriTemplate", $"/resourceTemplates/{i}"), ResultReader.RequiredString(r, "name", $"/resourceTemplates/{i}"), ResultReader.String(r, "description", $"/resourceTemplates/{i}"), ResultReader.String(r, "mimeType", $"/resourceTemplates/{i}"))).ToList());
        _templates = new(_options.TimeProvider.GetUtcNow(), list);
        return list;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<McpResourceContent>> ReadResourceAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        var result = await RequestAsync("resources/read", uri, new JsonObject { ["uri"] = uri }, replayable: true, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return Read("resources/read", uri, () =>
        {
            long binary = 0;
            var contents = ResultReader.Array(result, "contents", string.Empty);
            var list = new List<McpResourceContent>(contents.Count);
            for (var i = 0; i < contents.Count; i++)
            {
                var pointer = $"/contents/{i}";
                var content = ResultReader.Object(contents[i], pointer);
                var text = ResultReader.String(content, "text", pointer);
                var data = content["blob"] is null ? (ReadOnlyMemory<byte>?)null : ResultReader.Base64(content, "blob", pointer, ref binary);
                list.Add(new McpResourceContent(ResultReader.RequiredString(content, "uri", pointer), ResultReader.String(content, "mimeType", pointer), text is null ? null : Cap(text), data));
            }

            CheckBinary("resources/read", uri, binary);
            return list;
        });
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<McpPromptDescription>> ListPromptsAsync(CancellationToken cancellationToken = default)
    {
        if (Fresh(_prompts) is { } cached)
        {
            return cached;
        }

        var items = await ListAsync("prompts/list", "prompts", cancellationToken).ConfigureAwait(false);
        IReadOnlyList<McpPromptDescription> list = Read("prompts/list", null, () => items.Select((p, i) => new McpPromptDescription(
            ResultReader.RequiredString(p, "name", $"/prompts/{i}"),
            ResultReader.String(p, "description", $"/prompts/{i}"),
            [.. ResultReader.Array(p, "arguments", $"/prompts/{i}").Select((a, j) => ResultReader.RequiredString(ResultReader.Object(a, $"/prompts/{i}/arguments/{j}"), "name", $"/prompts/{i}/arguments/{j}"))])).ToList());
        _prompts = new(_options.TimeProvider.GetUtcNow(), list);
        return list;
    }

    /// <summary>Gets a prompt, filled in with its arguments.</summary>
    /// <param name="name">The prompt's name.</param>
    /// <param name="arguments">Its arguments; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The prompt's messages, with their text cut at <see cref="McpConnectorOptions.MaxResultLength"/>.</returns>
    /// <exception cref="McpConnectorException">The request failed (an unknown prompt is a <see cref="McpFailureKind.ProtocolError"/>); <see cref="McpConnectorException.Kind"/> says why.</exception>
    public async Task<McpPromptResult> GetPromptAsync(string name, IReadOnlyDictionary<string, string>? arguments = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var parameters = new JsonObject { ["name"] = name };
        if (arguments is { Count: > 0 })
        {
            var values = new JsonObject();
            foreach (var (key, value) in arguments)
            {
                values[key] = value;
            }

            parameters["arguments"] = values;
        }

        var result = await RequestAsync("prompts/get", name, parameters, replayable: true, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
        return Read("prompts/get", name, () =>
        {
            long binary = 0;
            var messages = ResultReader.Array(result, "messages", string.Empty);
            var roles = new List<string>(messages.Count);
            var content = new List<McpContent>(messages.Count);
            for (var i = 0; i < messages.Count; i++)
            {
                var message = ResultReader.Object(messages[i], $"/messages/{i}");
                roles.Add(ResultReader.RequiredString(message, "role", $"/messages/{i}"));
                content.Add(ResultReader.Block(ResultReader.Object(message["content"], $"/messages/{i}/content"), $"/messages/{i}/content", ref binary));
            }

            CheckBinary("prompts/get", name, binary);
            var (capped, truncated) = CapText(content);
            return new McpPromptResult(ResultReader.String(result, "description", string.Empty), [.. roles.Zip(capped, (role, block) => new McpPromptMessage(role, block))]) { Truncated = truncated };
        });
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
        if (Interlocked.Exchange(ref _session, null) is { } session)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        _connect.Dispose();
    }

    private bool Allowed(string tool) => !_options.DeniedTools.Contains(tool) && (_options.AllowedTools.Count == 0 || _options.AllowedTools.Contains(tool));

    private T? Fresh<T>(Cached<T>? cached) where T : class
        => cached is not null && _options.TimeProvider.GetUtcNow() - cached.At < _options.ListCacheDuration ? cached.Value : null;

    private void OnListChanged(string method)
    {
        switch (method)
        {
            case NotificationMethods.ToolListChangedNotification:
                _tools = null;
                break;
            case NotificationMethods.ResourceListChangedNotification:
                _resources = null;
                _templates = null;
                break;
            case NotificationMethods.PromptListChangedNotification:
                _prompts = null;
                break;
        }

        ListChanged?.Invoke(this, method);
    }

    private async Task<IReadOnlyList<McpToolDescription>> ToolsAsync(bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && Fresh(_tools) is { } cached)
        {
            return cached;
        }

        var items = await ListAsync("tools/list", "tools", cancellationToken).ConfigureAwait(false);
        IReadOnlyList<McpToolDescription> allowed = Read("tools/list", null, () => items.Select((t, i) =>
        {
            var pointer = $"/tools/{i}";
            var hints = t["annotations"] as JsonObject;
            return new McpToolDescription(ResultReader.RequiredString(t, "name", pointer), ResultReader.String(t, "description", pointer), ResultReader.Element(ResultReader.Object(t["inputSchema"], pointer + "/inputSchema"))!.Value)
            {
                ReadOnlyHint = ResultReader.Boolean(hints, "readOnlyHint"),
                IdempotentHint = ResultReader.Boolean(hints, "idempotentHint"),
            };
        }).Where(t => Allowed(t.Name)).ToList());
        _tools = new(_options.TimeProvider.GetUtcNow(), allowed);
        _schemas.Clear();
        return allowed;
    }

    /// <summary>Every item of a paginated list, following <c>nextCursor</c> (at most <see cref="MaxListPages"/> pages, each bounded while read).</summary>
    private async Task<List<JsonObject>> ListAsync(string method, string key, CancellationToken cancellationToken)
    {
        var items = new List<JsonObject>();
        string? cursor = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 0; page < MaxListPages; page++)
        {
            var parameters = cursor is null ? null : new JsonObject { ["cursor"] = cursor };
            var result = await RequestAsync(method, null, parameters, replayable: true, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
            cursor = Read(method, null, () =>
            {
                var list = ResultReader.Array(result, key, string.Empty);
                for (var i = 0; i < list.Count; i++)
                {
                    items.Add(ResultReader.Object(list[i], $"/{key}/{i}"));
                }

                return ResultReader.String(result, "nextCursor", string.Empty);
            });
            if (cursor is null || !seen.Add(cursor))
            {
                return items;
            }
        }

        throw Failure(method, null, McpFailureKind.ProtocolError, $"the server's list did not end within {MaxListPages} pages.");
    }

    private T Read<T>(string method, string? operation, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (FormatException ex)
        {
            throw Failure(method, operation, McpFailureKind.ProtocolError, $"the server's result is malformed: {ex.Message}", ex);
        }
    }

    private void CheckBinary(string method, string operation, long characters)
    {
        if (characters > _options.MaxResultLength)
        {
            throw Failure(method, operation, McpFailureKind.ResultTooLarge, $"its binary content is {characters:N0} base64 characters, past MaxResultLength ({_options.MaxResultLength:N0}).");
        }
    }

    /// <summary>Cuts text blocks (and embedded text) so that all the text together stays within <see cref="McpConnectorOptions.MaxResultLength"/>.</summary>
    private (List<McpContent> Content, bool Truncated) CapText(List<McpContent> content)
    {
        long left = _options.MaxResultLength;
        var truncated = false;
        var capped = new List<McpContent>(content.Count);
        foreach (var block in content)
        {
            if (block.Text is { } text)
            {
                var keep = (int)Math.Clamp(left, 0, text.Length);
                truncated |= keep < text.Length;
                left -= keep + 1;
                capped.Add(keep < text.Length ? block with { Text = text[..keep] } : block);
            }
            else
            {
                capped.Add(block);
            }
        }

        return (capped, truncated);
    }

    private string Cap(string text) => text.Length > _options.MaxResultLength ? text[.._options.MaxResultLength] : text;

    private static JsonObject Arguments(IReadOnlyDictionary<string, JsonElement> arguments)
    {
        var values = new JsonObject();
        foreach (var (name, value) in arguments)
        {
            values[name] = JsonNode.Parse(value.GetRawText());
        }

        return values;
    }

    private void CheckArguments(McpToolDescription tool, IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        Port.Sdk.JsonSchema.JsonSchema schema;
        try
        {
            schema = _schemas.GetOrAdd(tool.Name, _ => Port.Sdk.JsonSchema.JsonSchema.FromElement(tool.InputSchema));
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
            throw Failure("tools/call", tool.Name, McpFailureKind.Refused, $"the arguments could not be checked against the tool's input schema within its limits ({result.ExceededLimit}): " + string.Join("; ", result.Errors.Take(5).Select(e => e.ToString())));
        }

        if (!result.IsValid)
        {
            throw Failure("tools/call", tool.Name, McpFailureKind.Refused, "the arguments do not match the tool's input schema: " + string.Join("; ", result.Errors.Take(5).Select(e => e.ToString())));
        }
    }
}
