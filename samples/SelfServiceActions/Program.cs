// Acting on the embedded catalog, with no server and no token: a "scaffold a service" self-service action (CREATE,
// UPSERT_ENTITY) and an automation that notifies the owning team when the service's scorecard level drops. Runs are
// kept in the catalog's SQLite file.
// Run: dotnet run --project samples/SelfServiceActions [catalog.db]
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Port.Sdk;
using Port.Sdk.Actions;
using Port.Sdk.Sqlite;

var path = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), $"port-actions-{Environment.ProcessId}.db");
var notifier = new TeamNotifier();
var services = new ServiceCollection();
services.AddPort()
    .UseSqliteStore(path)
    .AddBlueprints(
        PortJson.ReadBlueprint("""{ "identifier": "team", "title": "Team", "schema": { "properties": { "slackChannel": { "type": "string" } } } }"""),
        PortJson.ReadBlueprint("""
            {
              "identifier": "service", "title": "Service",
              "schema": { "properties": {
                "language": { "type": "string", "enum": ["csharp", "go", "python"] },
                "coverage": { "type": "number" },
                "readinessLevel": { "type": "string", "enum": ["Basic", "Bronze", "Silver", "Gold"] } } },
              "relations": { "team": { "target": "team", "required": false, "many": false } }
            }
            """))
    .AddActions()
    // The self-service action, in Port's JSON: its inputs are validated, then the catalog itself is the backend.
    .AddAction("""
        {
          "identifier": "scaffold_service",
          "title": "Scaffold a service",
          "trigger": {
            "type": "self-service",
            "operation": "CREATE",
            "blueprintIdentifier": "service",
            "userInputs": {
              "properties": {
                "name": { "type": "string", "pattern": "^[a-z][a-z0-9-]+$" },
                "language": { "type": "string", "enum": ["csharp", "go", "python"], "default": "csharp" },
                "team": { "type": "string", "format": "entity", "blueprint": "team" }
              },
              "required": ["name", "team"]
            }
          },
          "invocationMethod": {
            "type": "UPSERT_ENTITY",
            "blueprintIdentifier": "service",
            "mapping": {
              "identifier": "{{ .inputs.name }}",
              "title": "{{ .inputs.name | ascii_upcase }}",
              "team": ["{{ .inputs.team.identifier }}"],
              "properties": { "language": "{{ .inputs.language }}", "coverage": 0 },
              "relations": { "team": "{{ .inputs.team }}" }
            }
          }
        }
        """)
    // The automation: a service's readiness level (kept in a property, as Port keeps scorecard levels on the entity)
    // went down. In production the WEBHOOK posts to Slack; here a .NET handler, which takes precedence, prints it.
    .AddAction("""
        {
          "identifier": "notify_team_on_level_drop",
          "title": "Notify the owning team when a scorecard level drops",
          "trigger": {
            "type": "automation",
            "event": { "type": "ENTITY_UPDATED", "blueprintIdentifier": "service" },
            "condition": {
              "type": "JQ",
              "expressions": [
                ".diff.before.properties.readinessLevel != null",
                "{\"Basic\": 0, \"Bronze\": 1, \"Silver\": 2, \"Gold\": 3} as $rank | $rank[.diff.before.properties.readinessLevel] > $rank[.diff.after.properties.readinessLevel // \"Basic\"]"
              ],
              "combinator": "and"
            }
          },
          "invocationMethod": {
            "type": "WEBHOOK",
            "url": "https://hooks.slack.com/services/T000/B000/XXXX",
            "synchronized": true,
            "body": { "text": "{{ .event.diff.after.identifier }} dropped from {{ .event.diff.before.properties.readinessLevel }} to {{ .event.diff.after.properties.readinessLevel }}" }
          }
        }
        """, notifier);
await using var provider = services.BuildServiceProvider();
var catalog = provider.GetRequiredService<PortCatalog>();
var actions = provider.GetRequiredService<PortActions>();
notifier.Catalog = catalog;
await actions.StartAsync();

var readiness = PortJson.ReadScorecard("""
    { "identifier": "readiness", "blueprint": "service",
      "levels": [ { "title": "Basic" }, { "title": "Bronze" }, { "title": "Silver" }, { "title": "Gold" } ],
      "rules": [
        { "identifier": "owned", "level": "Bronze", "query": { "combinator": "and", "conditions": [ { "property": "$team", "operator": "isNotEmpty" } ] } },
        { "identifier": "tested", "level": "Silver", "query": { "combinator": "and", "conditions": [ { "property": "coverage", "operator": ">=", "value": 50 } ] } },
        { "identifier": "well-tested", "level": "Gold", "query": { "combinator": "and", "conditions": [ { "property": "coverage", "operator": ">=", "value": 80 } ] } } ] }
    """);

await catalog.UpsertEntityAsync(PortJson.ReadEntity("""{ "identifier": "payments", "blueprint": "team", "title": "Payments", "properties": { "slackChannel": "#payments-oncall" } }"""));
Console.WriteLine($"Catalog: {path}");

// Bad inputs are refused before any run exists, one error per input.
try
{
    await actions.InvokeAsync("scaffold_service", new ActionInvocation { Inputs = Json("""{ "name": "Payments API", "team": "nobody" }"""), Caller = "jane@example.com" });
}
catch (ActionInputException ex)
{
    Console.WriteLine("Refused (no run created):");
    foreach (var error in ex.Errors)
    {
        Console.WriteLine($"  {error.Input}: {error.Message}");
    }
}

var run = await actions.InvokeAsync("scaffold_service", new ActionInvocation { Inputs = Json("""{ "name": "payments-api", "language": "go", "team": "payments" }"""), Caller = "jane@example.com" });
run = await actions.WaitForRunAsync(run.Id);
var service = await catalog.GetEntityAsync("service", "payments-api");
Console.WriteLine($"Scaffold run {run.Status}: {run.Logs[^1].Message}");
Console.WriteLine($"  service/{service!.Identifier} '{service.Title}', language {service.Properties["language"]}, owned by {string.Join(", ", service.Team)}, related to team {service.Relations["team"].Targets[0]}");

// CI reports coverage; the scorecard level is recomputed and written to the entity, as Port does.
await SetCoverageAsync(92);

// Automations run in the background: watch the runs from before the change that should start one.
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // fails rather than hangs if no automation runs
var changes = actions.WatchRunsAsync(stop.Token).GetAsyncEnumerator(stop.Token);
var next = changes.MoveNextAsync();
await SetCoverageAsync(40);
ActionRun notified;
while (true)
{
    if (!await next)
    {
        throw new InvalidOperationException("The run feed ended.");
    }

    if (changes.Current.Action == "notify_team_on_level_drop")
    {
        notified = await actions.WaitForRunAsync(changes.Current.Id);
        break;
    }

    next = changes.MoveNextAsync();
}

await changes.DisposeAsync();
Console.WriteLine($"Automation run {notified.Status} ({notified.Caller}): {notified.Logs[^1].Message}");

var all = new List<ActionRun>();
await foreach (var r in actions.ListRunsAsync())
{
    all.Add(r);
}

Console.WriteLine($"Runs kept in {Path.GetFileName(path)}: {string.Join(", ", all.OrderBy(r => r.CreatedAt).Select(r => $"{r.Action} {r.Status}"))}");
return 0;

async Task SetCoverageAsync(int coverage)
{
    await catalog.UpsertEntityAsync(PortJson.ReadEntity($$"""{ "identifier": "payments-api", "blueprint": "service", "properties": { "coverage": {{coverage}} } }"""), new EntityWriteOptions { Merge = true });
    await foreach (var result in catalog.EvaluateScorecardAsync(readiness))
    {
        if (result.Entity == "payments-api")
        {
            await catalog.UpsertEntityAsync(PortJson.ReadEntity($$"""{ "identifier": "payments-api", "blueprint": "service", "properties": { "readinessLevel": "{{result.Level}}" } }"""), new EntityWriteOptions { Merge = true });
            Console.WriteLine($"Coverage {coverage}%: readiness level {result.Level}");
        }
    }
}

static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

/// <summary>Tells the owning team, as the Slack webhook would: the team's channel is read from the catalog.</summary>
internal sealed class TeamNotifier : IActionHandler
{
    public PortCatalog? Catalog { get; set; }

    public async Task HandleAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var diff = context.TemplateContext.GetProperty("event").GetProperty("diff");
        var after = diff.GetProperty("after");
        var teamId = after.GetProperty("relations").GetProperty("team").GetString()!;
        var team = await Catalog!.GetEntityAsync("team", teamId, cancellationToken);
        var message = $"{team!.Properties["slackChannel"]}: {after.GetProperty("identifier").GetString()} dropped from {diff.GetProperty("before").GetProperty("properties").GetProperty("readinessLevel").GetString()} to {after.GetProperty("properties").GetProperty("readinessLevel").GetString()}";
        Console.WriteLine($"Notify {message}");
        await context.LogAsync($"Notified {message}", cancellationToken);
    }
}
