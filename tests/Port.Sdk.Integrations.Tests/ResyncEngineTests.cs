using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Integrations.Tests;

/// <summary>End to end: a test integration serving generated repositories into the SQLite store.</summary>
public sealed class ResyncEngineTests : IDisposable
{
    private const string Config = """
        entityDeletionThreshold: 0.5
        resources:
          - kind: repository
            selector:
              query: .archived | not
            port:
              entity:
                mappings:
                  identifier: .name
                  title: .full_name
                  blueprint: '"service"'
                  properties:
                    stars: .stars
                    language: .language
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-resync-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private sealed class TestIntegration : IIntegration
    {
        public List<string> Items { get; } = [];

        public int FailAfterPages { get; set; } = -1;

        public Func<CancellationToken, Task>? BeforeEachPage { get; set; }

        public string Identifier => "github-test";

        public IReadOnlyList<string> Kinds => ["repository"];

        public async IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var page = 0;
            foreach (var chunk in Items.Chunk(100))
            {
                if (BeforeEachPage is not null)
                {
                    await BeforeEachPage(cancellationToken);
                }

                if (page++ == FailAfterPages)
                {
                    throw new HttpRequestException("502 Bad Gateway");
                }

                yield return [.. chunk.Select(json => JsonDocument.Parse(json).RootElement.Clone())];
            }
        }

        public async IAsyncEnumerable<IntegrationEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield break;
        }
    }

    private static string Repo(int i, int stars = 1, bool archived = false, string language = "\"C#\"")
        => $$"""{ "name": "repo-{{i}}", "full_name": "acme/repo-{{i}}", "stars": {{stars}}, "language": {{language}}, "archived": {{(archived ? "true" : "false")}} }""";

    private async Task<(PortCatalog Catalog, TestIntegration Integration, ResyncEngine Engine)> CreateAsync()
    {
        var catalog = new PortCatalog(new SqliteEntityStore(Path.Combine(_directory.FullName, "catalog.db")));
        await catalog.RegisterBlueprintAsync(PortJson.ReadBlueprint("""
            { "identifier": "service", "schema": { "properties": { "stars": { "type": "number" }, "language": { "type": "string" } } } }
            """));
        var integration = new TestIntegration();
        integration.Items.AddRange(Enumerable.Range(0, 250).Select(i => Repo(i)));
        var config = PortAppConfig.Parse(Config);
        return (catalog, integration, new ResyncEngine(catalog, integration, new JqSemanticMapper(config), config));
    }

    [Fact]
    public async Task Resync_FirstUnchangedChangedRemoved()
    {
        var (catalog, integration, engine) = await CreateAsync();
        using var _ = catalog;
        using var __ = engine;

        var first = Assert.Single((await engine.ResyncAsync()).Kinds);
        Assert.Equal((250, 250, 250, 0, 0, 0), (first.Fetched, first.Mapped, first.Created, first.Updated, first.Unchanged, first.Deleted));
        var stamp = (await catalog.GetEntityAsync("service", "repo-0"))!.UpdatedAt;

        var second = Assert.Single((await engine.ResyncAsync()).Kinds);
        Assert.Equal((0, 0, 250, 0), (second.Created, second.Updated, second.Unchanged, second.Deleted));
        Assert.Equal(stamp, (await catalog.GetEntityAsync("service", "repo-0"))!.UpdatedAt);

        integration.Items[0] = Repo(0, stars: 99);
        integration.Items[1] = Repo(1, archived: true);
        integration.Items.RemoveAt(249);
        var third = await engine.ResyncAsync();
        var kind = Assert.Single(third.Kinds);
        Assert.Equal((0, 1, 247, 2), (kind.Created, kind.Updated, kind.Unchanged, kind.Deleted));
        Assert.Null(third.DeletionSkippedReason);
        Assert.Equal(99, (await catalog.GetEntityAsync("service", "repo-0"))!.Properties["stars"].GetDouble());
        Assert.Null(await catalog.GetEntityAsync("service", "repo-1"));
        Assert.Equal(248, await catalog.Store.CountAsync("service"));
    }

    [Fact]
    public async Task Resync_EmptyAnswer_ThresholdRefusesMassDeletion()
    {
        var (catalog, integration, engine) = await CreateAsync();
        using var _ = catalog;
        using var __ = engine;
        await engine.ResyncAsync();

        integration.Items.Clear();
        var report = await engine.ResyncAsync();

        Assert.Contains("would exceed entityDeletionThreshold (0.5); nothing was deleted", report.DeletionSkippedReason, StringComparison.Ordinal);
        Assert.Equal(250, await catalog.Store.CountAsync("service"));
    }

    [Fact]
    public async Task Resync_SourceFailsMidStream_DeletesNothing()
    {
        var (catalog, integration, engine) = await CreateAsync();
        using var _ = catalog;
        using var __ = engine;
        await engine.ResyncAsync();

        integration.FailAfterPages = 1;
        var report = await engine.ResyncAsync();

        Assert.False(report.Completed);
        var failure = Assert.Single(Assert.Single(report.Kinds).Failures);
        Assert.Equal(ResyncFailureStage.Source, failure.Stage);
        Assert.Equal("fetching failed after 100 items: HttpRequestException: 502 Bad Gateway", failure.Message);
        Assert.Equal(250, await catalog.Store.CountAsync("service"));
    }

    [Fact]
    public async Task Resync_BadItemsAmongGood_GoodOnesLand()
    {
        var (catalog, integration, engine) = await CreateAsync();
        using var _ = catalog;
        using var __ = engine;
        integration.Items[3] = """{ "name": null, "stars": 1 }""";
        integration.Items[4] = Repo(4, language: "42");

        var kind = Assert.Single((await engine.ResyncAsync()).Kinds);

        Assert.Equal(248, kind.Created);
        Assert.Contains(kind.Failures, f => f is { Stage: ResyncFailureStage.Mapping, ItemIndex: 3, Field: "resources[0].port.entity.mappings.identifier", Message: "must give a non-empty string, gave null" });
        Assert.Contains(kind.Failures, f => f.Stage == ResyncFailureStage.Validation && f.Entity == new EntityKey("service", "repo-4") && f.Pointer == "/properties/language" && f.Message.StartsWith("must be string, was integer", StringComparison.Ordinal));
        Assert.Equal(248, await catalog.Store.CountAsync("service"));
    }

    [Fact]
    public async Task Resync_Cancelled_DeletesNothing()
    {
        var (catalog, integration, engine) = await CreateAsync();
        using var _ = catalog;
        using var __ = engine;
        await engine.ResyncAsync();
        integration.Items.RemoveRange(100, 150);
        using var cancellation = new CancellationTokenSource();
        integration.BeforeEachPage = token =>
        {
            cancellation.Cancel();
            token.ThrowIfCancellationRequested();
            return Task.CompletedTask;
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.ResyncAsync(cancellationToken: cancellation.Token));

        Assert.Equal(250, await catalog.Store.CountAsync("service"));
    }

    [Fact]
    public async Task LiveEvents_UpsertDeselectDelete_AndRaceWithResync()
    {
        var (catalog, integration, engine) = await CreateAsync();
        using var _ = catalog;
        using var __ = engine;
        await engine.ResyncAsync();

        var created = await engine.ApplyEventAsync(new IntegrationEvent("repository", JsonDocument.Parse(Repo(900)).RootElement));
        var changed = await engine.ApplyEventAsync(new IntegrationEvent("repository", JsonDocument.Parse(Repo(900, stars: 5)).RootElement));
        var archived = await engine.ApplyEventAsync(new IntegrationEvent("repository", JsonDocument.Parse(Repo(0, archived: true)).RootElement));
        var deleted = await engine.ApplyEventAsync(new IntegrationEvent("repository", JsonDocument.Parse(Repo(1)).RootElement, Deleted: true));

        Assert.Equal((1, 0), (created.Created, created.Deleted));
        Assert.Equal(1, changed.Updated);
        Assert.Equal(1, archived.Deleted);
        Assert.Equal(1, deleted.Deleted);
        Assert.Null(await catalog.GetEntityAsync("service", "repo-0"));
        Assert.Equal(5, (await catalog.GetEntityAsync("service", "repo-900"))!.Properties["stars"].GetDouble());

        // Events racing a resync wait for it (the resync holds the engine first): it restores repo-0 and repo-1 and
        // deletes the stale repo-900; then every event lands.
        var resync = engine.ResyncAsync();
        var events = Enumerable.Range(1000, 20).Select(i => engine.ApplyEventAsync(new IntegrationEvent("repository", JsonDocument.Parse(Repo(i)).RootElement))).ToList();
        var reports = await Task.WhenAll(events);
        var resyncReport = await resync;

        Assert.All(reports, r => Assert.Equal(1, r.Created));
        Assert.Equal(1, resyncReport.Kinds[0].Deleted);
        Assert.Equal(250 + 20, await catalog.Store.CountAsync("service"));
    }

    [Fact]
    public async Task Resync_RelationGivenAsSearchQuery_IsResolvedAgainstTheCatalog()
    {
        using var catalog = new PortCatalog(new SqliteEntityStore(Path.Combine(_directory.FullName, "query.db")));
        await catalog.RegisterBlueprintsAsync(
        [
            PortJson.ReadBlueprint("""{ "identifier": "user", "schema": { "properties": { "email": { "type": "string" } } } }"""),
            PortJson.ReadBlueprint("""{ "identifier": "issue", "relations": { "assignee": { "target": "user" } } }"""),
        ]);
        await catalog.UpsertEntityAsync(PortJson.ReadEntity("""{ "identifier": "jane", "blueprint": "user", "properties": { "email": "jane@acme.com" } }"""));
        var config = PortAppConfig.Parse("""
            resources:
              - kind: issue
                selector:
                  query: 'true'
                port:
                  entity:
                    mappings:
                      identifier: .key
                      blueprint: '"issue"'
                      relations:
                        assignee:
                          combinator: '"and"'
                          rules:
                            - property: '"email"'
                              operator: '"="'
                              value: .assignee
            """);
        var integration = new TestIntegration { };
        integration.Items.Add("""{ "key": "PAY-1", "assignee": "jane@acme.com" }""");
        using var engine = new ResyncEngine(catalog, new KindIntegration("issue", integration), new JqSemanticMapper(config), config);

        await engine.ResyncAsync();

        Assert.Equal("jane", (await catalog.GetEntityAsync("issue", "PAY-1"))!.Relations["assignee"].Targets.Single());
    }

    private sealed class KindIntegration(string kind, TestIntegration inner) : IIntegration
    {
        public string Identifier => inner.Identifier;

        public IReadOnlyList<string> Kinds => [kind];

        public IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, CancellationToken cancellationToken = default) => inner.FetchAsync(kind, cancellationToken);

        public IAsyncEnumerable<IntegrationEvent> WatchAsync(CancellationToken cancellationToken = default) => inner.WatchAsync(cancellationToken);
    }

    [Fact]
    public async Task ScheduledService_ResyncsRepeatedly_AndStopsWithTheHost()
    {
        var (catalog, integration, engine) = await CreateAsync();
        using var _ = catalog;
        using var __ = engine;
        var service = new ScheduledResyncService(engine, TimeSpan.FromMilliseconds(10));
        var twice = new TaskCompletionSource();
        var runs = 0;
        service.Completed += (_, report) =>
        {
            if (Interlocked.Increment(ref runs) == 2)
            {
                twice.TrySetResult();
            }
        };
        using var host = new Microsoft.Extensions.Hosting.HostBuilder()
            .ConfigureServices((_, services) => Microsoft.Extensions.DependencyInjection.ServiceCollectionHostedServiceExtensions.AddHostedService(services, _ => service))
            .Build();

        await host.StartAsync();
        await twice.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await host.StopAsync();

        Assert.True(runs >= 2);
        Assert.Equal(250, Assert.Single(service.LastReport!.Kinds).Unchanged + Assert.Single(service.LastReport.Kinds).Created);
        Assert.Equal(250, await catalog.Store.CountAsync("service"));
    }

    [Fact]
    public async Task Resync_Report_CountsSelectedItems()
    {
        var (catalog, integration, engine) = await CreateAsync();
        using var _ = catalog;
        using var __ = engine;
        integration.Items[3] = Repo(3, archived: true);
        integration.Items[4] = Repo(4, archived: true);

        var kind = Assert.Single((await engine.ResyncAsync()).Kinds);

        Assert.Equal((250, 248, 248, 248), (kind.Fetched, kind.Selected, kind.Mapped, kind.Created));
    }

    [Fact]
    public async Task Plan_ListsCreatesUpdatesDeletes_AndWritesNothing()
    {
        var (catalog, integration, engine) = await CreateAsync();
        using var _ = catalog;
        using var __ = engine;
        var empty = Assert.Single((await engine.PlanAsync()).Kinds);
        Assert.Equal(250, empty.Create.Count);
        Assert.Equal(0, await catalog.Store.CountAsync("service"));

        await engine.ResyncAsync();
        integration.Items[0] = Repo(0, stars: 99);
        integration.Items[1] = Repo(1, archived: true);
        integration.Items[2] = Repo(2, language: "7");
        integration.Items.Add(Repo(250));
        var plan = await engine.PlanAsync();

        var kind = Assert.Single(plan.Kinds);
        Assert.Equal([new EntityKey("service", "repo-250")], kind.Create);
        Assert.Equal([new EntityKey("service", "repo-0")], kind.Update);
        Assert.Equal([new EntityKey("service", "repo-1")], kind.Delete);
        Assert.Equal(247, kind.Report.Unchanged);
        Assert.Contains(kind.Report.Failures, f => f.Entity == new EntityKey("service", "repo-2") && f.Pointer == "/properties/language");
        Assert.Equal(250, await catalog.Store.CountAsync("service"));
        Assert.Equal(1, (await catalog.GetEntityAsync("service", "repo-0"))!.Properties["stars"].GetDouble());
    }

    [Fact]
    public async Task Resync_SampleOrganisation_StreamsPagesWithBothMappingModes()
    {
        foreach (var parallelism in new[] { 1, 2 })
        {
            using var catalog = new PortCatalog(new SqliteEntityStore(Path.Combine(_directory.FullName, $"sample-{parallelism}.db")));
            await catalog.RegisterBlueprintAsync(PortJson.ReadBlueprint("""{ "identifier": "service", "schema": { "properties": { "stars": { "type": "number" }, "language": { "type": ["string", "null"] } } } }"""));
            var config = PortAppConfig.Parse(Config.Replace(".stars", ".stargazers_count", StringComparison.Ordinal));
            using var engine = new ResyncEngine(catalog, new Testing.SampleGitHubIntegration { Count = 1_234 }, new JqSemanticMapper(config), config) { MappingParallelism = parallelism };

            var first = Assert.Single((await engine.ResyncAsync()).Kinds);
            var second = Assert.Single((await engine.ResyncAsync()).Kinds);

            var archived = Enumerable.Range(0, 1_234).Count(i => i % 11 == 0);
            Assert.Equal((1_234, 1_234 - archived, 1_234 - archived, 0), (first.Fetched, first.Selected, first.Created, first.Failures.Count));
            Assert.Equal((0, 0, 1_234 - archived), (second.Created, second.Updated, second.Unchanged));
            Assert.Equal(Testing.GitHubSamples.Repository(5).GetProperty("stargazers_count").GetInt32(), (await catalog.GetEntityAsync("service", Testing.GitHubSamples.RepositoryName(5)))!.Properties["stars"].GetInt32());
        }
    }
}
