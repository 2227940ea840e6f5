using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Port.Sdk.Integrations;
using Port.Sdk.Sqlite;
using Port.Sdk.Testing;

namespace Port.Sdk.Benchmarks;

/// <summary>
/// A full resync of 200,000 generated GitHub repositories through a Port-style jq mapping into the catalog: the first
/// run into an empty catalog (every entity created) and an unchanged rerun (every entity compared, none rewritten),
/// into SQLite and, for comparison in the same run, into the in-memory store. One invocation is one resync.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class ResyncBenchmark
{
    /// <summary>The mapping Port's GitHub app installs for repositories (trimmed to the service blueprint).</summary>
    public const string Config = """
        resources:
          - kind: repository
            selector:
              query: .archived | not
            port:
              entity:
                mappings:
                  identifier: .name
                  title: .full_name // .name
                  blueprint: '"service"'
                  properties:
                    url: .html_url
                    description: .description // ""
                    language: .language // "unknown"
                    stars: .stargazers_count
                    topics: .topics | map(ascii_downcase)
                    visibility: .visibility
                    license: .license.spdx_id // null
                    pushedAt: .pushed_at
        """;

    public const string ServiceBlueprint = """
        { "identifier": "service", "title": "Service", "schema": { "properties": {
            "url": { "type": "string", "format": "url" }, "description": { "type": "string" },
            "language": { "type": "string" }, "stars": { "type": "number" },
            "topics": { "type": "array", "items": { "type": "string" } },
            "visibility": { "type": "string", "enum": ["public", "private", "internal"] },
            "license": { "type": ["string", "null"] }, "pushedAt": { "type": "string", "format": "date-time" } } } }
        """;

    private PortCatalog _catalog = null!;
    private ResyncEngine _engine = null!;
    private SampleGitHubIntegration _integration = null!;
    private string? _file;

    [Params("sqlite", "memory")]
    public string Store { get; set; } = "sqlite";

    [Params(200_000)]
    public int Items { get; set; }

    [IterationSetup(Target = nameof(FirstRun))]
    public void SetupEmpty() => Create(populate: false);

    [IterationSetup(Target = nameof(UnchangedRerun))]
    public void SetupPopulated() => Create(populate: true);

    [Benchmark(Baseline = true)]
    public ResyncReport FirstRun() => _engine.ResyncAsync().GetAwaiter().GetResult();

    [Benchmark]
    public ResyncReport UnchangedRerun() => _engine.ResyncAsync().GetAwaiter().GetResult();

    [IterationCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
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

    private void Create(bool populate)
    {
        IEntityStore store = Store == "memory"
            ? new InMemoryEntityStore()
            : new SqliteEntityStore(_file = Path.Combine(Path.GetTempPath(), $"port-resync-{Guid.NewGuid():N}.db"));
        _catalog = new PortCatalog(store);
        _catalog.RegisterBlueprintAsync(PortJson.ReadBlueprint(ServiceBlueprint)).GetAwaiter().GetResult();
        _integration = new SampleGitHubIntegration { Count = Items };
        var config = PortAppConfig.Parse(Config);
        _engine = new ResyncEngine(_catalog, _integration, new JqSemanticMapper(config), config);
        if (populate)
        {
            Check(_engine.ResyncAsync().GetAwaiter().GetResult(), created: true);
        }
    }

    private void Check(ResyncReport report, bool created)
    {
        var kind = report.Kinds[0];
        var expected = Items - ((Items + 10) / 11);
        if (kind.Failures.Count > 0 || (created ? kind.Created : kind.Unchanged) != expected)
        {
            throw new InvalidOperationException($"Unexpected resync: {kind}");
        }
    }
}
