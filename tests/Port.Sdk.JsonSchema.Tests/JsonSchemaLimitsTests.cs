using System.Globalization;
using System.Text;
using System.Text.Json;
using Port.Sdk.Limits.Child;
using Port.Sdk.Tests.Common;

namespace Port.Sdk.JsonSchema.Tests;

/// <summary>Issue 13: no schema or instance makes a validation run on without a bound.</summary>
public sealed class JsonSchemaLimitsTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    /// <summary><c>levels</c> nested <c>applicator</c>s of two references each: 2^levels evaluations.</summary>
    private static string FanOut(string applicator, int levels, string inner = """{ "type": "object" }""")
    {
        var defs = new StringBuilder($$"""{ "d0": {{inner}}""");
        for (var i = 1; i <= levels; i++)
        {
            var second = applicator == "oneOf" ? $$"""{ "not": { "$ref": "#/$defs/d{{i - 1}}" } }""" : $$"""{ "$ref": "#/$defs/d{{i - 1}}" }""";
            defs.Append(CultureInfo.InvariantCulture, $$""", "d{{i}}": { "{{applicator}}": [{ "$ref": "#/$defs/d{{i - 1}}" }, {{second}}] }""");
        }

        return $$"""{ "$defs": {{defs}} }, "$ref": "#/$defs/d{{levels}}" }""";
    }

    private static string Items(int count, Func<int, string> item)
        => "[" + string.Join(",", Enumerable.Range(0, count).Select(item)) + "]";

    [Fact]
    public void Validate_UniqueItemsOn20000DistinctItems_IsValid()
    {
        var schema = JsonSchema.Parse("""{ "uniqueItems": true }""");

        var result = schema.Validate(Json(Items(20_000, i => $$"""{ "id": {{i}}, "tags": ["a", {{i % 7}}] }""")));

        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void Validate_UniqueItemsOn20000ItemsWithOneDuplicate_ReportsTheFirstPair()
    {
        var schema = JsonSchema.Parse("""{ "uniqueItems": true }""");

        // The last item equals item 7 with its keys in another order and its number written as 7.0.
        var result = schema.Validate(Json(Items(20_000, i => i == 19_999 ? """{ "tags": ["a", 0], "id": 7.0 }""" : $$"""{ "id": {{i}}, "tags": ["a", {{i % 7}}] }""")));

        var error = Assert.Single(result.Errors);
        Assert.Equal("must have unique items, but items 7 and 19999 are equal", error.Message);
        Assert.Equal(ValidationLimit.None, result.ExceededLimit);
    }

    [Theory]
    [InlineData("[1, 1.0]", "0 and 1")]
    [InlineData("[10, 1e1]", "0 and 1")]
    [InlineData("[0, -0.0]", "0 and 1")]
    [InlineData("""[{ "a": 1, "b": [2] }, { "b": [2.00], "a": 1 }]""", "0 and 1")]
    [InlineData("""["\u0061", "a"]""", "0 and 1")]
    [InlineData("""[1, "x", 2, "y", 3, "z", 4, "w", 5, 2.0, 3.0]""", "2 and 9")]
    [InlineData("""[[1], [2], [3], [4], [5], [6], [7], [8], [9], {"k": "v"}, [2.0], {"k": "v"}]""", "1 and 10")]
    public void Validate_UniqueItems_UsesJsonEquality(string array, string pair)
    {
        var schema = JsonSchema.Parse("""{ "uniqueItems": true }""");

        var error = Assert.Single(schema.Validate(Json(array)).Errors);

        Assert.Equal($"must have unique items, but items {pair} are equal", error.Message);
    }

    [Theory]
    [InlineData("""[1, "1", true, null, [1], {"1": 1}, 2, 3, 4, 5, false, [], {}]""")]
    [InlineData("""[{ "a": 1 }, { "a": 1, "b": 1 }, { "b": 1 }, [1, 2], [2, 1], 0.5, 1.5, 2.5, 3.5]""")]
    public void Validate_UniqueItems_DistinctValues_AreValid(string array)
        => Assert.True(JsonSchema.Parse("""{ "uniqueItems": true }""").Validate(Json(array)).IsValid);

    [Theory]
    [InlineData("allOf")]
    [InlineData("anyOf")]
    [InlineData("oneOf")]
    public void Validate_ApplicatorFanOut_StopsAtTheEvaluationBudget(string applicator)
    {
        // anyOf passes on its first branch, so its fan-out is one that fails every branch.
        var schema = JsonSchema.Parse(FanOut(applicator, 40, applicator == "anyOf" ? """{ "type": "string" }""" : """{ "type": "object" }"""));

        var result = schema.Validate(Json("{}"));

        Assert.False(result.IsValid);
        Assert.Equal(ValidationLimit.Evaluations, result.ExceededLimit);
        Assert.Contains(result.Errors, e => e.Message == "could not be checked: validation stopped after 1000000 keyword evaluations (MaxEvaluations)");
        Assert.False(schema.IsValid(Json("{}")));
    }

    [Fact]
    public void Validate_NotOfAStoppedEvaluation_IsNotValid()
    {
        var schema = JsonSchema.Parse(FanOut("allOf", 40).Replace("\"$ref\": \"#/$defs/d40\" }", "\"not\": { \"$ref\": \"#/$defs/d40\" } }", StringComparison.Ordinal));

        // An object passes d0, so every allOf runs both branches: 2^40 evaluations under 'not'.
        var result = schema.Validate(Json("{}"));

        Assert.False(result.IsValid);
        Assert.Equal(ValidationLimit.Evaluations, result.ExceededLimit);
    }

    [Fact]
    public void Validate_MaxEvaluations_IsConfigurable()
    {
        var text = """{ "properties": { "a": { "type": "integer" }, "b": { "type": "integer" }, "c": { "type": "integer" } } }""";
        var instance = Json("""{ "a": 1, "b": 2, "c": 3 }""");

        var tight = JsonSchema.Parse(text, new JsonSchemaOptions { MaxEvaluations = 3 }).Validate(instance);
        var enough = JsonSchema.Parse(text, new JsonSchemaOptions { MaxEvaluations = 4 }).Validate(instance);

        // One evaluation for 'properties', one for each property's 'type'.
        Assert.Equal(ValidationLimit.Evaluations, tight.ExceededLimit);
        Assert.Equal("could not be checked: validation stopped after 3 keyword evaluations (MaxEvaluations)", Assert.Single(tight.Errors).Message);
        Assert.True(enough.IsValid);
    }

    [Fact]
    public void Validate_ErrorsThenBudget_KeepsTheErrorsFoundAndNamesTheLimit()
    {
        var schema = JsonSchema.Parse("""{ "items": { "type": "string" } }""", new JsonSchemaOptions { MaxEvaluations = 10 });

        var result = schema.Validate(Json(Items(20, i => i.ToString(CultureInfo.InvariantCulture))));

        Assert.Equal(ValidationLimit.Evaluations, result.ExceededLimit);
        Assert.Equal("/0", result.Errors[0].InstanceLocation);
        Assert.Equal("could not be checked: validation stopped after 10 keyword evaluations (MaxEvaluations)", result.Errors[^1].Message);
        Assert.True(result.Errors.Count < 20);
    }

    [Fact]
    public void Validate_ManyStringsHittingTheRegexTimeout_StopAtTheTotalRegexBudget()
    {
        var options = new JsonSchemaOptions { RegexTimeout = TimeSpan.FromMilliseconds(20), MaxRegexTime = TimeSpan.FromMilliseconds(200) };
        var schema = JsonSchema.Parse("""{ "items": { "pattern": "^(\\w+\\s?)*$" } }""", options);
        var evil = "\"" + new string('a', 5_000) + "!\"";

        var result = schema.Validate(Json(Items(100, _ => evil)));

        Assert.False(result.IsValid);
        Assert.Equal(ValidationLimit.RegexTime, result.ExceededLimit);
        Assert.Contains("the regexes of this validation ran longer than 200 ms in total (MaxRegexTime)", result.Errors[^1].Message, StringComparison.Ordinal);
        var timeouts = result.Errors.Count(e => e.Message.Contains("(RegexTimeout)", StringComparison.Ordinal));
        Assert.InRange(timeouts, 1, 99);
    }

    [Fact]
    public void Validate_CancelledToken_Throws()
    {
        var schema = JsonSchema.Parse(FanOut("allOf", 40));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => schema.Validate(Json("{}"), cancelled.Token));
    }

    [Fact]
    public void Validate_CancelledDuringEvaluation_Throws()
    {
        // An unlimited budget, so only the token can stop this 2^40 fan-out.
        var schema = JsonSchema.Parse(FanOut("allOf", 40), new JsonSchemaOptions { MaxEvaluations = long.MaxValue });
        using var cancel = new CancellationTokenSource();
        cancel.CancelAfter(TimeSpan.FromMilliseconds(50));

        Assert.Throws<OperationCanceledException>(() => schema.Validate(Json("{}"), cancel.Token));
    }

    [Fact]
    public void Parse_BudgetsOutOfRange_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>("options", () => JsonSchema.Parse("true", new JsonSchemaOptions { MaxEvaluations = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>("options", () => JsonSchema.Parse("true", new JsonSchemaOptions { MaxRegexTime = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public void Fuzz_SeedFixedRound_InAChild_ThrowsOnlyDocumentedErrors()
    {
        // PORT_SDK_FUZZ_COUNT=20000 (and PORT_SDK_FUZZ_SEED) make this the longer run; the default is a short CI round.
        var count = int.TryParse(Environment.GetEnvironmentVariable("PORT_SDK_FUZZ_COUNT"), CultureInfo.InvariantCulture, out var n) ? n : 300;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PORT_SDK_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 13;
        var suite = Path.Combine(RepositoryPaths.Conformance, "json-schema-test-suite");

        // The bound is generous: the round shares two cores with the other tests; it only has to end.
        var result = ChildProcess.Run(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(count / 5.0), "fuzz-schema", seed.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture), suite);

        Assert.False(result.Killed, result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"schema fuzz seed {seed}: {count} cases, ", result.Stdout, StringComparison.Ordinal);
    }
}
