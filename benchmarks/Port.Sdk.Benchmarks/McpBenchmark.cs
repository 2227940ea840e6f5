using System.IO.Pipelines;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Port.Sdk.Mcp;

namespace Port.Sdk.Benchmarks;

/// <summary>
/// One tool call to an MCP server in the same process over pipes (so the transport costs the same for both): the raw
/// SDK client (baseline) against <see cref="McpConnector"/>, which adds the allow/deny check, the cached tool lookup,
/// the input-schema validation, the timeout and the result mapping.
/// </summary>
[MemoryDiagnoser]
public class McpBenchmark
{
    private static readonly Dictionary<string, JsonElement> Arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("""{ "owner": "acme", "repo": "payments-api", "pullNumber": 42 }""")!;
    private readonly List<IAsyncDisposable> _disposables = [];
    private McpClient _raw = null!;
    private McpConnector _connector = null!;
    private CancellationTokenSource _stop = null!;

    [GlobalSetup]
    public void Setup()
    {
        _stop = new CancellationTokenSource();
        _raw = McpClient.CreateAsync(Serve()).GetAwaiter().GetResult();
        _connector = new McpConnector("bench", new McpConnectorOptions { TransportFactory = Serve });
        _connector.ListToolsAsync().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public async Task<CallToolResult> RawSdkClient() => await _raw.CallToolAsync(new CallToolRequestParams { Name = "get_pull_request_diff", Arguments = Arguments });

    [Benchmark]
    public Task<McpToolResult> Connector() => _connector.CallToolAsync("get_pull_request_diff", Arguments);

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _raw.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _connector.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var server in _disposables)
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _stop.Dispose();
    }

    /// <summary>Starts a server with one tool on a pair of pipes and returns the client's end.</summary>
    private IClientTransport Serve()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        using var schema = JsonDocument.Parse("""
            { "type": "object", "required": ["owner", "repo", "pullNumber"], "properties": { "owner": { "type": "string" }, "repo": { "type": "string" }, "pullNumber": { "type": "integer", "minimum": 1 } } }
            """);
        var tool = new Tool { Name = "get_pull_request_diff", InputSchema = schema.RootElement.Clone() };
        var result = new CallToolResult { Content = [new TextContentBlock { Text = "diff --git a/src/Handler.cs b/src/Handler.cs\n+    var timeout = options.Timeout;\n" }] };
        var options = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = "bench", Version = "1" },
            Capabilities = new ServerCapabilities { Tools = new ToolsCapability() },
            Handlers = new McpServerHandlers
            {
                ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = [tool] }),
                CallToolHandler = (_, _) => ValueTask.FromResult(result),
            },
        };
        var server = McpServer.Create(new StreamServerTransport(toServer.Reader.AsStream(), toClient.Writer.AsStream()), options);
        _ = server.RunAsync(_stop.Token);
        _disposables.Add(server);
        return new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream());
    }
}
