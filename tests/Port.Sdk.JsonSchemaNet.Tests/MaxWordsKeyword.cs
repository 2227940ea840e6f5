using System.Text.Json;
using Json.Schema;

namespace Port.Sdk.JsonSchemaNet.Tests;

/// <summary>The custom keyword of the package's README: a string has at most this many words.</summary>
public sealed class MaxWordsKeyword : IKeywordHandler
{
    public string Name => "maxWords";

    public object? ValidateKeywordValue(JsonElement value)
        => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var max) && max >= 0
            ? max
            : throw new JsonSchemaException("'maxWords' must be a non-negative integer.");

    public void BuildSubschemas(KeywordData keyword, BuildContext context)
    {
    }

    public KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
    {
        if (context.Instance.ValueKind != JsonValueKind.String)
        {
            return KeywordEvaluation.Ignore;
        }

        var words = context.Instance.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var max = (int)keyword.Value!;
        return new KeywordEvaluation
        {
            Keyword = Name,
            IsValid = words <= max,
            Error = words <= max ? null : $"has {words} words, more than {max}",
        };
    }
}
