using System.Diagnostics;
using System.Text.Json;

namespace Port.Sdk.Mcp.Tests;

/// <summary>
/// The connector against real MCP servers that no one here wrote — @modelcontextprotocol/server-everything and
/// server-filesystem from npm — started over stdio (and server-everything over Streamable HTTP).
/// </summary>
public sealed class McpConnectorTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly string _marker = $"port-mcp-test-{Guid.NewGuid():N}";

    public void Dispose()
    {
        foreach (var process in NpmServers.ProcessesWith(_marker))
        {
            process.Kill();
            process.Dispose();
        }

        _timeout.Dispose();
    }

    private static Dictionary<string, JsonElement> Args(string json)
        => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Fact]
    public async Task Everything_ListsAndCallsTools()
    {
        await using var connector = new McpConnector("everything", NpmServers.Everything(_marker));

        var tools = await connector.ListToolsAsync(_timeout.Token);
        var echo = await connector.CallToolAsync("echo", Args("""{ "message": "hello" }"""), _timeout.Token);
        var sum = await connector.CallToolAsync("get-sum", Args("""{ "a": 2, "b": 3 }"""), _timeout.Token);
        var structured = await connector.CallToolAsync("get-structured-content", Args("""{ "location": "Chicago" }"""), _timeout.Token);

        Assert.Contains(tools, t => t.Name == "echo" && t.InputSchema.GetProperty("required")[0].GetString() == "message");
        Assert.Contains("hello", echo.Text, StringComparison.Ordinal);
        Assert.Contains('5', sum.Text);
        Assert.NotNull(structured.Structured);
        Assert.Equal(1, connector.Connections);
        Assert.NotNull(connector.ProtocolVersion);
    }

    [Fact]
    public async Task Arguments_BreakingTheInputSchema_AreRefusedBeforeTheCall()
    {
        await using var connector = new McpConnector("everything", NpmServers.Everything(_marker));

        var wrongType = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("get-sum", Args("""{ "a": "two", "b": 3 }"""), _timeout.Token));
        var missing = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("echo", Args("{}"), _timeout.Token));
        var unknown = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("no-such-tool", Args("{}"), _timeout.Token));

        Assert.Equal((McpFailureKind.Refused, "everything", "get-sum"), (wrongType.Kind, wrongType.Connector, wrongType.Operation));
        Assert.StartsWith("The MCP connector 'everything' refused 'get-sum': the arguments do not match the tool's input schema: ", wrongType.Message, StringComparison.Ordinal);
        Assert.Contains("/a", wrongType.Message, StringComparison.Ordinal);
        Assert.Contains("message", missing.Message, StringComparison.Ordinal);
        Assert.Equal("The MCP connector 'everything' refused 'no-such-tool': the server has no tool of that name.", unknown.Message);
    }

    [Fact]
    public async Task SpawnedServer_GetsOnlyItsConfiguredEnvironment()
    {
        Environment.SetEnvironmentVariable("PORT_SDK_TEST_HOST_SECRET", "hunter2");
        await using var connector = new McpConnector("everything", NpmServers.Everything(_marker, o => o.Environment["PORT_SDK_VISIBLE"] = "yes"));

        var env = await connector.CallToolAsync("get-env", Args("{}"), _timeout.Token);

        Assert.Contains("PORT_SDK_VISIBLE", env.Text, StringComparison.Ordinal);
        Assert.Contains("PATH", env.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("PORT_SDK_TEST_HOST_SECRET", env.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", env.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowAndDenyLists_FilterTheListAndRefuseCalls()
    {
        await using var denied = new McpConnector("everything", NpmServers.Everything(_marker, o => o.DeniedTools.Add("get-env")));
        await using var allowed = new McpConnector("everything", NpmServers.Everything(_marker, o => o.AllowedTools.Add("echo")));

        Assert.DoesNotContain(await denied.ListToolsAsync(_timeout.Token), t => t.Name == "get-env");
        var ex = await Assert.ThrowsAsync<McpConnectorException>(() => denied.CallToolAsync("get-env", Args("{}"), _timeout.Token));
        Assert.Equal("The MCP connector 'everything' refused 'get-env': the tool is not allowed by this connector's deny list.", ex.Message);
        Assert.Equal(["echo"], (await allowed.ListToolsAsync(_timeout.Token)).Select(t => t.Name));
        Assert.Equal(McpFailureKind.Refused, (await Assert.ThrowsAsync<McpConnectorException>(() => allowed.CallToolAsync("get-sum", Args("""{ "a": 1, "b": 2 }"""), _timeout.Token))).Kind);
    }

    [Fact]
    public async Task LongResults_AreCutAtTheCap_AndMarked()
    {
        await using var connector = new McpConnector("everything", NpmServers.Everything(_marker, o => o.MaxResultLength = 20));

        var result = await connector.CallToolAsync("echo", Args($$"""{ "message": "{{new string('x', 100)}}" }"""), _timeout.Token);

        Assert.True(result.Truncated);
        Assert.Equal(20, result.Text.Length);
    }

    [Fact]
    public async Task KilledServer_IsRestartedByTheNextCall()
    {
        await using var connector = new McpConnector("everything", NpmServers.Everything(_marker));
        await connector.CallToolAsync("echo", Args("""{ "message": "one" }"""), _timeout.Token);
        var servers = NpmServers.ProcessesWith(_marker);
        Assert.Single(servers);

        servers[0].Kill();
        await servers[0].WaitForExitAsync(_timeout.Token);
        var after = await connector.CallToolAsync("echo", Args("""{ "message": "two" }"""), _timeout.Token);

        Assert.Contains("two", after.Text, StringComparison.Ordinal);
        Assert.Equal(2, connector.Connections);
        Assert.NotEqual(servers[0].Id, Assert.Single(NpmServers.ProcessesWith(_marker)).Id);
    }

    [Fact]
    public async Task SlowCall_TimesOut_AndTheSessionStaysUsable()
    {
        await using var connector = new McpConnector("everything", NpmServers.Everything(_marker, o => o.CallTimeout = TimeSpan.FromSeconds(1)));
        await connector.ListToolsAsync(_timeout.Token);

        var ex = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("trigger-long-running-operation", Args("""{ "duration": 30, "steps": 2 }"""), _timeout.Token));
        var echo = await connector.CallToolAsync("echo", Args("""{ "message": "still here" }"""), _timeout.Token);

        Assert.Equal(McpFailureKind.Timeout, ex.Kind);
        Assert.Equal("The MCP connector 'everything' 'trigger-long-running-operation' timed out: no answer within 1 s.", ex.Message);
        Assert.Contains("still here", echo.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_StopsTheCall()
    {
        await using var connector = new McpConnector("everything", NpmServers.Everything(_marker));
        await connector.ListToolsAsync(_timeout.Token);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_timeout.Token);

        var call = connector.CallToolAsync("trigger-long-running-operation", Args("""{ "duration": 30, "steps": 3 }"""), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Contains("ok", (await connector.CallToolAsync("echo", Args("""{ "message": "ok" }"""), _timeout.Token)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourcesAndPrompts_AreListedAndRead()
    {
        await using var connector = new McpConnector("everything", NpmServers.Everything(_marker));

        var resources = await connector.ListResourcesAsync(_timeout.Token);
        var contents = await connector.ReadResourceAsync(resources[0].Uri, _timeout.Token);
        var prompts = await connector.ListPromptsAsync(_timeout.Token);
        var missing = await Assert.ThrowsAsync<McpConnectorException>(() => connector.ReadResourceAsync("demo://resource/static/document/no-such-file.md", _timeout.Token));

        Assert.True(Assert.Single(contents) is { Text.Length: > 0 } or { Data.Length: > 0 });
        Assert.NotEmpty(prompts);
        Assert.Equal(McpFailureKind.ProtocolError, missing.Kind);
    }

    [Fact]
    public async Task Filesystem_ReadsAllowedFiles_AndReportsToolErrors()
    {
        var directory = Directory.CreateTempSubdirectory("port-mcp-fs-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "notes.md"), "# Notes\nship it", _timeout.Token);
            await using var connector = new McpConnector("files", new McpConnectorOptions { Command = "node", Arguments = { $"--title={_marker}", NpmServers.Script("server-filesystem"), directory.FullName } });

            var read = await connector.CallToolAsync("read_text_file", Args($$"""{ "path": {{JsonSerializer.Serialize(Path.Combine(directory.FullName, "notes.md"))}} }"""), _timeout.Token);
            var outside = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("read_text_file", Args("""{ "path": "/etc/passwd" }"""), _timeout.Token));

            Assert.Contains("ship it", read.Text, StringComparison.Ordinal);
            Assert.Equal((McpFailureKind.ToolError, "files", "read_text_file"), (outside.Kind, outside.Connector, outside.Operation));
            Assert.Contains("denied", outside.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private async Task<Process> StartEverythingOverHttpAsync(int port)
    {
        var server = Process.Start(new ProcessStartInfo("node") { ArgumentList = { $"--title={_marker}", NpmServers.Script("server-everything"), "streamableHttp" }, Environment = { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }, RedirectStandardError = true, RedirectStandardOutput = true })!;
        var listening = new TaskCompletionSource();
        server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("listening", StringComparison.OrdinalIgnoreCase) == true)
            {
                listening.TrySetResult();
            }
        };
        server.BeginErrorReadLine();
        await listening.Task.WaitAsync(_timeout.Token);
        return server;
    }

    [Fact]
    public async Task StreamableHttp_ServerEverythingRestarted_TheNextCallGetsANewSession()
    {
        var port = NpmServers.FreePort();
        using var first = await StartEverythingOverHttpAsync(port);
        await using var connector = new McpConnector("everything-http", new McpConnectorOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/mcp"), HttpTransport = "StreamableHttp" });
        await connector.CallToolAsync("echo", Args("""{ "message": "before" }"""), _timeout.Token);

        first.Kill();
        await first.WaitForExitAsync(_timeout.Token);
        using var second = await StartEverythingOverHttpAsync(port);
        var after = await connector.CallToolAsync("echo", Args("""{ "message": "after" }"""), _timeout.Token);

        Assert.Contains("after", after.Text, StringComparison.Ordinal);
        Assert.Equal(2, connector.Connections);
        second.Kill();
    }

    [Fact]
    public async Task StreamableHttp_ServerEverything_OverRealHttp()
    {
        var port = NpmServers.FreePort();
        using var server = await StartEverythingOverHttpAsync(port);
        await using var connector = new McpConnector("everything-http", new McpConnectorOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/mcp"), HttpTransport = "StreamableHttp", Headers = { ["X-Test"] = "1" } });

        var echo = await connector.CallToolAsync("echo", Args("""{ "message": "over http" }"""), _timeout.Token);

        Assert.Contains("over http", echo.Text, StringComparison.Ordinal);
        server.Kill();
    }

    [Fact]
    public void Options_Invalid_NameEachField()
    {
        var ex = Assert.Throws<ArgumentException>(() => new McpConnector("bad", new McpConnectorOptions { Command = "x", Endpoint = new Uri("http://h/"), MaxResultLength = 0 }));

        Assert.Equal(
            """
            The 'McpConnectorOptions' of connector 'bad' are invalid.
            Validation Errors:
            Exactly one of Command (stdio), Endpoint (HTTP) and TransportFactory must be set; Command was set, Endpoint set, TransportFactory not set.
            The field MaxResultLength must be at least 1, was '0'.
            """.ReplaceLineEndings(),
            ex.Message);
    }
}

public sealed class McpServersConfigurationTests
{
    [Fact]
    public void Parse_SharedMcpServersFormat_GivesStdioAndHttpConnectors()
    {
        var connectors = McpServersConfiguration.Parse("""
            { "mcpServers": {
                "github": { "command": "github-mcp-server", "args": ["stdio"], "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "x" } },
                "docs": { "type": "http", "url": "https://mcp.example.com/mcp", "headers": { "Authorization": "Bearer y" } } } }
            """);

        Assert.Equal(("github-mcp-server", "stdio", "x"), (connectors["github"].Command, connectors["github"].Arguments[0], connectors["github"].Environment["GITHUB_PERSONAL_ACCESS_TOKEN"]));
        Assert.Equal((new Uri("https://mcp.example.com/mcp"), "Bearer y"), (connectors["docs"].Endpoint, connectors["docs"].Headers["Authorization"]));
    }

    [Fact]
    public void Parse_Invalid_ListsEveryErrorWithItsPointer()
    {
        var ex = Assert.Throws<PortException>(() => McpServersConfiguration.Parse("""{ "mcpServers": { "a": { "args": [] }, "b": { "command": "x", "colour": 1 }, "c": 1, "d": { "url": 5 } } }""", "servers.json"));

        Assert.Equal(
            """
            The MCP servers file 'servers.json' is not valid (5 errors):
              /mcpServers/a: needs either 'command' (a stdio server) or 'url' (an HTTP server)
              /mcpServers/b/colour: not a field of a server here, or of the wrong type; the fields are command, args, cwd, env, url, headers
              /mcpServers/c: must be an object
              /mcpServers/d/url: not a field of a server here, or of the wrong type; the fields are command, args, cwd, env, url, headers
              /mcpServers/d: needs either 'command' (a stdio server) or 'url' (an HTTP server)
            """.ReplaceLineEndings().TrimEnd(),
            ex.Message);
    }
}
