using System.Globalization;
using System.Text.Json;

namespace Port.Sdk.Search;

/// <summary>
/// Evaluates Port's search rule language against entities in memory: the reference every store's results must
/// equal. A store that translates only part of a query to its own query language (or none of it) runs this on the
/// rows it found, as the in-memory, SQLite and PostgreSQL stores do; a store written outside this repository can too.
/// Not safe for concurrent use: create one per query.
/// </summary>
/// <example>
/// <code>
/// var evaluator = new SearchEvaluator(rule => relatedKeys[rule]);
/// var matches = candidates.Where(entity => evaluator.Matches(entity, query));
/// </code>
/// </example>
public sealed class SearchEvaluator
{
    private readonly Dictionary<PropertyRule, HashSet<string>?> _stringSets = new(ReferenceEqualityComparer.Instance);
    private readonly Func<RelatedToRule, ISet<EntityKey>> resolveRelated;

    /// <summary>Initializes a new instance of the <see cref="SearchEvaluator"/> class.</summary>
    /// <param name="resolveRelated">
    /// Gives, for a <c>relatedTo</c> rule, the keys of the entities it matches (the store reads its relations);
    /// called at most as often as the rule is evaluated, so cache inside it when it is costly.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="resolveRelated"/> is <see langword="null"/>.</exception>
    public SearchEvaluator(Func<RelatedToRule, ISet<EntityKey>> resolveRelated)
    {
        ArgumentNullException.ThrowIfNull(resolveRelated);
        this.resolveRelated = resolveRelated;
    }

    /// <summary>Tells whether an entity matches a rule (a property rule, a <c>relatedTo</c> rule or a group).</summary>
    /// <param name="entity">The entity, with every property the rule reads (computed ones included, if it reads them).</param>
    /// <param name="rule">The rule.</param>
    /// <returns><see langword="true"/> when the entity matches.</returns>
    /// <exception cref="ArgumentException">The rule uses an operator the language does not have.</exception>
    public bool Matches(Entity entity, SearchRule rule) => rule switch
    {
        SearchQuery group => group.Combinator == SearchCombinator.And
            ? group.Rules.All(r => Matches(entity, r))
            : group.Rules.Any(r => Matches(entity, r)),
        RelatedToRule related => resolveRelated(related).Contains(new EntityKey(entity.Blueprint, entity.Identifier)),
        PropertyRule { Operator: "in" or "notIn", Property: "$identifier" or "$blueprint" } property when StringSet(property) is { } set
            => set.Contains(property.Property == "$identifier" ? entity.Identifier : entity.Blueprint) == (property.Operator == "in"),
        PropertyRule property => MatchesProperty(entity, property),
        _ => false,
    };

    /// <summary>The operand of an <c>in</c> rule as a set of strings, built once per query (batch lookups ask for thousands).</summary>
    private HashSet<string>? StringSet(PropertyRule rule)
    {
        if (!_stringSets.TryGetValue(rule, out var set))
        {
            set = rule.Value is { ValueKind: JsonValueKind.Array } values && values.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String)
                ? values.EnumerateArray().Select(v => v.GetString()!).ToHashSet(StringComparer.Ordinal)
                : null;
            _stringSets[rule] = set;
        }

        return set;
    }

    private static bool MatchesProperty(Entity entity, PropertyRule rule)
    {
        var actual = Read(entity, rule.Property);
        var operand = rule.Value;
        switch (rule.Operator)
        {
            case "isEmpty":
                return IsEmpty(actual);
            case "isNotEmpty":
                return !IsEmpty(actual);
            case "=":
                return actual is { } a && operand is { } o && AreEqual(a, o);
            case "!=":
                return !(actual is { } a2 && operand is { } o2 && AreEqual(a2, o2));
            case ">" or ">=" or "<" or "<=":
                {
                    if (actual is not { } value || operand is not { } limit || Compare(value, limit) is not int c)
                    {
                        return false;
                    }

                    return rule.Operator switch { ">" => c > 0, ">=" => c >= 0, "<" => c < 0, _ => c <= 0 };
                }

            case "between" or "notBetween":
                {
                    var inside = actual is { } value && operand is { ValueKind: JsonValueKind.Object } range
                        && range.TryGetProperty("from", out var from) && range.TryGetProperty("to", out var to)
                        && Compare(value, from) >= 0 && Compare(value, to) <= 0;
                    return rule.Operator == "between" ? inside : !inside;
                }

            case "contains":
                return actual is { } haystack && operand is { } needle && Contains(haystack, needle);
            case "doesNotContains":
                return !(actual is { } haystack2 && operand is { } needle2 && Contains(haystack2, needle2));
            case "containsAny":
                return actual is { } any && operand is { ValueKind: JsonValueKind.Array } options && options.EnumerateArray().Any(o => Contains(any, o));
            case "beginsWith":
                return actual is { ValueKind: JsonValueKind.String } s && operand is { ValueKind: JsonValueKind.String } p && s.GetString()!.StartsWith(p.GetString()!, StringComparison.Ordinal);
            case "endsWith":
                return actual is { ValueKind: JsonValueKind.String } e && operand is { ValueKind: JsonValueKind.String } q && e.GetString()!.EndsWith(q.GetString()!, StringComparison.Ordinal);
            case "in":
                return actual is { } member && operand is { ValueKind: JsonValueKind.Array } set && InSet(member, set);
            case "notIn":
                return !(actual is { } member2 && operand is { ValueKind: JsonValueKind.Array } set2 && InSet(member2, set2));
            default:
                throw new ArgumentException($"Unknown search operator '{rule.Operator}'.", nameof(rule));
        }
    }

    /// <summary>The value a rule reads: a property, a relation (as identifiers), or a meta-property.</summary>
    internal static JsonElement? Read(Entity entity, string property)
    {
        switch (property)
        {
            case "$identifier":
                return JsonSerializer.SerializeToElement(entity.Identifier, SearchJsonContext.Default.String);
            case "$title":
                return entity.Title is null ? null : JsonSerializer.SerializeToElement(entity.Title, SearchJsonContext.Default.String);
            case "$blueprint":
                return JsonSerializer.SerializeToElement(entity.Blueprint, SearchJsonContext.Default.String);
            case "$team":
                return JsonSerializer.SerializeToElement(entity.Team.ToArray(), SearchJsonContext.Default.StringArray);
            case "$createdAt":
                return entity.CreatedAt is { } created ? JsonSerializer.SerializeToElement(created, SearchJsonContext.Default.DateTimeOffset) : null;
            case "$updatedAt":
                return entity.UpdatedAt is { } updated ? JsonSerializer.SerializeToElement(updated, SearchJsonContext.Default.DateTimeOffset) : null;
        }

        if (entity.Properties.TryGetValue(property, out var value))
        {
            return value;
        }

        if (entity.Relations.TryGetValue(property, out var relation))
        {
            return relation.IsMany
                ? JsonSerializer.SerializeToElement(relation.Targets.ToArray(), SearchJsonContext.Default.StringArray)
                : relation.Targets.Count == 0 ? null : JsonSerializer.SerializeToElement(relation.Targets[0], SearchJsonContext.Default.String);
        }

        return null;
    }

    private static bool IsEmpty(JsonElement? value) => value switch
    {
        null => true,
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => true,
        { ValueKind: JsonValueKind.String } s => s.GetString()!.Length == 0,
        { ValueKind: JsonValueKind.Array } a => a.GetArrayLength() == 0,
        { ValueKind: JsonValueKind.Object } o => o.GetPropertyCount() == 0,
        _ => false,
    };

    private static bool AreEqual(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
        {
            return a.GetDouble() == b.GetDouble();
        }

        if (a.ValueKind == JsonValueKind.String && b.ValueKind == JsonValueKind.String)
        {
            return a.GetString() == b.GetString();
        }

        return JsonElement.DeepEquals(a, b);
    }

    /// <summary>Orders numbers by value and strings (including dates in ISO 8601) ordinally; other pairs do not compare.</summary>
    private static int? Compare(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
        {
            return a.GetDouble().CompareTo(b.GetDouble());
        }

        if (a.ValueKind == JsonValueKind.String && b.ValueKind == JsonValueKind.String)
        {
            var x = a.GetString()!;
            var y = b.GetString()!;
            if (DateTimeOffset.TryParse(x, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dx)
                && DateTimeOffset.TryParse(y, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dy))
            {
                return dx.CompareTo(dy);
            }

            return string.CompareOrdinal(x, y);
        }

        return null;
    }

    private static bool Contains(JsonElement haystack, JsonElement needle)
    {
        if (haystack.ValueKind == JsonValueKind.String && needle.ValueKind == JsonValueKind.String)
        {
            return haystack.GetString()!.Contains(needle.GetString()!, StringComparison.Ordinal);
        }

        if (haystack.ValueKind == JsonValueKind.Array)
        {
            return haystack.EnumerateArray().Any(item => AreEqual(item, needle));
        }

        return false;
    }

    private static bool InSet(JsonElement member, JsonElement set)
    {
        if (member.ValueKind == JsonValueKind.Array)
        {
            return member.EnumerateArray().Any(m => set.EnumerateArray().Any(s => AreEqual(m, s)));
        }

        return set.EnumerateArray().Any(s => AreEqual(member, s));
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(DateTimeOffset))]
[System.Text.Json.Serialization.JsonSerializable(typeof(double))]
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonElement))]
internal sealed partial class SearchJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
