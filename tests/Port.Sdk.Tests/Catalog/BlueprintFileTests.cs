using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Port.Sdk.Tests.Catalog;

public sealed class BlueprintFileTests : IDisposable
{
    private const string Team = """{ "identifier": "team", "schema": { "properties": { "slack": { "type": "string" } } } }""";

    // Refers to 'team' (relation, mirror) and is referred to by 'team' (aggregation): no order satisfies one-by-one registration.
    private const string Service = """
        { "identifier": "service",
          "schema": { "properties": { "tier": { "type": "string" } } },
          "relations": { "team": { "target": "team", "required": false, "many": false } },
          "mirrorProperties": { "slack": { "path": "team.slack" } } }
        """;

    private const string TeamCountingServices = """
        { "identifier": "team", "schema": { "properties": { "slack": { "type": "string" } } },
          "aggregationProperties": { "services": { "target": "service", "calculationSpec": { "func": "count", "calculationBy": "entities" } } } }
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-blueprint-files-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [InlineData("github")]
    [InlineData("gitlab-v2")]
    [InlineData("jenkins")]
    [InlineData("jira")]
    [InlineData("pagerduty")]
    [InlineData("snyk")]
    public async Task Load_OceanBlueprintsJson_LoadsAndRegistersEveryBlueprint(string integration)
    {
        var file = OceanData.BlueprintsFile(integration);
        using var expected = JsonDocument.Parse(await File.ReadAllTextAsync(file));

        var blueprints = BlueprintFile.Load(file);
        using var catalog = new PortCatalog(new InMemoryEntityStore());
        await catalog.RegisterBlueprintsAsync(blueprints);

        Assert.Equal(expected.RootElement.EnumerateArray().Select(b => b.GetProperty("identifier").GetString()), blueprints.Select(b => b.Identifier));
        foreach (var json in expected.RootElement.EnumerateArray())
        {
            var stored = await catalog.GetBlueprintAsync(json.GetProperty("identifier").GetString()!);
            Assert.NotNull(stored);
            Assert.Equal(Count(json, "mirrorProperties"), stored.MirrorProperties.Count);
            Assert.Equal(Count(json, "calculationProperties"), stored.CalculationProperties.Count);
            Assert.Equal(Count(json, "aggregationProperties"), stored.AggregationProperties.Count);
            Assert.Equal(Count(json, "relations"), stored.Relations.Count);
            Assert.Equal(json.GetProperty("schema").GetProperty("properties").EnumerateObject().Count(), stored.Schema.Properties.Count);
        }
    }

    [Theory]
    [InlineData("github")]
    [InlineData("gitlab-v2")]
    [InlineData("jenkins")]
    [InlineData("jira")]
    [InlineData("pagerduty")]
    [InlineData("snyk")]
    public async Task RegisterBlueprints_OceanBlueprintsInReverseOrder_Register(string integration)
    {
        var blueprints = BlueprintFile.Load(OceanData.BlueprintsFile(integration)).Reverse().ToList();
        using var catalog = new PortCatalog(new InMemoryEntityStore());

        await catalog.RegisterBlueprintsAsync(blueprints);

        Assert.Equal(blueprints.Count, (await IdentifiersAsync(catalog)).Count);
    }

    [Fact]
    public async Task Parse_OceanShapedFeatures_AreAcceptedAndKept()
    {
        var json = """
            [
              { "identifier": "team", "title": "Team", "icon": "Team", "schema": { "properties": {} },
                "ownership": { "type": "Direct" }, "changelogDestination": { "type": "WEBHOOK", "url": "https://example.com/hook" } },
              { "identifier": "service", "title": "Service", "icon": "Service",
                "schema": {
                  "properties": {
                    "readme": { "title": "README", "type": "string", "format": "markdown", "icon": "Book" },
                    "openApi": { "type": "object", "spec": "open-api" },
                    "labels": { "type": "array", "items": { "type": "string", "enum": ["a", "b"], "enumColors": { "a": "red", "b": "blue" } } },
                    "status": { "type": "string", "enum": ["up", "down"], "enumColors": { "up": "green", "down": "red" } }
                  },
                  "required": []
                },
                "teamInheritance": { "path": "team" },
                "ownership": { "type": "Inherited", "path": "team" },
                "relations": { "team": { "title": "Team", "description": "Owner", "target": "team", "required": false, "many": false } },
                "calculationProperties": { "link": { "title": "Link", "icon": "Link", "calculation": "\"x\"", "type": "string", "colorized": true, "colors": {} } }
              }
            ]
            """;

        var blueprints = PortJson.ReadBlueprints(json);
        using var catalog = new PortCatalog(new InMemoryEntityStore());
        await catalog.RegisterBlueprintsAsync(blueprints);
        var service = await catalog.GetBlueprintAsync("service");

        Assert.Equal("Inherited", service!.Ownership!.Value.GetProperty("type").GetString());
        Assert.Equal("team", service.TeamInheritance!.Value.GetProperty("path").GetString());
        Assert.Equal("Owner", service.Relations["team"].Description);
        Assert.Equal("WEBHOOK", blueprints[0].ChangelogDestination!.Value.GetProperty("type").GetString());
        Assert.Contains("\"ownership\":{\"type\":\"Inherited\",\"path\":\"team\"}", PortJson.Write(service), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SingleObject_OneBlueprint()
    {
        var blueprint = Assert.Single(BlueprintFile.Parse(Team));

        Assert.Equal("team", blueprint.Identifier);
    }

    [Fact]
    public async Task RegisterBlueprints_MutualReferencesInAnyOrder_Register()
    {
        foreach (var order in new[] { new[] { Service, TeamCountingServices }, [TeamCountingServices, Service] })
        {
            using var catalog = new PortCatalog(new InMemoryEntityStore());

            await catalog.RegisterBlueprintsAsync(order.Select(PortJson.ReadBlueprint));

            Assert.NotNull(await catalog.GetBlueprintAsync("service"));
            Assert.NotNull(await catalog.GetBlueprintAsync("team"));
        }
    }

    [Fact]
    public void LoadSources_Directory_ReadsObjectsAndArraysInNameOrder_WithPointers()
    {
        var b = Write("b.json", $"[{Service}, {{ \"identifier\": \"repo\" }}]");
        var a = Write("a.json", TeamCountingServices);
        Write("notes.txt", "not a blueprint");

        var sources = BlueprintFile.LoadSources(_directory.FullName);

        Assert.Equal(
            [("team", a, ""), ("service", b, "/0"), ("repo", b, "/1")],
            sources.Select(s => (s.Blueprint.Identifier, s.File!, s.Pointer)));
    }

    [Fact]
    public void LoadSources_BadFiles_EveryFileNamedWithLineAndPointer()
    {
        var array = Write("array.json", "[\n  { \"identifier\": \"a\" },\n  { \"identifier\": \"b\", \"relations\": { \"x\": { \"target\": 5 } } }\n]");
        var scalar = Write("scalar.json", "42");
        var missing = Write("missing.json", "[ { \"title\": \"no identifier\" } ]");
        Write("ok.json", Team);

        var ex = Assert.Throws<BlueprintFileException>(() => BlueprintFile.LoadSources(_directory.FullName));

        Assert.Equal(3, ex.Errors.Count);
        var first = ex.Errors[0];
        Assert.Equal((array, 3L, "/1/relations/x/target", "json"), (first.File!, first.Line!.Value, first.Pointer, first.Rule));
        Assert.Equal(missing, ex.Errors[1].File);
        Assert.Contains("identifier", ex.Errors[1].Message, StringComparison.Ordinal);
        Assert.Equal((scalar, "the JSON must be a blueprint object or an array of blueprints"), (ex.Errors[2].File!, ex.Errors[2].Message));
        Assert.StartsWith($"{array}:3:", first.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NothingAtPath_FileNotFound()
    {
        var path = Path.Combine(_directory.FullName, "nowhere");

        var ex = Assert.Throws<FileNotFoundException>(() => BlueprintFile.Load(path));

        Assert.Equal($"There is no blueprint file or directory at '{path}'.", ex.Message);
    }

    [Fact]
    public async Task Locate_RegistrationErrors_NameFileAndPointerInIt()
    {
        var file = Write("blueprints.json", $"[{Team}, {{ \"identifier\": \"service\", \"relations\": {{ \"owner\": {{ \"target\": \"nobody\" }} }} }}]");
        var sources = BlueprintFile.LoadSources(file);
        using var catalog = new PortCatalog(new InMemoryEntityStore());

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.RegisterBlueprintsAsync(sources.Select(s => s.Blueprint)));
        var located = Assert.Single(BlueprintFile.Locate(ex.Errors, sources));

        Assert.Equal($"{file}: blueprint 'service' /1/relations/owner/target: there is no blueprint 'nobody' (relation-target)", located.ToString());
    }

    [Fact]
    public async Task AddBlueprintsFromDirectory_InvalidSet_FirstUseErrorNamesFileAndPointer()
    {
        var file = Write("service.json", Service);
        var services = new ServiceCollection();
        services.AddPort().AddBlueprintsFromDirectory(_directory.FullName);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var catalog = provider.GetRequiredService<PortCatalog>();

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.GetBlueprintAsync("service"));

        Assert.Equal(
            [(file, "/relations/team/target"), (file, "/mirrorProperties/slack/path")],
            ex.Errors.Select(e => (e.File!, e.Pointer)));
    }

    [Fact]
    public async Task AddBlueprintsFromDirectory_ObjectAndArrayFiles_RegisteredAsOneSet()
    {
        Write("service.json", Service);
        Write("z-teams.json", $"[{TeamCountingServices}]");
        var services = new ServiceCollection();
        services.AddPort().AddBlueprintsFromDirectory(_directory.FullName);
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var catalog = provider.GetRequiredService<PortCatalog>();

        Assert.Equal(["service", "team"], await IdentifiersAsync(catalog));
    }

    [Fact]
    public async Task AddBlueprintsFromDirectory_OceanIntegrationFolder_LoadsItsBlueprintsJson()
    {
        var services = new ServiceCollection();
        services.AddPort().AddBlueprintsFromDirectory(Path.Combine(OceanData.Root, "jira"));
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var catalog = provider.GetRequiredService<PortCatalog>();

        Assert.Equal(["jiraIssue", "jiraProject", "jiraTeam", "jiraUser"], await IdentifiersAsync(catalog));
    }

    private static async Task<List<string>> IdentifiersAsync(PortCatalog catalog)
    {
        var identifiers = new List<string>();
        await foreach (var blueprint in catalog.GetBlueprintsAsync())
        {
            identifiers.Add(blueprint.Identifier);
        }

        identifiers.Sort(StringComparer.Ordinal);
        return identifiers;
    }

    private static int Count(JsonElement blueprint, string member)
        => blueprint.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.Object ? value.EnumerateObject().Count() : 0;

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }
}
