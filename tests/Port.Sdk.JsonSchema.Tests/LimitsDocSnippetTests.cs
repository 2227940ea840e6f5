using System.Text.Json;

namespace Port.Sdk.JsonSchema.Tests;

/// <summary>The C# snippets of docs/limits.md, compiled and run.</summary>
public sealed class LimitsDocSnippetTests
{
    [Fact]
    public void JsonSchemaSnippet_ValidatesWithTheGivenLimits()
    {
        // begin-snippet: docs/limits.md JSON Schema
        var options = new JsonSchemaOptions
        {
            MaxEvaluations = 5_000_000,
            RegexTimeout = TimeSpan.FromMilliseconds(100),
            MaxRegexTime = TimeSpan.FromSeconds(2),
            MaxDepth = 512,
        };
        var schema = JsonSchema.Parse("""{ "type": "array", "uniqueItems": true }""", options);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        ValidationResult result = schema.Validate(JsonDocument.Parse("[1, 1.0]").RootElement, cancel.Token);
        bool checkedFully = result.ExceededLimit == ValidationLimit.None;
        // result.ToString(): (root): must have unique items, but items 0 and 1 are equal (/uniqueItems)
        // end-snippet

        Assert.True(checkedFully);
        Assert.Equal("(root): must have unique items, but items 0 and 1 are equal (/uniqueItems)", result.ToString());
    }
}
