using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Integrations.Tests;

/// <summary>
/// Issue 13's data loss: an item whose mapping fails must never get the entity it wrote before deleted as stale, and a
/// kind where most items fail deletes nothing and says why. Into a real SQLite file.
/// </summary>
public sealed class StaleDeletionSafetyTests : IDisposable
{
    private const string Config = """
        resources:
          - kind: repository
            selector:
              query: 'true'
            port:
              entity:
                mappings:
                  identifier: .name
                  blueprint: '"service"'
                  properties:
                    stars: .stars
                    owner: .owner.login | ascii_downcase
          - kind: team
            selector:
              query: 'true'
            port:
              entity:
                mappings:
                  identifier: .slug
                  blueprint: '"team"'
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-stale-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private sealed class TwoKindIntegration : IIntegration
    {
        public Dictionary<string, List<string>> Items { get; } = new() { ["repository"] = [], ["team"] = [] };

        public string Identifier => "stale-test";

        public IReadOnlyList<string> Kinds => ["repository", "team"];

        public async IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            foreach (var chunk in Items[kind].Chunk(40))
            {
                yield return [.. chunk.Select(json => JsonDocument.Parse(json).RootElement.Clone())];
            }
        }

        public async IAsyncEnumerable<IntegrationEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield break;
        }
    }

    private static string Repo(int i, string owner = "\"Acme\"") => $$"""{ "name": "repo-{{i}}", "stars": {{i}}, "owner": { "login": {{owner}} } }""";

    private static string Team(int i) => $$"""{ "slug": "team-{{i}}" }""";

    private async Task<(PortCatalog Catalog, TwoKindIntegration Integration)> CreateAsync()
    {
        var catalog = new PortCatalog(new SqliteEntityStore(Path.Combine(_directory.FullName, "catalog.db")));
        await catalog.RegisterBlueprintsAsync([
            PortJson.ReadBlueprint("""{ "identifier": "service", "schema": { "properties": { "stars": { "type": "number" }, "owner": { "type": ["string", "null"] } } } }"""),
            PortJson.ReadBlueprint("""{ "identifier": "team", "schema": { "properties": {} } }"""),
        ]);
        var integration = new TwoKindIntegration();
        integration.Items["repository"].AddRange(Enumerable.Range(0, 100).Select(i => Repo(i)));
        integration.Items["team"].AddRange(Enumerable.Range(0, 20).Select(Team));
        return (catalog, integration);
    }

    private static ResyncEngine Engine(PortCatalog catalog, IIntegration integration, string config = Config)
    {
        var parsed = PortAppConfig.Parse(config);
        return new ResyncEngine(catalog, integration, new JqSemanticMapper(parsed), parsed);
    }

    [Fact]
    public async Task Resync_TenItemsFailOneProperty_DeletesNothingAndKeepsTheirStoredValues()
    {
        var (catalog, integration) = await CreateAsync();
        using var _ = catalog;
        using var engine = Engine(catalog, integration);
        await engine.ResyncAsync();

        // A number where a string was: ascii_downcase fails on 10 of the 100 items.
        for (var i = 0; i < 10; i++)
        {
            integration.Items["repository"][i * 10] = Repo(i * 10, owner: "7");
        }

        var report = await engine.ResyncAsync();

        var repositories = report.Kinds.Single(k => k.Kind == "repository");
        Assert.True(report.Completed);
        Assert.Equal((0, 10), (repositories.Deleted, repositories.FailedItems));
        Assert.Equal(100, await catalog.Store.CountAsync("service"));
        Assert.Equal(10, repositories.Failures.Count);
        var first = repositories.Failures[0];
        Assert.Equal(ResyncFailureStage.Mapping, first.Stage);
        Assert.Equal(0, first.ItemIndex);
        Assert.Equal(new EntityKey("service", "repo-0"), first.Entity);
        Assert.Equal("resources[0].port.entity.mappings.properties.owner", first.Field);
        Assert.Contains("ascii_downcase", first.Message, StringComparison.Ordinal);
        Assert.StartsWith("port-app-config.yml:", first.ConfigLocation, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 10), repositories.Failures.Select(f => f.ItemIndex!.Value));

        // The failing field keeps what was stored: a broken expression never overwrites a value with null.
        Assert.Equal("acme", (await catalog.GetEntityAsync("service", "repo-10"))!.Properties["owner"].GetString());

        // A real removal at the source is still deleted: the resync converges.
        integration.Items["repository"].RemoveAt(99);
        var third = await engine.ResyncAsync();
        Assert.Equal(1, third.Kinds.Single(k => k.Kind == "repository").Deleted);
        Assert.Equal(99, await catalog.Store.CountAsync("service"));
    }

    [Fact]
    public async Task Resync_EveryItemOfAKindFailsItsIdentifier_NothingDeletedAndTheReportSaysWhy()
    {
        var (catalog, integration) = await CreateAsync();
        using var _ = catalog;
        using (var engine = Engine(catalog, integration))
        {
            await engine.ResyncAsync();
        }

        // A configuration edit breaks the identifier of every repository.
        using var broken = Engine(catalog, integration, Config.Replace("identifier: .name", "identifier: .name | ascii_downcase | error", StringComparison.Ordinal));
        var report = await broken.ResyncAsync();

        var repositories = report.Kinds.Single(k => k.Kind == "repository");
        Assert.True(report.Completed);
        Assert.Equal((0, 100, 100), (repositories.Deleted, repositories.FailedItems, repositories.Failures.Count));
        Assert.Contains("failed mapping before their identifier or blueprint was known", repositories.DeletionSkippedReason, StringComparison.Ordinal);
        Assert.Equal(100, await catalog.Store.CountAsync("service"));
        Assert.Equal(20, await catalog.Store.CountAsync("team"));
    }

    [Fact]
    public async Task Resync_MostItemsFailAProperty_NothingOfTheKindDeleted()
    {
        var (catalog, integration) = await CreateAsync();
        using var _ = catalog;
        using (var engine = Engine(catalog, integration))
        {
            await engine.ResyncAsync();
        }

        integration.Items["repository"].RemoveRange(90, 10);
        using var broken = Engine(catalog, integration, Config.Replace("stars: .stars", "stars: .stars | error(\"boom\")", StringComparison.Ordinal));
        var report = await broken.ResyncAsync();

        var repositories = report.Kinds.Single(k => k.Kind == "repository");
        Assert.Equal(0, repositories.Deleted);
        Assert.Contains("most items of kind 'repository' (90 of 90) failed mapping", repositories.DeletionSkippedReason, StringComparison.Ordinal);
        Assert.Equal(100, await catalog.Store.CountAsync("service"));
        Assert.Equal(5, (await catalog.GetEntityAsync("service", "repo-5"))!.Properties["stars"].GetInt32());
    }

    [Fact]
    public async Task Resync_ASelectorThatDoesNotGiveABoolean_KeepsTheItemsEntities()
    {
        var (catalog, integration) = await CreateAsync();
        using var _ = catalog;
        using (var engine = Engine(catalog, integration))
        {
            await engine.ResyncAsync();
        }

        using var broken = Engine(catalog, integration, Config.Replace("query: 'true'", "query: .name", StringComparison.Ordinal));
        var report = await broken.ResyncAsync();

        var repositories = report.Kinds.Single(k => k.Kind == "repository");
        Assert.Equal(0, repositories.Deleted);
        Assert.Contains(repositories.Failures, f => f.Field == "resources[0].selector.query" && f.Message == "must give true or false, gave string \"repo-0\"");
        Assert.Equal(100, await catalog.Store.CountAsync("service"));
        Assert.Equal(20, await catalog.Store.CountAsync("team"));
    }

    [Fact]
    public async Task Resync_OneKindEmptiedAtTheSource_PerKindThresholdKeepsIt()
    {
        var (catalog, integration) = await CreateAsync();
        using var _ = catalog;
        using var engine = Engine(catalog, integration);
        await engine.ResyncAsync();

        // 20 of the integration's 120 entities is under its 0.9 threshold; all 20 of the kind is over the kind's.
        integration.Items["team"].Clear();
        var report = await engine.ResyncAsync();

        Assert.Null(report.DeletionSkippedReason);
        var teams = report.Kinds.Single(k => k.Kind == "team");
        Assert.Equal(0, teams.Deleted);
        Assert.Contains("deleting 20 of kind 'team''s 20 entities would exceed entityDeletionThreshold (0.9)", teams.DeletionSkippedReason, StringComparison.Ordinal);
        Assert.Equal(20, await catalog.Store.CountAsync("team"));

        // The plan says the same.
        var plan = await engine.PlanAsync();
        Assert.Empty(plan.Kinds.Single(k => k.Kind == "team").Delete);
        Assert.Equal(teams.DeletionSkippedReason, plan.Kinds.Single(k => k.Kind == "team").Report.DeletionSkippedReason);
    }

    [Fact]
    public async Task Resync_PoisonItems_ARegexTimeoutAndADateOutOfRange_AreTheirItemsFailures_AndTheResyncConverges()
    {
        var (catalog, integration) = await CreateAsync();
        using var _ = catalog;
        const string Poisonable = """
            resources:
              - kind: repository
                selector:
                  query: 'true'
                port:
                  entity:
                    mappings:
                      identifier: .name
                      blueprint: '"service"'
                      properties:
                        stars: .stars
                        owner: if .owner.login | test("(a+)+$") then "matched" else (.owner.when // 0 | todate) end
              - kind: team
                selector:
                  query: 'true'
                port:
                  entity:
                    mappings:
                      identifier: .slug
                      blueprint: '"team"'
            """;
        using var engine = Engine(catalog, integration, Poisonable);
        await engine.ResyncAsync();

        // One item whose regex backtracks past the match timeout, one whose date is out of range, one gone at the source.
        integration.Items["repository"][3] = $$"""{ "name": "repo-3", "stars": 3, "owner": { "login": "{{new string('a', 40_000)}}!" } }""";
        integration.Items["repository"][4] = """{ "name": "repo-4", "stars": 4, "owner": { "login": "x", "when": 1e300 } }""";
        integration.Items["repository"].RemoveAt(99);
        var report = await engine.ResyncAsync();

        Assert.True(report.Completed);
        var repositories = report.Kinds.Single(k => k.Kind == "repository");
        Assert.Equal((2, 1), (repositories.FailedItems, repositories.Deleted));
        Assert.Null(repositories.DeletionSkippedReason);
        Assert.Equal([3, 4], repositories.Failures.Select(f => f.ItemIndex!.Value));
        Assert.All(repositories.Failures, f => Assert.Equal("resources[0].port.entity.mappings.properties.owner", f.Field));
        Assert.Equal(99, await catalog.Store.CountAsync("service"));
    }
}
