using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Benchmarks;

/// <summary>
/// The catalog over each store: a batch upsert of 1,000 validated entities (with relations), a search over 100,000
/// entities, and a 3-hop relation walk. The in-memory and SQLite stores are measured side by side.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class CatalogBenchmark
{
    private const int Services = 100_000;
    private PortCatalog _catalog = null!;
    private List<Entity> _batch = [];
    private SearchQuery _query = null!;
    private string? _file;

    [Params("memory", "sqlite")]
    public string Store { get; set; } = "memory";

    [GlobalSetup]
    public void Setup()
    {
        IEntityStore store = Store == "memory"
            ? new InMemoryEntityStore()
            : new SqliteEntityStore(_file = Path.Combine(Path.GetTempPath(), $"port-bench-{Guid.NewGuid():N}.db"));
        _catalog = new PortCatalog(store);
        _catalog.RegisterBlueprintsAsync(
        [
            new Blueprint { Identifier = "team" },
            PortJson.ReadBlueprint("""
                { "identifier": "service", "schema": { "properties": {
                    "tier": { "type": "string", "enum": ["gold", "silver", "bronze"] }, "stars": { "type": "number" },
                    "url": { "type": "string", "format": "url" } } },
                  "relations": { "team": { "target": "team" } } }
                """),
            PortJson.ReadBlueprint("""{ "identifier": "pullRequest", "relations": { "service": { "target": "service", "required": true } } }"""),
        ]).GetAwaiter().GetResult();
        _catalog.UpsertEntitiesAsync([.. Enumerable.Range(0, 100).Select(t => new Entity { Identifier = $"team-{t}", Blueprint = "team" })]).GetAwaiter().GetResult();
        foreach (var chunk in Enumerable.Range(0, Services).Chunk(5_000))
        {
            _catalog.UpsertEntitiesAsync([.. chunk.Select(Service)]).GetAwaiter().GetResult();
        }

        _catalog.UpsertEntitiesAsync([.. Enumerable.Range(0, 100).Select(p => new Entity
        {
            Identifier = $"pr-{p}",
            Blueprint = "pullRequest",
            Relations = new Dictionary<string, EntityRelation> { ["service"] = EntityRelation.To($"service-{p}") },
        })]).GetAwaiter().GetResult();
        _batch = [.. Enumerable.Range(Services, 1_000).Select(Service)];
        _query = SearchQuery.Parse("""
            { "combinator": "and", "rules": [ { "property": "tier", "operator": "=", "value": "gold" }, { "property": "stars", "operator": ">", "value": 990 } ] }
            """);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _catalog.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_file is not null)
        {
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_file)!, Path.GetFileName(_file) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    private static Entity Service(int i) => new()
    {
        Identifier = $"service-{i}",
        Blueprint = "service",
        Title = $"Service {i}",
        Properties = new Dictionary<string, JsonElement>
        {
            ["tier"] = JsonSerializer.SerializeToElement((i % 3) switch { 0 => "gold", 1 => "silver", _ => "bronze" }),
            ["stars"] = JsonSerializer.SerializeToElement(i % 1000),
            ["url"] = JsonSerializer.SerializeToElement($"https://github.com/acme/service-{i}"),
        },
        Relations = new Dictionary<string, EntityRelation> { ["team"] = EntityRelation.To($"team-{i % 100}") },
    };

    [Benchmark(Description = "upsert a batch of 1,000 entities")]
    public Task<IReadOnlyList<Entity>> UpsertBatch() => _catalog.UpsertEntitiesAsync(_batch);

    [Benchmark(Description = "search 100,000 entities")]
    public async Task<int> Search()
    {
        var count = 0;
        await foreach (var _ in _catalog.SearchAsync(_query, "service"))
        {
            count++;
        }

        return count;
    }

    [Benchmark(Description = "3-hop relation walk")]
    public async Task<int> ThreeHops() => (await _catalog.GetRelatedEntitiesAsync("pullRequest", "pr-7", hops: 3, RelationDirection.Upstream)).Count;
}
