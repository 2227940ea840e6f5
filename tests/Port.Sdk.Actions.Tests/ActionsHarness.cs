using System.Text.Json;

namespace Port.Sdk.Actions.Tests;

/// <summary>A catalog with Port-shaped blueprints (team, service with a timer property) and its actions, for one test.</summary>
internal sealed class ActionsHarness : IAsyncDisposable
{
    public const string Team = """{ "identifier": "team", "title": "Team", "schema": { "properties": { "slack": { "type": "string" } } } }""";

    public const string Service = """
        {
          "identifier": "service",
          "title": "Service",
          "schema": {
            "properties": {
              "language": { "type": "string", "enum": ["csharp", "go", "python"] },
              "passed": { "type": "string" },
              "replicas": { "type": "number" },
              "ttl": { "type": "string", "format": "timer" }
            }
          },
          "relations": { "team": { "target": "team", "required": false, "many": false } }
        }
        """;

    private ActionsHarness(PortCatalog catalog, PortActions actions)
    {
        Catalog = catalog;
        Actions = actions;
    }

    public PortCatalog Catalog { get; }

    public PortActions Actions { get; }

    public CancellationToken Token { get; } = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public static async Task<ActionsHarness> CreateAsync(Action<PortActionsOptions> configure, IEntityStore? store = null, IActionRunStore? runs = null, TimeProvider? time = null)
    {
        var catalog = new PortCatalog(store ?? new InMemoryEntityStore(), time);
        await catalog.RegisterBlueprintsAsync([PortJson.ReadBlueprint(Team), PortJson.ReadBlueprint(Service)]);
        var options = new PortActionsOptions { WebhookRetryDelay = TimeSpan.FromMilliseconds(10) };
        if (time is not null)
        {
            options.TimeProvider = time;
        }

        configure(options);
        var actions = new PortActions(catalog, runs ?? new InMemoryActionRunStore(), options);
        await actions.StartAsync();
        return new ActionsHarness(catalog, actions);
    }

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public Task<Entity> UpsertAsync(string json) => Catalog.UpsertEntityAsync(PortJson.ReadEntity(json), cancellationToken: Token);

    public async ValueTask DisposeAsync()
    {
        await Actions.DisposeAsync();
        Catalog.Dispose();
    }
}
