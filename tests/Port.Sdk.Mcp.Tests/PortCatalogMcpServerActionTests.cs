using System.IO.Pipelines;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Port.Sdk.Actions;
using static Port.Sdk.Testing.CatalogSamples;

namespace Port.Sdk.Mcp.Tests;

/// <summary>Actions as MCP tools, in process over pipes, called by the official C# SDK client: a real webhook on 127.0.0.1 and the catalog itself as backends.</summary>
public sealed class PortCatalogMcpServerActionTests : IAsyncLifetime, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private readonly CancellationTokenSource _stop = new();
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private WebhookReceiver _webhook = null!;
    private PortCatalog _catalog = null!;
    private PortActions _actions = null!;
    private Task _serving = Task.CompletedTask;
    private McpClient _client = null!;

    public async Task InitializeAsync()
    {
        _webhook = await WebhookReceiver.StartAsync(_timeout.Token);
        _catalog = await CreateAsync();
        await SeedAsync(_catalog);
        var settings = new PortActionsOptions();
        foreach (var action in PortAction.ParseMany(ActionSamples.Json(_webhook.Url), "actions.json"))
        {
            settings.Actions.Add(action);
        }

        _actions = new PortActions(_catalog, new InMemoryActionRunStore(), settings);
        await _actions.StartAsync(_timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        await _stop.CancelAsync();
        _toServer.Writer.Complete();
        try
        {
            await _serving;
        }
        catch (OperationCanceledException)
        {
        }

        await _actions.DisposeAsync();
        _catalog.Dispose();
        await _webhook.DisposeAsync();
    }

    public void Dispose()
    {
        _stop.Dispose();
        _timeout.Dispose();
    }

    private async Task<McpClient> ConnectAsync(PortCatalogMcpServerOptions options, ContextComposer? composer = null, IEnumerable<ContextRecipe>? recipes = null)
    {
        var server = new PortCatalogMcpServer(_catalog, composer: composer, recipes: recipes, options: options);
        _serving = server.RunAsync(new StreamServerTransport(_toServer.Reader.AsStream(), _toClient.Writer.AsStream()), cancellationToken: _stop.Token);
        _client = await McpClient.CreateAsync(new StreamClientTransport(_toServer.Writer.AsStream(), _toClient.Reader.AsStream()), new McpClientOptions { ClientInfo = new Implementation { Name = "actions-test", Version = "1.0.0" } }, cancellationToken: _timeout.Token);
        return _client;
    }

    private PortCatalogMcpServerOptions Exposed()
    {
        var options = new PortCatalogMcpServerOptions { Actions = _actions, ExposeActions = true };
        foreach (var allowed in ActionSamples.Allowed)
        {
            options.AllowedActions.Add(allowed);
        }

        return options;
    }

    private async Task<CallToolResult> CallAsync(string tool, string arguments)
        => await _client.CallToolAsync(tool, JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments), cancellationToken: _timeout.Token);

    private static JsonElement Structured(CallToolResult result) => result.StructuredContent!.Value;

    [Fact]
    public async Task ListTools_ActionsExposedWithAllowList_OneToolPerAllowedActionWithSchemaAndAnnotations()
    {
        var client = await ConnectAsync(Exposed());

        var tools = (await client.ListToolsAsync(cancellationToken: _timeout.Token)).ToDictionary(t => t.Name, t => t.ProtocolTool);

        Assert.Equal(["search_entities", "get_entity", "list_blueprints", "get_scorecards", "compose_context", "list_actions", "get_action_run", "run_scaffold_service", "run_deploy_service", "run_delete_service"], tools.Keys);
        var deploy = tools["run_deploy_service"];
        Assert.Equal("Deploy a service", deploy.Title);
        Assert.Equal(["entity", "version"], deploy.InputSchema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["version", "replicas", "entity"], deploy.InputSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal("^[0-9]+\\.[0-9]+\\.[0-9]+$", deploy.InputSchema.GetProperty("properties").GetProperty("version").GetProperty("pattern").GetString());
        Assert.False(deploy.InputSchema.GetProperty("additionalProperties").GetBoolean());
        // DELETE and UPSERT_ENTITY may destroy or overwrite; a webhook reaches outside the catalog; nothing here is read-only.
        Assert.Equal(
            [(false, false, true), (false, true, false), (false, true, true)],
            new[] { deploy, tools["run_scaffold_service"], tools["run_delete_service"] }.Select(t => (t.Annotations!.ReadOnlyHint!.Value, t.Annotations.DestructiveHint!.Value, t.Annotations.OpenWorldHint!.Value)));
        Assert.Contains("waits for an approval (WAITING_FOR_APPROVAL)", tools["run_delete_service"].Description, StringComparison.Ordinal);
        Assert.True(tools["list_actions"].Annotations!.ReadOnlyHint);
        Assert.True(tools["get_action_run"].Annotations!.ReadOnlyHint);
    }

    [Fact]
    public async Task ListTools_ActionsNotExposed_NoActionTools()
    {
        var client = await ConnectAsync(new PortCatalogMcpServerOptions { Actions = _actions });

        var tools = await client.ListToolsAsync(cancellationToken: _timeout.Token);
        var call = await Assert.ThrowsAsync<McpProtocolException>(() => CallAsync("run_scaffold_service", """{ "name": "billing" }"""));

        Assert.Equal(["search_entities", "get_entity", "list_blueprints", "get_scorecards", "compose_context"], tools.Select(t => t.Name));
        Assert.Equal(McpErrorCode.InvalidParams, call.ErrorCode);
        Assert.Null(await _catalog.GetEntityAsync("service", "billing", _timeout.Token));
    }

    [Fact]
    public async Task RunDeployTool_WebhookAction_RunTrackedToSuccessAndWebhookGotTheBody()
    {
        await ConnectAsync(Exposed());

        var invoked = await CallAsync("run_deploy_service", """{ "entity": "payments-api", "version": "1.4.0" }""");
        var id = Structured(invoked).GetProperty("run").GetProperty("id").GetString()!;
        var tracked = await CallAsync("get_action_run", $$"""{ "run": "{{id}}", "wait": true }""");

        Assert.NotEqual(true, invoked.IsError);
        Assert.Equal(("deploy_service", "payments-api", "MCP", "mcp:actions-test"), (Structured(invoked).GetProperty("run").GetProperty("action").GetString(), Structured(invoked).GetProperty("run").GetProperty("entity").GetString(), Structured(invoked).GetProperty("run").GetProperty("source").GetString(), Structured(invoked).GetProperty("run").GetProperty("caller").GetString()));
        var run = Structured(tracked).GetProperty("run");
        Assert.Equal("SUCCESS", run.GetProperty("status").GetString());
        Assert.False(run.TryGetProperty("context", out _));
        Assert.False(run.TryGetProperty("owner", out _));
        Assert.StartsWith($"The run '{id}' of action 'deploy_service' is SUCCESS", Assert.IsType<TextContentBlock>(tracked.Content[0]).Text, StringComparison.Ordinal);
        var (path, body) = Assert.Single(_webhook.Received);
        Assert.Equal("/deploy", path);
        Assert.Equal("""{"service":"payments-api","version":"1.4.0","replicas":2,"run":"ID"}""".Replace("ID", id, StringComparison.Ordinal), body.GetRawText());
    }

    [Fact]
    public async Task RunScaffoldTool_UpsertEntityAction_EntityWrittenAndRunSucceeds()
    {
        await ConnectAsync(Exposed());

        var invoked = await CallAsync("run_scaffold_service", """{ "name": "billing", "language": "go" }""");
        var tracked = await CallAsync("get_action_run", $$"""{ "run": "{{Structured(invoked).GetProperty("run").GetProperty("id").GetString()}}", "wait": true }""");

        Assert.Equal("SUCCESS", Structured(tracked).GetProperty("run").GetProperty("status").GetString());
        var entity = await _catalog.GetEntityAsync("service", "billing", _timeout.Token);
        Assert.Equal("go", entity!.Properties["language"].GetString());
    }

    [Fact]
    public async Task RunTool_InvalidInputs_ToolErrorWithOneErrorPerInputAndItsPointer()
    {
        await ConnectAsync(Exposed());

        var invalid = await CallAsync("run_deploy_service", """{ "entity": "payments-api", "version": "latest", "replicas": 0, "colour": "blue" }""");
        var missing = await CallAsync("run_scaffold_service", """{ "language": "rust" }""");
        var unavailable = await CallAsync("run_deploy_service", """{ "entity": "search", "version": "1.0.0" }""");
        var noEntity = await CallAsync("run_deploy_service", """{ "version": "1.0.0" }""");
        var badEntity = await CallAsync("run_deploy_service", """{ "entity": 7, "version": "1.0.0" }""");

        static IEnumerable<(string, string)> Errors(CallToolResult result)
        {
            Assert.True(result.IsError);
            return Structured(result).GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("pointer").GetString()!, e.GetProperty("rule").GetString()!)).Order();
        }

        Assert.Equal([("/colour", "additionalProperties"), ("/replicas", "minimum"), ("/version", "pattern")], Errors(invalid));
        Assert.Equal([("/language", "enum"), ("/name", "required")], Errors(missing));
        Assert.Equal([("/entity", "condition")], Errors(unavailable));
        Assert.Equal([("/entity", "required")], Errors(noEntity));
        Assert.Equal((true, "The argument 'entity' must be the identifier of a 'service' entity (a non-empty string); it was 7."), (badEntity.IsError, Assert.IsType<TextContentBlock>(badEntity.Content[0]).Text));
        Assert.StartsWith("The inputs of action 'deploy_service' are invalid (3 errors):", Assert.IsType<TextContentBlock>(invalid.Content[0]).Text, StringComparison.Ordinal);
        Assert.Empty(_webhook.Received);
        Assert.Empty(await _actions.ListRunsAsync(cancellationToken: _timeout.Token).ToListAsync(_timeout.Token));
    }

    [Fact]
    public async Task RunTool_ApprovalRequired_RunWaitsForApprovalAndTheResultSaysSo()
    {
        await ConnectAsync(Exposed());

        var invoked = await CallAsync("run_delete_service", """{ "entity": "legacy" }""");
        var id = Structured(invoked).GetProperty("run").GetProperty("id").GetString()!;
        var tracked = await CallAsync("get_action_run", $$"""{ "run": "{{id}}", "wait": true }""");

        Assert.Equal("WAITING_FOR_APPROVAL", Structured(invoked).GetProperty("run").GetProperty("status").GetString());
        Assert.StartsWith($"The run '{id}' of action 'delete_service' is WAITING_FOR_APPROVAL: nothing runs until someone approves it.", Assert.IsType<TextContentBlock>(invoked.Content[0]).Text, StringComparison.Ordinal);
        // wait returns at once: the run waits on a person, not on this server.
        Assert.Equal("WAITING_FOR_APPROVAL", Structured(tracked).GetProperty("run").GetProperty("status").GetString());
        Assert.Empty(_webhook.Received);
        Assert.NotNull(await _catalog.GetEntityAsync("service", "legacy", _timeout.Token));
    }

    [Fact]
    public async Task ListActions_ByEntity_OnlyTheAllowedActionsWhoseConditionItMatches()
    {
        await ConnectAsync(Exposed());

        static IEnumerable<string> Names(CallToolResult result) => Structured(result).GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("identifier").GetString()!);
        var all = await CallAsync("list_actions", "{}");
        var gold = await CallAsync("list_actions", """{ "blueprint": "service", "entity": "payments-api" }""");
        var silver = await CallAsync("list_actions", """{ "blueprint": "service", "entity": "search" }""");
        var missing = await CallAsync("list_actions", """{ "blueprint": "service", "entity": "nope" }""");
        var noBlueprint = await CallAsync("list_actions", """{ "entity": "search" }""");

        Assert.Equal(ActionSamples.Allowed, Names(all));
        Assert.Equal(["deploy_service", "delete_service"], Names(gold));
        Assert.Equal(["delete_service"], Names(silver));
        var deploy = Structured(all).GetProperty("actions")[1];
        Assert.Equal(("run_deploy_service", "DAY-2", "service", false, false), (deploy.GetProperty("tool").GetString(), deploy.GetProperty("operation").GetString(), deploy.GetProperty("blueprint").GetString(), deploy.GetProperty("requiresApproval").GetBoolean(), deploy.GetProperty("destructive").GetBoolean()));
        Assert.Equal((true, "There is no entity 'nope' of blueprint 'service'."), (missing.IsError, Assert.IsType<TextContentBlock>(missing.Content[0]).Text));
        Assert.Equal(true, noBlueprint.IsError);
    }

    [Fact]
    public async Task NotAllowedAction_NoToolAndItsRunsAreNotShown()
    {
        var client = await ConnectAsync(Exposed());
        var outside = await _actions.InvokeAsync("rotate_secrets", cancellationToken: _timeout.Token);

        var call = await Assert.ThrowsAsync<McpProtocolException>(() => CallAsync("run_rotate_secrets", "{}"));
        var run = await CallAsync("get_action_run", $$"""{ "run": "{{outside.Id}}" }""");
        var unknown = await CallAsync("get_action_run", """{ "run": "r_nope" }""");

        Assert.Equal(McpErrorCode.InvalidParams, call.ErrorCode);
        // Named once, as the tool asked for; the tools the message lists do not include it.
        Assert.Contains("There is no tool 'run_rotate_secrets'; the tools are ", call.Message, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(call.Message, "run_rotate_secrets"));
        Assert.Contains("'run_delete_service'", call.Message, StringComparison.Ordinal);
        Assert.Equal((true, $"There is no run '{outside.Id}'."), (run.IsError, Assert.IsType<TextContentBlock>(run.Content[0]).Text));
        Assert.Equal((true, "There is no run 'r_nope'."), (unknown.IsError, Assert.IsType<TextContentBlock>(unknown.Content[0]).Text));
    }

    [Fact]
    public async Task ComposeContext_RecipeWithActions_ListsTheAllowedActionsAvailableOnTheSubject()
    {
        var options = Exposed();
        options.AllowedActions.Remove("delete_service");
        var composer = new ContextComposer(_catalog, [], new ContextComposerOptions { Actions = new PortActionsContextSource(_actions, a => options.AllowedActions.Contains(a.Identifier)) });
        var recipe = ContextRecipe.Parse("""{ "name": "operate", "actions": true }""");
        await ConnectAsync(options, composer, [recipe, new ContextRecipe { Name = "plain" }]);

        var gold = await CallAsync("compose_context", """{ "recipe": "operate", "blueprint": "service", "identifier": "payments-api" }""");
        var silver = await CallAsync("compose_context", """{ "recipe": "operate", "blueprint": "service", "identifier": "search" }""");
        var plain = await CallAsync("compose_context", """{ "recipe": "plain", "blueprint": "service", "identifier": "payments-api" }""");

        var action = Assert.Single(Structured(gold).GetProperty("actions").EnumerateArray());
        Assert.Equal("""{"entity":"service/payments-api","identifier":"deploy_service","operation":"DAY-2","title":"Deploy a service","requiresApproval":false,"destructive":false}""", action.GetRawText());
        Assert.Contains("## Actions available (catalog)\n\n- `deploy_service` on service `payments-api` (DAY-2): Deploy a service\n", Assert.IsType<TextContentBlock>(gold.Content[0]).Text, StringComparison.Ordinal);
        // 'search' is silver: deploy_service's condition leaves it out, and delete_service is not allowed.
        Assert.Equal(0, Structured(silver).GetProperty("actions").GetArrayLength());
        Assert.DoesNotContain("## Actions available", Assert.IsType<TextContentBlock>(silver.Content[0]).Text, StringComparison.Ordinal);
        Assert.Equal(0, Structured(plain).GetProperty("actions").GetArrayLength());
    }
}
