using System.Text.Json;

namespace Port.Sdk.Sqlite;

/// <summary>
/// Translates what SQLite can evaluate of a search query into a SQL condition over <c>entities e</c>. The result may be
/// wider than the query (a rule it cannot translate inside an AND is left out), never narrower; the store evaluates
/// the full query on the rows it returns.
/// </summary>
internal static class SqlTranslator
{
    public static string? Translate(SearchRule rule, List<(string Name, object Value)> parameters) => rule switch
    {
        SearchQuery group => TranslateGroup(group, parameters),
        RelatedToRule related => TranslateRelated(related, parameters),
        PropertyRule property => TranslateProperty(property, parameters),
        _ => null,
    };

    private static string? TranslateGroup(SearchQuery group, List<(string Name, object Value)> parameters)
    {
        var parts = new List<string>();
        foreach (var rule in group.Rules)
        {
            var part = Translate(rule, parameters);
            if (part is null)
            {
                if (group.Combinator == SearchCombinator.Or)
                {
                    // One untranslatable alternative makes the whole OR untranslatable.
                    return null;
                }

                continue;
            }

            parts.Add(part);
        }

        if (parts.Count == 0)
        {
            return group.Combinator == SearchCombinator.Or && group.Rules.Count == 0 ? "0 = 1" : null;
        }

        return "(" + string.Join(group.Combinator == SearchCombinator.And ? " AND " : " OR ", parts) + ")";
    }

    private static string TranslateRelated(RelatedToRule rule, List<(string Name, object Value)> parameters)
    {
        var bp = Add(parameters, rule.Blueprint);
        var id = Add(parameters, rule.Value);
        // An uncorrelated IN: SQLite evaluates the subquery once through the relations' index on the given end and
        // looks the few rows up by primary key. (A correlated EXISTS ran once per entity row: a scan of the table.)
        return rule.Direction == RelationDirection.Downstream
            ? $"(e.blueprint, e.identifier) IN (SELECT r.source_blueprint, r.source_identifier FROM relations r WHERE r.target_blueprint = {bp} AND r.target_identifier = {id})"
            : $"(e.blueprint, e.identifier) IN (SELECT r.target_blueprint, r.target_identifier FROM relations r WHERE r.source_blueprint = {bp} AND r.source_identifier = {id})";
    }

    private static string? TranslateProperty(PropertyRule rule, List<(string Name, object Value)> parameters)
    {
        var column = rule.Property switch
        {
            "$identifier" => "e.identifier",
            "$blueprint" => "e.blueprint",
            "$title" => "json_extract(e.json, '$.title')",
            _ when rule.Property.StartsWith('$') => null,
            _ when rule.Property.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') => $"json_extract(e.json, '$.properties.\"{rule.Property}\"')",
            _ => null,
        };
        if (column is null)
        {
            return null;
        }

        switch (rule.Operator)
        {
            case "=" or ">" or ">=" or "<" or "<=" when Scalar(rule.Value) is { } value:
                return $"{column} {rule.Operator} {Add(parameters, value)}";
            case "in" when rule.Value is { ValueKind: JsonValueKind.Array } set && set.EnumerateArray().All(v => Scalar(v) is not null) && set.GetArrayLength() > 0:
                return $"{column} IN ({string.Join(", ", set.EnumerateArray().Select(v => Add(parameters, Scalar(v)!)))})";
            case "beginsWith" when rule.Value is { ValueKind: JsonValueKind.String } prefix:
                return $"substr({column}, 1, {prefix.GetString()!.Length}) = {Add(parameters, prefix.GetString()!)}";
            default:
                return null;
        }
    }

    /// <summary>A JSON scalar as SQLite stores <c>json_extract</c> results: text, real, or integer 0/1 for booleans.</summary>
    private static object? Scalar(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString()!,
        { ValueKind: JsonValueKind.Number } n => n.GetDouble(),
        { ValueKind: JsonValueKind.True } => 1L,
        { ValueKind: JsonValueKind.False } => 0L,
        _ => null,
    };

    private static string Add(List<(string Name, object Value)> parameters, object value)
    {
        var name = "$p" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameters.Add((name, value));
        return name;
    }
}
