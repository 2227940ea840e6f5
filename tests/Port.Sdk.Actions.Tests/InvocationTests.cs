using System.Text.Json;

namespace Port.Sdk.Actions.Tests;

public sealed class InvocationTests
{
    private const string Restart = """
        {
          "identifier": "restart_service",
          "title": "Restart",
          "trigger": {
            "type": "self-service",
            "operation": "DAY-2",
            "blueprintIdentifier": "service",
            "condition": { "type": "SEARCH", "combinator": "and", "rules": [ { "property": "language", "operator": "!=", "value": "python" } ] },
            "userInputs": {
              "properties": {
                "reason": { "type": "string" },
                "force": { "type": "boolean", "default": false },
                "window": { "type": "string", "visible": { "jqQuery": ".form.force == true" } }
              },
              "required": { "jqQuery": "if .entity.properties.language == \"go\" then [\"reason\", \"window\"] else [] end" }
            }
          },
          "invocationMethod": { "type": "KAFKA" }
        }
        """;

    // Port's create-update-entity docs: an entity input's relation is mapped with `map(.identifier)`.
    private const string Register = """
        {
          "identifier": "register_service",
          "title": "Register a service",
          "trigger": {
            "type": "self-service",
            "operation": "CREATE",
            "userInputs": {
              "properties": {
                "name": { "type": "string", "pattern": "^[a-z-]+$" },
                "language": { "type": "string", "enum": ["csharp", "go", "python"] },
                "owners": { "type": "array", "items": { "type": "string", "format": "entity", "blueprint": "team" } }
              },
              "required": ["name"]
            }
          },
          "invocationMethod": {
            "type": "UPSERT_ENTITY",
            "blueprintIdentifier": "service",
            "mapping": {
              "identifier": "{{ .inputs.name }}",
              "title": "{{ .inputs.name | ascii_upcase }}",
              "properties": { "language": "{{ .inputs.language }}", "replicas": "{{ .inputs.owners | length }}" },
              "relations": { "team": "{{ .inputs.owners | map(.identifier) | first }}" }
            }
          }
        }
        """;

    [Fact]
    public async Task Invoke_DayTwo_HandlerSeesTheEntityAndInputs_JqRequiredAndVisibleApply()
    {
        var seen = new List<ActionContext>();
        var handler = new CallbackHandler(async (context, token) =>
        {
            seen.Add(context);
            await context.ReportAsync(new ActionRunUpdate { Link = ["https://logs.example.com/1"], StatusLabel = "Restarted" }, token);
        });
        await using var harness = await ActionsHarness.CreateAsync(o =>
        {
            o.Actions.Add(PortAction.Parse(Restart));
            o.Handlers["restart_service"] = handler;
        });
        await harness.UpsertAsync("""{ "identifier": "payments-api", "blueprint": "service", "title": "Payments", "properties": { "language": "go" } }""");
        await harness.UpsertAsync("""{ "identifier": "ml-api", "blueprint": "service", "properties": { "language": "python" } }""");

        var missing = await Assert.ThrowsAsync<ActionInputException>(() => harness.Actions.InvokeAsync("restart_service", new ActionInvocation { Entity = "payments-api", Inputs = ActionsHarness.Json("""{ "window": "ignored, hidden" }""") }, harness.Token));
        var unavailable = await Assert.ThrowsAsync<ActionInputException>(() => harness.Actions.InvokeAsync("restart_service", new ActionInvocation { Entity = "ml-api", Inputs = ActionsHarness.Json("""{ "reason": "x" }""") }, harness.Token));
        var noEntity = await Assert.ThrowsAsync<ActionInputException>(() => harness.Actions.InvokeAsync("restart_service", new ActionInvocation { Entity = "nope" }, harness.Token));
        var run = await harness.Actions.InvokeAsync("restart_service", new ActionInvocation { Entity = "payments-api", Inputs = ActionsHarness.Json("""{ "reason": "stuck", "force": true, "window": "now" }"""), Caller = "sre@example.com" }, harness.Token);
        var done = await harness.Actions.WaitForRunAsync(run.Id, cancellationToken: harness.Token);

        Assert.Equal(["reason /reason required: the input 'reason' is required"], missing.Errors.Select(e => $"{e.Input} {e.Pointer} {e.Rule}: {e.Message}"));
        Assert.Equal("entity /entity condition: the action is not available on entity 'ml-api': it does not match the action's 'condition'", $"{unavailable.Errors[0].Input} {unavailable.Errors[0].Pointer} {unavailable.Errors[0].Rule}: {unavailable.Errors[0].Message}");
        Assert.Equal("there is no entity 'nope' of blueprint 'service'", Assert.Single(noEntity.Errors).Message);
        var context = Assert.Single(seen);
        Assert.Equal(("payments-api", "Payments"), (context.Entity!.Identifier, context.Entity.Title));
        Assert.Equal("""{"reason":"stuck","force":true,"window":"now"}""", context.Inputs.GetRawText());
        Assert.Equal("DAY-2", context.TemplateContext.GetProperty("trigger").GetProperty("operation").GetString());
        Assert.Equal((ActionRunStatus.Success, "Restarted", "payments-api", "service"), (done.Status, done.StatusLabel, done.Entity, done.Blueprint));
        Assert.Equal(["https://logs.example.com/1"], done.Links);
    }

    [Fact]
    public async Task Invoke_UpsertEntity_WritesTheMappedEntityIntoTheCatalog()
    {
        await using var harness = await ActionsHarness.CreateAsync(o => o.Actions.Add(PortAction.Parse(Register)));
        await harness.UpsertAsync("""{ "identifier": "payments", "blueprint": "team" }""");

        var badTeam = await Assert.ThrowsAsync<ActionInputException>(() => harness.Actions.InvokeAsync("register_service", new ActionInvocation { Inputs = ActionsHarness.Json("""{ "name": "billing", "owners": ["ghost"] }""") }, harness.Token));
        var run = await harness.Actions.InvokeAsync("register_service", new ActionInvocation { Inputs = ActionsHarness.Json("""{ "name": "billing", "language": "csharp", "owners": ["payments"] }""") }, harness.Token);
        var done = await harness.Actions.WaitForRunAsync(run.Id, cancellationToken: harness.Token);

        Assert.Equal("owners /owners/0 entity: there is no entity 'ghost' of blueprint 'team'", $"{badTeam.Errors[0].Input} {badTeam.Errors[0].Pointer} {badTeam.Errors[0].Rule}: {badTeam.Errors[0].Message}");
        Assert.Equal(ActionRunStatus.Success, done.Status);
        Assert.True(harness.Actions.GetAction("register_service")!.IsDestructive);
        var entity = await harness.Catalog.GetEntityAsync("service", "billing", harness.Token);
        Assert.NotNull(entity);
        Assert.Equal("BILLING", entity.Title);
        Assert.Equal("csharp", entity.Properties["language"].GetString());
        Assert.Equal(1, entity.Properties["replicas"].GetInt32());
        Assert.Equal(["payments"], entity.Relations["team"].Targets);
    }

    [Fact]
    public async Task Invoke_UpsertEntityTheCatalogRejects_RunFailsWithTheReason_NothingWritten()
    {
        await using var harness = await ActionsHarness.CreateAsync(o => o.Actions.Add(PortAction.Parse(Register.Replace("\"{{ .inputs.owners | length }}\"", "\"many\""))));

        await harness.UpsertAsync("""{ "identifier": "payments", "blueprint": "team" }""");

        var noOwners = await harness.Actions.InvokeAsync("register_service", new ActionInvocation { Inputs = ActionsHarness.Json("""{ "name": "billing" }""") }, harness.Token);
        var templateFailed = await harness.Actions.WaitForRunAsync(noOwners.Id, cancellationToken: harness.Token);
        var run = await harness.Actions.InvokeAsync("register_service", new ActionInvocation { Inputs = ActionsHarness.Json("""{ "name": "billing", "owners": ["payments"] }""") }, harness.Token);
        var done = await harness.Actions.WaitForRunAsync(run.Id, cancellationToken: harness.Token);

        Assert.Equal(ActionRunStatus.Failure, templateFailed.Status);
        Assert.StartsWith("The template '{{ .inputs.owners | map(.identifier) | first }}' at '/invocationMethod/mapping/relations/team' failed: ", templateFailed.StatusLabel, StringComparison.Ordinal);
        Assert.Equal(ActionRunStatus.Failure, done.Status);
        Assert.Contains("/properties/replicas", done.StatusLabel, StringComparison.Ordinal);
        Assert.Null(await harness.Catalog.GetEntityAsync("service", "billing", harness.Token));
    }

    [Fact]
    public async Task Approval_WaitsThenRunsOnApprove_DeclineNeverInvokes()
    {
        var invoked = new List<string>();
        var handler = new CallbackHandler((context, _) =>
        {
            invoked.Add(context.Run.Id);
            return Task.CompletedTask;
        });
        await using var harness = await ActionsHarness.CreateAsync(o =>
        {
            o.Actions.Add(PortAction.Parse(PortActionTests.DocsStructure.Replace("\"invocationMethod\"", "\"requiredApproval\": { \"type\": \"ANY\" },\n  \"invocationMethod\"")));
            o.Handlers["unique_id"] = handler;
        });

        var first = await harness.Actions.InvokeAsync("unique_id", cancellationToken: harness.Token);
        var second = await harness.Actions.InvokeAsync("unique_id", cancellationToken: harness.Token);
        var approved = await harness.Actions.ApproveAsync(first.Id, "lead@example.com", "looks fine", harness.Token);
        var firstDone = await harness.Actions.WaitForRunAsync(first.Id, cancellationToken: harness.Token);
        var declined = await harness.Actions.DeclineAsync(second.Id, "lead@example.com", "not now", harness.Token);
        var twice = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Actions.ApproveAsync(second.Id, "lead@example.com", cancellationToken: harness.Token));

        Assert.Equal((ActionRunStatus.WaitingForApproval, null, true), (first.Status, first.Owner, first.RequiresApproval));
        Assert.Equal(ActionRunStatus.InProgress, approved.Status);
        Assert.Equal(new ActionRunApproval(true, "lead@example.com", "looks fine", firstDone.Approval!.At), firstDone.Approval);
        Assert.Equal(ActionRunStatus.Success, firstDone.Status);
        Assert.Equal((ActionRunStatus.Declined, "Declined by lead@example.com: not now"), (declined.Status, declined.StatusLabel));
        Assert.Equal([first.Id], invoked);
        Assert.Equal($"The run '{second.Id}' does not wait for approval (it is Declined).", twice.Message);
    }

    [Fact]
    public async Task Invoke_HandlerThrows_RunFailsWithTheMessage()
    {
        await using var harness = await ActionsHarness.CreateAsync(o =>
        {
            o.Actions.Add(PortAction.Parse(PortActionTests.DocsStructure));
            o.Handlers["unique_id"] = new CallbackHandler((_, _) => throw new InvalidOperationException("The cluster is read-only."));
        });

        var run = await harness.Actions.InvokeAsync("unique_id", cancellationToken: harness.Token);
        var done = await harness.Actions.WaitForRunAsync(run.Id, cancellationToken: harness.Token);

        Assert.Equal((ActionRunStatus.Failure, "The handler failed: InvalidOperationException: The cluster is read-only."), (done.Status, done.StatusLabel));
    }

    [Fact]
    public void Register_BackendTheSdkDoesNotRun_WithoutHandler_Throws()
    {
        using var catalog = new PortCatalog(new InMemoryEntityStore());
        var actions = new PortActions(catalog, new InMemoryActionRunStore());

        var error = Assert.Throws<ActionDefinitionException>(() => actions.Register(PortAction.Parse(Restart)));

        Assert.Equal("/invocationMethod/type", Assert.Single(error.Errors).Pointer);
        Assert.Contains("register an IActionHandler", error.Message, StringComparison.Ordinal);
    }

    private sealed class CallbackHandler(Func<ActionContext, CancellationToken, Task> callback) : IActionHandler
    {
        public Task HandleAsync(ActionContext context, CancellationToken cancellationToken) => callback(context, cancellationToken);
    }
}
