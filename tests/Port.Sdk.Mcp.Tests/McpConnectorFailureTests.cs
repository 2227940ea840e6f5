using System.Diagnostics;
using System.Text.Json;
using ModelContextProtocol.Client;
using Xunit.Abstractions;

namespace Port.Sdk.Mcp.Tests;

/// <summary>
/// The connector against a scripted server (tests/mcp-servers/scripted-server.mjs) that crashes mid-call, restarts,
/// streams oversized results, sends annotated content and list_changed notifications; each test counts what the
/// server ran from the server's own records.
/// </summary>
public sealed class McpConnectorFailureTests(ITestOutputHelper output) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly ScriptedServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        _timeout.Dispose();
    }

    private static Dictionary<string, JsonElement> Args(string json)
        => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Fact]
    public async Task CrashMidCall_ToolWithSideEffects_RunsOnce_AndIsReported()
    {
        await using var connector = new McpConnector("scripted", _server.Stdio());

        var ex = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("append", Args("""{ "text": "a", "crash": true }"""), _timeout.Token));
        var after = await connector.CallToolAsync("append", Args("""{ "text": "b" }"""), _timeout.Token);

        Assert.Equal((McpFailureKind.ServerCrashed, "scripted", "tools/call", "append", true), (ex.Kind, ex.Connector, ex.Method, ex.Tool, ex.MayHaveReachedServer));
        Assert.StartsWith("The MCP connector 'scripted' lost its server during 'append': the server exited with code 3 while the request was in flight", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, _server.Executions("append"));
        Assert.Equal("appended b", after.Text);
        Assert.Equal(2, connector.Connections);
    }

    [Fact]
    public async Task CrashMidCall_ReadOnlyTool_IsResentOnce()
    {
        await using var connector = new McpConnector("scripted", _server.Stdio());
        Assert.True((await connector.ListToolsAsync(_timeout.Token)).Single(t => t.Name == "lookup").ReadOnlyHint);
        _server.Touch("crash-once");

        var result = await connector.CallToolAsync("lookup", Args("{}"), _timeout.Token);

        Assert.Equal("found", result.Text);
        Assert.Equal(2, _server.Executions("lookup"));
        Assert.Equal(2, connector.Connections);
    }

    [Fact]
    public async Task CrashingCall_TheCallerSaysIdempotent_IsSentTwiceAtMost()
    {
        await using var connector = new McpConnector("scripted", _server.Stdio());

        var ex = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("append", Args("""{ "text": "a", "crash": true }"""), new McpToolCallOptions { Idempotent = true }, _timeout.Token));

        Assert.Equal(McpFailureKind.ServerCrashed, ex.Kind);
        Assert.Equal(2, _server.Executions("append"));
    }

    [Fact]
    public async Task ServerKilledWhileIdle_NextCallReconnects_AndRunsOnce()
    {
        await using var connector = new McpConnector("scripted", _server.Stdio());
        await connector.CallToolAsync("append", Args("""{ "text": "a" }"""), _timeout.Token);
        var server = Assert.Single(_server.StdioProcesses());

        server.Kill();
        await server.WaitForExitAsync(_timeout.Token);
        var after = await connector.CallToolAsync("append", Args("""{ "text": "b" }"""), _timeout.Token);

        Assert.Equal("appended b", after.Text);
        Assert.Equal(2, _server.Executions("append"));
        Assert.Equal(2, connector.Connections);
    }

    [Fact]
    public async Task OversizedBlob_OverStdio_IsRefusedWhileRead()
    {
        await using var connector = new McpConnector("scripted", _server.Stdio(o => o.MaxResultLength = 1_000));

        var ex = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("blob", Args("""{ "length": 200000000 }"""), _timeout.Token));
        var after = await connector.CallToolAsync("append", Args("""{ "text": "b" }"""), _timeout.Token);

        Assert.Equal((McpFailureKind.ResultTooLarge, "blob"), (ex.Kind, ex.Tool));
        Assert.Contains("MaxMessageBytes", ex.Message, StringComparison.Ordinal);
        // The bound is 1,054,576 bytes; the server could write little more than that (and a pipe's buffer) of its 200 MB.
        output.WriteLine($"stdio: the server wrote {_server.BlobBytesWritten():N0} bytes of 200,000,000 before the connector refused the result");
        Assert.InRange(_server.BlobBytesWritten(), 1_000_000, 4_000_000);
        Assert.Equal(1, _server.Executions("blob"));
        Assert.Equal("appended b", after.Text);
    }

    [Fact]
    public async Task BinaryContentPastMaxResultLength_IsRefused()
    {
        await using var connector = new McpConnector("scripted", _server.Stdio(o => o.MaxResultLength = 1_000));

        var ex = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("blob", Args("""{ "length": 4000 }"""), _timeout.Token));

        Assert.Equal(McpFailureKind.ResultTooLarge, ex.Kind);
        Assert.Equal("The MCP connector 'scripted' refused the result of 'blob': its binary content is 4,000 base64 characters, past MaxResultLength (1,000).", ex.Message);
    }

    [Fact]
    public async Task AnnotatedContent_FailsInTheSdk_AndTheConnectorCarriesEveryContentType()
    {
        await using (var client = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions { Command = "node", Arguments = [.. _server.Arguments()] }), new McpClientOptions { ProtocolVersion = "2025-11-25" }, cancellationToken: _timeout.Token))
        {
            // The SDK 2.4.0 itself: reading a content block with 'annotations' throws (a bug this connector works around).
            var sdk = await Assert.ThrowsAnyAsync<Exception>(async () => await client.CallToolAsync("annotated", cancellationToken: _timeout.Token));
            Assert.Contains("TypeInfoResolver", sdk.ToString(), StringComparison.Ordinal);
        }

        await using var connector = new McpConnector("scripted", _server.Stdio());
        var result = await connector.CallToolAsync("annotated", Args("{}"), _timeout.Token);

        Assert.Equal(
            [McpContentKind.Text, McpContentKind.Image, McpContentKind.Audio, McpContentKind.ResourceLink, McpContentKind.EmbeddedResource, McpContentKind.EmbeddedResource],
            result.Content.Select(c => c.Kind));
        Assert.Equal(0.5, result.Content[0].Annotations!.Value.GetProperty("priority").GetDouble());
        Assert.Equal("user", result.Content[0].Annotations!.Value.GetProperty("audience")[0].GetString());
        Assert.Equal(Convert.FromHexString("89504e470d0a1a0a"), result.Content[1].Data!.Value.ToArray());
        Assert.Equal(("image/png", "audio/wav"), (result.Content[1].MimeType, result.Content[2].MimeType));
        Assert.Equal(("mem://readme", "readme"), (result.Content[3].Uri, result.Content[3].Name));
        Assert.Equal(("mem://readme", "# Readme"), (result.Content[4].Uri, result.Content[4].Text));
        Assert.Equal(Convert.FromHexString("89504e470d0a1a0a"), result.Content[5].Data!.Value.ToArray());
        Assert.Equal("hello\n[image image/png]\n[audio audio/wav]\n[resource link mem://readme]\n# Readme\n[resource mem://logo]", result.Text);
    }

    [Fact]
    public async Task ListChanged_DropsTheCachedToolList()
    {
        await using var connector = new McpConnector("scripted", _server.Stdio());
        Assert.DoesNotContain(await connector.ListToolsAsync(_timeout.Token), t => t.Name == "grown");
        var changed = new TaskCompletionSource<string>();
        connector.ListChanged += (_, method) => changed.TrySetResult(method);

        await connector.CallToolAsync("grow", Args("{}"), _timeout.Token);

        Assert.Equal("notifications/tools/list_changed", await changed.Task.WaitAsync(_timeout.Token));
        Assert.Contains(await connector.ListToolsAsync(_timeout.Token), t => t.Name == "grown");
        Assert.Equal(2, _server.Lines("methods.log").Count(m => m == "tools/list"));
    }

    [Fact]
    public async Task PromptsAndResourceTemplates_AreGotAndListed()
    {
        await using var connector = new McpConnector("scripted", _server.Stdio());

        var prompt = await connector.GetPromptAsync("review", new Dictionary<string, string> { ["pr"] = "42" }, _timeout.Token);
        var templates = await connector.ListResourceTemplatesAsync(_timeout.Token);
        var missing = await Assert.ThrowsAsync<McpConnectorException>(() => connector.GetPromptAsync("no-such-prompt", cancellationToken: _timeout.Token));

        Assert.Equal("A review.", prompt.Description);
        Assert.Equal(("user", "Review pull request 42."), (prompt.Messages[0].Role, prompt.Messages[0].Content.Text));
        Assert.Equal((McpContentKind.EmbeddedResource, "# Readme"), (prompt.Messages[1].Content.Kind, prompt.Messages[1].Content.Text));
        Assert.Equal(new McpResourceTemplateDescription("mem://items/{id}", "item", "An item by id.", "application/json"), Assert.Single(templates));
        Assert.Equal((McpFailureKind.ProtocolError, "prompts/get"), (missing.Kind, missing.Method));
    }

    [Fact]
    public async Task Negotiation_IsOneInitialize_WithNoProbe()
    {
        await using var connector = new McpConnector("scripted", _server.Stdio());

        await connector.ListToolsAsync(_timeout.Token);

        Assert.Equal(["initialize", "notifications/initialized", "tools/list"], _server.Lines("methods.log"));
        Assert.Equal("2025-11-25", connector.ProtocolVersion);
    }

    [Fact]
    public async Task MissingCommand_IsConnectFailed_AndNamesTheCommand()
    {
        await using var connector = new McpConnector("ghost", new McpConnectorOptions { Command = "/nonexistent/mcp-server" });

        var ex = await Assert.ThrowsAsync<McpConnectorException>(() => connector.ListToolsAsync(_timeout.Token));

        Assert.Equal((McpFailureKind.ConnectFailed, "ghost", "tools/list", false), (ex.Kind, ex.Connector, ex.Method, ex.MayHaveReachedServer));
        Assert.StartsWith("The MCP connector 'ghost' could not connect to its server for 'tools/list': could not start the server command '/nonexistent/mcp-server': ", ex.Message, StringComparison.Ordinal);
        Assert.IsType<System.ComponentModel.Win32Exception>(ex.InnerException);
    }

    [Fact]
    public async Task SilentServer_ConnectTimeoutHolds()
    {
        await using var connector = new McpConnector("silent", _server.Stdio(o => o.ConnectTimeout = TimeSpan.FromSeconds(2), "--silent"));
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<McpConnectorException>(() => connector.ListToolsAsync(_timeout.Token));

        output.WriteLine($"ConnectTimeout 2 s: failed after {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal("The MCP connector 'silent' 'tools/list' timed out: could not connect within 2 s.", ex.Message);
        Assert.Empty(_server.StdioProcesses());
    }

    [Theory]
    [InlineData("404")]
    [InlineData("400")]
    public async Task HttpServerRestarted_SessionIsReestablished_AndTheCallRunsOnce(string sessionError)
    {
        var port = NpmServers.FreePort();
        var first = await _server.StartHttpAsync(port, _timeout.Token, "--session-error", sessionError);
        await using var connector = new McpConnector("scripted-http", new McpConnectorOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/mcp"), HttpTransport = "StreamableHttp" });
        await connector.CallToolAsync("lookup", Args("{}"), _timeout.Token);

        first.Kill();
        await first.WaitForExitAsync(_timeout.Token);
        await _server.StartHttpAsync(port, _timeout.Token, "--session-error", sessionError);
        var after = await connector.CallToolAsync("append", Args("""{ "text": "b" }"""), _timeout.Token);

        Assert.Equal("appended b", after.Text);
        Assert.Equal(1, _server.Executions("append"));
        Assert.Equal(2, connector.Connections);
    }

    [Fact]
    public async Task HttpServerCrashMidCall_IsReported_NotReplayed()
    {
        var port = NpmServers.FreePort();
        await _server.StartHttpAsync(port, _timeout.Token);
        await using var connector = new McpConnector("scripted-http", new McpConnectorOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/mcp"), HttpTransport = "StreamableHttp", ReconnectDelay = TimeSpan.FromMilliseconds(10) });

        var ex = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("append", Args("""{ "text": "a", "crash": true }"""), _timeout.Token));

        Assert.Equal((McpFailureKind.ServerCrashed, "append", true), (ex.Kind, ex.Tool, ex.MayHaveReachedServer));
        Assert.Equal(1, _server.Executions("append"));
    }

    [Fact]
    public async Task HttpFailures_AreConnectorExceptions_WithAKind()
    {
        var refusedPort = NpmServers.FreePort();
        await using var refused = new McpConnector("nobody", new McpConnectorOptions { Endpoint = new Uri($"http://127.0.0.1:{refusedPort}/mcp"), HttpTransport = "StreamableHttp", MaxReconnectAttempts = 1, ReconnectDelay = TimeSpan.FromMilliseconds(10) });
        var port = NpmServers.FreePort();
        await _server.StartHttpAsync(port, _timeout.Token, "--max-body", "2000");
        await using var connector = new McpConnector("scripted-http", new McpConnectorOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/mcp"), HttpTransport = "StreamableHttp" });

        var notListening = await Assert.ThrowsAsync<McpConnectorException>(() => refused.ListToolsAsync(_timeout.Token));
        var tooLarge = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("append", Args($$"""{ "text": "{{new string('x', 5_000)}}" }"""), _timeout.Token));

        Assert.Equal((McpFailureKind.ConnectFailed, false), (notListening.Kind, notListening.MayHaveReachedServer));
        Assert.StartsWith("The MCP connector 'nobody' could not connect to its server for 'tools/list': could not connect after 2 attempts: ", notListening.Message, StringComparison.Ordinal);
        Assert.Equal((McpFailureKind.HttpError, 413, "append"), (tooLarge.Kind, tooLarge.StatusCode, tooLarge.Tool));
        Assert.Equal(0, _server.Executions("append"));
    }

    [Fact]
    public async Task OversizedBlob_OverHttp_IsRefusedWhileRead()
    {
        var port = NpmServers.FreePort();
        await _server.StartHttpAsync(port, _timeout.Token);
        await using var connector = new McpConnector("scripted-http", new McpConnectorOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/mcp"), HttpTransport = "StreamableHttp", MaxResultLength = 1_000 });

        var ex = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("blob", Args("""{ "length": 200000000 }"""), _timeout.Token));
        var after = await connector.CallToolAsync("append", Args("""{ "text": "b" }"""), _timeout.Token);

        Assert.Equal((McpFailureKind.ResultTooLarge, "blob"), (ex.Kind, ex.Tool));
        // Loopback socket buffers hold a few megabytes more than the 1 MB bound; 200 MB were on offer.
        output.WriteLine($"HTTP: the server wrote {_server.BlobBytesWritten():N0} bytes of 200,000,000 before the connector refused the result");
        Assert.InRange(_server.BlobBytesWritten(), 1_000_000, 32_000_000);
        Assert.Equal(1, _server.Executions("blob"));
        Assert.Equal("appended b", after.Text);
    }
}
