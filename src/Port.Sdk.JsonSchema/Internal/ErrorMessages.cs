using System.Globalization;
using System.Text.Json;

namespace Port.Sdk.JsonSchema.Internal;

/// <summary>Every sentence a validation error can carry, in one place.</summary>
internal static class ErrorMessages
{
    public const string FalseSchema = "is not allowed here (the schema is 'false')";

    public static string DepthExceeded(int max) => $"is nested too deeply: evaluation went more than {max} levels deep (MaxDepth)";

    public static string EvaluationsExceeded(long max)
        => $"could not be checked: validation stopped after {max.ToString(CultureInfo.InvariantCulture)} keyword evaluations (MaxEvaluations)";

    public static string RegexTimeExceeded(string pattern, TimeSpan max)
        => $"could not be checked against the pattern '{pattern}': the regexes of this validation ran longer than {max.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms in total (MaxRegexTime)";

    public static string Type(string expected, string actual) => $"must be {expected}, was {actual}";

    public static string Const(JsonElement expected) => $"must be {Preview(expected)}";

    public static string Enum(JsonElement values) => $"must be one of {Preview(values)}";

    public static string MaxLength(long max, long actual) => $"must be at most {max} {Plural(max, "character")}, was {actual}";

    public static string MinLength(long min, long actual) => $"must be at least {min} {Plural(min, "character")}, was {actual}";

    public static string Pattern(string pattern) => $"must match the pattern '{pattern}'";

    public static string PatternTimeout(string pattern, TimeSpan timeout)
        => $"could not be checked against the pattern '{pattern}': the match ran longer than {timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms (RegexTimeout)";

    public static string Format(string format) => $"must be a valid '{format}'";

    public static string Maximum(string limit, string actual) => $"must be at most {limit}, was {actual}";

    public static string ExclusiveMaximum(string limit, string actual) => $"must be less than {limit}, was {actual}";

    public static string Minimum(string limit, string actual) => $"must be at least {limit}, was {actual}";

    public static string ExclusiveMinimum(string limit, string actual) => $"must be greater than {limit}, was {actual}";

    public static string MultipleOf(string divisor, string actual) => $"must be a multiple of {divisor}, was {actual}";

    public static string MaxItems(long max, long actual) => $"must have at most {max} {Plural(max, "item")}, had {actual}";

    public static string MinItems(long min, long actual) => $"must have at least {min} {Plural(min, "item")}, had {actual}";

    public static string UniqueItems(int first, int second) => $"must have unique items, but items {first} and {second} are equal";

    public static string MinContains(long min, int found) => $"must contain at least {min} {Plural(min, "item")} matching 'contains', found {found}";

    public static string MaxContains(long max, int found) => $"must contain at most {max} {Plural(max, "item")} matching 'contains', found {found}";

    public static string MaxProperties(long max, int actual) => $"must have at most {max} {Plural(max, "property", "properties")}, had {actual}";

    public static string MinProperties(long min, int actual) => $"must have at least {min} {Plural(min, "property", "properties")}, had {actual}";

    public static string Required(string name) => $"is missing the required property '{name}'";

    public static string DependentRequired(string name, string dependency) => $"is missing the property '{name}', which is required when '{dependency}' is present";

    public static string PropertyNotAllowed(string name, string keyword) => $"has the property '{name}', which is not allowed ({keyword})";

    public static string ItemNotAllowed(int index, string keyword) => $"has an item at index {index}, which is not allowed ({keyword})";

    public static string PropertyName(string name) => $"has the property name '{name}', which does not match 'propertyNames'";

    public static string AnyOf(int count) => $"must match at least one of the {count} schemas in 'anyOf'";

    public static string OneOfNone(int count) => $"must match exactly one of the {count} schemas in 'oneOf', matched none";

    public static string OneOfMany(int first, int second) => $"must match exactly one schema in 'oneOf', but matched schemas {first} and {second}";

    public static string Not => "must not match the schema in 'not'";

    public static string TypeName(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => NumberValue.IsInteger(element) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    public static string Preview(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
    }

    private static string Plural(long count, string singular, string? plural = null)
        => count == 1 ? singular : plural ?? singular + "s";
}
