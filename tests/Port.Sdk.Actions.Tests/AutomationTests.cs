namespace Port.Sdk.Actions.Tests;

public sealed class AutomationTests
{
    [Fact]
    public async Task Automation_FiresOncePerMatchingChange_NotOnANonMatchingOne()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var automation = PortActionTests.DocsAutomation.Replace("https://api.getport.io/v1/actions/slack_notify/runs?run_as=user-email@gmail.com", $"{receiver.BaseAddress}notify");
        await using var harness = await ActionsHarness.CreateAsync(o => o.Actions.Add(PortAction.Parse(automation)));
        await using var runs = harness.Actions.WatchRunsAsync(harness.Token).GetAsyncEnumerator(harness.Token);

        await harness.UpsertAsync("""{ "identifier": "payments-api", "blueprint": "service", "title": "Payments", "properties": { "passed": "Passed" } }""");
        await harness.UpsertAsync("""{ "identifier": "payments-api", "blueprint": "service", "title": "Payments", "properties": { "passed": "Passed", "replicas": 3 } }""");
        await harness.UpsertAsync("""{ "identifier": "payments-api", "blueprint": "service", "title": "Payments", "properties": { "passed": "Not passed" } }""");
        ActionRun run;
        do
        {
            Assert.True(await runs.MoveNextAsync());
            run = runs.Current;
        }
        while (!run.IsTerminal);

        // The changes are handled in order: the run of the third change ending means the first two were handled.
        var all = await harness.Actions.ListRunsAsync(cancellationToken: harness.Token).ToListAsync(harness.Token);
        var only = Assert.Single(all);
        Assert.Equal((ActionRunStatus.Success, "slack_notify_on_service_failure", "payments-api", "AUTOMATION", 0), (only.Status, only.Action, only.Entity, only.Source, only.Depth));
        Assert.Equal("""{"properties":{"message":"Service Payments has degraded from `Passed` to `Not passed`."}}""", Assert.Single(receiver.Requests).Body);
        Assert.StartsWith("slack_notify_on_service_failure:UPDATE:service/payments-api:", only.IdempotencyKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Automation_TimerPropertyExpires_FiresWhenTheClockPassesIt()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var fired = new List<ActionContext>();
        var ttl = """
            {
              "identifier": "delete_expired_env",
              "title": "Clean up an expired service",
              "trigger": { "type": "automation", "event": { "type": "TIMER_PROPERTY_EXPIRED", "blueprintIdentifier": "service", "propertyIdentifier": "ttl" } },
              "invocationMethod": { "type": "KAFKA" },
              "publish": true
            }
            """;
        await using var harness = await ActionsHarness.CreateAsync(
            o =>
            {
                o.Actions.Add(PortAction.Parse(ttl));
                o.Handlers["delete_expired_env"] = new Handler(fired);
            },
            time: time);
        await using var runs = harness.Actions.WatchRunsAsync(harness.Token).GetAsyncEnumerator(harness.Token);
        await harness.UpsertAsync("""{ "identifier": "preview-1", "blueprint": "service", "properties": { "ttl": "2026-12-01T10:00:00Z" } }""");
        await harness.UpsertAsync("""{ "identifier": "preview-2", "blueprint": "service", "properties": { "ttl": "2026-12-01T12:00:00Z" } }""");

        // The upserts are handled in order; a third, timer-less, entity whose handling we can observe is not needed:
        // the engine handles the upserts before the tick below, which it receives after them.
        time.Advance(TimeSpan.FromMinutes(59));
        time.Advance(TimeSpan.FromMinutes(2));
        ActionRun run;
        do
        {
            Assert.True(await runs.MoveNextAsync());
            run = runs.Current;
        }
        while (!run.IsTerminal);

        var only = Assert.Single(await harness.Actions.ListRunsAsync(cancellationToken: harness.Token).ToListAsync(harness.Token));
        Assert.Equal(("preview-1", ActionRunStatus.Success), (only.Entity, only.Status));
        var context = Assert.Single(fired);
        var @event = context.TemplateContext.GetProperty("event");
        Assert.Equal("ttl", @event.GetProperty("context").GetProperty("propertyIdentifier").GetString());
        Assert.Equal("preview-1", @event.GetProperty("diff").GetProperty("after").GetProperty("identifier").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, @event.GetProperty("diff").GetProperty("before").ValueKind);
    }

    [Fact]
    public async Task Automation_ThatTriggersItself_StopsAtMaxAutomationDepth()
    {
        var bump = """
            {
              "identifier": "bump_replicas",
              "trigger": {
                "type": "automation",
                "event": { "type": "ANY_ENTITY_CHANGE", "blueprintIdentifier": "service" },
                "condition": { "type": "JQ", "expressions": [".diff.after != null"], "combinator": "and" }
              },
              "invocationMethod": {
                "type": "UPSERT_ENTITY",
                "blueprintIdentifier": "service",
                "mapping": { "identifier": "{{ .event.context.entityIdentifier }}", "properties": { "replicas": "{{ (.event.diff.after.properties.replicas // 0) + 1 }}" } }
              }
            }
            """;
        await using var harness = await ActionsHarness.CreateAsync(o =>
        {
            o.MaxAutomationDepth = 3;
            o.Actions.Add(PortAction.Parse(bump));
        });
        await using var runs = harness.Actions.WatchRunsAsync(harness.Token).GetAsyncEnumerator(harness.Token);

        await harness.UpsertAsync("""{ "identifier": "loop", "blueprint": "service", "properties": { "replicas": 0 } }""");
        var depths = new HashSet<int>();
        while (depths.Count < 4)
        {
            Assert.True(await runs.MoveNextAsync());
            if (runs.Current.Status == ActionRunStatus.Success)
            {
                depths.Add(runs.Current.Depth);
            }
        }

        // The write of the depth-3 run is a change at depth 4, more than MaxAutomationDepth: it starts nothing. The
        // change after it (a person's write, depth 0) is handled after it, so once its run ends the chain has stopped.
        await harness.UpsertAsync("""{ "identifier": "other", "blueprint": "service", "properties": { "replicas": 100 } }""");
        while (!(runs.Current.Entity == "other" && runs.Current.Depth == 0 && runs.Current.IsTerminal))
        {
            Assert.True(await runs.MoveNextAsync());
        }

        var entity = await harness.Catalog.GetEntityAsync("service", "loop", harness.Token);
        Assert.Equal(4, entity!.Properties["replicas"].GetInt32());
        var loopRuns = await harness.Actions.ListRunsAsync(cancellationToken: harness.Token).Where(r => r.Entity == "loop").ToListAsync(harness.Token);
        Assert.Equal([0, 1, 2, 3], loopRuns.Select(r => r.Depth).Order());
    }

    private sealed class Handler(List<ActionContext> fired) : IActionHandler
    {
        public Task HandleAsync(ActionContext context, CancellationToken cancellationToken)
        {
            fired.Add(context);
            return Task.CompletedTask;
        }
    }
}
