using BenchmarkDotNet.Attributes;
using Port.Sdk.Testing;

namespace Port.Sdk.Benchmarks;

/// <summary>
/// The context composer's own cost: composing a pull request's context (a 2-hop relation walk, one scorecard, three
/// connector calls with jq-built arguments, Markdown rendering) when every connector answers at once, so all that is
/// measured is what the composer adds beyond the slowest connector. The baseline reads the same entities from the
/// catalog without composing.
/// </summary>
[MemoryDiagnoser]
public class ComposerBenchmark
{
    private PortCatalog _catalog = null!;
    private ContextComposer _composer = null!;
    private ContextComposer _slowComposer = null!;
    private ContextRecipe _recipe = null!;

    [GlobalSetup]
    public void Setup()
    {
        _catalog = CatalogSamples.CreateAsync().GetAwaiter().GetResult();
        CatalogSamples.SeedAsync(_catalog).GetAwaiter().GetResult();
        var connectors = new[] { "diff", "files", "reviews" }.Select(n => new TestMcpConnector(n) { CallToolHandler = (tool, _, _) => Task.FromResult(new McpToolResult($"{tool} result")) }).ToList();
        _composer = new ContextComposer(_catalog, connectors);

        // The same three connectors, each answering after 200 ms: composed in parallel, about 200 ms, not 600.
        _slowComposer = new ContextComposer(_catalog, connectors.Select(c => new TestMcpConnector(c.Name)
        {
            CallToolHandler = async (tool, _, token) =>
            {
                await Task.Delay(200, token);
                return new McpToolResult($"{tool} result");
            },
        }));
        _recipe = new ContextRecipe
        {
            Relations = { new ContextRelationWalk { Direction = RelationDirection.Upstream, Hops = 2 } },
            Scorecards = { PortJson.ReadScorecard("""{ "identifier": "owned", "blueprint": "service", "levels": [ { "title": "Basic" }, { "title": "Gold" } ], "rules": [ { "identifier": "team", "level": "Gold", "query": { "combinator": "and", "rules": [ { "property": "$team", "operator": "isNotEmpty" } ] } } ] }""") },
        };
        foreach (var connector in connectors)
        {
            _recipe.Calls.Add(new ContextConnectorCall(connector.Name, "get", "{repo: .relations.service, number: (.identifier | ltrimstr(\"pr-\") | tonumber)}"));
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<int> ReadEntitiesOnly()
    {
        var subject = await _catalog.GetEntityAsync("pullRequest", "pr-1");
        var related = await _catalog.GetRelatedEntitiesAsync("pullRequest", "pr-1", 2, RelationDirection.Upstream);
        return related.Count + (subject is null ? 0 : 1);
    }

    [Benchmark]
    public async Task<int> Compose() => (await _composer.ComposeAsync(new EntityKey("pullRequest", "pr-1"), _recipe)).Connectors.Count;

    [Benchmark]
    public async Task<int> ComposeAndRenderMarkdown() => (await _composer.ComposeAsync(new EntityKey("pullRequest", "pr-1"), _recipe)).ToMarkdown().Length;

    [Benchmark]
    public async Task<int> ComposeWithThreeConnectorsOf200Ms() => (await _slowComposer.ComposeAsync(new EntityKey("pullRequest", "pr-1"), _recipe)).Connectors.Count;

    [GlobalCleanup]
    public void Cleanup() => _catalog.Dispose();
}
