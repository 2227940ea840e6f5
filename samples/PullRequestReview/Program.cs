// Review a pull request with both layers at once: the catalog (the pull request, the service it changes, the team
// that owns it, the standards the service is held to) and live GitHub data through an MCP connector (the diff, the
// changed files, the reviews), fetched in parallel and printed as one grounded context.
// With no token: the GitHub fixture organisation on 127.0.0.1 is synced into SQLite, and our GitHub MCP server sample
// is started over stdio against the same fixture. With GITHUB_TOKEN, --org ORG and --pr REPO#NUMBER: real GitHub.
// Run: dotnet run --project samples/PullRequestReview [-- --org ORG --pr REPO#NUMBER] [--json]
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Port.Sdk;
using Port.Sdk.GitHub;
using Port.Sdk.Integrations;
using Port.Sdk.Mcp;
using Port.Sdk.Sqlite;
using Port.Sdk.Testing;

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

var token = Environment.GetEnvironmentVariable("GITHUB_TOKEN");
var org = Option("--org");
var pr = Option("--pr");
GitHubFixtureServer? fixture = null;
if (string.IsNullOrEmpty(token) || org is null || pr is null)
{
    fixture = await GitHubFixtureServer.StartAsync(new GitHubFixtureOrganization { Repositories = 60, Teams = 6, Members = 24 });
    org = fixture.Organization.Login;
    pr = $"{GitHubSamples.RepositoryName(13)}#2";
    Console.Error.WriteLine($"No GITHUB_TOKEN, --org and --pr: using the fixture organisation '{org}' at {fixture.BaseAddress}, pull request {pr}.");
}

var baseAddress = fixture?.BaseAddress ?? new Uri("https://api.github.com/");
var path = Path.Combine(Path.GetTempPath(), $"port-review-{Environment.ProcessId}.db");
var services = new ServiceCollection();
services.AddPort()
    .UseSqliteStore(path)
    .AddGitHubIntegration(o =>
    {
        o.Organization = org;
        o.Token = fixture is null ? token : null;
        o.BaseAddress = baseAddress;
        o.Kinds = ["user", "team", "repository", "pull-request"];
    })
    .AddMcpConnector("github", o =>
    {
        // Our GitHub MCP server sample, over stdio; it gets only these variables (and PATH, HOME and the like).
        o.Command = "dotnet";
        o.Arguments.Add(Path.Combine(AppContext.BaseDirectory, "GitHubMcpServer.dll"));
        o.Environment["GITHUB_API_URL"] = baseAddress.ToString();
        if (fixture is null)
        {
            o.Environment["GITHUB_TOKEN"] = token!;
        }
    });
await using var provider = services.BuildServiceProvider();
var catalog = provider.GetRequiredService<PortCatalog>();

var clock = Stopwatch.StartNew();
var report = await provider.GetRequiredService<ResyncEngine>().ResyncAsync();
Console.Error.WriteLine($"Synced {report.Kinds.Sum(k => k.Created + k.Updated + k.Unchanged)} entities from '{org}' in {clock.Elapsed.TotalSeconds:0.00} s into {path}.");

var recipe = ContextRecipeYaml.Load(Path.Combine(AppContext.BaseDirectory, "review-pull-request.yml"));
var composer = new ContextComposer(catalog, provider.GetServices<IMcpConnector>());
var (repository, number) = (pr[..pr.IndexOf('#', StringComparison.Ordinal)], pr[(pr.IndexOf('#', StringComparison.Ordinal) + 1)..]);
var context = await composer.ComposeAsync(new EntityKey("githubPullRequest", $"{repository}-{number}"), recipe);
Console.Error.WriteLine($"Composed in {context.Duration.TotalMilliseconds:0} ms: {context.Entities.Count} entities, {context.Scorecards.Count} scorecard results, {context.Connectors.Count(c => c.Error is null)}/{context.Connectors.Count} connector results.");
Console.WriteLine(args.Contains("--json") ? context.ToJson() : context.ToMarkdown());

if (fixture is not null)
{
    await fixture.DisposeAsync();
}

return context.IsComplete ? 0 : 1;
