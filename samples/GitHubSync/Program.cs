// Syncs a GitHub organisation into an embedded SQLite catalog and prints what it holds.
// With no token: a generated organisation served by the GitHub fixture server on 127.0.0.1 (no network).
// With GITHUB_TOKEN set and --org NAME: the real organisation on api.github.com (or --base-url for GitHub Enterprise).
// Run: dotnet run --project samples/GitHubSync [-- --org NAME] [--db catalog.db] [--repositories N]
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Port.Sdk;
using Port.Sdk.GitHub;
using Port.Sdk.Integrations;
using Port.Sdk.Sqlite;
using Port.Sdk.Testing;

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

var token = Environment.GetEnvironmentVariable("GITHUB_TOKEN");
var org = Option("--org");
var path = Option("--db") ?? Path.Combine(Path.GetTempPath(), $"port-github-{Environment.ProcessId}.db");
GitHubFixtureServer? fixture = null;
if (string.IsNullOrEmpty(token) || org is null)
{
    var repositories = int.TryParse(Option("--repositories"), out var n) ? n : 200;
    fixture = await GitHubFixtureServer.StartAsync(new GitHubFixtureOrganization { Repositories = repositories, Teams = 8, Members = 40 });
    org = fixture.Organization.Login;
    Console.WriteLine($"No GITHUB_TOKEN and --org: syncing the fixture organisation '{org}' ({repositories} repositories) served at {fixture.BaseAddress}.");
}
else
{
    Console.WriteLine($"Syncing the GitHub organisation '{org}'.");
}

var services = new ServiceCollection();
services.AddPort()
    .UseSqliteStore(path)
    .AddGitHubIntegration(o =>
    {
        o.Organization = org;
        o.Token = fixture is null ? token : null;
        o.BaseAddress = fixture?.BaseAddress ?? (Option("--base-url") is { } url ? new Uri(url) : o.BaseAddress);
    });
await using var provider = services.BuildServiceProvider();
var catalog = provider.GetRequiredService<PortCatalog>();
var engine = provider.GetRequiredService<ResyncEngine>();
var integration = provider.GetRequiredService<GitHubIntegration>();

var clock = Stopwatch.StartNew();
var report = await engine.ResyncAsync(new Progress<KindReport>(k => Console.WriteLine($"  {k.Kind,-13} {k.Fetched,6} fetched {k.Created,6} created {k.Updated,6} updated {k.Unchanged,6} unchanged {k.Failures.Count,4} failed  {k.Duration.TotalSeconds,6:0.00} s")));
Console.WriteLine($"First resync: {clock.Elapsed.TotalSeconds:0.00} s, {integration.Statistics.Requests} HTTP requests.");
foreach (var failure in report.Kinds.SelectMany(k => k.Failures).Take(10))
{
    Console.WriteLine($"  failure: {failure}");
}

var before = integration.Statistics;
clock.Restart();
var again = await engine.ResyncAsync();
var after = integration.Statistics;
Console.WriteLine($"Second resync: {clock.Elapsed.TotalSeconds:0.00} s, {again.Kinds.Sum(k => k.Unchanged)} unchanged, {again.Kinds.Sum(k => k.Created + k.Updated)} rewritten, "
    + $"{after.Requests - before.Requests} requests of which {after.NotModified - before.NotModified} answered 304 (free of rate limit).");

Console.WriteLine();
Console.WriteLine($"Catalog: {path}");
Console.WriteLine($"{"blueprint",-20} {"entities",9} {"relations",10}");
await foreach (var blueprint in catalog.GetBlueprintsAsync())
{
    var relations = 0;
    var count = 0;
    await foreach (var entity in catalog.Store.QueryAsync(new EntityQuery { Blueprint = blueprint.Identifier }))
    {
        count++;
        relations += entity.Relations.Values.Sum(r => r.Targets.Count);
    }

    Console.WriteLine($"{blueprint.Identifier,-20} {count,9} {relations,10}");
}

// One service with its owning team and its open pull requests: the relations the sync built.
await foreach (var service in catalog.Store.QueryAsync(new EntityQuery { Blueprint = "service" }))
{
    if (service.Relations.GetValueOrDefault("team")?.Targets is not [var team])
    {
        continue;
    }

    var pulls = await catalog.GetRelatedEntitiesAsync("service", service.Identifier, 1, RelationDirection.Downstream);
    Console.WriteLine();
    Console.WriteLine($"Service '{service.Identifier}' is owned by team '{team}'; {pulls.Count(p => p.Entity.Blueprint == "githubPullRequest")} pull requests and {pulls.Count(p => p.Entity.Blueprint == "githubWorkflow")} workflows relate to it.");
    break;
}

if (fixture is not null)
{
    await fixture.DisposeAsync();
}
