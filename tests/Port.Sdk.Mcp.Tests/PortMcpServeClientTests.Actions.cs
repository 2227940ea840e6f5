using System.Text.Json;
using Microsoft.Data.Sqlite;
using Port.Sdk.Actions;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Mcp.Tests;

/// <summary>
/// 'port mcp serve --actions FILE --expose-actions' driven by the official TypeScript SDK client (tests/mcp-servers/actions-client.mjs)
/// over stdio and Streamable HTTP: it lists the action tools, invokes a webhook action (to a listener on 127.0.0.1 in this test)
/// and an UPSERT_ENTITY action, and tracks both runs to SUCCESS.
/// </summary>
public sealed partial class PortMcpServeClientTests
{
    [Fact]
    public async Task TypeScriptClient_OverStdio_ListsCallsAndTracksActionRunsToSuccess()
    {
        await using var webhook = await WebhookReceiver.StartAsync(_timeout.Token);
        var serve = await ServeWithActionsAsync(webhook);

        var report = await RunClientAsync(["stdio", "dotnet", .. serve], null, "actions-client.mjs");

        await AssertActionsReportAsync(report.RootElement, webhook, serve[4]);
    }

    [Fact]
    public async Task TypeScriptClient_OverHttp_ListsCallsAndTracksActionRunsToSuccess()
    {
        await using var webhook = await WebhookReceiver.StartAsync(_timeout.Token);
        await using var server = await HttpServer.StartAsync([.. await ServeWithActionsAsync(webhook), "--http", "127.0.0.1:0"], Token, _timeout.Token);

        var report = await RunClientAsync(["http", server.Url.ToString()], Token, "actions-client.mjs");

        await AssertActionsReportAsync(report.RootElement, webhook, Path.Combine(_directory.FullName, "catalog.db"));
    }

    [Theory]
    [InlineData("--actions", "--actions and --expose-actions go together")]
    [InlineData("--expose-actions", "--actions and --expose-actions go together")]
    [InlineData("--allow-action", "--allow-action names actions the --actions files do not define: 'no_such_action'.")]
    public async Task PortMcpServe_ActionUsageErrors_ExitTwo(string option, string message)
    {
        await using var webhook = await WebhookReceiver.StartAsync(_timeout.Token);
        var serve = await ServeWithActionsAsync(webhook);
        var actions = serve[Array.IndexOf(serve, "--actions") + 1];
        string[] arguments = option switch
        {
            "--actions" => [.. serve[..5], "--actions", actions],
            "--expose-actions" => [.. serve[..5], "--expose-actions"],
            _ => [.. serve[..5], "--actions", actions, "--expose-actions", "--allow-action", "no_such_action"],
        };
        var start = Start(arguments[1..]);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(_timeout.Token);
        await process.WaitForExitAsync(_timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DocsClientConfigurationWithActions_ServerStartsAndOffersTheAllowedActions()
    {
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Port.Sdk.Tests.Common.RepositoryPaths.Root, "docs", "client-configs", "claude-desktop-actions.json"), _timeout.Token));
        await using var webhook = await WebhookReceiver.StartAsync(_timeout.Token);
        var serve = await ServeWithActionsAsync(webhook);
        var entry = config.RootElement.GetProperty("mcpServers").GetProperty("port");
        Assert.Equal("port", entry.GetProperty("command").GetString());
        // 'port' is the installed tool; here it is the built port.dll, with the configuration's arguments and environment.
        var options = new McpConnectorOptions { Command = "dotnet", Arguments = { serve[0] } };
        foreach (var argument in entry.GetProperty("args").EnumerateArray())
        {
            options.Arguments.Add(argument.GetString()!.Replace("/absolute/path/to/catalog.db", serve[4], StringComparison.Ordinal)
                .Replace("/absolute/path/to/actions.json", serve[Array.IndexOf(serve, "--actions") + 1], StringComparison.Ordinal));
        }

        foreach (var variable in entry.GetProperty("env").EnumerateObject())
        {
            options.Environment[variable.Name] = variable.Value.GetString()!;
        }

        await using var connector = new McpConnector("claude-desktop-actions", options);
        var tools = await connector.ListToolsAsync(_timeout.Token);

        Assert.Equal(["list_actions", "get_action_run", "run_scaffold_service", "run_deploy_service"], tools.Select(t => t.Name).Skip(5));
    }

    private async Task<string[]> ServeWithActionsAsync(WebhookReceiver webhook)
    {
        var serve = await ServeArgumentsAsync();
        var file = Path.Combine(_directory.FullName, "actions.json");
        await File.WriteAllTextAsync(file, ActionSamples.Json(webhook.Url), _timeout.Token);
        await File.WriteAllTextAsync(Path.Combine(_directory.FullName, "recipes", "operate.yml"), "name: operate\nactions: true\n", _timeout.Token);
        return [.. serve, "--actions", file, "--expose-actions", .. ActionSamples.Allowed.SelectMany(a => new[] { "--allow-action", a })];
    }

    private async Task AssertActionsReportAsync(JsonElement report, WebhookReceiver webhook, string db)
    {
        var tools = report.GetProperty("tools").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(["list_actions", "get_action_run", "run_scaffold_service", "run_deploy_service", "run_delete_service"], tools.Keys.Skip(5));
        Assert.All(tools.Values, t => Assert.True(t.GetProperty("hasOutputSchema").GetBoolean()));
        var deployTool = tools["run_deploy_service"];
        Assert.Equal(["entity", "version"], deployTool.GetProperty("inputSchema").GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal((false, false, true), (deployTool.GetProperty("annotations").GetProperty("readOnlyHint").GetBoolean(), deployTool.GetProperty("annotations").GetProperty("destructiveHint").GetBoolean(), deployTool.GetProperty("annotations").GetProperty("openWorldHint").GetBoolean()));
        Assert.True(tools["run_delete_service"].GetProperty("annotations").GetProperty("destructiveHint").GetBoolean());
        Assert.Contains("get_action_run", report.GetProperty("instructions").GetString(), StringComparison.Ordinal);

        static IEnumerable<string> Identifiers(JsonElement result) => result.GetProperty("structured").GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("identifier").GetString()!);
        Assert.Equal(ActionSamples.Allowed, Identifiers(report.GetProperty("listAll")));
        Assert.Equal(["deploy_service", "delete_service"], Identifiers(report.GetProperty("listGold")));

        // The webhook action: invoked, tracked to SUCCESS, and the listener got the templated body.
        var deploy = report.GetProperty("deploy");
        Assert.False(deploy.GetProperty("isError").GetBoolean(), deploy.GetRawText());
        var deployId = deploy.GetProperty("structured").GetProperty("run").GetProperty("id").GetString()!;
        var deployTracked = report.GetProperty("deployTracked");
        Assert.Equal("SUCCESS", deployTracked.GetProperty("statuses").EnumerateArray().Last().GetString());
        Assert.Equal((deployId, "MCP", "mcp:port-sdk-actions-tests"), (deployTracked.GetProperty("run").GetProperty("id").GetString(), deployTracked.GetProperty("run").GetProperty("source").GetString(), deployTracked.GetProperty("run").GetProperty("caller").GetString()));
        var (path, body) = Assert.Single(webhook.Received);
        Assert.Equal("/deploy", path);
        Assert.Equal($$"""{"service":"payments-api","version":"2.0.0","replicas":3,"run":"{{deployId}}"}""", body.GetRawText());

        // The UPSERT_ENTITY action: tracked to SUCCESS, and the entity is in the catalog (read back through the server).
        Assert.Equal("SUCCESS", report.GetProperty("scaffoldTracked").GetProperty("run").GetProperty("status").GetString());
        Assert.Equal("go", report.GetProperty("scaffolded").GetProperty("structured").GetProperty("entity").GetProperty("properties").GetProperty("language").GetString());

        var invalid = report.GetProperty("invalid");
        Assert.True(invalid.GetProperty("isError").GetBoolean());
        Assert.Equal([("/replicas", "minimum"), ("/version", "pattern")], invalid.GetProperty("structured").GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("pointer").GetString()!, e.GetProperty("rule").GetString()!)).Order());
        var unavailable = report.GetProperty("unavailable").GetProperty("structured").GetProperty("errors")[0];
        Assert.Equal(("/entity", "condition"), (unavailable.GetProperty("pointer").GetString(), unavailable.GetProperty("rule").GetString()));

        var approval = report.GetProperty("approval");
        var approvalId = approval.GetProperty("structured").GetProperty("run").GetProperty("id").GetString()!;
        Assert.Equal("WAITING_FOR_APPROVAL", approval.GetProperty("structured").GetProperty("run").GetProperty("status").GetString());
        Assert.StartsWith($"The run '{approvalId}' of action 'delete_service' is WAITING_FOR_APPROVAL", approval.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("WAITING_FOR_APPROVAL", report.GetProperty("approvalTracked").GetProperty("structured").GetProperty("run").GetProperty("status").GetString());

        Assert.Equal(-32602, report.GetProperty("notAllowed").GetProperty("code").GetInt32());

        var compose = report.GetProperty("compose");
        Assert.Equal(["deploy_service", "delete_service"], compose.GetProperty("structured").GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("identifier").GetString()));
        Assert.Contains("- `delete_service` on service `payments-api` (DELETE, needs approval, destructive): Delete a service", compose.GetProperty("text").GetString(), StringComparison.Ordinal);

        // The runs are in the catalog's file, where 'port actions' and a restarted server find them.
        SqliteConnection.ClearAllPools();
        var store = new SqliteActionRunStore(db);
        var kept = await store.GetAsync(deployId, _timeout.Token);
        Assert.Equal((ActionRunStatus.Success, "MCP"), (kept!.Status, kept.Source));
        Assert.Equal(ActionRunStatus.WaitingForApproval, (await store.GetAsync(approvalId, _timeout.Token))!.Status);
    }
}
