using Xunit;
using static Port.Sdk.Testing.CatalogSamples;

namespace Port.Sdk.Testing;

/// <summary>Bulk relation lookups and bulk deletions: the same answers as one query, or one deletion, at a time.</summary>
public abstract partial class EntityStoreConformanceTests
{
    /// <summary>Query relating: each target gets the entities a downstream <c>relatedTo</c> query finds for it, once each.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task QueryRelating_GivesEachTargetWhatRelatedToFinds()
    {
        using var catalog = await CreateAsync(CreateStore());
        await SeedAsync(catalog);
        EntityKey[] targets = [new("service", "payments-api"), new("team", "platform"), new("team", "payments"), new("service", "legacy"), new("service", "missing"), new("team", "platform")];

        var bulk = new List<string>();
        await foreach (var (target, entity) in catalog.Store.QueryRelatingAsync(targets))
        {
            bulk.Add($"{target} <- {entity.Blueprint}/{entity.Identifier}");
        }

        var oneByOne = new List<string>();
        foreach (var target in targets.Distinct())
        {
            var rule = new RelatedToRule { Blueprint = target.Blueprint, Value = target.Identifier, Direction = RelationDirection.Downstream };
            await foreach (var entity in catalog.Store.QueryAsync(new EntityQuery { Filter = new SearchQuery { Rules = [rule] } }))
            {
                oneByOne.Add($"{target} <- {entity.Blueprint}/{entity.Identifier}");
            }
        }

        bulk.Sort(StringComparer.Ordinal);
        oneByOne.Sort(StringComparer.Ordinal);
        Assert.Equal(
            [
                "service/payments-api <- pullRequest/pr-1",
                "service/payments-api <- pullRequest/pr-2",
                "team/payments <- pullRequest/pr-3",
                "team/payments <- service/payments-api",
                "team/platform <- pullRequest/pr-1",
                "team/platform <- pullRequest/pr-3",
                "team/platform <- service/search",
            ],
            bulk);
        Assert.Equal(oneByOne, bulk);
    }

    /// <summary>Delete entities: the outcomes and the catalog left are those of deleting the same keys one by one, in order.</summary>
    /// <param name="deleteDependents">Whether dependents are deleted too.</param>
    /// <param name="expected">The expected status of each key.</param>
    /// <returns>A task.</returns>
    [Theory]
    [InlineData(false, "Refused Deleted Deleted Deleted Deleted NotFound Deleted NotFound")]
    [InlineData(true, "Deleted NotFound NotFound Deleted NotFound NotFound Deleted NotFound")]
    public async Task DeleteEntities_InOrder_AsDeletingOneByOne(bool deleteDependents, string expected)
    {
        // payments-api is required by pr-1 and pr-2; team platform is related to (optionally) by search, pr-1 and pr-3.
        EntityKey[] keys =
        [
            new("service", "payments-api"), new("pullRequest", "pr-1"), new("pullRequest", "pr-2"), new("team", "platform"),
            new("service", "payments-api"), new("team", "missing"), new("pullRequest", "pr-3"), new("pullRequest", "pr-3"),
        ];
        using var bulk = await CreateAsync(CreateStore());
        using var single = await CreateAsync(CreateStore());
        await SeedAsync(bulk);
        await SeedAsync(single);

        var outcomes = await bulk.DeleteEntitiesAsync(keys, deleteDependents);
        var singles = new List<string>();
        foreach (var key in keys)
        {
            try
            {
                singles.Add(await single.DeleteEntityAsync(key.Blueprint, key.Identifier, deleteDependents) ? "Deleted" : "NotFound");
            }
            catch (CatalogValidationException ex)
            {
                singles.Add("Refused: " + string.Join(" | ", ex.Errors.Select(e => e.Message)));
            }
        }

        Assert.Equal(keys, outcomes.Select(o => o.Key));
        Assert.Equal(expected.Split(' '), outcomes.Select(o => o.Status.ToString()));
        Assert.Equal(singles, outcomes.Select(o => o.Status == EntityDeletionStatus.Refused ? "Refused: " + string.Join(" | ", o.Errors.Select(e => e.Message)) : o.Status.ToString()));
        Assert.Equal(await SnapshotAsync(single), await SnapshotAsync(bulk));
        Assert.Equal(["service/legacy", "service/search"], await SurvivorsAsync(bulk, "service", "payments-api", "legacy", "search"));
        Assert.Empty((await bulk.GetEntityAsync("service", "search"))!.Relations["team"].Targets);
        if (deleteDependents)
        {
            Assert.Equal([new EntityKey("pullRequest", "pr-1"), new EntityKey("pullRequest", "pr-2")], outcomes[0].Dependents);
        }
        else
        {
            Assert.Equal(["entity 'pr-1' of blueprint 'pullRequest' requires it through 'service'; delete with dependents, or change that entity first", "entity 'pr-2' of blueprint 'pullRequest' requires it through 'service'; delete with dependents, or change that entity first"], outcomes[0].Errors.Select(e => e.Message).Order(StringComparer.Ordinal));
        }
    }

    /// <summary>Delete entities, more than one run of 1,000: every entity is deleted and the relations to them are cleared across runs.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task DeleteEntities_ManyRuns_DeletesEveryOne_AndClearsRelationsAcrossRuns()
    {
        using var catalog = await CreateAsync(CreateStore());
        await catalog.UpsertEntityAsync(Entity("""{ "identifier": "platform", "blueprint": "team" }"""));
        var services = Enumerable.Range(0, 1_100).Select(i => Entity($$"""{ "identifier": "s{{i}}", "blueprint": "service", "properties": { "url": "https://example.com/{{i}}" }, "relations": { "team": "platform" } }""")).ToList();
        await catalog.UpsertEntitiesAsync(services);

        // The team goes first: its deletion clears the relation of every service, including those of the second run.
        var keys = services.Where((_, i) => i % 2 == 0).Select(s => new EntityKey("service", s.Identifier)).Prepend(new EntityKey("team", "platform")).ToList();
        var outcomes = await catalog.DeleteEntitiesAsync(keys);

        Assert.All(outcomes, o => Assert.Equal(EntityDeletionStatus.Deleted, o.Status));
        Assert.Equal(0, await catalog.Store.CountAsync("team"));
        var survivors = new List<string>();
        await foreach (var service in catalog.Store.QueryAsync(new EntityQuery { Blueprint = "service" }))
        {
            Assert.Empty(service.Relations["team"].Targets);
            survivors.Add(service.Identifier);
        }

        Assert.Equal(Enumerable.Range(0, 1_100).Where(i => i % 2 == 1).Select(i => $"s{i}").Order(StringComparer.Ordinal), survivors.Order(StringComparer.Ordinal));
        var platform = new RelatedToRule { Blueprint = "team", Value = "platform", Direction = RelationDirection.Downstream };
        await foreach (var related in catalog.Store.QueryAsync(new EntityQuery { Filter = new SearchQuery { Rules = [platform] } }))
        {
            Assert.Fail($"'{related.Identifier}' still relates to the deleted team.");
        }
    }

    private static async Task<List<string>> SurvivorsAsync(PortCatalog catalog, string blueprint, params string[] identifiers)
    {
        var survivors = new List<string>();
        foreach (var identifier in identifiers)
        {
            if (await catalog.Store.GetEntityAsync(blueprint, identifier) is not null)
            {
                survivors.Add($"{blueprint}/{identifier}");
            }
        }

        return survivors;
    }

    /// <summary>Every stored entity as JSON without its timestamps (two catalogs written at different times compare equal).</summary>
    private static async Task<List<string>> SnapshotAsync(PortCatalog catalog)
    {
        var snapshot = new List<string>();
        await foreach (var entity in catalog.Store.QueryAsync(new EntityQuery()))
        {
            snapshot.Add(PortJson.Write(entity with { CreatedAt = null, UpdatedAt = null }));
        }

        snapshot.Sort(StringComparer.Ordinal);
        return snapshot;
    }
}
