using System.Diagnostics;

namespace Port.Sdk.JsonSchema.Internal;

/// <summary>What is left of one validation's budgets; both passes of a validation share it.</summary>
internal readonly record struct ValidationBudget(long Evaluations, long RegexTicks)
{
    public static ValidationBudget For(JsonSchemaOptions options)
    {
        var ticks = options.MaxRegexTime.TotalSeconds * Stopwatch.Frequency;
        return new(options.MaxEvaluations, ticks >= long.MaxValue ? long.MaxValue : (long)ticks);
    }
}
