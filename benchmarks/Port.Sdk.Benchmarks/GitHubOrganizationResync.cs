using System.Diagnostics;
using Port.Sdk.GitHub;
using Port.Sdk.Integrations;
using Port.Sdk.Sqlite;
using Port.Sdk.Testing;

namespace Port.Sdk.Benchmarks;

/// <summary>
/// A resync of a 5,000-repository organisation (2 open pull requests each, 20 teams, 100 members) from the GitHub
/// fixture server on 127.0.0.1 through Octokit into SQLite, then an unchanged rerun: wall time, entities, and the HTTP
/// requests each took (the rerun's are conditional, answered 304). Run with <c>-- github-resync</c>.
/// </summary>
internal static class GitHubOrganizationResync
{
    public static void Run()
    {
        var organization = new GitHubFixtureOrganization { Repositories = 5_000, PullRequestsPerRepository = 2, Teams = 20, Members = 100, RateLimit = 1_000_000 };
        var server = GitHubFixtureServer.StartAsync(organization).GetAwaiter().GetResult();
        var file = Path.Combine(Path.GetTempPath(), $"port-github-{Guid.NewGuid():N}.db");
        try
        {
            using var catalog = new PortCatalog(new SqliteEntityStore(file));
            catalog.RegisterBlueprintsAsync(GitHubDefaults.Blueprints()).GetAwaiter().GetResult();
            using var integration = new GitHubIntegration(new GitHubIntegrationOptions { Organization = "acme", BaseAddress = server.BaseAddress, Token = "fixture" });
            var config = GitHubDefaults.Config();
            using var engine = new ResyncEngine(catalog, integration, new JqSemanticMapper(config), config);
            Console.WriteLine("| run | seconds | entities written | unchanged | HTTP requests | of which 304 |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var run in new[] { "first", "unchanged" })
            {
                var (requests, notModified) = (server.Requests, server.NotModified);
                var clock = Stopwatch.StartNew();
                var report = engine.ResyncAsync().GetAwaiter().GetResult();
                var seconds = clock.Elapsed.TotalSeconds;
                if (!report.Completed || report.Kinds.Any(k => k.Failures.Count > 0))
                {
                    throw new InvalidOperationException(string.Join("; ", report.Kinds.SelectMany(k => k.Failures).Take(5)));
                }

                Console.WriteLine($"| {run} | {seconds:0.00} | {report.Kinds.Sum(k => k.Created + k.Updated):N0} | {report.Kinds.Sum(k => k.Unchanged):N0} | {server.Requests - requests:N0} | {server.NotModified - notModified:N0} |");
            }
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in Directory.GetFiles(Path.GetDirectoryName(file)!, Path.GetFileName(file) + "*"))
            {
                File.Delete(f);
            }
        }
    }
}
