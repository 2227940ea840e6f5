using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Port.Sdk.JsonSchemaNet.Tests;

/// <summary>
/// The catalog through its validator seam with each engine: the same entities accepted, the same rejected with the
/// same pointers, and the Port-mode leniencies the same, since the catalog applies them around the engine.
/// </summary>
public sealed class CatalogEngineTests
{
    public static TheoryData<string> Engines => new() { "Port.Sdk.JsonSchema", "JsonSchema.Net" };

    private const string Service = """
        {
          "identifier": "service",
          "schema": {
            "properties": {
              "tier": { "type": "string", "enum": ["gold", "silver"] },
              "coverage": { "type": "number", "maximum": 100 },
              "url": { "type": "string", "format": "url" },
              "deployedAt": { "type": "string", "format": "date-time" },
              "owner": { "type": "string" }
            },
            "required": ["tier"]
          },
          "relations": { "dependsOn": { "target": "service", "many": true } }
        }
        """;

    private static ISchemaValidator Engine(string name) => name == "JsonSchema.Net" ? new JsonSchemaNetValidator() : PortSchemaValidator.Instance;

    private static async Task<PortCatalog> CatalogAsync(string engine, CatalogValidationMode mode = CatalogValidationMode.Port, params string[] blueprints)
    {
        var catalog = new PortCatalog(new InMemoryEntityStore(), new CatalogValidationOptions { Mode = mode, SchemaValidator = Engine(engine) });
        await catalog.RegisterBlueprintsAsync(blueprints.Length == 0 ? [PortJson.ReadBlueprint(Service)] : blueprints.Select(PortJson.ReadBlueprint));
        return catalog;
    }

    private static Entity Entity(string properties, string relations = "{}")
        => PortJson.ReadEntity($$"""{ "identifier": "payments", "blueprint": "service", "properties": {{properties}}, "relations": {{relations}} }""");

    [Fact]
    public async Task UseJsonSchemaNet_RegistersTheEngine_DefaultIsPortSdks()
    {
        var services = new ServiceCollection();
        services.AddPort().UseJsonSchemaNet();
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var defaults = new ServiceCollection();
        defaults.AddPort();
        await using var defaultProvider = defaults.BuildServiceProvider(validateScopes: true);

        Assert.IsType<JsonSchemaNetValidator>(provider.GetRequiredService<PortCatalog>().SchemaValidator);
        Assert.Same(PortSchemaValidator.Instance, defaultProvider.GetRequiredService<PortCatalog>().SchemaValidator);
    }

    [Fact]
    public async Task UseJsonSchemaNet_ThroughDependencyInjection_ValidatesWithTheCustomKeyword()
    {
        var services = new ServiceCollection();
        services.AddPort(o => o.Blueprints.Add(PortJson.ReadBlueprint("""{ "identifier": "service", "schema": { "properties": { "summary": { "type": "string", "maxWords": 3 } } } }""")))
            .UseJsonSchemaNet(o => o.Keywords.Add(new MaxWordsKeyword()));
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var catalog = provider.GetRequiredService<PortCatalog>();

        await catalog.UpsertEntityAsync(Entity("""{ "summary": "takes card payments" }"""));
        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.UpsertEntityAsync(Entity("""{ "summary": "takes card payments everywhere" }""")));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(("/properties/summary", "maxWords", "/schema/properties/summary/maxWords", "has 4 words, more than 3"), (error.Pointer, error.Rule, error.KeywordLocation, error.Message));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Upsert_ValidEntity_IsAccepted(string engine)
    {
        using var catalog = await CatalogAsync(engine);

        var stored = await catalog.UpsertEntityAsync(Entity("""{ "tier": "gold", "coverage": 81.5, "url": "https://github.com/acme/payments", "deployedAt": "2026-11-20T17:42:11Z" }"""));

        Assert.Equal(81.5, stored.Properties["coverage"].GetDouble());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Upsert_InvalidEntity_IsRejected_ErrorsCarryPointerAndKeywordLocation(string engine)
    {
        using var catalog = await CatalogAsync(engine);

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.UpsertEntityAsync(Entity("""{ "tier": "bronze", "coverage": 120, "url": "ftp://acme.com" }""")));

        Assert.Equal(
            [
                ("/properties/coverage", "maximum", "/schema/properties/coverage/maximum"),
                ("/properties/tier", "enum", "/schema/properties/tier/enum"),
                ("/properties/url", "format", "/schema/properties/url/format"),
            ],
            ex.Errors.Select(e => (e.Pointer, e.Rule, e.KeywordLocation)).Order());
        Assert.All(ex.Errors, e => Assert.Equal(("service", "payments"), (e.Blueprint, e.Entity)));
        Assert.Null(await catalog.GetEntityAsync("service", "payments"));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Upsert_MissingRequired_IsRejectedAtTheObject(string engine)
    {
        using var catalog = await CatalogAsync(engine);

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.UpsertEntityAsync(Entity("""{ "owner": "jane" }""")));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(("/properties", "required", "/schema/required"), (error.Pointer, error.Rule, error.KeywordLocation));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Strict_PropertyTheBlueprintLacks_SameErrorWithEitherEngine(string engine)
    {
        using var catalog = await CatalogAsync(engine, CatalogValidationMode.Strict);

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.UpsertEntityAsync(Entity("""{ "tier": "gold", "color": "blue" }""")));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(
            ("/properties", "additionalProperties", "/schema/additionalProperties", "has the property 'color', which is not allowed (not a property of the blueprint)"),
            (error.Pointer, error.Rule, error.KeywordLocation, error.Message));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Strict_NumericStringAndNullAndOffsetWithoutColon_AreRejected(string engine)
    {
        using var catalog = await CatalogAsync(engine, CatalogValidationMode.Strict);

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.UpsertEntityAsync(Entity("""{ "tier": "gold", "coverage": "12.5", "owner": null, "deployedAt": "2024-01-15T10:30:00.000+0200" }""")));

        Assert.Equal(["/properties/coverage", "/properties/deployedAt", "/properties/owner"], ex.Errors.Select(e => e.Pointer).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PortMode_Leniencies_StoreTheSameEntityWithEitherEngine()
    {
        const string Properties = """{ "tier": "gold", "coverage": "12.5", "owner": null, "deployedAt": "2024-01-15T10:30:00.000+0200", "color": "blue" }""";
        const string Relations = """{ "dependsOn": "payments" }""";
        var stored = new List<string>();
        foreach (var engine in new[] { "Port.Sdk.JsonSchema", "JsonSchema.Net" })
        {
            using var catalog = await CatalogAsync(engine);
            var entity = await catalog.UpsertEntityAsync(Entity(Properties, Relations));
            stored.Add(PortJson.Write(entity with { CreatedAt = null, UpdatedAt = null }));
        }

        Assert.Equal(stored[0], stored[1]);
        var parsed = PortJson.ReadEntity(stored[1]);
        Assert.Equal(12.5, parsed.Properties["coverage"].GetDouble());
        Assert.False(parsed.Properties.ContainsKey("color"));
        Assert.Equal(["payments"], parsed.Relations["dependsOn"].Targets);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Blueprints_WithTheSameSchemaId_DoNotSeeEachOthersDefinitions(string engine)
    {
        const string A = """{ "identifier": "a", "schema": { "properties": { "tier": { "$id": "https://example.com/tier", "enum": ["a"] }, "copy": { "$ref": "https://example.com/tier" } } } }""";
        const string B = """{ "identifier": "b", "schema": { "properties": { "tier": { "$id": "https://example.com/tier", "enum": ["b"] }, "copy": { "$ref": "https://example.com/tier" } } } }""";
        using var catalog = await CatalogAsync(engine, CatalogValidationMode.Port, A, B);

        await catalog.UpsertEntityAsync(PortJson.ReadEntity("""{ "identifier": "x", "blueprint": "a", "properties": { "copy": "a" } }"""));
        await catalog.UpsertEntityAsync(PortJson.ReadEntity("""{ "identifier": "x", "blueprint": "b", "properties": { "copy": "b" } }"""));
        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.UpsertEntityAsync(PortJson.ReadEntity("""{ "identifier": "y", "blueprint": "a", "properties": { "copy": "b" } }""")));

        Assert.Equal("/properties/copy", Assert.Single(ex.Errors).Pointer);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task RegisterBlueprint_MalformedPropertySchema_IsRejectedWithItsPointer(string engine)
    {
        var catalog = new PortCatalog(new InMemoryEntityStore(), new CatalogValidationOptions { SchemaValidator = Engine(engine) });

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.RegisterBlueprintAsync(PortJson.ReadBlueprint("""{ "identifier": "service", "schema": { "properties": { "tier": { "type": "colour" } } } }""")));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("schema", error.Rule);
        Assert.StartsWith("/schema", error.Pointer, StringComparison.Ordinal);
        Assert.Null(await catalog.GetBlueprintAsync("service"));
    }
}
