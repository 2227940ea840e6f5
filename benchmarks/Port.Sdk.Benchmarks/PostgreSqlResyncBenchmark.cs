using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Port.Sdk.Integrations;
using Port.Sdk.Sqlite;
using Port.Sdk.Testing;

namespace Port.Sdk.Benchmarks;

/// <summary>
/// <see cref="ResyncBenchmark"/>'s resync (its mapping and blueprint, 200,000 generated repositories by default;
/// <c>PORT_SDK_BENCH_RESYNC</c> sets another count) into SQLite and PostgreSQL side by side: the first run into an empty
/// catalog and an unchanged rerun. One invocation is one resync; 2 iterations, no warm-up (a resync is seconds long).
/// </summary>
[Config(typeof(Config))]
public class PostgreSqlResyncBenchmark
{
    private PortCatalog _catalog = null!;
    private ResyncEngine _engine = null!;

    /// <summary>Gets the number of repositories each resync reads.</summary>
    public static int Items { get; } = int.TryParse(Environment.GetEnvironmentVariable("PORT_SDK_BENCH_RESYNC"), CultureInfo.InvariantCulture, out var n) ? n : 200_000;

    [Params("sqlite", "postgresql")]
    public string Store { get; set; } = "sqlite";

    [IterationSetup(Target = nameof(FirstRun))]
    public void SetupEmpty() => Create(populate: false);

    [IterationSetup(Target = nameof(UnchangedRerun))]
    public void SetupPopulated() => Create(populate: true);

    [Benchmark(Baseline = true, Description = "resync, first run")]
    public ResyncReport FirstRun() => Check(_engine.ResyncAsync().GetAwaiter().GetResult(), created: true);

    [Benchmark(Description = "resync, unchanged rerun")]
    public ResyncReport UnchangedRerun() => Check(_engine.ResyncAsync().GetAwaiter().GetResult(), created: false);

    [IterationCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _catalog.Dispose();
        (_catalog.Store as IDisposable)?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private void Create(bool populate)
    {
        IEntityStore store = Store == "sqlite"
            ? new SqliteEntityStore(Path.Combine(Directory.CreateTempSubdirectory("port-bench-resync-").FullName, "catalog.db"))
            : PostgreSqlStoreBenchmark.PostgreSql("resync_" + Guid.NewGuid().ToString("N")[..8]);
        _catalog = new PortCatalog(store);
        _catalog.RegisterBlueprintAsync(PortJson.ReadBlueprint(ResyncBenchmark.ServiceBlueprint)).GetAwaiter().GetResult();
        var config = PortAppConfig.Parse(ResyncBenchmark.Config);
        _engine = new ResyncEngine(_catalog, new SampleGitHubIntegration { Count = Items }, new JqSemanticMapper(config), config);
        if (populate)
        {
            Check(_engine.ResyncAsync().GetAwaiter().GetResult(), created: true);
        }
    }

    private static ResyncReport Check(ResyncReport report, bool created)
    {
        var kind = report.Kinds[0];
        var expected = Items - ((Items + 10) / 11);
        return kind.Failures.Count > 0 || (created ? kind.Created : kind.Unchanged) != expected
            ? throw new InvalidOperationException($"Unexpected resync: {kind}")
            : report;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)).WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(0).WithIterationCount(2));
        }
    }
}
