using Port.Sdk.Testing;

namespace Port.Sdk.Tests;

/// <summary>The in-memory store passes the store conformance suite.</summary>
public sealed class InMemoryEntityStoreTests : EntityStoreConformanceTests
{
    protected override IEntityStore CreateStore() => new InMemoryEntityStore();

    [Fact]
    public async Task Query_IdentifierInAListWithANumberOrRepeats_MatchesEachStringOnce_NeverThrows()
    {
        var store = new InMemoryEntityStore();
        using var catalog = await CatalogSamples.CreateAsync(store);
        await CatalogSamples.SeedAsync(catalog);

        async Task<string> FindAsync(string values)
        {
            var query = new EntityQuery { Blueprint = "service", Filter = SearchQuery.Parse($$"""{ "combinator": "and", "rules": [ { "property": "$identifier", "operator": "in", "value": {{values}} } ] }""") };
            var found = new List<string>();
            await foreach (var entity in store.QueryAsync(query))
            {
                found.Add(entity.Identifier);
            }

            return string.Join(',', found);
        }

        Assert.Equal("search", await FindAsync("""["search", 7]"""));
        Assert.Equal("search", await FindAsync("""["search", "search", "nope"]"""));
    }
}
