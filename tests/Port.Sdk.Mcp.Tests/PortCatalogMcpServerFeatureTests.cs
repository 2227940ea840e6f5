using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Port.Sdk.Testing;
using static Port.Sdk.Testing.CatalogSamples;

#pragma warning disable MCP9005 // logging/setLevel is what these tests check.

namespace Port.Sdk.Mcp.Tests;

/// <summary>The catalog server's resources, prompts, completions, progress, log notifications and write tools, in process over pipes, read by the official C# SDK client.</summary>
public sealed class PortCatalogMcpServerFeatureTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    public void Dispose() => _timeout.Dispose();

    private static ContextRecipe Review { get; } = new()
    {
        Name = "review-pull-request",
        Relations = { new ContextRelationWalk { Direction = RelationDirection.Upstream } },
        Calls = { new ContextConnectorCall("github", "diff", "{repo: .relations.service}"), new ContextConnectorCall("broken", "diff", "{repo: .relations.service}") },
    };

    /// <summary>A server on pipes and a client connected to it; disposing stops both.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly Pipe _toServer = new();
        private readonly Task _serving;

        private Session(PortCatalogMcpServer server, CancellationToken cancellationToken)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var toClient = new Pipe();
            _serving = server.RunAsync(new StreamServerTransport(_toServer.Reader.AsStream(), toClient.Writer.AsStream()), cancellationToken: _stop.Token);
            Transport = new StreamClientTransport(_toServer.Writer.AsStream(), toClient.Reader.AsStream());
        }

        public StreamClientTransport Transport { get; }

        public McpClient Client { get; private set; } = null!;

        public ConcurrentQueue<(LoggingLevel Level, string Message)> Logs { get; } = new();

        public ConcurrentQueue<ProgressNotificationParams> Progress { get; } = new();

        public event Action? Logged;

        public async Task WaitForProgressAsync(int count, CancellationToken cancellationToken)
        {
            var found = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Check()
            {
                if (Progress.Count >= count)
                {
                    found.TrySetResult();
                }
            }

            Logged += Check;
            Check();
            await found.Task.WaitAsync(cancellationToken);
            Logged -= Check;
        }

        public static async Task<Session> StartAsync(PortCatalogMcpServer server, CancellationToken cancellationToken)
        {
            var session = new Session(server, cancellationToken);
            var options = new McpClientOptions
            {
                // logging/setLevel is in 2025-11-25 (what clients speak today); 2026-07-28 replaced it with a per-request level.
                ProtocolVersion = "2025-11-25",
                Handlers = new McpClientHandlers
                {
                    NotificationHandlers =
                    [
                        // Progress by a handler of the session, not a per-call IProgress: the client drops a call's IProgress when the
                        // response comes, which can be before it has handled the last notification sent ahead of the response.
                        new(NotificationMethods.ProgressNotification, (notification, _) =>
                        {
                            session.Progress.Enqueue(notification.Params!.Deserialize<ProgressNotificationParams>(McpJsonUtilities.DefaultOptions)!);
                            session.Logged?.Invoke();
                            return ValueTask.CompletedTask;
                        }),
                        new(NotificationMethods.LoggingMessageNotification, (notification, _) =>
                        {
                            var log = notification.Params!.Deserialize<LoggingMessageNotificationParams>(McpJsonUtilities.DefaultOptions)!;
                            session.Logs.Enqueue((log.Level, log.Data.GetString()!));
                            session.Logged?.Invoke();
                            return ValueTask.CompletedTask;
                        }),
                    ],
                },
            };
            session.Client = await McpClient.CreateAsync(session.Transport, options, cancellationToken: cancellationToken);
            return session;
        }

        /// <summary>Waits until a log message matches (messages arrive in the order the server sent them).</summary>
        public async Task<IReadOnlyList<(LoggingLevel Level, string Message)>> WaitForLogAsync(Func<(LoggingLevel Level, string Message), bool> match, CancellationToken cancellationToken)
        {
            var found = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Check()
            {
                if (Logs.Any(match))
                {
                    found.TrySetResult();
                }
            }

            Logged += Check;
            Check();
            await found.Task.WaitAsync(cancellationToken);
            Logged -= Check;
            return [.. Logs];
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await _stop.CancelAsync();
            _toServer.Writer.Complete();
            try
            {
                await _serving;
            }
            catch (OperationCanceledException)
            {
            }

            _stop.Dispose();
        }
    }

    private static async Task<(PortCatalog Catalog, PortCatalogMcpServer Server)> CreateServerAsync(bool allowWrites = false)
    {
        var catalog = await CreateAsync();
        await SeedAsync(catalog);
        var github = new TestMcpConnector("github") { CallToolHandler = (_, args, _) => Task.FromResult(new McpToolResult($"diff of {args["repo"].GetString()}")) };
        var broken = new TestMcpConnector("broken") { CallToolHandler = (_, _, _) => throw new McpConnectorException("broken", "diff", McpFailureKind.ConnectFailed, "it is down.") };
        var server = new PortCatalogMcpServer(catalog, [], new ContextComposer(catalog, [github, broken]), [Review], new PortCatalogMcpServerOptions { AllowWrites = allowWrites });
        return (catalog, server);
    }

    [Fact]
    public async Task Resources_ListTemplatesAndRead_BlueprintsAndEntitiesByUri()
    {
        var (catalog, server) = await CreateServerAsync();
        using var _ = catalog;
        await using var session = await Session.StartAsync(server, _timeout.Token);
        var client = session.Client;

        var resources = await client.ListResourcesAsync(cancellationToken: _timeout.Token);
        var templates = await client.ListResourceTemplatesAsync(cancellationToken: _timeout.Token);
        var blueprint = await client.ReadResourceAsync("port://blueprints/service", cancellationToken: _timeout.Token);
        var entity = await client.ReadResourceAsync(PortCatalogMcpServer.EntityUri("pullRequest", "pr-1"), cancellationToken: _timeout.Token);
        var missing = await Assert.ThrowsAsync<McpProtocolException>(() => client.ReadResourceAsync("port://entities/service/nope", cancellationToken: _timeout.Token).AsTask());
        var foreign = await Assert.ThrowsAsync<McpProtocolException>(() => client.ReadResourceAsync("port://entities/service", cancellationToken: _timeout.Token).AsTask());

        Assert.Equal(["port://blueprints/pullRequest", "port://blueprints/service", "port://blueprints/team"], resources.Select(r => r.Uri).Order(StringComparer.Ordinal));
        Assert.All(resources, r => Assert.Equal("application/json", r.MimeType));
        Assert.Equal([PortCatalogMcpServer.BlueprintUriTemplate, PortCatalogMcpServer.EntityUriTemplate], templates.Select(t => t.UriTemplate));
        var blueprintText = Assert.IsType<TextResourceContents>(Assert.Single(blueprint.Contents));
        Assert.Equal("service", JsonDocument.Parse(blueprintText.Text).RootElement.GetProperty("identifier").GetString());
        var entityText = Assert.IsType<TextResourceContents>(Assert.Single(entity.Contents));
        Assert.Equal(("pr-1", "application/json"), (JsonDocument.Parse(entityText.Text).RootElement.GetProperty("identifier").GetString(), entityText.MimeType));
        Assert.Equal((McpErrorCode.ResourceNotFound, "There is no entity 'nope' of blueprint 'service' (resource 'port://entities/service/nope')."), (missing.ErrorCode, Remote(missing)));
        Assert.Equal(McpErrorCode.ResourceNotFound, foreign.ErrorCode);
        Assert.StartsWith("The resource URI 'port://entities/service' is not one of this server's", Remote(foreign), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completions_TemplateAndPromptArguments_BlueprintsAndEntityIdsByPrefix()
    {
        var (catalog, server) = await CreateServerAsync();
        using var _ = catalog;
        await using var session = await Session.StartAsync(server, _timeout.Token);
        var client = session.Client;
        var entityTemplate = new ResourceTemplateReference { Uri = PortCatalogMcpServer.EntityUriTemplate };
        var prompt = new PromptReference { Name = "review-pull-request" };

        var blueprints = await client.CompleteAsync(new CompleteRequestParams { Ref = entityTemplate, Argument = new Argument { Name = "blueprint", Value = "p" } }, _timeout.Token);
        var services = await client.CompleteAsync(new CompleteRequestParams { Ref = entityTemplate, Argument = new Argument { Name = "identifier", Value = "pa" }, Context = new CompleteContext { Arguments = new Dictionary<string, string> { ["blueprint"] = "service" } } }, _timeout.Token);
        var pullRequests = await client.CompleteAsync(new CompleteRequestParams { Ref = prompt, Argument = new Argument { Name = "identifier", Value = "pr-" }, Context = new CompleteContext { Arguments = new Dictionary<string, string> { ["blueprint"] = "pullRequest" } } }, _timeout.Token);
        var anyBlueprint = await client.CompleteAsync(new CompleteRequestParams { Ref = prompt, Argument = new Argument { Name = "identifier", Value = "pay" } }, _timeout.Token);
        var unknownArgument = await client.CompleteAsync(new CompleteRequestParams { Ref = prompt, Argument = new Argument { Name = "tone", Value = "" } }, _timeout.Token);

        Assert.Equal(["pullRequest"], blueprints.Completion.Values);
        Assert.Equal(["payments-api"], services.Completion.Values);
        Assert.Equal(["pr-1", "pr-2", "pr-3"], pullRequests.Completion.Values);
        Assert.Equal((3, false), (pullRequests.Completion.Total, pullRequests.Completion.HasMore));
        Assert.Equal(["payments", "payments-api"], anyBlueprint.Completion.Values);
        Assert.Empty(unknownArgument.Completion.Values);
    }

    [Fact]
    public async Task Prompts_OnePerRecipe_GetComposesTheContextWithProgress()
    {
        var (catalog, server) = await CreateServerAsync();
        using var _ = catalog;
        await using var session = await Session.StartAsync(server, _timeout.Token);
        var client = session.Client;

        var prompts = await client.ListPromptsAsync(cancellationToken: _timeout.Token);
        var result = await client.GetPromptAsync("review-pull-request", new Dictionary<string, object?> { ["blueprint"] = "pullRequest", ["identifier"] = "pr-1" }, cancellationToken: _timeout.Token);
        var missingArgument = await Assert.ThrowsAsync<McpProtocolException>(() => client.GetPromptAsync("review-pull-request", new Dictionary<string, object?> { ["blueprint"] = "pullRequest" }, cancellationToken: _timeout.Token).AsTask());
        var missingEntity = await Assert.ThrowsAsync<McpProtocolException>(() => client.GetPromptAsync("review-pull-request", new Dictionary<string, object?> { ["blueprint"] = "pullRequest", ["identifier"] = "pr-9" }, cancellationToken: _timeout.Token).AsTask());
        var unknown = await Assert.ThrowsAsync<McpProtocolException>(() => client.GetPromptAsync("nope", cancellationToken: _timeout.Token).AsTask());

        var listed = Assert.Single(prompts);
        Assert.Equal("review-pull-request", listed.Name);
        Assert.Equal([("blueprint", true), ("identifier", true)], listed.ProtocolPrompt.Arguments!.Select(a => (a.Name, a.Required == true)));
        var message = Assert.Single(result.Messages);
        Assert.Equal(Role.User, message.Role);
        var text = Assert.IsType<TextContentBlock>(message.Content).Text;
        Assert.StartsWith("The context of pullRequest 'pr-1' from the Port catalog, composed with the recipe 'review-pull-request'.", text, StringComparison.Ordinal);
        Assert.Contains("diff of payments-api", text, StringComparison.Ordinal);
        Assert.Equal((McpErrorCode.InvalidParams, "The argument 'identifier' is required by the prompt 'review-pull-request' and must be a non-empty string."), (missingArgument.ErrorCode, Remote(missingArgument)));
        Assert.Equal("There is no entity 'pr-9' of blueprint 'pullRequest' to compose a context for.", Remote(missingEntity));
        Assert.Equal((McpErrorCode.InvalidParams, "There is no prompt 'nope'; the prompts are 'review-pull-request'."), (unknown.ErrorCode, Remote(unknown)));
    }

    [Fact]
    public async Task ComposeContext_WithProgressToken_ReportsEveryStep()
    {
        var (catalog, server) = await CreateServerAsync();
        using var _ = catalog;
        await using var session = await Session.StartAsync(server, _timeout.Token);
        var token = new ProgressToken("compose-1");

        var result = await session.Client.CallToolAsync("compose_context", new Dictionary<string, object?> { ["recipe"] = "review-pull-request", ["blueprint"] = "pullRequest", ["identifier"] = "pr-1" }, options: new RequestOptions { ProgressToken = token }, cancellationToken: _timeout.Token);
        await session.WaitForProgressAsync(3, _timeout.Token);
        var reports = session.Progress.Select(p => { Assert.Equal(token, p.ProgressToken); return p.Progress; }).ToList();

        Assert.NotEqual(true, result.IsError);
        // One step for the catalog reads and one per connector call: 3, each with the total and a message naming the step.
        Assert.Equal([1, 2, 3], reports.Select(r => (int)r.Progress).Order());
        Assert.All(reports, r => Assert.Equal(3, r.Total));
        Assert.Equal(["broken/diff", "catalog", "github/diff"], reports.Select(r => r.Message![..r.Message!.IndexOf(" done", StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Logging_SetLevel_IsHonoured()
    {
        var (catalog, server) = await CreateServerAsync(allowWrites: true);
        using var _ = catalog;
        await using var session = await Session.StartAsync(server, _timeout.Token);
        var client = session.Client;
        var compose = new Dictionary<string, object?> { ["recipe"] = "review-pull-request", ["blueprint"] = "pullRequest", ["identifier"] = "pr-1" };

        await client.SetLoggingLevelAsync(LoggingLevel.Warning, cancellationToken: _timeout.Token);
        await client.CallToolAsync("compose_context", compose, cancellationToken: _timeout.Token);
        // A refused write logs a warning after compose's messages: once it is here, every message before it has come.
        await client.CallToolAsync("create_entity", new Dictionary<string, object?> { ["entity"] = JsonDocument.Parse("""{ "identifier": "x", "blueprint": "service", "properties": {} }""").RootElement }, cancellationToken: _timeout.Token);
        var atWarning = await session.WaitForLogAsync(l => l.Message.StartsWith("create_entity: refused", StringComparison.Ordinal), _timeout.Token);

        await client.SetLoggingLevelAsync(LoggingLevel.Debug, cancellationToken: _timeout.Token);
        await client.CallToolAsync("list_blueprints", cancellationToken: _timeout.Token);
        var atDebug = await session.WaitForLogAsync(l => l.Message == "list_blueprints: answered.", _timeout.Token);

        // At warning: compose's failed connector call and the refused write; not compose's info summary, nor any debug line.
        Assert.Equal(2, atWarning.Count);
        Assert.All(atWarning, l => Assert.Equal(LoggingLevel.Warning, l.Level));
        Assert.StartsWith("compose 'review-pull-request' for pullRequest/pr-1: the connector call '", atWarning[0].Message, StringComparison.Ordinal);
        Assert.Contains("it is down.", atWarning[0].Message, StringComparison.Ordinal);
        Assert.Equal("create_entity: refused (1 faults); nothing was written.", atWarning[1].Message);
        Assert.Equal((LoggingLevel.Debug, "list_blueprints: answered."), atDebug[^1]);
    }

    [Fact]
    public async Task WriteTools_OffByDefault_NotListedAndRefusedAsUnknown()
    {
        var (catalog, server) = await CreateServerAsync();
        using var _ = catalog;
        await using var session = await Session.StartAsync(server, _timeout.Token);

        var tools = await session.Client.ListToolsAsync(cancellationToken: _timeout.Token);
        var refused = await Assert.ThrowsAsync<McpProtocolException>(() => session.Client.CallToolAsync("delete_entity", new Dictionary<string, object?> { ["blueprint"] = "service", ["identifier"] = "legacy" }, cancellationToken: _timeout.Token).AsTask());

        Assert.Equal(["search_entities", "get_entity", "list_blueprints", "get_scorecards", "compose_context"], tools.Select(t => t.Name));
        Assert.Equal(McpErrorCode.InvalidParams, refused.ErrorCode);
        Assert.EndsWith("'delete_entity' is a write tool: this server only reads (start it with writes allowed to offer it).", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(await catalog.GetEntityAsync("service", "legacy", _timeout.Token));
    }

    [Fact]
    public async Task WriteTools_Allowed_AnnotatedAndValidatedThroughTheCatalog()
    {
        var (catalog, server) = await CreateServerAsync(allowWrites: true);
        using var _ = catalog;
        await using var session = await Session.StartAsync(server, _timeout.Token);
        var client = session.Client;
        static Dictionary<string, object?> Args(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!.ToDictionary(p => p.Key, p => (object?)p.Value);

        var tools = (await client.ListToolsAsync(cancellationToken: _timeout.Token)).ToDictionary(t => t.Name, t => t.ProtocolTool.Annotations!);
        var created = await client.CallToolAsync("create_entity", Args("""{ "entity": { "identifier": "billing", "blueprint": "service", "properties": { "url": "https://github.com/acme/billing", "tier": "gold" }, "relations": { "team": "payments" } } }"""), cancellationToken: _timeout.Token);
        var again = await client.CallToolAsync("create_entity", Args("""{ "entity": { "identifier": "billing", "blueprint": "service", "properties": { "url": "https://github.com/acme/billing" } } }"""), cancellationToken: _timeout.Token);
        var invalid = await client.CallToolAsync("update_entity", Args("""{ "entity": { "identifier": "billing", "blueprint": "service", "properties": { "url": "https://github.com/acme/billing", "tier": "platinum" } } }"""), cancellationToken: _timeout.Token);
        var merged = await client.CallToolAsync("update_entity", Args("""{ "entity": { "identifier": "billing", "blueprint": "service", "properties": { "tier": "silver" } }, "merge": true }"""), cancellationToken: _timeout.Token);
        var badType = await client.CallToolAsync("update_entity", Args("""{ "entity": { "identifier": "billing", "blueprint": "service" }, "merge": "yes" }"""), cancellationToken: _timeout.Token);
        var notEntity = await client.CallToolAsync("create_entity", Args("""{ "entity": "billing" }"""), cancellationToken: _timeout.Token);
        var blueprint = await client.CallToolAsync("register_blueprint", Args("""{ "blueprint": { "identifier": "incident", "title": "Incident", "schema": { "properties": { "severity": { "type": "string", "enum": ["low", "high"] } } }, "relations": { "service": { "target": "service", "many": false } } } }"""), cancellationToken: _timeout.Token);
        var badBlueprint = await client.CallToolAsync("register_blueprint", Args("""{ "blueprint": { "identifier": "broken", "relations": { "owner": { "target": "nowhere" } } } }"""), cancellationToken: _timeout.Token);
        var dependent = await client.CallToolAsync("delete_entity", Args("""{ "blueprint": "service", "identifier": "payments-api" }"""), cancellationToken: _timeout.Token);
        var deleted = await client.CallToolAsync("delete_entity", Args("""{ "blueprint": "service", "identifier": "billing" }"""), cancellationToken: _timeout.Token);
        var deletedAgain = await client.CallToolAsync("delete_entity", Args("""{ "blueprint": "service", "identifier": "billing" }"""), cancellationToken: _timeout.Token);

        Assert.Equal((false, false, false), (tools["create_entity"].ReadOnlyHint, tools["create_entity"].DestructiveHint, tools["create_entity"].IdempotentHint));
        Assert.Equal((false, true), (tools["update_entity"].ReadOnlyHint, tools["update_entity"].DestructiveHint));
        Assert.Equal((false, true, true), (tools["delete_entity"].ReadOnlyHint, tools["delete_entity"].DestructiveHint, tools["delete_entity"].IdempotentHint));
        Assert.Equal((false, true), (tools["register_blueprint"].ReadOnlyHint, tools["register_blueprint"].DestructiveHint));
        Assert.Equal(true, tools["search_entities"].ReadOnlyHint);

        Assert.NotEqual(true, created.IsError);
        Assert.Equal("billing", created.StructuredContent!.Value.GetProperty("entity").GetProperty("identifier").GetString());
        Assert.True(again.IsError);
        Assert.True(invalid.IsError);
        var fault = invalid.StructuredContent!.Value.GetProperty("errors")[0];
        Assert.Equal(("/properties/tier", "enum", "billing"), (fault.GetProperty("pointer").GetString(), fault.GetProperty("rule").GetString(), fault.GetProperty("entity").GetString()));
        Assert.StartsWith("The write was refused; nothing was written:\n- entity 'billing' of blueprint 'service' /properties/tier: ", Text(invalid), StringComparison.Ordinal);
        Assert.Equal("silver", merged.StructuredContent!.Value.GetProperty("entity").GetProperty("properties").GetProperty("tier").GetString());
        Assert.Equal("https://github.com/acme/billing", merged.StructuredContent!.Value.GetProperty("entity").GetProperty("properties").GetProperty("url").GetString());
        Assert.Equal((true, "The argument 'merge' must be a boolean; it was the string \"yes\"."), (badType.IsError == true, Text(badType)));
        Assert.Equal((true, "The argument 'entity' must be an object (a Port entity with 'identifier' and 'blueprint'); it was the string \"billing\"."), (notEntity.IsError == true, Text(notEntity)));
        Assert.NotEqual(true, blueprint.IsError);
        Assert.NotNull(await catalog.GetBlueprintAsync("incident", _timeout.Token));
        Assert.True(badBlueprint.IsError);
        Assert.Contains("/relations/owner", Text(badBlueprint), StringComparison.Ordinal);
        Assert.Null(await catalog.GetBlueprintAsync("broken", _timeout.Token));
        Assert.True(dependent.IsError);
        Assert.NotNull(await catalog.GetEntityAsync("service", "payments-api", _timeout.Token));
        Assert.True(deleted.StructuredContent!.Value.GetProperty("deleted").GetBoolean());
        Assert.False(deletedAgain.StructuredContent!.Value.GetProperty("deleted").GetBoolean());
    }

    /// <summary>The server's message: the C# client prefixes 'Request failed (remote): ' to it.</summary>
    private static string Remote(McpProtocolException ex) => ex.Message.Replace("Request failed (remote): ", "", StringComparison.Ordinal);

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(result.Content[0]).Text;
}
