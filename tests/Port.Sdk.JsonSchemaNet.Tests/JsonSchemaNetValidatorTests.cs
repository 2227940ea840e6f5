using System.Text.Json;

namespace Port.Sdk.JsonSchemaNet.Tests;

public sealed class JsonSchemaNetValidatorTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static IReadOnlyList<SchemaError> Validate(string schema, string instance, JsonSchemaNetOptions? options = null)
        => new JsonSchemaNetValidator(options).Compile(Json(schema)).Validate(Json(instance));

    [Fact]
    public void Compile_NoSchemaKeyword_Reads2020_12()
    {
        const string Schema = """{ "prefixItems": [{ "type": "integer" }], "items": false }""";

        Assert.Empty(Validate(Schema, "[1]"));
        // JsonSchema.Net's evaluation path of an item's subschema repeats the keyword ('/items/items'): its words, kept as given.
        var error = Assert.Single(Validate(Schema, "[1, 2]"));
        Assert.StartsWith("/items", error.KeywordLocation, StringComparison.Ordinal);
        Assert.Equal("items", error.Keyword);
    }

    [Fact]
    public void Compile_Draft07BySchemaKeyword_ReadsDraft07()
    {
        const string Schema = """{ "$schema": "http://json-schema.org/draft-07/schema#", "items": [{ "type": "integer" }], "additionalItems": false }""";

        Assert.Empty(Validate(Schema, "[1]"));
        var errors = Validate(Schema, "[1, 2]");
        Assert.Contains(errors, e => e.Keyword == "additionalItems" && e.InstanceLocation == "/1");
    }

    [Fact]
    public void Compile_Draft2019_09BySchemaKeyword_Reads2019_09()
    {
        const string Schema = """{ "$schema": "https://json-schema.org/draft/2019-09/schema", "items": [{ "type": "integer" }], "additionalItems": { "type": "string" } }""";

        Assert.Empty(Validate(Schema, """[1, "x"]"""));
        var errors = Validate(Schema, "[1, 2]");
        Assert.Contains(errors, e => e.Keyword == "type" && e.InstanceLocation == "/1" && e.KeywordLocation.StartsWith("/additionalItems/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "maxWords": 3 }""")]
    [InlineData("""{ "$schema": "http://json-schema.org/draft-07/schema#", "maxWords": 3 }""")]
    [InlineData("""{ "$schema": "https://json-schema.org/draft/2019-09/schema", "maxWords": 3 }""")]
    public void CustomKeyword_InEveryDialect_IsEvaluated(string schema)
    {
        var options = new JsonSchemaNetOptions();
        options.Keywords.Add(new MaxWordsKeyword());

        Assert.Empty(Validate(schema, "\"three short words\"", options));
        var error = Assert.Single(Validate(schema, "\"four words are many\"", options));
        Assert.Equal(new SchemaError("", "/maxWords", "maxWords", "has 4 words, more than 3"), error);
    }

    [Fact]
    public void CustomKeyword_NotRegistered_IsAnAnnotationOnly()
    {
        Assert.Empty(Validate("""{ "maxWords": 3 }""", "\"four words are many\""));
    }

    [Fact]
    public void CustomKeyword_BadValue_IsASchemaCompilationException()
    {
        var options = new JsonSchemaNetOptions();
        options.Keywords.Add(new MaxWordsKeyword());

        var ex = Assert.Throws<SchemaCompilationException>(() => new JsonSchemaNetValidator(options).Compile(Json("""{ "maxWords": "many" }""")));

        Assert.Contains("'maxWords' must be a non-negative integer.", ex.Message, StringComparison.Ordinal);
        Assert.IsType<Json.Schema.JsonSchemaException>(ex.InnerException);
    }

    [Theory]
    [InlineData("""{ "not": { "type": "string" } }""", "\"text\"")]
    [InlineData("""{ "oneOf": [{ "type": "string" }, { "maxLength": 10 }] }""", "\"text\"")]
    public void Validate_KeywordThatFailsWithoutAMessage_StillReportsAnError(string schema, string instance)
    {
        var error = Assert.Single(Validate(schema, instance));

        Assert.Equal("", error.InstanceLocation);
        Assert.Equal("schema", error.Keyword);
    }

    [Fact]
    public void Documents_ResolveReferencesByUri_WithoutTheNetwork()
    {
        var options = new JsonSchemaNetOptions();
        options.Documents[new Uri("https://schemas.example.com/tier.json")] = Json("""{ "enum": ["gold", "silver"] }""");
        const string Schema = """{ "$ref": "https://schemas.example.com/tier.json" }""";

        Assert.Empty(Validate(Schema, "\"gold\"", options));
        Assert.Equal("enum", Assert.Single(Validate(Schema, "\"bronze\"", options)).Keyword);
    }

    [Fact]
    public void SchemaIds_AreNotSharedBetweenCompiledSchemas()
    {
        var validator = new JsonSchemaNetValidator();
        var first = validator.Compile(Json("""{ "$defs": { "tier": { "$id": "https://example.com/tier", "enum": ["a"] } }, "$ref": "https://example.com/tier" }"""));
        var second = validator.Compile(Json("""{ "$defs": { "tier": { "$id": "https://example.com/tier", "enum": ["b"] } }, "$ref": "https://example.com/tier" }"""));

        Assert.Empty(first.Validate(Json("\"a\"")));
        Assert.NotEmpty(first.Validate(Json("\"b\"")));
        Assert.Empty(second.Validate(Json("\"b\"")));
        Assert.NotEmpty(second.Validate(Json("\"a\"")));
    }

    [Fact]
    public void PortFormats_AreKnownAndAsserted()
    {
        const string Schema = """{ "properties": { "url": { "format": "url" }, "owner": { "format": "user" }, "team": { "format": "team" } } }""";

        Assert.Empty(Validate(Schema, """{ "url": "https://github.com/acme/api", "owner": "jane@acme.com", "team": "payments" }"""));
        var errors = Validate(Schema, """{ "url": "ftp://acme.com/api", "owner": "jane" }""");
        Assert.Equal(["/owner", "/url"], errors.Select(e => e.InstanceLocation).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.Equal("format", e.Keyword));
    }
}
