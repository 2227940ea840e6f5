using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using static Port.Sdk.Testing.CatalogSamples;

namespace Port.Sdk.Tests;

public sealed class PortCatalogTests
{

    [Fact]
    public async Task RegisterBlueprint_InvalidBlueprint_ReportsEveryProblemWithPointer()
    {
        using var catalog = await CreateAsync();
        var bad = PortJson.ReadBlueprint("""
            {
              "identifier": "bad blueprint",
              "schema": { "properties": { "size": { "type": "integr" } }, "required": ["missing"] },
              "relations": { "owner": { "target": "nowhere" }, "size": { "target": "team" } },
              "mirrorProperties": { "x": { "path": "owner" } },
              "calculationProperties": { "c": { "calculation": ".a |" } },
              "aggregationProperties": { "n": { "target": "team", "calculationSpec": { "func": "median" } } }
            }
            """);

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.RegisterBlueprintAsync(bad));

        Assert.Equal(
            [
                "/identifier", "/schema/properties/size/type", "/schema/required", "/calculationProperties/c/calculation",
                "/relations/owner/target", "/relations/size", "/mirrorProperties/x/path", "/aggregationProperties/n/target", "/aggregationProperties/n/calculationSpec/func",
            ],
            ex.Errors.Select(e => e.Pointer));
        Assert.Contains("the identifier 'bad blueprint' may contain only letters, digits and @ _ = -", ex.Message, StringComparison.Ordinal);
        Assert.Null(await catalog.GetBlueprintAsync("bad blueprint"));
    }


    [Theory]
    [InlineData("""{ "combinator": "xor", "rules": [] }""", "'combinator' at '/' must be \"and\" or \"or\"")]
    [InlineData("""{ "combinator": "and", "rules": [ { "property": "a", "operator": "~=", "value": 1 } ] }""", "Unknown search operator '~=' at '/rules/0'")]
    [InlineData("""{ "combinator": "and", "rules": [ { "property": "a", "operator": "=" } ] }""", "must have a 'value'")]
    public void SearchQuery_Malformed_SaysWhere(string json, string message)
    {
        var ex = Assert.Throws<JsonException>(() => SearchQuery.Parse(json));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }


    [Fact]
    public async Task AddPort_RegistersCatalogWithBlueprintsAndStore()
    {
        var services = new ServiceCollection();
        services.AddPort().UseInMemoryStore().AddBlueprints(PortJson.ReadBlueprint(Team), PortJson.ReadBlueprint(Service), PortJson.ReadBlueprint(PullRequest));
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var catalog = provider.GetRequiredService<PortCatalog>();

        Assert.Same(catalog, provider.GetRequiredService<PortCatalog>());
        Assert.NotNull(await catalog.GetBlueprintAsync("pullRequest"));
        Assert.IsType<InMemoryEntityStore>(provider.GetRequiredService<IEntityStore>());
    }


    [Fact]
    public async Task AddBlueprintsFromDirectory_BadFile_NamesFileAndLine()
    {
        var directory = Directory.CreateTempSubdirectory("port-blueprints-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "team.json"), Team);
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "broken.json"), "{ \"identifier\": \"x\",\n  \"schema\": [ }");
            var services = new ServiceCollection();

            var ex = Assert.Throws<BlueprintFileException>(() => services.AddPort().AddBlueprintsFromDirectory(directory.FullName));

            Assert.Contains("broken.json", ex.Message, StringComparison.Ordinal);
            var error = Assert.Single(ex.Errors);
            Assert.Equal(Path.Combine(directory.FullName, "broken.json"), error.File);
            Assert.Equal(2, error.Line);
            Assert.StartsWith("/schema", error.Pointer, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }


    [Fact]
    public void PortJson_RoundTripsEntityShape()
    {
        var entity = Entity("""{ "identifier": "pr-1", "blueprint": "pullRequest", "team": "platform", "properties": { "status": "open" }, "relations": { "service": "api", "reviewers": ["a", "b"], "none": null } }""");

        var json = PortJson.Write(entity);

        Assert.Equal(["platform"], entity.Team);
        Assert.Contains("\"service\":\"api\"", json, StringComparison.Ordinal);
        Assert.Contains("\"reviewers\":[\"a\",\"b\"]", json, StringComparison.Ordinal);
        Assert.Contains("\"none\":null", json, StringComparison.Ordinal);
        Assert.Equal(entity.Relations["reviewers"], PortJson.ReadEntity(json).Relations["reviewers"]);
    }

    [Theory]
    [InlineData("{ \"identifier\": \"a\",\n  \"blueprint\": \"team\",\n  \"relations\": { \"x\": 5 } }", "$.relations.x", 2)]
    [InlineData("{ \"identifier\": \"a\", \"blueprint\": \"team\", \"team\": {} }", "$.team", 0)]
    [InlineData("{ \"identifier\": \"a\", \"blueprint\": ", "$.blueprint", 0)]
    public void PortJson_MalformedEntity_SaysWhere(string json, string path, int line)
    {
        var ex = Assert.ThrowsAny<JsonException>(() => PortJson.ReadEntity(json));

        Assert.Equal(path, ex.Path);
        Assert.Equal(line, ex.LineNumber);
    }

    [Fact]
    public void AddPort_InvalidOptions_FailWithFieldAndValue()
    {
        var services = new ServiceCollection();
        services.AddPort().AddBlueprints(new Blueprint { Identifier = "bad id" }, new Blueprint { Identifier = "team" }, new Blueprint { Identifier = "team" });
        using var provider = services.BuildServiceProvider(validateScopes: true);

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<PortCatalog>());

        Assert.Equal(
            [
                "PortOptions.Blueprints[0].Identifier: the identifier 'bad id' may contain only letters, digits and @ _ = -.",
                "PortOptions.Blueprints: the blueprint 'team' is given 2 times.",
            ],
            ex.Failures);
    }
}
