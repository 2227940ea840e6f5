using System.Text.Json;

namespace Port.Sdk.Tests.Catalog;

/// <summary>Each leniency of <see cref="CatalogValidationMode.Port"/> mode, and that <see cref="CatalogValidationMode.Strict"/> mode refuses it.</summary>
public sealed class ValidationModeTests
{
    private const string Issue = """
        { "identifier": "issue",
          "schema": {
            "properties": {
              "title": { "type": "string" },
              "status": { "type": "string", "enum": ["open", "done"] },
              "resolvedAt": { "type": "string", "format": "date-time" },
              "seenAt": { "type": "array", "items": { "type": "string", "format": "date-time" } },
              "link": { "type": "string", "format": "url" },
              "coverage": { "type": "number" },
              "bugs": { "type": "integer" },
              "note": { "type": ["string", "number"] }
            },
            "required": ["title"]
          },
          "relations": {
            "watchers": { "target": "user", "required": false, "many": true },
            "assignee": { "target": "user", "required": false, "many": false }
          } }
        """;

    private const string User = """{ "identifier": "user", "schema": { "properties": {} } }""";

    [Theory]
    [InlineData("status")]
    [InlineData("resolvedAt")]
    [InlineData("link")]
    [InlineData("coverage")]
    public async Task Upsert_NullNonRequiredProperty_PortAccepts_StrictRefuses(string property)
    {
        var entity = IssueWith($$"""{ "title": "t", "{{property}}": null }""");

        var stored = await UpsertAsync(CatalogValidationMode.Port, entity);
        var errors = await ErrorsAsync(CatalogValidationMode.Strict, entity);

        Assert.Equal(JsonValueKind.Null, stored.Properties[property].ValueKind);
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal($"/properties/{property}", e.Pointer));
    }

    [Theory]
    [InlineData(CatalogValidationMode.Port)]
    [InlineData(CatalogValidationMode.Strict)]
    public async Task Upsert_NullRequiredProperty_RefusedInBothModes(CatalogValidationMode mode)
    {
        var errors = await ErrorsAsync(mode, IssueWith("""{ "title": null }"""));

        Assert.Equal("entity 'i-1' of blueprint 'issue' /properties/title: the required property 'title' is null (required)", Assert.Single(errors).ToString());
    }

    [Fact]
    public async Task Upsert_DateTimeOffsetWithoutColon_PortAccepts_AsGiven_StrictRefuses()
    {
        var entity = IssueWith("""{ "title": "t", "resolvedAt": "2024-01-15T10:30:00.000+0200", "seenAt": ["2024-01-15T10:30:00-0530", "2024-01-15T10:30:00Z"] }""");

        var stored = await UpsertAsync(CatalogValidationMode.Port, entity);
        var errors = await ErrorsAsync(CatalogValidationMode.Strict, entity);

        Assert.Equal("2024-01-15T10:30:00.000+0200", stored.Properties["resolvedAt"].GetString());
        Assert.Equal(["/properties/resolvedAt", "/properties/seenAt/0"], errors.Select(e => e.Pointer));
    }

    [Theory]
    [InlineData("2024-01-15T10:30:00+02")]
    [InlineData("2024-01-15T10:30:00.000+020")]
    [InlineData("2024-13-15T10:30:00.000+0200")]
    [InlineData("2024-01-15 10:30:00.000+0200")]
    public async Task Upsert_MalformedDateTime_RefusedInPortMode(string value)
    {
        var errors = await ErrorsAsync(CatalogValidationMode.Port, IssueWith($$"""{ "title": "t", "resolvedAt": "{{value}}" }"""));

        Assert.Equal("format", Assert.Single(errors).Rule);
    }

    [Fact]
    public async Task Upsert_SingleIdentifierForManyRelation_PortMakesArray_StrictRefuses()
    {
        var entity = IssueWith("""{ "title": "t" }""", """{ "watchers": "ann", "assignee": "ann" }""");

        var stored = await UpsertAsync(CatalogValidationMode.Port, entity);
        var errors = await ErrorsAsync(CatalogValidationMode.Strict, entity);

        Assert.Equal(EntityRelation.ToMany("ann"), stored.Relations["watchers"]);
        Assert.Equal(EntityRelation.To("ann"), stored.Relations["assignee"]);
        Assert.Equal("/relations/watchers", Assert.Single(errors).Pointer);
    }

    [Theory]
    [InlineData(CatalogValidationMode.Port)]
    [InlineData(CatalogValidationMode.Strict)]
    public async Task Upsert_ArrayForSingleRelation_RefusedInBothModes(CatalogValidationMode mode)
    {
        var errors = await ErrorsAsync(mode, IssueWith("""{ "title": "t" }""", """{ "assignee": ["ann"] }"""));

        Assert.Equal(("/relations/assignee", "many"), (Assert.Single(errors).Pointer, errors[0].Rule));
    }

    [Fact]
    public async Task Upsert_NumericStringForNumber_PortStoresNumber_StrictRefuses()
    {
        var entity = IssueWith("""{ "title": "t", "coverage": "12.5", "bugs": "3", "note": "7" }""");

        var stored = await UpsertAsync(CatalogValidationMode.Port, entity);
        var errors = await ErrorsAsync(CatalogValidationMode.Strict, entity);

        Assert.Equal(12.5, stored.Properties["coverage"].GetDouble());
        Assert.Equal(3, stored.Properties["bugs"].GetInt32());
        Assert.Equal("7", stored.Properties["note"].GetString());
        Assert.Equal(["/properties/coverage", "/properties/bugs"], errors.Select(e => e.Pointer));
    }

    [Theory]
    [InlineData("\"many\"")]
    [InlineData("\"12,5\"")]
    [InlineData("\" 12\"")]
    [InlineData("\"0x10\"")]
    [InlineData("\"NaN\"")]
    [InlineData("\"1e999\"")]
    public async Task Upsert_NonNumericStringForNumber_RefusedInPortMode(string value)
    {
        var errors = await ErrorsAsync(CatalogValidationMode.Port, IssueWith($$"""{ "title": "t", "coverage": {{value}} }"""));

        Assert.Equal(("/properties/coverage", "type"), (Assert.Single(errors).Pointer, errors[0].Rule));
    }

    [Fact]
    public async Task Upsert_FractionalStringForInteger_RefusedInPortMode()
    {
        var errors = await ErrorsAsync(CatalogValidationMode.Port, IssueWith("""{ "title": "t", "bugs": "2.5" }"""));

        Assert.Equal("/properties/bugs", Assert.Single(errors).Pointer);
    }

    [Fact]
    public async Task Upsert_PropertyTheBlueprintLacks_PortDropsIt_StrictRefuses()
    {
        var entity = IssueWith("""{ "title": "t", "prNumber": 42 }""");

        var stored = await UpsertAsync(CatalogValidationMode.Port, entity);
        var errors = await ErrorsAsync(CatalogValidationMode.Strict, entity);

        Assert.Equal(["title"], stored.Properties.Keys);
        Assert.Equal(("/properties", "additionalProperties"), (Assert.Single(errors).Pointer, errors[0].Rule));
    }

    [Fact]
    public async Task UpsertEntities_SameEntityTwice_PortAppliesInOrder_StrictRefuses()
    {
        var first = IssueWith("""{ "title": "first", "status": "open" }""");
        var second = IssueWith("""{ "title": "second" }""");

        using var catalog = await CatalogAsync(CatalogValidationMode.Port);
        var written = await catalog.UpsertEntitiesAsync([first, second]);
        var stored = await catalog.GetEntityAsync("issue", "i-1");
        var errors = await ErrorsAsync(CatalogValidationMode.Strict, first, second);

        Assert.Single(written);
        Assert.Equal(["title"], stored!.Properties.Keys);
        Assert.Equal("second", stored.Properties["title"].GetString());
        Assert.Equal(("/identifier", "duplicate"), (Assert.Single(errors).Pointer, errors[0].Rule));
    }

    [Fact]
    public async Task UpsertEntities_SameEntityTwice_ChangeReportedOnceAsCreated()
    {
        using var catalog = await CatalogAsync(CatalogValidationMode.Port);
        await using var changes = catalog.WatchAsync().GetAsyncEnumerator();

        // The first MoveNextAsync subscribes before anything is written.
        var first = changes.MoveNextAsync();
        await catalog.UpsertEntitiesAsync([IssueWith("""{ "title": "a" }"""), IssueWith("""{ "title": "b" }""")]);
        await catalog.UpsertEntityAsync(IssueWith("""{ "title": "c" }""") with { Identifier = "i-2" });

        Assert.True(await first);
        var one = changes.Current;
        Assert.True(await changes.MoveNextAsync());
        var two = changes.Current;
        Assert.Equal([(EntityChangeKind.Created, "i-1", "b"), (EntityChangeKind.Created, "i-2", "c")], new[] { one, two }.Select(c => (c.Kind, c.Key.Identifier, c.Entity!.Properties["title"].GetString())));
    }

    [Fact]
    public void CatalogValidationOptions_Default_IsPortMode()
    {
        using var catalog = new PortCatalog(new InMemoryEntityStore());

        Assert.Equal(CatalogValidationMode.Port, catalog.ValidationMode);
        Assert.Equal(CatalogValidationMode.Port, new CatalogValidationOptions().Mode);
    }

    [Fact]
    public async Task NormalizeEntities_AppliesPortRules_WithoutWriting()
    {
        using var catalog = await CatalogAsync(CatalogValidationMode.Port);

        var normalized = Assert.Single(await catalog.NormalizeEntitiesAsync([IssueWith("""{ "title": "t", "coverage": "1.5", "extra": true }""", """{ "watchers": "ann" }""")]));

        Assert.Equal(["title", "coverage"], normalized.Properties.Keys);
        Assert.Equal(JsonValueKind.Number, normalized.Properties["coverage"].ValueKind);
        Assert.Equal(EntityRelation.ToMany("ann"), normalized.Relations["watchers"]);
        Assert.Null(await catalog.GetEntityAsync("issue", "i-1"));
    }

    private static Entity IssueWith(string properties, string relations = "{}")
        => PortJson.ReadEntity($$"""{ "identifier": "i-1", "blueprint": "issue", "properties": {{properties}}, "relations": {{relations}} }""");

    private static async Task<PortCatalog> CatalogAsync(CatalogValidationMode mode)
    {
        var catalog = new PortCatalog(new InMemoryEntityStore(), new CatalogValidationOptions { Mode = mode });
        await catalog.RegisterBlueprintsAsync([PortJson.ReadBlueprint(Issue), PortJson.ReadBlueprint(User)]);
        await catalog.UpsertEntityAsync(PortJson.ReadEntity("""{ "identifier": "ann", "blueprint": "user" }"""));
        return catalog;
    }

    private static async Task<Entity> UpsertAsync(CatalogValidationMode mode, Entity entity)
    {
        using var catalog = await CatalogAsync(mode);
        await catalog.UpsertEntityAsync(entity);
        return (await catalog.Store.GetEntityAsync(entity.Blueprint, entity.Identifier))!;
    }

    private static async Task<IReadOnlyList<CatalogError>> ErrorsAsync(CatalogValidationMode mode, params Entity[] entities)
    {
        using var catalog = await CatalogAsync(mode);
        var errors = await catalog.ValidateEntitiesAsync(entities);
        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.UpsertEntitiesAsync(entities));
        Assert.Equal(errors, ex.Errors);
        return errors;
    }
}
