using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Port.Sdk.PostgreSql;
using Port.Sdk.PostgreSql.Tests;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Benchmarks;

/// <summary>
/// SQLite and PostgreSQL side by side at the store: a batch upsert of 10,000 entities (one change set), a search with
/// an indexed property rule over a catalog of <see cref="Catalog"/> services, and a 3-hop relation walk through the
/// catalog. PostgreSQL runs in a throwaway local cluster (fsync off), as the tests start it; set PORT_SDK_BENCH_PG to
/// a connection string to measure another server.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class PostgreSqlStoreBenchmark
{
    private const int Catalog = 100_000;
    private const int Batch = 10_000;
    private IEntityStore _store = null!;
    private PortCatalog _catalog = null!;
    private List<Entity> _batch = [];
    private EntityQuery _indexed = null!;
    private string? _file;

    [Params("sqlite", "postgresql")]
    public string Store { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        if (Store == "sqlite")
        {
            _store = new SqliteEntityStore(_file = Path.Combine(Path.GetTempPath(), $"port-bench-{Guid.NewGuid():N}.db"));
        }
        else
        {
            var connection = Environment.GetEnvironmentVariable("PORT_SDK_BENCH_PG") is { Length: > 0 } configured ? configured : PostgresCluster.Shared.CreateDatabase();
            _store = new PostgreSqlEntityStore(connection, new PostgreSqlStoreOptions { Schema = "bench_" + Guid.NewGuid().ToString("N")[..8] });
        }

        _catalog = new PortCatalog(_store);
        _catalog.RegisterBlueprintsAsync(
        [
            new Blueprint { Identifier = "team" },
            PortJson.ReadBlueprint("""{ "identifier": "service", "relations": { "team": { "target": "team" } } }"""),
            PortJson.ReadBlueprint("""{ "identifier": "pullRequest", "relations": { "service": { "target": "service", "required": true } } }"""),
        ]).GetAwaiter().GetResult();
        _store.ApplyAsync(new EntityChangeSet { Upserts = [.. Enumerable.Range(0, 100).Select(t => new Entity { Identifier = $"team-{t}", Blueprint = "team" })] }).GetAwaiter().GetResult();
        foreach (var chunk in Enumerable.Range(0, Catalog).Chunk(10_000))
        {
            _store.ApplyAsync(new EntityChangeSet { Upserts = [.. chunk.Select(Service)] }).GetAwaiter().GetResult();
        }

        _store.ApplyAsync(new EntityChangeSet
        {
            Upserts = [.. Enumerable.Range(0, 1_000).Select(p => new Entity
            {
                Identifier = $"pr-{p}",
                Blueprint = "pullRequest",
                Relations = new Dictionary<string, EntityRelation> { ["service"] = EntityRelation.To($"service-{p % 100}") },
            })],
        }).GetAwaiter().GetResult();
        _batch = [.. Enumerable.Range(Catalog, Batch).Select(Service)];

        // One service in 10,000 has this owner: a selective rule the GIN index (PostgreSQL) answers.
        _indexed = new EntityQuery
        {
            Blueprint = "service",
            Filter = SearchQuery.Parse("""{ "combinator": "and", "rules": [ { "property": "owner", "operator": "=", "value": "owner-42" } ] }"""),
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _catalog.Dispose();
        (_store as IDisposable)?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_file is not null)
        {
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_file)!, Path.GetFileName(_file) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    [Benchmark(Description = "upsert 10,000 entities (one change set)")]
    public Task BatchUpsert() => _store.ApplyAsync(new EntityChangeSet { Upserts = _batch });

    [Benchmark(Description = "search, indexed property rule (=)")]
    public async Task<int> IndexedSearch()
    {
        var found = 0;
        await foreach (var _ in _store.QueryAsync(_indexed))
        {
            found++;
        }

        return found;
    }

    [Benchmark(Description = "3-hop relation walk")]
    public async Task<int> RelationWalk() => (await _catalog.GetRelatedEntitiesAsync("pullRequest", "pr-7", hops: 3)).Count;

    private static Entity Service(int i) => new()
    {
        Identifier = $"service-{i}",
        Blueprint = "service",
        Title = $"Service {i}",
        Properties = new Dictionary<string, JsonElement>
        {
            ["owner"] = JsonSerializer.SerializeToElement($"owner-{i % 10_000}", BenchJson.Default.String),
            ["stars"] = JsonSerializer.SerializeToElement(i % 1_000, BenchJson.Default.Int32),
        },
        Relations = new Dictionary<string, EntityRelation> { ["team"] = EntityRelation.To($"team-{i % 100}") },
    };
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
