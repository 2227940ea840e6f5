using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Port.Sdk.JsonSchema.Tests;

public sealed class JsonSchemaTests
{
    private const string ServiceSchema = """
        {
          "type": "object",
          "properties": {
            "name": { "type": "string", "maxLength": 100 },
            "tier": { "enum": ["gold", "silver", "bronze"] },
            "owner": { "$ref": "#/$defs/email" },
            "replicas": { "type": "integer", "minimum": 1, "maximum": 10 }
          },
          "required": ["name", "tier"],
          "additionalProperties": false,
          "$defs": { "email": { "type": "string", "format": "email" } }
        }
        """;

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void Validate_TooLongString_ReportsSentenceAndLocations()
    {
        var schema = JsonSchema.Parse(ServiceSchema);
        var result = schema.Validate(Json($$"""{ "name": "{{new string('x', 137)}}", "tier": "gold" }"""));

        var error = Assert.Single(result.Errors);
        Assert.False(result.IsValid);
        Assert.Equal("/name", error.InstanceLocation);
        Assert.Equal("/properties/name/maxLength", error.KeywordLocation);
        Assert.EndsWith("#/properties/name/maxLength", error.AbsoluteKeywordLocation);
        Assert.Equal("maxLength", error.Keyword);
        Assert.Equal("must be at most 100 characters, was 137", error.Message);
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryError()
    {
        var schema = JsonSchema.Parse(ServiceSchema);
        var result = schema.Validate(Json("""{ "tier": "platinum", "replicas": 11, "extra": true, "owner": 5 }"""));

        Assert.Equal(
            [
                "/tier: must be one of [\"gold\", \"silver\", \"bronze\"] (/properties/tier/enum)",
                "/replicas: must be at most 10, was 11 (/properties/replicas/maximum)",
                "/owner: must be string, was integer (/properties/owner/$ref/type)",
                "(root): is missing the required property 'name' (/required)",
                "(root): has the property 'extra', which is not allowed (additionalProperties) (/additionalProperties)",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_StringLength_CountsCodePointsNotUtf16Units()
    {
        var schema = JsonSchema.Parse("""{ "maxLength": 2 }""");

        Assert.True(schema.IsValid(Json("\"\U0001F600\U0001F600\"")));
        Assert.True(schema.IsValid(Json("\"\\ud83d\\ude00\\u00e9\"")));
        Assert.False(schema.IsValid(Json("\"abc\"")));
    }

    [Fact]
    public void Validate_JsonNode_SameResultAsElement()
    {
        var schema = JsonSchema.Parse(ServiceSchema);
        var node = JsonNode.Parse("""{ "name": "payments", "tier": "gold", "replicas": 0 }""");

        var error = Assert.Single(schema.Validate(node).Errors);
        Assert.Equal("/replicas", error.InstanceLocation);
        Assert.Equal("must be at least 1, was 0", error.Message);
        Assert.True(schema.IsValid(JsonNode.Parse("""{ "name": "payments", "tier": "gold" }""")));
    }

    [Fact]
    public void Validate_ValidElement_AllocatesNothing()
    {
        var schema = JsonSchema.Parse(ServiceSchema);
        var instance = Json("""{ "name": "payments", "tier": "gold", "owner": "team@example.com", "replicas": 3 }""");
        Assert.True(schema.Validate(instance).IsValid);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            schema.Validate(instance);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Validate_FromManyThreads_GivesTheSameAnswers()
    {
        var schema = JsonSchema.Parse(ServiceSchema);
        var valid = Json("""{ "name": "a", "tier": "gold" }""");
        var invalid = Json("""{ "name": 1, "tier": "gold" }""");

        var results = new bool[2000];
        Parallel.For(0, results.Length, i => results[i] = schema.Validate(i % 2 == 0 ? valid : invalid).IsValid == (i % 2 == 0));

        Assert.All(results, Assert.True);
    }

    [Theory]
    [InlineData("""{ "properties": { "a": { "minLength": -1 } } }""", "Invalid schema at '/properties/a/minLength'", "'minLength' must be a non-negative integer, was -1.")]
    [InlineData("""{ "type": "strin" }""", "Invalid schema at '/type'", "'strin' is not a JSON Schema type")]
    [InlineData("""{ "items": 5 }""", "Invalid schema at '/items'", "A schema must be an object or a boolean, was integer.")]
    [InlineData("""{ "pattern": "(" }""", "Invalid schema at '/pattern'", "'(' is not a valid regular expression")]
    [InlineData("""{ "allOf": [] }""", "Invalid schema at '/allOf'", "'allOf' must be a non-empty array of schemas")]
    [InlineData("""{ "$ref": "#/$defs/missing" }""", "Invalid schema at '/$ref'", "has nothing at '/$defs/missing'")]
    [InlineData("""{ "$ref": "https://example.com/other.json" }""", "Invalid schema at '/$ref'", "no schema is registered at 'https://example.com/other.json'")]
    public void Parse_MalformedSchema_ThrowsWithLocation(string json, string where, string what)
    {
        var ex = Assert.Throws<JsonSchemaException>(() => JsonSchema.Parse(json));

        Assert.Contains(where, ex.Message, StringComparison.Ordinal);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.SchemaLocation);
    }

    [Fact]
    public void Parse_NotJson_ThrowsWithLineAndPosition()
    {
        var ex = Assert.Throws<JsonSchemaException>(() => JsonSchema.Parse("{\n  \"type\": \"string\",\n  oops\n}"));

        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registry_RemoteReference_ResolvesWithoutNetwork()
    {
        var registry = new JsonSchemaRegistry()
            .Add(new Uri("https://schemas.example.com/team.json"), """{ "$defs": { "id": { "type": "string", "pattern": "^[a-z-]+$" } } }""");
        var schema = JsonSchema.Parse(
            """{ "$id": "https://schemas.example.com/service.json", "properties": { "team": { "$ref": "team.json#/$defs/id" } } }""",
            new JsonSchemaOptions { Registry = registry });

        var error = Assert.Single(schema.Validate(Json("""{ "team": "Platform Team" }""")).Errors);
        Assert.Equal("/properties/team/$ref/pattern", error.KeywordLocation);
        Assert.Equal("https://schemas.example.com/team.json#/$defs/id/pattern", error.AbsoluteKeywordLocation);
        Assert.True(registry.TryGet(new Uri("https://json-schema.org/draft/2020-12/schema"), out _));
    }

    [Fact]
    public void Registry_MetaSchema_ValidatesSchemas()
    {
        var metaSchema = JsonSchema.Parse("""{ "$ref": "https://json-schema.org/draft/2020-12/schema" }""");

        Assert.True(metaSchema.IsValid(Json(ServiceSchema)));
        var error = Assert.Single(metaSchema.Validate(Json("""{ "minLength": -1 }""")).Errors);
        Assert.Equal("/minLength", error.InstanceLocation);
    }

    [Fact]
    public void Pattern_CatastrophicBacktracking_FailsWithTimeoutError()
    {
        var schema = JsonSchema.Parse("""{ "pattern": "^(a+)+$" }""", new JsonSchemaOptions { RegexTimeout = TimeSpan.FromMilliseconds(20) });
        var evil = Json("\"" + new string('a', 40) + "!\"");

        var error = Assert.Single(schema.Validate(evil).Errors);
        Assert.Contains("ran longer than 20 ms (RegexTimeout)", error.Message, StringComparison.Ordinal);
    }

    // System.Text.Json takes seconds to parse 100,000 levels, so the tests share one document: [X, X], X nested 99,999 deep.
    private static readonly Lazy<JsonDocument> DeepInstance = new(() =>
    {
        const int depth = 99_999;
        var nested = new StringBuilder().Append('[', depth).Append(']', depth).ToString();
        return JsonDocument.Parse($"[{nested},{nested}]", new JsonDocumentOptions { MaxDepth = depth + 2 });
    });

    [Fact]
    public void Validate_InstanceNested100000Levels_ReturnsDepthError()
    {
        var schema = JsonSchema.Parse("""{ "type": "array", "items": { "$ref": "#" } }""");

        var result = schema.Validate(DeepInstance.Value.RootElement);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Message.Contains("nested too deeply", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UniqueItemsOverDeepInstance_ReturnsErrorNotCrash()
    {
        var schema = JsonSchema.Parse("""{ "uniqueItems": true }""");

        Assert.False(schema.Validate(DeepInstance.Value.RootElement).IsValid);
    }

    [Fact]
    public void Parse_SchemaNested100000Levels_Throws()
    {
        var depth = 100_000;
        var text = new StringBuilder().Insert(0, "{\"items\":", depth).Append("true").Append('}', depth).ToString();
        using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = depth + 1 });

        var fromElement = Assert.Throws<JsonSchemaException>(() => JsonSchema.FromElement(document.RootElement));
        Assert.Contains("nested more than 256 levels deep (MaxDepth)", fromElement.Message, StringComparison.Ordinal);
        Assert.Throws<JsonSchemaException>(() => JsonSchema.Parse(text));
    }

    [Theory]
    [InlineData("""{ "$ref": "#" }""")]
    [InlineData("""{ "$defs": { "a": { "$ref": "#/$defs/b" }, "b": { "$ref": "#/$defs/a" } }, "$ref": "#/$defs/a" }""")]
    [InlineData("""{ "$dynamicAnchor": "x", "$dynamicRef": "#x" }""")]
    public void Validate_ReferenceCycle_EndsWithDepthError(string json)
    {
        var schema = JsonSchema.Parse(json);

        var error = Assert.Single(schema.Validate(Json("{}")).Errors);
        Assert.Contains("nested too deeply", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("url", "https://github.com/port-labs", true)]
    [InlineData("url", "ftp://example.com/file", false)]
    [InlineData("user", "jane@example.com", true)]
    [InlineData("user", "jane", false)]
    [InlineData("timer", "2026-11-24T10:00:00Z", true)]
    [InlineData("timer", "tomorrow", false)]
    [InlineData("date-time", "2026-02-29T10:00:00Z", false)]
    [InlineData("ipv4", "10.0.0.256", false)]
    [InlineData("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380", true)]
    [InlineData("markdown", "# anything", true)]
    [InlineData("yaml", "not: [checked", true)]
    public void Format_WithAssertion_ChecksPortFormats(string format, string value, bool expected)
    {
        var schema = JsonSchema.Parse($$"""{ "format": "{{format}}" }""", new JsonSchemaOptions { FormatAssertion = true });
        var annotationOnly = JsonSchema.Parse($$"""{ "format": "{{format}}" }""");

        var result = schema.Validate(JsonValue.Create(value));
        Assert.Equal(expected, result.IsValid);
        if (!expected)
        {
            Assert.Equal($"must be a valid '{format}'", Assert.Single(result.Errors).Message);
        }

        Assert.True(annotationOnly.IsValid(JsonValue.Create(value)));
    }

    [Fact]
    public void Format_CustomCheck_ReplacesBuiltIn()
    {
        var options = new JsonSchemaOptions { FormatAssertion = true };
        options.Formats["team"] = static value => value.StartsWith("team-", StringComparison.Ordinal);
        var schema = JsonSchema.Parse("""{ "format": "team" }""", options);

        Assert.True(schema.IsValid(JsonValue.Create("team-platform")));
        Assert.False(schema.IsValid(JsonValue.Create("platform")));
    }

    [Fact]
    public void Validate_OneOfAnyOfNot_SummariseWithoutBranchNoise()
    {
        var schema = JsonSchema.Parse("""{ "oneOf": [ { "type": "string" }, { "maxLength": 3 } ], "not": { "const": "no" } }""");

        Assert.Equal(
            ["(root): must match exactly one schema in 'oneOf', but matched schemas 0 and 1 (/oneOf)", "(root): must not match the schema in 'not' (/not)"],
            schema.Validate(Json("\"no\"")).Errors.Select(e => e.ToString()));
    }
}
