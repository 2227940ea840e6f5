using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Npgsql;
using Port.Sdk.PostgreSql;
using Port.Sdk.PostgreSql.Tests;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Benchmarks;

/// <summary>
/// SQLite and PostgreSQL side by side at the store, over one catalog of <see cref="Catalog"/> services (1,000,000 by
/// default; <c>PORT_SDK_BENCH_ENTITIES</c> sets another size) related to 1,000 teams, with 10,000 pull requests: a batch
/// upsert of 10,000 entities (one change set), a search with an indexed property rule (<c>owner = …</c>, 10 services
/// match in 1,000,000), and a 3-hop relation walk (<see cref="IEntityStore.WalkRelationsAsync"/>: a recursive query on PostgreSQL,
/// hop by hop on SQLite). The catalog is built once per store per run (the job runs in process): through the store on
/// SQLite, by SQL on PostgreSQL (the row format checked against the store's own). PostgreSQL runs in a throwaway local
/// cluster (fsync off), as the tests start it; set <c>PORT_SDK_BENCH_PG</c> to a connection string to measure another server.
/// </summary>
[Config(typeof(InProcessConfig))]
public class PostgreSqlStoreBenchmark
{
    private const int Batch = 10_000;
    private static readonly Dictionary<string, IEntityStore> Stores = [];
    private IEntityStore _store = null!;
    private List<Entity> _batch = [];
    private EntityQuery _indexed = null!;

    /// <summary>Gets the number of services in the catalog searched and walked.</summary>
    public static int Catalog { get; } = int.TryParse(Environment.GetEnvironmentVariable("PORT_SDK_BENCH_ENTITIES"), CultureInfo.InvariantCulture, out var n) ? n : 1_000_000;

    [Params("sqlite", "postgresql")]
    public string Store { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        lock (Stores)
        {
            if (!Stores.TryGetValue(Store, out var store))
            {
                Stores[Store] = store = Build(Store);
            }

            _store = store;
        }

        _batch = [.. Enumerable.Range(Catalog, Batch).Select(Service)];
        _indexed = new EntityQuery
        {
            Blueprint = "service",
            Filter = SearchQuery.Parse("""{ "combinator": "and", "rules": [ { "property": "owner", "operator": "=", "value": "owner-4242" } ] }"""),
        };
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
    public async Task<int> RelationWalk()
    {
        var found = 0;
        await foreach (var _ in _store.WalkRelationsAsync(new EntityKey("pullRequest", "pr-7"), 3, null))
        {
            found++;
        }

        return found;
    }

    /// <summary>A PostgreSQL store in a schema of its own: on <c>PORT_SDK_BENCH_PG</c>, or in the run's throwaway cluster.</summary>
    internal static PostgreSqlEntityStore PostgreSql(string schema)
    {
        var connection = Environment.GetEnvironmentVariable("PORT_SDK_BENCH_PG") is { Length: > 0 } configured ? configured : ClusterDatabase.Value;
        return new PostgreSqlEntityStore(connection, new PostgreSqlStoreOptions { Schema = schema });
    }

    private static readonly Lazy<string> ClusterDatabase = new(() => new NpgsqlConnectionStringBuilder(PostgresCluster.Shared.CreateDatabase()) { MaxPoolSize = 20 }.ToString());

    private static IEntityStore Build(string kind)
    {
        IEntityStore store = kind == "sqlite"
            ? new SqliteEntityStore(Path.Combine(Directory.CreateTempSubdirectory("port-bench-").FullName, "catalog.db"))
            : PostgreSql("bench_" + Guid.NewGuid().ToString("N")[..8]);
        var catalog = new PortCatalog(store);
        catalog.RegisterBlueprintsAsync(
        [
            new Blueprint { Identifier = "team" },
            PortJson.ReadBlueprint("""{ "identifier": "service", "schema": { "properties": { "owner": { "type": "string" }, "stars": { "type": "number" } } }, "relations": { "team": { "target": "team" } } }"""),
            PortJson.ReadBlueprint("""{ "identifier": "pullRequest", "relations": { "service": { "target": "service", "required": true } } }"""),
        ]).GetAwaiter().GetResult();
        store.ApplyAsync(new EntityChangeSet { Upserts = [.. Enumerable.Range(0, 1_000).Select(t => new Entity { Identifier = $"team-{t}", Blueprint = "team" })] }).GetAwaiter().GetResult();
        if (store is PostgreSqlEntityStore postgreSql)
        {
            LoadBySql(postgreSql);
        }
        else
        {
            foreach (var chunk in Enumerable.Range(0, Catalog).Chunk(20_000))
            {
                store.ApplyAsync(new EntityChangeSet { Upserts = [.. chunk.Select(Service)] }).GetAwaiter().GetResult();
            }
        }

        store.ApplyAsync(new EntityChangeSet
        {
            Upserts = [.. Enumerable.Range(0, 10_000).Select(p => new Entity
            {
                Identifier = $"pr-{p}",
                Blueprint = "pullRequest",
                Relations = new Dictionary<string, EntityRelation> { ["service"] = EntityRelation.To($"service-{p % 1_000}") },
            })],
        }).GetAwaiter().GetResult();

        var sample = store.GetEntityAsync("service", "service-7").GetAwaiter().GetResult();
        var expected = Service(7);
        if (sample is null || sample.Title != expected.Title || EntityContentHash.Compute(sample with { DataSource = null }) != EntityContentHash.Compute(expected))
        {
            throw new InvalidOperationException($"The catalog was not built as the store writes it: {(sample is null ? "no service-7" : PortJson.Write(sample))}.");
        }

        return store;
    }

    /// <summary>The services in one statement each for entities and relations (through the store: minutes at this size).</summary>
    private static void LoadBySql(PostgreSqlEntityStore store)
    {
        using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("PORT_SDK_BENCH_PG") is { Length: > 0 } configured ? configured : ClusterDatabase.Value);
        connection.Open();
        var s = store.Schema;
        using var load = new NpgsqlCommand(
            $"""
            INSERT INTO {s}.entities (blueprint, identifier, json)
            SELECT 'service', 'service-' || i, jsonb_build_object('identifier', 'service-' || i, 'title', 'Service ' || i, 'blueprint', 'service',
                'properties', jsonb_build_object('owner', 'owner-' || (i % 100000), 'stars', i % 1000), 'relations', jsonb_build_object('team', 'team-' || (i % 1000)))
            FROM generate_series(0, {Catalog - 1}) i;
            INSERT INTO {s}.relations SELECT 'service', 'service-' || i, 'team', 'team', 'team-' || (i % 1000) FROM generate_series(0, {Catalog - 1}) i;
            ANALYZE {s}.entities; ANALYZE {s}.relations;
            """,
            connection) { CommandTimeout = 0 };
        load.ExecuteNonQuery();
    }

    internal static Entity Service(int i) => new()
    {
        Identifier = $"service-{i}",
        Blueprint = "service",
        Title = $"Service {i}",
        Properties = new Dictionary<string, JsonElement>
        {
            ["owner"] = JsonSerializer.SerializeToElement($"owner-{i % 100_000}", BenchJson.Default.String),
            ["stars"] = JsonSerializer.SerializeToElement(i % 1_000, BenchJson.Default.Int32),
        },
        Relations = new Dictionary<string, EntityRelation> { ["team"] = EntityRelation.To($"team-{i % 1_000}") },
    };

    /// <summary>In process, so the catalog built once serves every benchmark of a store; 1 warm-up and 5 iterations; a case may run 30 minutes (the default 5 is less than a 200,000-item resync and its setup on a loaded machine).</summary>
    internal sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig()
        {
            AddJob(Job.Default.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5));
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
