using System.Diagnostics;
using Port.Sdk.Integrations;
using Port.Sdk.Sqlite;
using Port.Sdk.Testing;

namespace Port.Sdk.Benchmarks;

/// <summary>
/// How a resync's memory grows with the number of items: resyncs of 50,000, 100,000 and 200,000 generated
/// repositories into SQLite, each reporting its wall time and the peak managed heap sampled during the run. Run with
/// <c>-- resync-scaling</c>; a streamed resync's peak should stay nearly flat while the item count quadruples.
/// </summary>
internal static class ResyncScaling
{
    public static void Run()
    {
        Console.WriteLine("| items | run | seconds | items/s | peak managed heap (MB) |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: |");
        foreach (var count in new[] { 50_000, 100_000, 200_000 })
        {
            var file = Path.Combine(Path.GetTempPath(), $"port-scaling-{Guid.NewGuid():N}.db");
            using (var catalog = new PortCatalog(new SqliteEntityStore(file)))
            {
                catalog.RegisterBlueprintAsync(PortJson.ReadBlueprint(ResyncBenchmark.ServiceBlueprint)).GetAwaiter().GetResult();
                var config = PortAppConfig.Parse(ResyncBenchmark.Config);
                using var engine = new ResyncEngine(catalog, new SampleGitHubIntegration { Count = count }, new JqSemanticMapper(config), config);
                foreach (var run in new[] { "first", "unchanged" })
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                    long peak = GC.GetTotalMemory(forceFullCollection: true);
                    using var sampling = new CancellationTokenSource();
                    var sampler = Task.Run(async () =>
                    {
                        while (!sampling.IsCancellationRequested)
                        {
                            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                            await Task.Delay(5).ConfigureAwait(false);
                        }
                    });
                    var clock = Stopwatch.StartNew();
                    var report = engine.ResyncAsync().GetAwaiter().GetResult();
                    var seconds = clock.Elapsed.TotalSeconds;
                    sampling.Cancel();
                    sampler.GetAwaiter().GetResult();
                    var kind = report.Kinds[0];
                    if (kind.Failures.Count > 0)
                    {
                        throw new InvalidOperationException(kind.Failures[0].ToString());
                    }

                    Console.WriteLine($"| {count:N0} | {run} | {seconds:0.00} | {count / seconds:N0} | {peak / 1048576.0:0} |");
                }
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in Directory.GetFiles(Path.GetDirectoryName(file)!, Path.GetFileName(file) + "*"))
            {
                File.Delete(f);
            }
        }
    }
}
