using System.Text.Json;
using System.Text.Json.Serialization;

namespace Port.Sdk;

/// <summary>
/// A query in Port's search rule language: rules (or nested groups) joined by a combinator.
/// Parse one from Port's JSON with <see cref="Parse(string)"/>, or build it in code.
/// </summary>
/// <example>
/// <code>
/// var query = SearchQuery.Parse("""
///     { "combinator": "and", "rules": [
///         { "property": "$blueprint", "operator": "=", "value": "service" },
///         { "property": "tier", "operator": "in", "value": ["gold", "silver"] } ] }
///     """);
/// </code>
/// </example>
[JsonConverter(typeof(SearchRuleConverter))]
public sealed record SearchQuery : SearchRule
{
    /// <summary>Gets how the rules combine: <see cref="SearchCombinator.And"/> or <see cref="SearchCombinator.Or"/>.</summary>
    public SearchCombinator Combinator { get; init; } = SearchCombinator.And;

    /// <summary>Gets the rules and nested groups.</summary>
    public IReadOnlyList<SearchRule> Rules { get => _rules; init => _rules = value ?? []; }

    // System.Text.Json passes null for a member missing from the JSON: the setter keeps the default.
    private readonly IReadOnlyList<SearchRule> _rules = [];

    /// <summary>Parses a query from Port's JSON (<c>rules</c> or, as scorecards write it, <c>conditions</c>).</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The JSON is not a valid query; the message says where.</exception>
    public static SearchQuery Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        return Parse(document.RootElement);
    }

    /// <summary>Parses a query from Port's JSON.</summary>
    /// <param name="json">The JSON element.</param>
    /// <returns>The query.</returns>
    /// <exception cref="JsonException">The JSON is not a valid query; the message says where.</exception>
    public static SearchQuery Parse(JsonElement json)
        => SearchRuleConverter.ReadRule(json, string.Empty) as SearchQuery
            ?? throw new JsonException("A search query must be an object with 'combinator' and 'rules'.");
}

/// <summary>How the rules of a <see cref="SearchQuery"/> combine.</summary>
public enum SearchCombinator
{
    /// <summary>Every rule must match.</summary>
    And,

    /// <summary>At least one rule must match.</summary>
    Or,
}

/// <summary>A rule of the search language: a property rule, a <c>relatedTo</c> rule, or a nested <see cref="SearchQuery"/>.</summary>
[JsonConverter(typeof(SearchRuleConverter))]
public abstract record SearchRule;

/// <summary>
/// A rule on a property or a meta-property (<c>$identifier</c>, <c>$title</c>, <c>$team</c>, <c>$blueprint</c>,
/// <c>$createdAt</c>, <c>$updatedAt</c>): <c>=</c>, <c>!=</c>, <c>&gt;</c>, <c>&gt;=</c>, <c>&lt;</c>, <c>&lt;=</c>,
/// <c>between</c>, <c>notBetween</c>, <c>contains</c>, <c>containsAny</c>, <c>doesNotContains</c>, <c>beginsWith</c>,
/// <c>endsWith</c>, <c>in</c>, <c>notIn</c>, <c>isEmpty</c>, <c>isNotEmpty</c>.
/// </summary>
public sealed record PropertyRule : SearchRule
{
    /// <summary>Gets the property name, or a meta-property such as <c>$identifier</c>.</summary>
    public required string Property { get; init; }

    /// <summary>Gets the operator, as Port writes it.</summary>
    public required string Operator { get; init; }

    /// <summary>Gets the operand; absent for <c>isEmpty</c> and <c>isNotEmpty</c>. <c>between</c> takes <c>{"from": ..., "to": ...}</c>.</summary>
    public JsonElement? Value { get; init; }
}

/// <summary><c>relatedTo</c>: entities related to an entity of a blueprint, upstream (it points to them) or downstream.</summary>
public sealed record RelatedToRule : SearchRule
{
    /// <summary>Gets the blueprint of the entity the results relate to.</summary>
    public required string Blueprint { get; init; }

    /// <summary>Gets the identifier of the entity the results relate to.</summary>
    public required string Value { get; init; }

    /// <summary>
    /// Gets the direction: <see cref="RelationDirection.Upstream"/> finds the entities the given entity points to
    /// (its service, its team); <see cref="RelationDirection.Downstream"/> finds those that point to it.
    /// </summary>
    public RelationDirection Direction { get; init; } = RelationDirection.Downstream;
}

/// <summary>The direction of a relation walk.</summary>
public enum RelationDirection
{
    /// <summary>Towards the entities a given entity points to.</summary>
    Upstream,

    /// <summary>Towards the entities that point to a given entity.</summary>
    Downstream,
}

internal sealed class SearchRuleConverter : JsonConverter<SearchRule>
{
    public override bool CanConvert(Type typeToConvert) => typeof(SearchRule).IsAssignableFrom(typeToConvert);

    public override SearchRule Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return ReadRule(document.RootElement, string.Empty);
    }

    internal static SearchRule ReadRule(JsonElement json, string pointer)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"Search rule at '{Show(pointer)}' must be an object.");
        }

        if (json.TryGetProperty("combinator", out var combinator))
        {
            var kind = combinator.ValueKind == JsonValueKind.String ? combinator.GetString() : null;
            var parsed = kind switch
            {
                "and" => SearchCombinator.And,
                "or" => SearchCombinator.Or,
                _ => throw new JsonException($"'combinator' at '{Show(pointer)}' must be \"and\" or \"or\", was {combinator.GetRawText()}."),
            };
            var name = json.TryGetProperty("rules", out var rules) ? "rules" : json.TryGetProperty("conditions", out rules) ? "conditions" : null;
            if (name is null || rules.ValueKind != JsonValueKind.Array)
            {
                throw new JsonException($"Search group at '{Show(pointer)}' must have an array of 'rules'.");
            }

            return new SearchQuery
            {
                Combinator = parsed,
                Rules = [.. rules.EnumerateArray().Select((rule, i) => ReadRule(rule, $"{pointer}/{name}/{i}"))],
            };
        }

        var op = json.TryGetProperty("operator", out var o) && o.ValueKind == JsonValueKind.String
            ? o.GetString()!
            : throw new JsonException($"Search rule at '{Show(pointer)}' must have an 'operator'.");
        if (op == "relatedTo")
        {
            var direction = json.TryGetProperty("direction", out var d) ? d.GetString() : "downstream";
            return new RelatedToRule
            {
                Blueprint = json.TryGetProperty("blueprint", out var b) && b.ValueKind == JsonValueKind.String
                    ? b.GetString()!
                    : throw new JsonException($"'relatedTo' rule at '{Show(pointer)}' must name a 'blueprint'."),
                Value = json.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String
                    ? v.GetString()!
                    : throw new JsonException($"'relatedTo' rule at '{Show(pointer)}' must have an entity identifier as 'value'."),
                Direction = direction switch
                {
                    "upstream" => RelationDirection.Upstream,
                    "downstream" => RelationDirection.Downstream,
                    _ => throw new JsonException($"'direction' at '{Show(pointer)}' must be \"upstream\" or \"downstream\", was \"{direction}\"."),
                },
            };
        }

        if (!SearchOperators.All.Contains(op))
        {
            throw new JsonException($"Unknown search operator '{op}' at '{Show(pointer)}'; expected one of {string.Join(", ", SearchOperators.All)}, relatedTo.");
        }

        var property = json.TryGetProperty("property", out var p) && p.ValueKind == JsonValueKind.String
            ? p.GetString()!
            : throw new JsonException($"Search rule at '{Show(pointer)}' must name a 'property'.");
        JsonElement? value = json.TryGetProperty("value", out var val) ? val.Clone() : null;
        if (value is null && op is not ("isEmpty" or "isNotEmpty"))
        {
            throw new JsonException($"Search rule '{property} {op}' at '{Show(pointer)}' must have a 'value'.");
        }

        return new PropertyRule { Property = property, Operator = op, Value = value };
    }

    private static string Show(string pointer) => pointer.Length == 0 ? "/" : pointer;

    public override void Write(Utf8JsonWriter writer, SearchRule value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case SearchQuery query:
                writer.WriteStartObject();
                writer.WriteString("combinator", query.Combinator == SearchCombinator.And ? "and" : "or");
                writer.WriteStartArray("rules");
                foreach (var rule in query.Rules)
                {
                    Write(writer, rule, options);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            case RelatedToRule related:
                writer.WriteStartObject();
                writer.WriteString("operator", "relatedTo");
                writer.WriteString("blueprint", related.Blueprint);
                writer.WriteString("value", related.Value);
                writer.WriteString("direction", related.Direction == RelationDirection.Upstream ? "upstream" : "downstream");
                writer.WriteEndObject();
                break;
            case PropertyRule rule:
                writer.WriteStartObject();
                writer.WriteString("property", rule.Property);
                writer.WriteString("operator", rule.Operator);
                if (rule.Value is { } operand)
                {
                    writer.WritePropertyName("value");
                    operand.WriteTo(writer);
                }

                writer.WriteEndObject();
                break;
        }
    }
}

/// <summary>The operators of property rules.</summary>
public static class SearchOperators
{
    /// <summary>Gets every property-rule operator Port defines.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "=", "!=", ">", ">=", "<", "<=", "between", "notBetween", "contains", "containsAny", "doesNotContains",
        "beginsWith", "endsWith", "in", "notIn", "isEmpty", "isNotEmpty",
    };
}
