using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Integrations.Tests;

/// <summary>
/// The sweep deletes every kind's stale entities in one bulk deletion, the entities that relate to others first (as
/// Ocean orders its deletions): a stale entity required only by stale entities goes with them, one required by an
/// entity the resync saw stays and the report says why. Into a real SQLite file.
/// </summary>
public sealed class StaleEntitySweeperTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-sweep-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    /// <summary>Serves team slugs, then services as <c>name:team</c>; the team kind comes first, as it would be configured.</summary>
    private sealed class TeamsAndServices : IIntegration
    {
        public List<string> Teams { get; } = [];

        public List<string> Services { get; } = [];

        public string Identifier => "sweep-test";

        public IReadOnlyList<string> Kinds => ["team", "service"];

        public async IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            var items = kind == "team" ? Teams : Services;
            yield return [.. items.Select(s => JsonSerializer.SerializeToElement(s, TestJsonContext.Default.String))];
        }

        public async IAsyncEnumerable<IntegrationEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield break;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Resync_StaleEntitiesRequiringStaleOnes_AreDeletedFirst_AndOnlyASeenDependentKeepsItsTarget(bool required)
    {
        var store = new SqliteEntityStore(Path.Combine(_directory.FullName, "catalog.db"));
        var catalog = new PortCatalog(store);
        await catalog.RegisterBlueprintsAsync([
            PortJson.ReadBlueprint("""{ "identifier": "team", "schema": { "properties": {} } }"""),
            PortJson.ReadBlueprint($$"""{ "identifier": "service", "schema": { "properties": {} }, "relations": { "team": { "target": "team", "required": {{(required ? "true" : "false")}} } } }"""),
        ]);
        var integration = new TeamsAndServices();
        integration.Teams.AddRange(Enumerable.Range(0, 10).Select(i => $"team-{i}"));
        integration.Services.AddRange(Enumerable.Range(0, 30).Select(i => $"svc-{i}:team-{i / 3}"));
        var mapper = new CodeSemanticMapper()
            .Map("team", item => [new Entity { Blueprint = "team", Identifier = item.GetString()! }])
            .Map("service", item =>
            {
                var (name, team) = (item.GetString()!.Split(':')[0], item.GetString()!.Split(':')[1]);
                return [new Entity { Blueprint = "service", Identifier = name, Relations = new Dictionary<string, EntityRelation> { ["team"] = EntityRelation.To(team) } }];
            });
        using var engine = new ResyncEngine(catalog, integration, mapper);
        Assert.Equal(40, (await engine.ResyncAsync()).Kinds.Sum(k => k.Created));

        // team-0 and its three services are gone at the source; team-1 is gone but one of its services (svc-5) is still seen.
        integration.Teams.RemoveAll(t => t is "team-0" or "team-1");
        integration.Services.RemoveAll(s => s.EndsWith(":team-0", StringComparison.Ordinal) || s is "svc-3:team-1" or "svc-4:team-1");
        // Subscribed before the resync writes (WatchAsync registers on its first MoveNextAsync); ends when the catalog is disposed.
        var updates = UpdatesAsync(catalog);
        var report = await engine.ResyncAsync();
        catalog.Dispose();
        var updated = await updates;

        var teams = report.Kinds.Single(k => k.Kind == "team");
        var services = report.Kinds.Single(k => k.Kind == "service");
        Assert.Equal(5, services.Deleted);
        Assert.Empty(services.Failures);
        Assert.Null(await store.GetEntityAsync("service", "svc-0"));
        Assert.Null(await store.GetEntityAsync("team", "team-0"));
        if (required)
        {
            // Deleted kind by kind in configuration order, team-0 would have been refused while its services existed.
            Assert.Equal(1, teams.Deleted);
            var failure = Assert.Single(teams.Failures);
            Assert.Equal(ResyncFailureStage.Deletion, failure.Stage);
            Assert.Contains("entity 'svc-5' of blueprint 'service' requires it through 'team'", failure.Message, StringComparison.Ordinal);
            Assert.NotNull(await store.GetEntityAsync("team", "team-1"));
            Assert.Empty(updated);
        }
        else
        {
            // Optional: team-1 goes and svc-5, still seen, loses its relation to it; no deleted entity was rewritten first.
            Assert.Equal(2, teams.Deleted);
            Assert.Empty(teams.Failures);
            Assert.Equal([new EntityKey("service", "svc-5")], updated);
            Assert.Equal(EntityRelation.None.Targets, (await store.GetEntityAsync("service", "svc-5"))!.Relations["team"].Targets);
        }
    }

    private static async Task<List<EntityKey>> UpdatesAsync(PortCatalog catalog)
    {
        var updates = new List<EntityKey>();
        await foreach (var change in catalog.WatchAsync())
        {
            if (change.Kind == EntityChangeKind.Updated)
            {
                updates.Add(change.Key);
            }
        }

        return updates;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class TestJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
