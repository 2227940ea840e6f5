using Xunit;
using static Port.Sdk.Testing.CatalogSamples;

namespace Port.Sdk.Testing;

/// <summary>Relation walks at the store: the same entities and distances as the hop-by-hop walk, through cycles and missing targets.</summary>
public abstract partial class EntityStoreConformanceTests
{
    /// <summary>The store's walk finds what <see cref="EntityRelationWalk.WalkAsync"/> finds, from every entity, in every direction.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task WalkRelations_FindsWhatTheHopByHopWalkFinds_FromEveryEntity()
    {
        using var catalog = await CreateAsync(CreateStore());
        await SeedAsync(catalog);
        var starts = new List<EntityKey>();
        await foreach (var entity in catalog.Store.QueryAsync(new EntityQuery()))
        {
            starts.Add(new EntityKey(entity.Blueprint, entity.Identifier));
        }

        Assert.NotEmpty(starts);
        foreach (var start in starts.Append(new EntityKey("service", "missing")))
        {
            foreach (var direction in (RelationDirection?[])[null, RelationDirection.Upstream, RelationDirection.Downstream])
            {
                foreach (var hops in (int[])[1, 3])
                {
                    var expected = await DistancesAsync(EntityRelationWalk.WalkAsync(catalog.Store, start, hops, direction));
                    var actual = await DistancesAsync(catalog.Store.WalkRelationsAsync(start, hops, direction));
                    Assert.True(expected.SequenceEqual(actual), $"From {start}, {direction?.ToString() ?? "both ways"}, {hops} hops: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}].");
                }
            }
        }
    }

    /// <summary>A walk round a cycle ends, finds each entity once at its shortest distance, and does not go through a missing target.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task WalkRelations_RoundACycle_EachEntityOnceAtItsShortestDistance()
    {
        using var catalog = await CreateAsync(CreateStore());
        await catalog.RegisterBlueprintAsync(PortJson.ReadBlueprint("""{ "identifier": "node", "relations": { "next": { "target": "node" }, "also": { "target": "node", "many": true } } }"""));
        var ring = Enumerable.Range(0, 5).Select(i => new Entity
        {
            Identifier = $"n{i}",
            Blueprint = "node",
            Relations = new Dictionary<string, EntityRelation>
            {
                ["next"] = EntityRelation.To($"n{(i + 1) % 5}"),
                ["also"] = EntityRelation.ToMany(i == 0 ? ["ghost"] : []),
            },
        });
        await catalog.Store.ApplyAsync(new EntityChangeSet { Upserts = [.. ring] });

        var both = await DistancesAsync(catalog.Store.WalkRelationsAsync(new EntityKey("node", "n0"), 10, null));
        Assert.Equal(["node/n1 1", "node/n4 1", "node/n2 2", "node/n3 2"], both);

        var upstream = new List<RelatedEntity>();
        await foreach (var related in catalog.Store.WalkRelationsAsync(new EntityKey("node", "n0"), 10, RelationDirection.Upstream))
        {
            upstream.Add(related);
        }

        Assert.Equal(["n1 next", "n2 next.next", "n3 next.next.next", "n4 next.next.next.next"], upstream.Select(r => $"{r.Entity.Identifier} {string.Join('.', r.Path)}"));

        var downstream = await DistancesAsync(catalog.Store.WalkRelationsAsync(new EntityKey("node", "n0"), 2, RelationDirection.Downstream));
        Assert.Equal(["node/n4 1", "node/n3 2"], downstream);
    }

    /// <summary>Each entity found with its distance, nearest first, then by key; every path as long as the distance.</summary>
    private static async Task<List<string>> DistancesAsync(IAsyncEnumerable<RelatedEntity> walk)
    {
        var found = new List<RelatedEntity>();
        await foreach (var related in walk)
        {
            found.Add(related);
        }

        Assert.All(found, r => Assert.Equal(r.Hops, r.Path.Count));
        Assert.Equal(found.Count, found.Select(r => (r.Entity.Blueprint, r.Entity.Identifier)).Distinct().Count());
        return [.. found.OrderBy(r => r.Hops).ThenBy(r => $"{r.Entity.Blueprint}/{r.Entity.Identifier}", StringComparer.Ordinal).Select(r => $"{r.Entity.Blueprint}/{r.Entity.Identifier} {r.Hops}")];
    }
}
