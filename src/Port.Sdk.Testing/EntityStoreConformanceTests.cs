using System.Text.Json;
using Xunit;
using static Port.Sdk.Testing.CatalogSamples;

namespace Port.Sdk.Testing;

/// <summary>
/// The conformance suite every <see cref="IEntityStore"/> must pass: writes through the catalog (atomic batches,
/// merges, deletes with dependents), every search operator and <c>relatedTo</c>, relation walks, computed
/// properties, scorecards and the change feed. Inherit it in an xunit test project and return your store from
/// <see cref="CreateStore"/>; each test gets a fresh, empty store.
/// </summary>
public abstract partial class EntityStoreConformanceTests
{
    /// <summary>Creates a fresh, empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract IEntityStore CreateStore();

    /// <summary>Delete blueprint, with entities or incoming relations: is refused.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task DeleteBlueprint_WithEntitiesOrIncomingRelations_IsRefused()
    {
        using var catalog = await CreateAsync(CreateStore());
        await SeedAsync(catalog);

        var withEntities = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.DeleteBlueprintAsync("pullRequest"));
        Assert.Equal("has-entities", Assert.Single(withEntities.Errors).Rule);
        var targeted = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.DeleteBlueprintAsync("team"));
        Assert.Contains(targeted.Errors, e => e.Rule == "relation-target" && e.Message.Contains("'service'", StringComparison.Ordinal));
    }


    /// <summary>Stamps: bulk lookup and listing give creation time, data source and the content hash of what is stored.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Stamps_GiveCreatedAtDataSourceAndContentHash_OfStoredEntities()
    {
        using var catalog = await CreateAsync(CreateStore());
        await SeedAsync(catalog);
        await catalog.UpsertEntityAsync(Entity("""{ "identifier": "synced", "blueprint": "team", "dataSource": { "integration": "github-acme", "kind": "team" } }"""));
        var keys = new[] { new EntityKey("team", "synced"), new EntityKey("service", "search"), new EntityKey("service", "missing") };

        var stamps = await catalog.Store.GetStampsAsync(keys);
        var listed = new Dictionary<EntityKey, EntityStamp>();
        await foreach (var (key, stamp) in catalog.Store.QueryStampsAsync(new EntityQuery()))
        {
            listed[key] = stamp;
        }

        Assert.Equal(2, stamps.Count);
        Assert.Equal(9, listed.Count);
        Assert.Equal(new EntityDataSource("github-acme", "team"), stamps[keys[0]].DataSource);
        foreach (var key in keys.Take(2))
        {
            var stored = (await catalog.Store.GetEntityAsync(key.Blueprint, key.Identifier))!;
            Assert.Equal(stored.CreatedAt, stamps[key].CreatedAt);
            Assert.Equal(EntityContentHash.Compute(stored), stamps[key].ContentHash);
            Assert.Equal(stamps[key], listed[key]);
        }

        Assert.NotEqual(stamps[keys[0]].ContentHash, stamps[keys[1]].ContentHash);
    }

    /// <summary>
    /// Keys by source: gives the key and kind of exactly the entities whose data source is the integration (ordinal:
    /// not another integration's, not one without a source), as filtering every stamp does, and follows writes and deletes.
    /// </summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task QueryKeysBySource_GivesTheIntegrationsKeysAndKinds_AsFilteringStamps()
    {
        using var catalog = await CreateAsync(CreateStore());
        await SeedAsync(catalog);
        await catalog.UpsertEntitiesAsync(
        [
            Entity("""{ "identifier": "synced", "blueprint": "team", "dataSource": { "integration": "github-acme", "kind": "team" } }"""),
            Entity("""{ "identifier": "synced-2", "blueprint": "team", "dataSource": { "integration": "github-acme", "kind": "repository" } }"""),
            Entity("""{ "identifier": "other", "blueprint": "team", "dataSource": { "integration": "GitHub-acme", "kind": "team" } }"""),
            Entity("""{ "identifier": "x", "blueprint": "team", "dataSource": { "integration": "github-acme-2", "kind": "team" } }"""),
        ]);
        await catalog.DeleteEntityAsync("team", "x");

        async Task<Dictionary<EntityKey, string>> BySourceAsync()
        {
            var found = new Dictionary<EntityKey, string>();
            await foreach (var (key, kind) in catalog.Store.QueryKeysBySourceAsync("github-acme"))
            {
                Assert.True(found.TryAdd(key, kind), $"'{key}' came twice.");
            }

            return found;
        }

        var expected = new Dictionary<EntityKey, string>();
        await foreach (var (key, stamp) in catalog.Store.QueryStampsAsync(new EntityQuery()))
        {
            if (stamp.DataSource is { Integration: "github-acme" } source)
            {
                expected[key] = source.Kind;
            }
        }

        Assert.Equal(
            new Dictionary<EntityKey, string> { [new("team", "synced")] = "team", [new("team", "synced-2")] = "repository" },
            expected);
        Assert.Equal(expected, await BySourceAsync());

        await catalog.UpsertEntityAsync(Entity("""{ "identifier": "synced", "blueprint": "team", "dataSource": { "integration": "github-acme", "kind": "members" } }"""));
        await catalog.DeleteEntityAsync("team", "synced-2");
        Assert.Equal(new Dictionary<EntityKey, string> { [new("team", "synced")] = "members" }, await BySourceAsync());
        await Assert.ThrowsAsync<ArgumentNullException>("integration", async () => await catalog.Store.QueryKeysBySourceAsync(null!).GetAsyncEnumerator().MoveNextAsync());
    }

    /// <summary>Upsert entity, invalid (strict mode): names the entity, pointer and rule, and writes nothing.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task UpsertEntity_Invalid_NamesEntityPointerAndRule_AndWritesNothing()
    {
        using var catalog = await CreateAsync(CreateStore(), CatalogValidationMode.Strict);
        await SeedAsync(catalog);
        var entity = Entity("""
            { "identifier": "web", "blueprint": "service", "properties": { "url": "ftp://x", "language": "cobol", "color": "red" },
              "relations": { "team": ["platform"], "owner": "x" } }
            """);

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.UpsertEntityAsync(entity));

        Assert.Equal(
            [
                "entity 'web' of blueprint 'service' /properties/url: must be a valid 'url' (format)",
                "entity 'web' of blueprint 'service' /properties/language: must be one of [\"csharp\",\"go\",\"python\"] (enum)",
                "entity 'web' of blueprint 'service' /properties: has the property 'color', which is not allowed (not a property of the blueprint) (additionalProperties)",
                "entity 'web' of blueprint 'service' /relations/team: relation 'team' holds one entity, but an array was given (many)",
                "entity 'web' of blueprint 'service' /relations/owner: blueprint 'service' has no relation 'owner' (relation)",
            ],
            ex.Errors.Select(e => e.ToString()));
        Assert.Null(await catalog.GetEntityAsync("service", "web"));
    }


    /// <summary>Upsert entity, bad input: clear error.</summary>
    /// <param name="json">The entity.</param>
    /// <param name="pointer">The JSON Pointer the error must name.</param>
    /// <param name="message">Part of the error's sentence.</param>
    /// <returns>A task.</returns>
    [Theory]
    [InlineData("""{ "identifier": "x", "blueprint": "nothing" }""", "/blueprint", "there is no blueprint 'nothing'")]
    [InlineData("""{ "identifier": "has space", "blueprint": "team" }""", "/identifier", "may contain only")]
    [InlineData("""{ "identifier": "pr-9", "blueprint": "pullRequest", "properties": { "status": "open" } }""", "/relations/service", "the required relation 'service' (to 'service') is missing")]
    [InlineData("""{ "identifier": "pr-9", "blueprint": "pullRequest", "relations": { "service": "ghost" } }""", "/relations/service", "there is no entity 'ghost' of blueprint 'service'")]
    [InlineData("""{ "identifier": "svc", "blueprint": "service", "properties": { "stars": "many" } }""", "/properties/stars", "must be number, was string")]
    public async Task UpsertEntity_BadInput_ClearError(string json, string pointer, string message)
    {
        using var catalog = await CreateAsync(CreateStore());
        await SeedAsync(catalog);

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.UpsertEntityAsync(Entity(json)));

        Assert.Contains(ex.Errors, e => e.Pointer == pointer && e.Message.Contains(message, StringComparison.Ordinal));
    }


    /// <summary>Upsert entities, one bad entity: writes none.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task UpsertEntities_OneBadEntity_WritesNone()
    {
        using var catalog = await CreateAsync(CreateStore());
        var changes = new List<EntityChange>();

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.UpsertEntitiesAsync(
        [
            Entity("""{ "identifier": "a", "blueprint": "team" }"""),
            Entity("""{ "identifier": "b", "blueprint": "team", "properties": { "slack": "no-hash" } }"""),
            Entity("""{ "identifier": "a", "blueprint": "team" }"""),
        ]));

        // In Port mode the same entity twice is accepted (the last applies); the bad one still rejects the batch.
        Assert.Equal(["b:pattern"], ex.Errors.Select(e => $"{e.Entity}:{e.Rule}"));
        Assert.Equal(0, await catalog.Store.CountAsync("team"));
    }


    /// <summary>Upsert entity, missing related: creates placeholder when asked.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task UpsertEntity_MissingRelated_CreatesPlaceholderWhenAsked()
    {
        using var catalog = await CreateAsync(CreateStore());
        var entity = Entity("""{ "identifier": "web", "blueprint": "service", "properties": { "url": "https://x.io" }, "relations": { "team": "frontend" } }""");

        await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.UpsertEntityAsync(entity));
        await catalog.UpsertEntityAsync(entity, new EntityWriteOptions { CreateMissingRelatedEntities = true });

        Assert.NotNull(await catalog.GetEntityAsync("team", "frontend"));
        Assert.Equal("frontend", (await catalog.GetEntityAsync("service", "web"))!.Relations["team"].Targets[0]);
    }


    /// <summary>Create, merge and replace behave as Port does.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CreateMergeReplace_BehaveAsPortDoes()
    {
        using var catalog = await CreateAsync(CreateStore());
        await SeedAsync(catalog);

        await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.CreateEntityAsync(Entity("""{ "identifier": "platform", "blueprint": "team" }""")));
        var merged = await catalog.MergeEntityAsync(Entity("""{ "identifier": "search", "blueprint": "service", "properties": { "tier": "gold" } }"""));
        Assert.Equal("gold", merged.Properties["tier"].GetString());
        Assert.Equal("go", merged.Properties["language"].GetString());
        Assert.Equal("platform", merged.Relations["team"].Targets[0]);

        var replaced = await catalog.UpsertEntityAsync(Entity("""{ "identifier": "search", "blueprint": "service", "properties": { "url": "https://github.com/acme/search2" } }"""));
        Assert.False(replaced.Properties.ContainsKey("language"));
        Assert.True(replaced.CreatedAt <= replaced.UpdatedAt);
        await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.MergeEntityAsync(Entity("""{ "identifier": "nope", "blueprint": "service" }""")));
    }


    /// <summary>Delete entity, with required dependents: refused unless deleting dependents.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task DeleteEntity_WithRequiredDependents_RefusedUnlessDeletingDependents()
    {
        using var catalog = await CreateAsync(CreateStore());
        await SeedAsync(catalog);

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.DeleteEntityAsync("service", "payments-api"));
        Assert.Equal(2, ex.Errors.Count);
        Assert.All(ex.Errors, e => Assert.Equal("has-dependents", e.Rule));

        Assert.True(await catalog.DeleteEntityAsync("service", "payments-api", deleteDependents: true));
        Assert.Null(await catalog.GetEntityAsync("pullRequest", "pr-1"));
        Assert.NotNull(await catalog.GetEntityAsync("pullRequest", "pr-3"));

        // An optional relation to a deleted entity is cleared.
        Assert.True(await catalog.DeleteEntityAsync("team", "platform"));
        Assert.Equal(["payments"], (await catalog.GetEntityAsync("pullRequest", "pr-3"))!.Relations["reviewers"].Targets);
        Assert.Empty((await catalog.GetEntityAsync("service", "search"))!.Relations["team"].Targets);
        Assert.False(await catalog.DeleteEntityAsync("team", "platform"));
    }


    /// <summary>Mirror, calculation and aggregation properties are current on read.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ComputedProperties_MirrorCalculationAggregation_AreCurrentOnRead()
    {
        using var catalog = await CreateAsync(CreateStore());
        await SeedAsync(catalog);

        var service = (await catalog.GetEntityAsync("service", "payments-api"))!;
        Assert.Equal("#payments", service.Properties["teamSlack"].GetString());
        Assert.Equal("Payments Team", service.Properties["teamName"].GetString());
        Assert.Equal("https://github.com/acme/payments-api/pulls", service.Properties["pulls"].GetString());
        Assert.Equal(2, service.Properties["openPullRequests"].GetDouble());
        Assert.Equal(20, service.Properties["averageAdditions"].GetDouble());

        await catalog.MergeEntityAsync(Entity("""{ "identifier": "payments", "blueprint": "team", "properties": { "slack": "#pay" } }"""));
        await catalog.MergeEntityAsync(Entity("""{ "identifier": "pr-2", "blueprint": "pullRequest", "properties": { "status": "merged" } }"""));
        service = (await catalog.GetEntityAsync("service", "payments-api"))!;
        Assert.Equal("#pay", service.Properties["teamSlack"].GetString());
        Assert.Equal(1, service.Properties["openPullRequests"].GetDouble());
        Assert.Equal(JsonValueKind.Null, (await catalog.GetEntityAsync("service", "legacy"))!.Properties["averageAdditions"].ValueKind);
    }


    /// <summary>Search: every operator of the rule language finds the right services.</summary>
    /// <param name="rule">The rule.</param>
    /// <param name="expected">The expected identifiers.</param>
    /// <returns>A task.</returns>
    [Theory]
    [InlineData("""{ "property": "language", "operator": "=", "value": "go" }""", "search")]
    [InlineData("""{ "property": "language", "operator": "!=", "value": "go" }""", "legacy,payments-api")]
    [InlineData("""{ "property": "stars", "operator": ">", "value": 7 }""", "payments-api")]
    [InlineData("""{ "property": "stars", "operator": ">=", "value": 7 }""", "payments-api,search")]
    [InlineData("""{ "property": "stars", "operator": "<", "value": 7 }""", "legacy")]
    [InlineData("""{ "property": "stars", "operator": "<=", "value": 7 }""", "legacy,search")]
    [InlineData("""{ "property": "stars", "operator": "between", "value": { "from": 1, "to": 10 } }""", "search")]
    [InlineData("""{ "property": "stars", "operator": "notBetween", "value": { "from": 1, "to": 10 } }""", "legacy,payments-api")]
    [InlineData("""{ "property": "lastDeploy", "operator": "between", "value": { "from": "2026-11-01T00:00:00Z", "to": "2026-12-01T00:00:00Z" } }""", "payments-api")]
    [InlineData("""{ "property": "topics", "operator": "contains", "value": "pci" }""", "payments-api")]
    [InlineData("""{ "property": "$title", "operator": "contains", "value": "ear" }""", "search")]
    [InlineData("""{ "property": "topics", "operator": "containsAny", "value": ["api", "ml"] }""", "payments-api")]
    [InlineData("""{ "property": "topics", "operator": "doesNotContains", "value": "pci" }""", "legacy,search")]
    [InlineData("""{ "property": "$identifier", "operator": "beginsWith", "value": "pay" }""", "payments-api")]
    [InlineData("""{ "property": "$identifier", "operator": "endsWith", "value": "h" }""", "search")]
    [InlineData("""{ "property": "tier", "operator": "in", "value": ["gold", "silver"] }""", "payments-api,search")]
    [InlineData("""{ "property": "tier", "operator": "notIn", "value": ["gold"] }""", "legacy,search")]
    [InlineData("""{ "property": "tier", "operator": "isEmpty" }""", "legacy")]
    [InlineData("""{ "property": "topics", "operator": "isNotEmpty" }""", "payments-api")]
    [InlineData("""{ "property": "$team", "operator": "containsAny", "value": ["platform"] }""", "search")]
    [InlineData("""{ "property": "$blueprint", "operator": "=", "value": "service" }""", "legacy,payments-api,search")]
    [InlineData("""{ "property": "$createdAt", "operator": ">", "value": "2000-01-01T00:00:00Z" }""", "legacy,payments-api,search")]
    [InlineData("""{ "property": "$updatedAt", "operator": "<", "value": "2000-01-01T00:00:00Z" }""", "")]
    [InlineData("""{ "operator": "relatedTo", "blueprint": "team", "value": "payments", "direction": "downstream" }""", "payments-api")]
    [InlineData("""{ "property": "openPullRequests", "operator": ">", "value": 0 }""", "payments-api")]
    [InlineData("""{ "combinator": "or", "rules": [ { "property": "tier", "operator": "=", "value": "gold" }, { "combinator": "and", "rules": [ { "property": "language", "operator": "=", "value": "python" }, { "property": "stars", "operator": "=", "value": 0 } ] } ] }""", "legacy,payments-api")]
    public async Task Search_EveryOperator(string rule, string expected)
    {
        using var catalog = await CreateAsync(CreateStore());
        await SeedAsync(catalog);
        var query = SearchQuery.Parse($$"""{ "combinator": "and", "rules": [ {{rule}} ] }""");

        var found = new List<string>();
        await foreach (var entity in catalog.SearchAsync(query, "service"))
        {
            found.Add(entity.Identifier);
        }

        Assert.Equal(expected, string.Join(',', found.Order(StringComparer.Ordinal)));
    }


    /// <summary>Search, related to upstream: finds what an entity points to.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Search_RelatedToUpstream_FindsWhatAnEntityPointsTo()
    {
        using var catalog = await CreateAsync(CreateStore());
        await SeedAsync(catalog);
        var query = SearchQuery.Parse("""{ "combinator": "and", "rules": [ { "operator": "relatedTo", "blueprint": "pullRequest", "value": "pr-3", "direction": "upstream" } ] }""");

        var found = new List<string>();
        await foreach (var entity in catalog.SearchAsync(query))
        {
            found.Add($"{entity.Blueprint}/{entity.Identifier}");
        }

        Assert.Equal(["service/search", "team/payments", "team/platform"], found.Order(StringComparer.Ordinal));
    }


    /// <summary>Relation walks go both directions, up to N hops.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task GetRelatedEntities_WalksBothDirectionsUpToNHops()
    {
        using var catalog = await CreateAsync(CreateStore());
        await SeedAsync(catalog);

        var oneHop = await catalog.GetRelatedEntitiesAsync("pullRequest", "pr-1", hops: 1);
        Assert.Equal(["service/payments-api via service", "team/platform via reviewers"], oneHop.Select(r => $"{r.Entity.Blueprint}/{r.Entity.Identifier} via {string.Join('.', r.Path)}").Order(StringComparer.Ordinal));

        var threeHops = await catalog.GetRelatedEntitiesAsync("pullRequest", "pr-1", hops: 3);
        Assert.Contains(threeHops, r => r.Entity.Identifier == "payments" && r.Hops == 2 && string.Join('.', r.Path) == "service.team");
        Assert.Contains(threeHops, r => r.Entity.Identifier == "pr-2" && r.Hops == 2 && string.Join('.', r.Path) == "service.~service");
        Assert.Contains(threeHops, r => r.Entity.Identifier == "pr-3" && r.Hops == 2);

        var upstream = await catalog.GetRelatedEntitiesAsync("team", "payments", hops: 2, RelationDirection.Upstream);
        Assert.Empty(upstream);
    }


    /// <summary>A scorecard gives each entity its level and every rule's outcome.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Scorecard_GivesEachEntityItsLevelAndEveryRule()
    {
        using var catalog = await CreateAsync(CreateStore());
        await SeedAsync(catalog);
        var scorecard = PortJson.ReadScorecard("""
            {
              "identifier": "production-readiness", "blueprint": "service",
              "levels": [ { "title": "Basic", "color": "paleBlue" }, { "title": "Bronze" }, { "title": "Gold" } ],
              "rules": [
                { "identifier": "has-team", "level": "Bronze", "query": { "combinator": "and", "conditions": [ { "property": "$team", "operator": "isNotEmpty" } ] } },
                { "identifier": "has-tier", "level": "Bronze", "query": { "combinator": "and", "conditions": [ { "property": "tier", "operator": "isNotEmpty" } ] } },
                { "identifier": "popular", "level": "Gold", "query": { "combinator": "and", "conditions": [ { "property": "stars", "operator": ">", "value": 10 } ] } }
              ]
            }
            """);

        var results = new Dictionary<string, ScorecardResult>();
        await foreach (var result in catalog.EvaluateScorecardAsync(scorecard))
        {
            results[result.Entity] = result;
        }

        Assert.Equal("Gold", results["payments-api"].Level);
        Assert.Equal("Bronze", results["search"].Level);
        Assert.Equal("Basic", results["legacy"].Level);
        Assert.False(results["search"].Rules["popular"]);
        Assert.True(results["search"].Rules["has-tier"]);
    }


    /// <summary>The change feed reports created, updated and deleted entities.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Watch_ReportsCreatedUpdatedDeleted()
    {
        using var catalog = await CreateAsync(CreateStore());
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var changes = catalog.WatchAsync(cancellation.Token).GetAsyncEnumerator(cancellation.Token);
        var first = changes.MoveNextAsync(); // subscribes before the writes

        await catalog.UpsertEntityAsync(Entity("""{ "identifier": "t", "blueprint": "team" }"""));
        await catalog.UpsertEntityAsync(Entity("""{ "identifier": "t", "blueprint": "team", "title": "T" }"""));
        await catalog.DeleteEntityAsync("team", "t");

        Assert.True(await first);
        Assert.Equal(EntityChangeKind.Created, changes.Current.Kind);
        Assert.True(await changes.MoveNextAsync());
        Assert.Equal(EntityChangeKind.Updated, changes.Current.Kind);
        Assert.Equal("T", changes.Current.Entity!.Title);
        Assert.True(await changes.MoveNextAsync());
        Assert.Equal(new EntityChange(EntityChangeKind.Deleted, new EntityKey("team", "t"), null), changes.Current);
    }
}
