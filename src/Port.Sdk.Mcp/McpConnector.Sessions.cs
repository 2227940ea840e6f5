using System.Net;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Port.Sdk.Mcp.Connector;

namespace Port.Sdk.Mcp;

/// <content>Sessions (connecting, reconnecting) and requests: the retry rule and the classification of failures.</content>
public sealed partial class McpConnector
{
    private ConnectorSession? _session;
    private string? _negotiatedVersion;
    private int _connections;
    private bool _disposed;

    /// <summary>Gets how many times the connector connected (the first connection and every reconnection).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Gets the protocol version the server settled on, once connected.</summary>
    public string? ProtocolVersion => _negotiatedVersion;

    /// <summary>
    /// Sends one request and returns its raw result. A failure that certainly happened before the request reached the
    /// server (connecting, a dead session, an expired HTTP session) is retried on a new session, up to
    /// <see cref="McpConnectorOptions.MaxReconnectAttempts"/> times; one that may have happened after is retried once,
    /// and only when <paramref name="replayable"/>.
    /// </summary>
    private async Task<JsonObject> RequestAsync(string method, string? operation, JsonObject? parameters, bool replayable, TimeSpan callTimeout, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var retries = 0;
        var resent = false;
        while (true)
        {
            var session = await SessionAsync(method, operation, cancellationToken).ConfigureAwait(false);
            var writes = session.Guard?.Writes ?? 0;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(callTimeout);
            McpConnectorException failure;
            try
            {
                var response = await session.Client.SendRequestAsync(new JsonRpcRequest { Method = method, Params = parameters?.DeepClone() }, timeout.Token).ConfigureAwait(false);
                return response.Result as JsonObject ?? throw Failure(method, operation, McpFailureKind.ProtocolError, "the server's result is not a JSON object.", reached: true);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !session.Dead)
            {
                throw Failure(method, operation, McpFailureKind.Timeout, $"no answer within {callTimeout.TotalSeconds:0.###} s.", ex, reached: true);
            }
            catch (TimeoutException ex) when (!session.Dead)
            {
                throw Failure(method, operation, McpFailureKind.Timeout, $"no answer within {callTimeout.TotalSeconds:0.###} s.", ex, reached: true);
            }
            catch (McpProtocolException ex) when (!session.Dead)
            {
                if (method == "tools/call")
                {
                    _tools = null;
                }

                throw Failure(method, operation, McpFailureKind.ProtocolError, $"{ex.Message} (code {(int)ex.ErrorCode})", ex, reached: true);
            }
            catch (McpConnectorException)
            {
                throw;
            }
            catch (Exception ex) when (ex is IOException or McpException or ObjectDisposedException or InvalidOperationException or HttpRequestException or OperationCanceledException)
            {
                var ended = session.Server is { } server ? await server.DescribeAsync().ConfigureAwait(false) : null;
                failure = Classify(ex, session, writes, ended, method, operation);
                await DropAsync(session).ConfigureAwait(false);
            }

            var retry = failure.Kind switch
            {
                McpFailureKind.ResultTooLarge or McpFailureKind.HttpError => false,
                _ when !failure.MayHaveReachedServer => retries < _options.MaxReconnectAttempts,
                _ => replayable && !resent,
            };
            if (!retry)
            {
                throw failure;
            }

            resent |= failure.MayHaveReachedServer;
            if (!failure.MayHaveReachedServer)
            {
                retries++;
            }

            await Task.Delay(_options.ReconnectDelay * Math.Pow(2, Math.Max(0, retries - 1)), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private McpConnectorException Classify(Exception ex, ConnectorSession session, long writesBefore, string? ended, string method, string? operation)
    {
        var guard = session.Guard;
        if (guard?.Tripped == true || Find<TransportGuardException>(ex) is not null)
        {
            return Failure(method, operation, McpFailureKind.ResultTooLarge, Find<TransportGuardException>(ex)?.Message ?? $"a message from the server passed {guard!.MaxMessageBytes:N0} bytes (MaxMessageBytes); it was not read further.", ex, reached: true);
        }

        var http = Find<HttpRequestException>(ex);
        if (guard?.SessionExpired == true || http?.StatusCode == HttpStatusCode.NotFound)
        {
            // The server did not know the session, so it did not run the request: a new session may take it.
            return Failure(method, operation, McpFailureKind.SessionExpired, "the server no longer knows the session (it was restarted or dropped the session).", ex, status: http?.StatusCode is { } code ? (int)code : null);
        }

        if (http?.StatusCode is { } status)
        {
            return Failure(method, operation, McpFailureKind.HttpError, $"the server answered HTTP {(int)status} ({status}).", ex, reached: true, status: (int)status);
        }

        if (http?.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            // SocketsHttpHandler re-sends a request whose reused connection failed, so a refused connection here may
            // follow a first attempt that reached the server.
            return Failure(method, operation, McpFailureKind.ServerCrashed, $"the connection to the server failed: {http.Message}", ex, reached: true);
        }

        var reached = guard is null || guard.Writes != writesBefore;
        var what = ended ?? $"the transport closed ({ex.GetType().Name}: {ex.Message})";
        return Failure(method, operation, McpFailureKind.ServerCrashed, reached ? $"{what} while the request was in flight; it is not re-sent unless the tool is read-only or idempotent." : $"{what} before the request was sent.", ex, reached);
    }

    private async Task<ConnectorSession> SessionAsync(string method, string? operation, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _session) is { Dead: false } live)
        {
            return live;
        }

        await _connect.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_session is { } current)
            {
                if (!current.Dead)
                {
                    return current;
                }

                await DropAsync(current).ConfigureAwait(false);
            }

            // ConnectTimeout bounds every attempt and every delay between them together.
            using var deadline = new CancellationTokenSource(_options.ConnectTimeout, _options.TimeProvider);
            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            Exception? last = null;
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var session = await ConnectAsync(connecting.Token).ConfigureAwait(false);
                    _negotiatedVersion = session.Client.NegotiatedProtocolVersion;
                    Interlocked.Increment(ref _connections);
                    Volatile.Write(ref _session, session);
                    return session;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (OperationCanceledException ex) when (deadline.IsCancellationRequested)
                {
                    throw ConnectTimeout(method, operation, last ?? ex);
                }
                catch (TimeoutException ex)
                {
                    // The SDK's own InitializationTimeout (set to ConnectTimeout) may fire a moment before ours.
                    throw ConnectTimeout(method, operation, last ?? ex);
                }
                catch (System.ComponentModel.Win32Exception ex)
                {
                    throw Failure(method, operation, McpFailureKind.ConnectFailed, $"could not start the server command '{_options.Command}': {ex.Message}", ex);
                }
                catch (McpProtocolException ex)
                {
                    throw Failure(method, operation, McpFailureKind.ProtocolError, $"the server refused the 'initialize' handshake: {ex.Message} (code {(int)ex.ErrorCode})", ex);
                }
                catch (Exception ex) when (ex is IOException or McpException or ObjectDisposedException or InvalidOperationException or HttpRequestException or OperationCanceledException)
                {
                    last = ex;
                }

                if (attempt >= _options.MaxReconnectAttempts)
                {
                    throw Failure(method, operation, McpFailureKind.ConnectFailed, $"could not connect after {attempt + 1} attempts: {Describe(last)}", last);
                }

                try
                {
                    await Task.Delay(_options.ReconnectDelay * Math.Pow(2, attempt), _options.TimeProvider, connecting.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw ConnectTimeout(method, operation, last ?? ex);
                }
            }
        }
        finally
        {
            _connect.Release();
        }
    }

    private McpConnectorException ConnectTimeout(string method, string? operation, Exception cause)
        => Failure(method, operation, McpFailureKind.Timeout, $"could not connect within {_options.ConnectTimeout.TotalSeconds:0.###} s{(cause is OperationCanceledException or TimeoutException ? "" : $" (last attempt: {Describe(cause)})")}.", cause);

    private async Task<ConnectorSession> ConnectAsync(CancellationToken cancellationToken)
    {
        var options = new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "Port.Sdk.Mcp", Version = "0.1.0" },
            ProtocolVersion = _options.ProtocolVersion ?? _negotiatedVersion,
            DiscoverProbeTimeout = _options.DiscoverProbeTimeout,
            InitializationTimeout = _options.ConnectTimeout,
            Handlers = new McpClientHandlers
            {
                NotificationHandlers =
                [
                    new(NotificationMethods.ToolListChangedNotification, ListChangedHandler),
                    new(NotificationMethods.ResourceListChangedNotification, ListChangedHandler),
                    new(NotificationMethods.PromptListChangedNotification, ListChangedHandler),
                ],
            },
        };

        if (_options.TransportFactory is { } factory)
        {
            return new ConnectorSession(await McpClient.CreateAsync(factory(), options, _loggerFactory, cancellationToken).ConfigureAwait(false), null, null);
        }

        var guard = new TransportGuard(_options.EffectiveMaxMessageBytes);
        if (_options.Command is not null)
        {
            var server = StdioServer.Start(_options);
            try
            {
                var transport = new StreamClientTransport(new CountingWriteStream(server.Input, guard), new BoundedReadStream(server.Output, MessageFraming.Lines, guard), _loggerFactory);
                return new ConnectorSession(await McpClient.CreateAsync(transport, options, _loggerFactory, cancellationToken).ConfigureAwait(false), guard, server);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        var http = new HttpClient(new GuardedHttpHandler(guard) { InnerHandler = new SocketsHttpHandler { ConnectTimeout = _options.ConnectTimeout } }) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            var transport = new HttpClientTransport(
                new HttpClientTransportOptions
                {
                    Name = Name,
                    Endpoint = _options.Endpoint!,
                    TransportMode = _options.HttpTransport switch { "StreamableHttp" => HttpTransportMode.StreamableHttp, "Sse" => HttpTransportMode.Sse, _ => HttpTransportMode.AutoDetect },
                    AdditionalHeaders = new Dictionary<string, string>(_options.Headers),
                    ConnectionTimeout = _options.ConnectTimeout,
                },
                http,
                _loggerFactory,
                ownsHttpClient: true);
            return new ConnectorSession(await McpClient.CreateAsync(transport, options, _loggerFactory, cancellationToken).ConfigureAwait(false), guard, null);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    private ValueTask ListChangedHandler(JsonRpcNotification notification, CancellationToken cancellationToken)
    {
        OnListChanged(notification.Method);
        return ValueTask.CompletedTask;
    }

    private async Task DropAsync(ConnectorSession session)
    {
        Interlocked.CompareExchange(ref _session, null, session);
        await session.DisposeAsync().ConfigureAwait(false);
    }

    private McpConnectorException Failure(string method, string? operation, McpFailureKind kind, string detail, Exception? innerException = null, bool reached = false, int? status = null)
        => new(Name, operation ?? method, kind, detail, innerException)
        {
            Method = method,
            Tool = method == "tools/call" ? operation : null,
            MayHaveReachedServer = reached,
            StatusCode = status,
        };

    private static string Describe(Exception? ex) => ex switch
    {
        null => "no error was reported",
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status} ({status})",
        _ => $"{ex.GetType().Name}: {ex.Message}" + (ex.InnerException is { } inner && inner.Message != ex.Message ? $" ({inner.Message})" : string.Empty),
    };

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (var depth = 0; ex is not null && depth < 16; depth++, ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }

            if (ex is AggregateException { InnerExceptions: [var first, ..] })
            {
                ex = first;
                continue;
            }
        }

        return null;
    }

    /// <summary>One connection: the SDK client and, for stdio and HTTP, the guard on its transport (and the stdio process).</summary>
    private sealed class ConnectorSession(McpClient client, TransportGuard? guard, StdioServer? server) : IAsyncDisposable
    {
        private int _disposed;

        public McpClient Client => client;

        public TransportGuard? Guard => guard;

        public StdioServer? Server => server;

        public bool Dead => client.Completion.IsCompleted || guard?.Tripped == true || guard?.SessionExpired == true;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            try
            {
                await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or McpException or InvalidOperationException or ObjectDisposedException or HttpRequestException or TimeoutException or OperationCanceledException)
            {
                // The session is being dropped because it failed; a failure to close it says nothing new.
            }

            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
