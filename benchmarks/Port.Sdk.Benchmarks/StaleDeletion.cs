using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Port.Sdk.Integrations;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Benchmarks;

/// <summary>
/// Stale deletion in SQLite with the relations of a real catalog: Ocean's GitHub blueprints (read from
/// <c>../shared/real-world/ocean/github/blueprints.json</c>: pull requests relate to repositories, repositories to
/// the organisation). A first resync writes one organisation, <c>repositories</c> repositories and three pull requests
/// for each; a second resync no longer sees a fraction of the repositories, nor their pull requests, and deletes them
/// through the resync engine's sweep (incoming relation checks included). Reports the wall time of the sweep alone.
/// Run with <c>-- stale-deletion [repositories] [stale-percent]</c>.
/// </summary>
internal static class StaleDeletion
{
    public static void Run(int repositories, double stalePercent)
    {
        var file = Path.Combine(Path.GetTempPath(), $"port-stale-{Guid.NewGuid():N}.db");
        try
        {
            using var catalog = new PortCatalog(new SqliteEntityStore(file));
            catalog.RegisterBlueprintsAsync(PortJson.ReadBlueprints(File.ReadAllText(BlueprintsPath()))).GetAwaiter().GetResult();
            var integration = new GitHubShapedIntegration { Repositories = repositories };
            var mapper = new CodeSemanticMapper()
                .Map("organization", item => [new Entity { Blueprint = "githubOrganization", Identifier = "acme", Title = "Acme" }])
                .Map("repository", item => [Repository(item.GetInt32())])
                .Map("pull-request", item => [PullRequest(item.GetInt32())]);
            using var engine = new ResyncEngine(catalog, integration, mapper);

            var process = Process.GetCurrentProcess();
            TimeSpan Cpu()
            {
                process.Refresh();
                return process.TotalProcessorTime;
            }

            var clock = Stopwatch.StartNew();
            var cpu = Cpu();
            var first = engine.ResyncAsync().GetAwaiter().GetResult();
            var firstSeconds = clock.Elapsed.TotalSeconds;
            var firstCpu = (Cpu() - cpu).TotalSeconds;
            var rows = first.Kinds.Sum(k => k.Created);
            Console.WriteLine($"first resync: {rows:N0} entities in {firstSeconds:0.00} s wall, {firstCpu:0.00} s CPU ({rows / firstSeconds:N0} entities/s)");

            // Every n-th repository is gone, and so are its pull requests.
            var every = (int)Math.Round(100 / stalePercent);
            integration.IsPresent = repository => repository % every != 0;

            // The sweep alone: the second resync's wall time less its kinds' sync time. In CPU time (the machine may be
            // shared), the deleting: the second resync's CPU time less that of an identical resync, run right after,
            // with nothing left to delete (which also reads every key, so the difference is the deleting alone).
            clock.Restart();
            cpu = Cpu();
            var second = engine.ResyncAsync().GetAwaiter().GetResult();
            var total = clock.Elapsed.TotalSeconds;
            var totalCpu = (Cpu() - cpu).TotalSeconds;
            var syncing = second.Kinds.Sum(k => k.Duration.TotalSeconds);
            var deleted = second.Kinds.Sum(k => k.Deleted);
            var failures = second.Kinds.Sum(k => k.Failures.Count);
            if (failures > 0 || second.DeletionSkippedReason is not null)
            {
                throw new InvalidOperationException($"Unexpected resync: {second.DeletionSkippedReason} {second.Kinds.SelectMany(k => k.Failures).FirstOrDefault()}");
            }

            clock.Restart();
            cpu = Cpu();
            var third = engine.ResyncAsync().GetAwaiter().GetResult();
            var thirdSeconds = clock.Elapsed.TotalSeconds;
            var thirdCpu = (Cpu() - cpu).TotalSeconds;
            if (third.Kinds.Sum(k => k.Deleted + k.Created + k.Updated) > 0)
            {
                throw new InvalidOperationException("The third resync changed something.");
            }

            // The sweep first reads the key and kind of every entity the integration wrote, to find the stale ones; timed alone here.
            clock.Restart();
            cpu = Cpu();
            var keys = 0;
            foreach (var _ in catalog.Store.QueryKeysBySourceAsync(integration.Identifier).ToBlockingEnumerable())
            {
                keys++;
            }

            var finding = clock.Elapsed.TotalSeconds;
            var findingCpu = (Cpu() - cpu).TotalSeconds;
            var sweeping = total - syncing;
            var deletingCpu = totalCpu - thirdCpu;
            Console.WriteLine($"unchanged resync of the {keys:N0} remaining entities: {thirdSeconds:0.00} s wall, {thirdCpu:0.00} s CPU ({keys / thirdSeconds:N0} items/s)");
            Console.WriteLine("| entities | deleted | syncing (s) | sweep (s) | of which reading keys (s; CPU s) | deletions/s (sweep) | deletions/s (deleting) | deleting CPU (s) | deletions per CPU second (deleting) |");
            Console.WriteLine($"| {rows:N0} | {deleted:N0} | {syncing:0.00} | {sweeping:0.00} | {finding:0.00}; {findingCpu:0.00} ({keys:N0} rows) | {deleted / sweeping:N0} | {deleted / Math.Max(0.001, sweeping - finding):N0} | {deletingCpu:0.00} | {deleted / Math.Max(0.001, deletingCpu):N0} |");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in Directory.GetFiles(Path.GetDirectoryName(file)!, Path.GetFileName(file) + "*"))
            {
                File.Delete(f);
            }
        }
    }

    private static Entity Repository(int i) => new()
    {
        Blueprint = "githubRepository",
        Identifier = $"repo-{i}",
        Title = $"acme/repo-{i}",
        Properties = new Dictionary<string, JsonElement>
        {
            ["url"] = JsonSerializer.SerializeToElement($"https://github.com/acme/repo-{i}", BenchmarkJsonContext.Default.String),
            ["visibility"] = JsonSerializer.SerializeToElement("public", BenchmarkJsonContext.Default.String),
            ["defaultBranch"] = JsonSerializer.SerializeToElement("main", BenchmarkJsonContext.Default.String),
        },
        Relations = new Dictionary<string, EntityRelation> { ["organization"] = EntityRelation.To("acme") },
    };

    private static Entity PullRequest(int j) => new()
    {
        Blueprint = "githubPullRequest",
        Identifier = $"repo-{j / 3}-{j % 3}",
        Title = $"Pull request {j}",
        Properties = new Dictionary<string, JsonElement>
        {
            ["status"] = JsonSerializer.SerializeToElement("open", BenchmarkJsonContext.Default.String),
            ["link"] = JsonSerializer.SerializeToElement($"https://github.com/acme/repo-{j / 3}/pull/{j % 3}", BenchmarkJsonContext.Default.String),
        },
        Relations = new Dictionary<string, EntityRelation> { ["repository"] = EntityRelation.To($"repo-{j / 3}") },
    };

    private static string BlueprintsPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Port.Sdk.sln")))
            {
                return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "real-world", "ocean", "github", "blueprints.json"));
            }
        }

        throw new InvalidOperationException($"Cannot find Port.Sdk.sln above '{AppContext.BaseDirectory}'.");
    }

    /// <summary>Serves the items as bare numbers: the organisation, the repositories, three pull requests per repository.</summary>
    private sealed class GitHubShapedIntegration : IIntegration
    {
        public int Repositories { get; init; }

        public Func<int, bool> IsPresent { get; set; } = _ => true;

        public string Identifier => "github";

        public IReadOnlyList<string> Kinds { get; } = ["organization", "repository", "pull-request"];

        public async IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var (count, repositoryOf) = kind switch
            {
                "organization" => (1, (Func<int, int>)(_ => 1)),
                "repository" => (Repositories, i => i),
                _ => (Repositories * 3, j => j / 3),
            };
            var page = new List<JsonElement>(100);
            for (var i = 0; i < count; i++)
            {
                if (IsPresent(repositoryOf(i)))
                {
                    page.Add(JsonSerializer.SerializeToElement(i, BenchmarkJsonContext.Default.Int32));
                }

                if (page.Count == 100)
                {
                    yield return page;
                    page = new List<JsonElement>(100);
                    await Task.Yield();
                }
            }

            if (page.Count > 0)
            {
                yield return page;
            }
        }

        public async IAsyncEnumerable<IntegrationEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            yield break;
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
internal sealed partial class BenchmarkJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
