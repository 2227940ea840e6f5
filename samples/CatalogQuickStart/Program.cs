// The embedded catalog, end to end, with no server and no token: blueprints in Port's JSON, entities validated and
// written to a SQLite file, computed properties, a search, a relation walk and a scorecard.
// Run: dotnet run --project samples/CatalogQuickStart [catalog.db]
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Port.Sdk;
using Port.Sdk.Sqlite;
using Port.Sdk.Testing;

var path = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), $"port-quickstart-{Environment.ProcessId}.db");
var services = new ServiceCollection();
services.AddPort()
    .UseSqliteStore(path)
    .AddBlueprints(PortJson.ReadBlueprint(CatalogSamples.Team), PortJson.ReadBlueprint(CatalogSamples.Service), PortJson.ReadBlueprint(CatalogSamples.PullRequest));
await using var provider = services.BuildServiceProvider();
var catalog = provider.GetRequiredService<PortCatalog>();

var clock = Stopwatch.StartNew();
await CatalogSamples.SeedAsync(catalog);
Console.WriteLine($"Catalog: {path}");
Console.WriteLine($"Wrote 2 teams, 3 services and 3 pull requests in {clock.ElapsedMilliseconds} ms.");

// A write that breaks the blueprint is rejected with every reason, and nothing is written.
try
{
    await catalog.UpsertEntityAsync(PortJson.ReadEntity("""
        { "identifier": "billing", "blueprint": "service", "properties": { "url": "not a url", "tier": "platinum" }, "relations": { "team": "finance" } }
        """));
}
catch (CatalogValidationException ex)
{
    Console.WriteLine();
    Console.WriteLine("Rejected (nothing written):");
    foreach (var error in ex.Errors)
    {
        Console.WriteLine($"  {error}");
    }
}

var service = await catalog.GetEntityAsync("service", "payments-api");
Console.WriteLine();
Console.WriteLine($"payments-api: owner {service!.Properties["teamName"]}, slack {service.Properties["teamSlack"]}, open PRs {service.Properties["openPullRequests"]}, pulls {service.Properties["pulls"]}");

var gold = SearchQuery.Parse("""{ "combinator": "and", "rules": [ { "property": "tier", "operator": "in", "value": ["gold", "silver"] } ] }""");
Console.WriteLine();
Console.WriteLine("Gold and silver services:");
await foreach (var entity in catalog.SearchAsync(gold, "service"))
{
    Console.WriteLine($"  {entity.Identifier} ({entity.Properties["tier"]})");
}

Console.WriteLine();
Console.WriteLine("Related to pull request pr-1 (2 hops):");
foreach (var related in await catalog.GetRelatedEntitiesAsync("pullRequest", "pr-1", hops: 2))
{
    Console.WriteLine($"  {related.Entity.Blueprint}/{related.Entity.Identifier} via {string.Join('.', related.Path)}");
}

var scorecard = PortJson.ReadScorecard("""
    { "identifier": "readiness", "blueprint": "service",
      "levels": [ { "title": "Basic" }, { "title": "Bronze" }, { "title": "Gold" } ],
      "rules": [
        { "identifier": "owned", "level": "Bronze", "query": { "combinator": "and", "conditions": [ { "property": "$team", "operator": "isNotEmpty" } ] } },
        { "identifier": "popular", "level": "Gold", "query": { "combinator": "and", "conditions": [ { "property": "stars", "operator": ">", "value": 10 } ] } } ] }
    """);
Console.WriteLine();
Console.WriteLine("Scorecard 'readiness':");
await foreach (var result in catalog.EvaluateScorecardAsync(scorecard))
{
    Console.WriteLine($"  {result.Entity,-14} {result.Level,-7} {string.Join(", ", result.Rules.Select(r => $"{r.Key}={(r.Value ? "pass" : "fail")}"))}");
}
