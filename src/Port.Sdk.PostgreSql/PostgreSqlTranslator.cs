using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Port.Sdk.PostgreSql;

/// <summary>
/// Translates a search query into a SQL condition over <c>entities e</c>. A translation is never narrower than the
/// query; it is marked exact when it matches the same entities as <see cref="Search.SearchEvaluator"/> (only an exact
/// part may be negated). The store re-checks the rows of an inexact translation in memory.
/// </summary>
internal sealed class PostgreSqlTranslator(string schema, IReadOnlySet<string> relationNames)
{
    private readonly List<NpgsqlParameter> _parameters = [];

    public List<NpgsqlParameter> Parameters => _parameters;

    public (string Sql, bool Exact)? Translate(SearchRule rule) => rule switch
    {
        SearchQuery group => TranslateGroup(group),
        RelatedToRule related => TranslateRelated(related),
        PropertyRule property => TranslateProperty(property),
        _ => null,
    };

    public string Add(object value, NpgsqlDbType type)
    {
        _parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
        return "$" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
    }

    private (string, bool)? TranslateGroup(SearchQuery group)
    {
        var parts = new List<string>();
        var exact = true;
        foreach (var rule in group.Rules)
        {
            if (Translate(rule) is not { } part)
            {
                if (group.Combinator == SearchCombinator.Or)
                {
                    // One untranslatable alternative makes the whole OR untranslatable.
                    return null;
                }

                exact = false;
                continue;
            }

            parts.Add(part.Sql);
            exact &= part.Exact;
        }

        if (parts.Count == 0)
        {
            // An empty AND matches everything, an empty OR nothing (as the evaluator's All/Any).
            return group.Rules.Count == 0 ? (group.Combinator == SearchCombinator.Or ? "false" : "true", true) : null;
        }

        return ("(" + string.Join(group.Combinator == SearchCombinator.And ? " AND " : " OR ", parts) + ")", exact);
    }

    private (string, bool) TranslateRelated(RelatedToRule rule)
    {
        var bp = Add(rule.Blueprint, NpgsqlDbType.Text);
        var id = Add(rule.Value, NpgsqlDbType.Text);
        var sql = rule.Direction == RelationDirection.Downstream
            ? $"EXISTS (SELECT 1 FROM {schema}.relations r WHERE r.source_blueprint = e.blueprint AND r.source_identifier = e.identifier AND r.target_blueprint = {bp} AND r.target_identifier = {id})"
            : $"EXISTS (SELECT 1 FROM {schema}.relations r WHERE r.source_blueprint = {bp} AND r.source_identifier = {id} AND r.target_blueprint = e.blueprint AND r.target_identifier = e.identifier)";
        return (sql, true);
    }

    private (string, bool)? TranslateProperty(PropertyRule rule)
    {
        // A property that is also a relation name is read from the relations when the entity has no such property.
        if (!rule.Property.StartsWith('$') && relationNames.Contains(rule.Property))
        {
            return null;
        }

        return rule.Property switch
        {
            "$identifier" => TranslateText("e.identifier", rule),
            "$blueprint" => TranslateText("e.blueprint", rule),
            "$title" => TranslateJson("(e.json -> 'title')", rule, indexed: null),
            _ when rule.Property.StartsWith('$') => null,
            _ => TranslateJson($"(e.json -> 'properties' -> {Add(rule.Property, NpgsqlDbType.Text)})", rule, indexed: rule.Property),
        };
    }

    /// <summary>A meta-property held in a text column that is never null.</summary>
    private (string, bool)? TranslateText(string column, PropertyRule rule)
    {
        var text = rule.Value is { ValueKind: JsonValueKind.String } s ? s.GetString()! : null;
        switch (rule.Operator)
        {
            case "=" when text is not null:
                return ($"{column} = {Add(text, NpgsqlDbType.Text)}", true);
            case "!=" when text is not null:
                return ($"{column} <> {Add(text, NpgsqlDbType.Text)}", true);
            case "in" or "notIn" when StringSet(rule.Value) is { } set:
                var any = $"{column} = ANY({Add(set, NpgsqlDbType.Array | NpgsqlDbType.Text)})";
                return (rule.Operator == "in" ? any : $"NOT ({any})", true);
            case "beginsWith" when text is not null:
                return ($"starts_with({column}, {Add(text, NpgsqlDbType.Text)})", true);
            case "endsWith" when text is not null:
                var suffix = Add(text, NpgsqlDbType.Text);
                return ($"right({column}, char_length({suffix})) = {suffix}", true);
            case "contains" when text is not null:
                return ($"strpos({column}, {Add(text, NpgsqlDbType.Text)}) > 0", true);
            case "doesNotContains" when text is not null:
                return ($"strpos({column}, {Add(text, NpgsqlDbType.Text)}) = 0", true);
            case "isEmpty":
                return ($"{column} = ''", true);
            case "isNotEmpty":
                return ($"{column} <> ''", true);
            default:
                return null;
        }
    }

    /// <summary>A value read from the entity's jsonb (SQL NULL when absent).</summary>
    private (string, bool)? TranslateJson(string value, PropertyRule rule, string? indexed)
    {
        var operand = rule.Value;
        switch (rule.Operator)
        {
            case "=" or "!=" when operand is { } o && Equals(value, o, indexed) is { } equal:
                return (rule.Operator == "=" ? equal : $"({equal}) IS NOT TRUE", true);
            case ">" or ">=" or "<" or "<=" when operand is { ValueKind: JsonValueKind.Number } limit:
                return ($"{Number(value)} {rule.Operator} {Add(limit.GetDouble(), NpgsqlDbType.Double)}", true);
            case ">" or ">=" or "<" or "<=" when operand is { ValueKind: JsonValueKind.String }:
                // Strings compare as dates when both parse as dates, else ordinally: narrowed to strings, re-checked.
                return ($"jsonb_typeof({value}) = 'string'", false);
            case "between" or "notBetween" when operand is { ValueKind: JsonValueKind.Object } range
                && range.TryGetProperty("from", out var from) && from.ValueKind == JsonValueKind.Number
                && range.TryGetProperty("to", out var to) && to.ValueKind == JsonValueKind.Number:
                var inside = $"{Number(value)} BETWEEN {Add(from.GetDouble(), NpgsqlDbType.Double)} AND {Add(to.GetDouble(), NpgsqlDbType.Double)}";
                return (rule.Operator == "between" ? inside : $"({inside}) IS NOT TRUE", true);
            case "between" when operand is { ValueKind: JsonValueKind.Object }:
                return ($"jsonb_typeof({value}) IN ('string', 'number')", false);
            case "contains" or "doesNotContains" when operand is { ValueKind: JsonValueKind.String } needle:
                var contains = Contains(value, needle.GetString()!);
                return (rule.Operator == "contains" ? contains : $"({contains}) IS NOT TRUE", true);
            case "containsAny" when operand is { ValueKind: JsonValueKind.Array } options && options.GetArrayLength() > 0
                && options.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String):
                return ("(" + string.Join(" OR ", options.EnumerateArray().Select(v => Contains(value, v.GetString()!))) + ")", true);
            case "beginsWith" when operand is { ValueKind: JsonValueKind.String } prefix:
                return ($"(jsonb_typeof({value}) = 'string' AND starts_with({value} #>> '{{}}', {Add(prefix.GetString()!, NpgsqlDbType.Text)}))", true);
            case "endsWith" when operand is { ValueKind: JsonValueKind.String } suffix:
                var p = Add(suffix.GetString()!, NpgsqlDbType.Text);
                return ($"(jsonb_typeof({value}) = 'string' AND right({value} #>> '{{}}', char_length({p})) = {p})", true);
            case "in" or "notIn" when StringSet(operand) is { } set:
                // A string equal to one of the set, or an array with such an element.
                var member = $"(jsonb_typeof({value}) IN ('string', 'array') AND {value} ?| {Add(set, NpgsqlDbType.Array | NpgsqlDbType.Text)})";
                return (rule.Operator == "in" ? member : $"({member}) IS NOT TRUE", true);
            case "isEmpty" or "isNotEmpty":
                var empty = $"({value} IS NULL OR {value} IN ('null'::jsonb, '\"\"'::jsonb, '[]'::jsonb, '{{}}'::jsonb))";
                return (rule.Operator == "isEmpty" ? empty : $"NOT {empty}", true);
            default:
                return null;
        }
    }

    /// <summary>Equality as the evaluator has it: numbers by double value, strings ordinally, the rest as equal JSON.</summary>
    private string? Equals(string value, JsonElement operand, string? indexed)
    {
        switch (operand.ValueKind)
        {
            case JsonValueKind.String or JsonValueKind.True or JsonValueKind.False:
                // Containment on the properties object is what the GIN index answers.
                return indexed is not null
                    ? $"e.json -> 'properties' @> jsonb_build_object({Add(indexed, NpgsqlDbType.Text)}, {Add(operand.GetRawText(), NpgsqlDbType.Jsonb)})"
                    : $"{value} = {Add(operand.GetRawText(), NpgsqlDbType.Jsonb)}";
            case JsonValueKind.Number:
                return $"{Number(value)} = {Add(operand.GetDouble(), NpgsqlDbType.Double)}";
            default:
                return null;
        }
    }

    private static string Number(string value) => $"(CASE WHEN jsonb_typeof({value}) = 'number' THEN ({value})::float8 END)";

    /// <summary>A string that contains the needle, or an array with an element equal to it.</summary>
    private string Contains(string value, string needle)
    {
        var n = Add(needle, NpgsqlDbType.Text);
        return $"(CASE jsonb_typeof({value}) WHEN 'string' THEN strpos({value} #>> '{{}}', {n}) > 0 "
            + $"WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements({value}) x WHERE x = to_jsonb({n})) ELSE false END)";
    }

    private static string[]? StringSet(JsonElement? operand)
        => operand is { ValueKind: JsonValueKind.Array } set && set.GetArrayLength() > 0 && set.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String)
            ? [.. set.EnumerateArray().Select(v => v.GetString()!)]
            : null;
}
