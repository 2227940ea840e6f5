using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Port.Sdk.Sqlite;
using Port.Sdk.Testing;
using static Port.Sdk.Testing.CatalogSamples;

namespace Port.Sdk.Mcp.Tests;

/// <summary>The catalog MCP server: in process over pipes, and as the real 'port mcp serve' process over stdio.</summary>
public sealed class PortCatalogMcpServerTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-mcp-serve-");

    public void Dispose()
    {
        _timeout.Dispose();
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private const string ReadinessJson = """
        { "identifier": "readiness", "blueprint": "service", "levels": [ { "title": "Basic" }, { "title": "Gold" } ],
          "rules": [ { "identifier": "owned", "level": "Gold", "query": { "combinator": "and", "rules": [ { "property": "$team", "operator": "isNotEmpty" } ] } } ] }
        """;

    private static readonly Scorecard Readiness = PortJson.ReadScorecard(ReadinessJson);

    private static Dictionary<string, JsonElement> Args(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Fact]
    public async Task Tools_OverPipes_SearchReadListScoreAndCompose()
    {
        using var catalog = await CreateAsync();
        await SeedAsync(catalog);
        var github = new TestMcpConnector("github") { CallToolHandler = (_, args, _) => Task.FromResult(new McpToolResult($"diff of {args["repo"].GetString()}")) };
        var recipe = new ContextRecipe { Name = "review", Relations = { new ContextRelationWalk { Direction = RelationDirection.Upstream } }, Calls = { new ContextConnectorCall("github", "diff", "{repo: .relations.service}") } };
        var server = new PortCatalogMcpServer(catalog, [Readiness], new ContextComposer(catalog, [github]), [recipe]);
        var toServer = new Pipe();
        var toClient = new Pipe();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_timeout.Token);
        var serving = server.RunAsync(new StreamServerTransport(toServer.Reader.AsStream(), toClient.Writer.AsStream()), cancellationToken: stop.Token);
        await using (var connector = new McpConnector("catalog", new McpConnectorOptions { TransportFactory = () => new StreamClientTransport(toServer.Writer.AsStream(), toClient.Reader.AsStream()) }))
        {
            var tools = await connector.ListToolsAsync(_timeout.Token);
            var search = await connector.CallToolAsync("search_entities", Args("""{ "blueprint": "service", "query": { "combinator": "and", "rules": [ { "property": "tier", "operator": "=", "value": "gold" } ] } }"""), _timeout.Token);
            var entity = await connector.CallToolAsync("get_entity", Args("""{ "blueprint": "pullRequest", "identifier": "pr-1", "hops": 2 }"""), _timeout.Token);
            var blueprints = await connector.CallToolAsync("list_blueprints", Args("{}"), _timeout.Token);
            var scores = await connector.CallToolAsync("get_scorecards", Args("""{ "identifier": "legacy" }"""), _timeout.Token);
            var context = await connector.CallToolAsync("compose_context", Args("""{ "recipe": "review", "blueprint": "pullRequest", "identifier": "pr-1" }"""), _timeout.Token);
            var missing = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("get_entity", Args("""{ "blueprint": "service", "identifier": "nope" }"""), _timeout.Token));
            var badArgs = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("get_entity", Args("""{ "blueprint": "service" }"""), _timeout.Token));

            Assert.Equal(["search_entities", "get_entity", "list_blueprints", "get_scorecards", "compose_context"], tools.Select(t => t.Name));
            Assert.Equal(["payments-api"], JsonDocument.Parse(search.Text).RootElement.GetProperty("entities").EnumerateArray().Select(e => e.GetProperty("identifier").GetString()));
            using var read = JsonDocument.Parse(entity.Text);
            Assert.Equal("pr-1", read.RootElement.GetProperty("entity").GetProperty("identifier").GetString());
            Assert.Contains(read.RootElement.GetProperty("related").EnumerateArray(), r => r.GetProperty("entity").GetProperty("identifier").GetString() == "payments" && r.GetProperty("hops").GetInt32() == 2);
            Assert.Equal(3, JsonDocument.Parse(blueprints.Text).RootElement.GetProperty("blueprints").GetArrayLength());
            Assert.Equal("Basic", JsonDocument.Parse(scores.Text).RootElement.GetProperty("results")[0].GetProperty("level").GetString());
            Assert.Contains("diff of payments-api", context.Text, StringComparison.Ordinal);
            Assert.Contains("Untrusted content", context.Text, StringComparison.Ordinal);
            Assert.NotNull(context.Structured);
            Assert.Equal((McpFailureKind.ToolError, "The MCP connector 'catalog' tool 'get_entity' returned an error: There is no entity 'nope' of blueprint 'service'."), (missing.Kind, missing.Message));
            Assert.Equal(McpFailureKind.Refused, badArgs.Kind);
        }

        await stop.CancelAsync();
        toServer.Writer.Complete();
        await Task.WhenAny(serving, Task.Delay(Timeout.Infinite, _timeout.Token));
    }

    [Fact]
    public async Task PortMcpServe_OverStdio_ServesTheCatalogFile()
    {
        var db = Path.Combine(_directory.FullName, "catalog.db");
        using (var catalog = await CreateAsync(new SqliteEntityStore(db)))
        {
            await SeedAsync(catalog);
        }

        SqliteConnection.ClearAllPools();
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "scorecards.json"), $"[{ReadinessJson}]", _timeout.Token);
        var recipes = Directory.CreateDirectory(Path.Combine(_directory.FullName, "recipes")).FullName;
        await File.WriteAllTextAsync(Path.Combine(recipes, "echo.yml"), "name: echo\nrelations: [ { direction: upstream } ]\ncalls:\n  - connector: everything\n    tool: echo\n    arguments: '{message: (\"about \" + .identifier)}'\n", _timeout.Token);
        var servers = Path.Combine(_directory.FullName, "mcp.json");
        await File.WriteAllTextAsync(servers, JsonSerializer.Serialize(new Dictionary<string, object> { ["mcpServers"] = new Dictionary<string, object> { ["everything"] = new Dictionary<string, object> { ["command"] = "node", ["args"] = new[] { NpmServers.Script("server-everything"), "stdio" } } } }), _timeout.Token);
        await using var connector = new McpConnector("port", new McpConnectorOptions { Command = "dotnet", Arguments = { Path.Combine(AppContext.BaseDirectory, "port.dll"), "mcp", "serve", "--db", db, "--scorecards", Path.Combine(_directory.FullName, "scorecards.json"), "--recipes", recipes, "--connectors", servers } });

        var teams = await connector.CallToolAsync("search_entities", Args("""{ "blueprint": "team" }"""), _timeout.Token);
        var scores = await connector.CallToolAsync("get_scorecards", Args("""{ "scorecard": "readiness", "identifier": "payments-api" }"""), _timeout.Token);
        var composed = await connector.CallToolAsync("compose_context", Args("""{ "recipe": "echo", "blueprint": "pullRequest", "identifier": "pr-1" }"""), _timeout.Token);
        Assert.Contains("about pr-1", composed.Text, StringComparison.Ordinal);
        Assert.Contains("### service `payments-api`", composed.Text, StringComparison.Ordinal);

        Assert.Equal(["payments", "platform"], JsonDocument.Parse(teams.Text).RootElement.GetProperty("entities").EnumerateArray().Select(e => e.GetProperty("identifier").GetString()).Order());
        Assert.Equal("Gold", JsonDocument.Parse(scores.Text).RootElement.GetProperty("results")[0].GetProperty("level").GetString());
    }
}
