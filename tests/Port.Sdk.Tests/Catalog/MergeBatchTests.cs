namespace Port.Sdk.Tests.Catalog;

/// <summary><see cref="EntityWriteOptions.Merge"/> on batch writes: Ocean's <c>enableMergeEntity</c>.</summary>
public sealed class MergeBatchTests
{
    private const string Repository = """
        { "identifier": "repo",
          "schema": { "properties": { "url": { "type": "string" }, "stars": { "type": "number" }, "language": { "type": "string" } }, "required": ["url"] },
          "relations": { "owner": { "target": "team", "many": false }, "readers": { "target": "team", "many": true } } }
        """;

    private const string Team = """{ "identifier": "team", "schema": { "properties": {} } }""";

    private static readonly EntityWriteOptions MergeOptions = new() { Merge = true };

    [Fact]
    public async Task UpsertEntities_Merge_OverlaysStoredEntity()
    {
        using var catalog = await CatalogAsync();
        await catalog.UpsertEntityAsync(Entity("""{ "identifier": "r", "blueprint": "repo", "title": "Repo", "icon": "Git", "team": ["a"], "properties": { "url": "u", "stars": 1 }, "relations": { "owner": "a" } }"""));

        await catalog.UpsertEntitiesAsync([Entity("""{ "identifier": "r", "blueprint": "repo", "properties": { "stars": 2, "language": "go" }, "relations": { "readers": ["b"] } }""")], MergeOptions);
        var stored = (await catalog.GetEntityAsync("repo", "r"))!;

        Assert.Equal(("Repo", "Git", "a"), (stored.Title, stored.Icon, Assert.Single(stored.Team)));
        Assert.Equal(("u", 2.0, "go"), (stored.Properties["url"].GetString(), stored.Properties["stars"].GetDouble(), stored.Properties["language"].GetString()));
        Assert.Equal(EntityRelation.To("a"), stored.Relations["owner"]);
        Assert.Equal(EntityRelation.ToMany("b"), stored.Relations["readers"]);
    }

    [Fact]
    public async Task UpsertEntities_Merge_TitleIconTeamReplacedWhenGiven()
    {
        using var catalog = await CatalogAsync();
        await catalog.UpsertEntityAsync(Entity("""{ "identifier": "r", "blueprint": "repo", "title": "Old", "icon": "Git", "team": ["a"], "properties": { "url": "u" } }"""));

        await catalog.UpsertEntitiesAsync([Entity("""{ "identifier": "r", "blueprint": "repo", "title": "New", "icon": "Star", "team": ["b"] }""")], MergeOptions);
        var stored = (await catalog.GetEntityAsync("repo", "r"))!;

        Assert.Equal(("New", "Star", "b", "u"), (stored.Title, stored.Icon, Assert.Single(stored.Team), stored.Properties["url"].GetString()));
    }

    [Fact]
    public async Task UpsertEntities_Merge_MissingEntityIsCreated()
    {
        using var catalog = await CatalogAsync();

        await catalog.UpsertEntitiesAsync([Entity("""{ "identifier": "new", "blueprint": "repo", "properties": { "url": "u" } }""")], MergeOptions);

        Assert.Equal("u", (await catalog.GetEntityAsync("repo", "new"))!.Properties["url"].GetString());
    }

    [Fact]
    public async Task UpsertEntities_MergeDuplicates_MergeInOrder()
    {
        using var catalog = await CatalogAsync();

        // Two resources of one kind write one entity: the second adds to the first instead of replacing it.
        await catalog.UpsertEntitiesAsync(
            [
                Entity("""{ "identifier": "r", "blueprint": "repo", "properties": { "url": "u", "stars": 1 } }"""),
                Entity("""{ "identifier": "r", "blueprint": "repo", "properties": { "stars": 5, "language": "go" } }"""),
            ],
            MergeOptions);
        var stored = (await catalog.GetEntityAsync("repo", "r"))!;

        Assert.Equal(("u", 5.0, "go"), (stored.Properties["url"].GetString(), stored.Properties["stars"].GetDouble(), stored.Properties["language"].GetString()));
    }

    [Fact]
    public async Task UpsertEntities_ReplaceDuplicates_LastWins()
    {
        using var catalog = await CatalogAsync();

        await catalog.UpsertEntitiesAsync(
            [
                Entity("""{ "identifier": "r", "blueprint": "repo", "properties": { "url": "u", "stars": 1 } }"""),
                Entity("""{ "identifier": "r", "blueprint": "repo", "properties": { "url": "v" } }"""),
            ]);
        var stored = (await catalog.GetEntityAsync("repo", "r"))!;

        Assert.Equal(["url"], stored.Properties.Keys);
        Assert.Equal("v", stored.Properties["url"].GetString());
    }

    [Fact]
    public async Task ValidateEntities_Merge_ChecksTheMergedResult()
    {
        using var catalog = await CatalogAsync();
        await catalog.UpsertEntityAsync(Entity("""{ "identifier": "r", "blueprint": "repo", "properties": { "url": "u" } }"""));
        var patch = Entity("""{ "identifier": "r", "blueprint": "repo", "properties": { "stars": 3 } }""");

        var merged = await catalog.ValidateEntitiesAsync([patch], MergeOptions);
        var replaced = await catalog.ValidateEntitiesAsync([patch]);

        Assert.Empty(merged);
        Assert.Equal("required", Assert.Single(replaced).Rule);
    }

    [Fact]
    public async Task UpsertEntities_MergeInvalidResult_WritesNothing()
    {
        using var catalog = await CatalogAsync();
        await catalog.UpsertEntityAsync(Entity("""{ "identifier": "r", "blueprint": "repo", "properties": { "url": "u", "stars": 1 } }"""));

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.UpsertEntitiesAsync(
            [Entity("""{ "identifier": "r", "blueprint": "repo", "properties": { "stars": "lots" } }""")], MergeOptions));

        Assert.Equal("/properties/stars", Assert.Single(ex.Errors).Pointer);
        Assert.Equal(1, (await catalog.GetEntityAsync("repo", "r"))!.Properties["stars"].GetDouble());
    }

    [Fact]
    public async Task MergeEntity_Missing_StillNotFound()
    {
        using var catalog = await CatalogAsync();

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.MergeEntityAsync(Entity("""{ "identifier": "none", "blueprint": "repo" }""")));

        Assert.Equal("not-found", Assert.Single(ex.Errors).Rule);
    }

    private static Entity Entity(string json) => PortJson.ReadEntity(json);

    private static async Task<PortCatalog> CatalogAsync()
    {
        var catalog = new PortCatalog(new InMemoryEntityStore());
        await catalog.RegisterBlueprintsAsync([PortJson.ReadBlueprint(Repository), PortJson.ReadBlueprint(Team)]);
        await catalog.UpsertEntitiesAsync([Entity("""{ "identifier": "a", "blueprint": "team" }"""), Entity("""{ "identifier": "b", "blueprint": "team" }""")]);
        return catalog;
    }
}
