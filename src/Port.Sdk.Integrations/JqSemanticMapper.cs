using System.Text.Json;
using Port.Sdk.Jq;

namespace Port.Sdk.Integrations;

/// <summary>
/// The default <see cref="ISemanticMapper"/>: evaluates the jq expressions of a <see cref="PortAppConfig"/>. An item
/// passes a resource's <c>selector.query</c>, is split by <c>itemsToParse</c> (each element as <c>.item</c>, beside the
/// parent's fields), and each mapping builds an entity. A failing field is reported for that item; other items go on.
/// </summary>
public sealed class JqSemanticMapper : ISemanticMapper
{
    private static readonly JqRunOptions Limits = new() { MaxSteps = 1_000_000, MaxDepth = 500 };

    [ThreadStatic]
    private static System.Buffers.ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Initializes a new instance of the <see cref="JqSemanticMapper"/> class.</summary>
    /// <param name="config">The mapping configuration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is <see langword="null"/>.</exception>
    public JqSemanticMapper(PortAppConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
    }

    /// <summary>Gets the configuration.</summary>
    public PortAppConfig Config { get; }

    /// <inheritdoc/>
    public MappingResult Map(string kind, JsonElement item, MappingContext context) => Map(kind, item, context, ignoreSelector: false);

    /// <summary>
    /// Maps an item as if every selector passed: the entities the item would map to. Live events use it to find the
    /// entities of an item that was deleted or no longer passes its selector.
    /// </summary>
    /// <param name="kind">The item's kind.</param>
    /// <param name="item">The raw item.</param>
    /// <param name="context">Values the mapping may read.</param>
    /// <returns>The result.</returns>
    public MappingResult MapIgnoringSelector(string kind, JsonElement item, MappingContext context) => Map(kind, item, context, ignoreSelector: true);

    private MappingResult Map(string kind, JsonElement item, MappingContext context, bool ignoreSelector)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(context);
        var entities = new List<Entity>();
        var failures = new List<MappingFailure>();
        var queries = new List<RelationQuery>();
        var input = JqValue.FromJsonElement(item);
        var anySelected = false;
        foreach (var resource in Config.Resources.Where(r => r.Kind == kind))
        {
            if (!ignoreSelector && (!TryEvaluate(resource.Selector, input, kind, null, failures, out var selected) || selected is not { IsTruthy: true }))
            {
                continue;
            }

            anySelected = true;

            var inputs = new List<JqValue>();
            if (resource.ItemsToParse is { } itemsToParse)
            {
                if (!TryEvaluate(itemsToParse, input, kind, null, failures, out var items))
                {
                    continue;
                }

                if (items is not { Kind: JqKind.Array } array || input.Kind != JqKind.Object)
                {
                    failures.Add(new MappingFailure(kind, itemsToParse.Path, $"must give an array from an object item, gave {items?.TypeName ?? "nothing"}") { Location = itemsToParse.Location });
                    continue;
                }

                foreach (var element in array.Array)
                {
                    inputs.Add(JqValue.FromObject(input.Object.With("item", element)));
                }
            }
            else
            {
                inputs.Add(input);
            }

            for (var index = 0; index < inputs.Count; index++)
            {
                foreach (var mapping in resource.Mappings)
                {
                    var position = resource.ItemsToParse is null ? (int?)null : index;
                    if (MapOne(mapping, inputs[index], kind, position, context, failures, queries) is { } entity)
                    {
                        entities.Add(entity);
                    }
                }
            }
        }

        // A selector that fails to evaluate is a failure of the item, so it counts as selected for the report.
        return new MappingResult(entities, failures) { RelationQueries = queries, Selected = anySelected || failures.Count > 0 };
    }

    private static Entity? MapOne(EntityMapping mapping, JqValue input, string kind, int? index, MappingContext context, List<MappingFailure> failures, List<RelationQuery> queries)
    {
        var before = failures.Count;
        var identifier = RequiredString(mapping.Identifier, input, kind, index, failures);
        var blueprint = RequiredString(mapping.Blueprint, input, kind, index, failures);
        var title = OptionalString(mapping.Title, input, kind, index, failures);
        var icon = OptionalString(mapping.Icon, input, kind, index, failures);
        // One JSON document for all the properties, not one per property: they share it.
        var properties = new Dictionary<string, JsonElement>(mapping.Properties.Count, StringComparer.Ordinal);

        // One buffer and writer per thread: the document parsed from them copies what it needs.
        var buffer = t_buffer ??= new System.Buffers.ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.Reset(buffer);
        writer.WriteStartObject();
        foreach (var (name, expression) in mapping.Properties)
        {
            if (TryEvaluate(expression, input, kind, index, failures, out var value) && value is { } v)
            {
                writer.WritePropertyName(name);
                v.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
        writer.Flush();

        var reader = new Utf8JsonReader(buffer.WrittenSpan, new JsonReaderOptions { MaxDepth = 10_001 });
        foreach (var property in JsonElement.ParseValue(ref reader).EnumerateObject())
        {
            properties[property.Name] = property.Value;
        }

        var relations = new Dictionary<string, EntityRelation>(StringComparer.Ordinal);
        var pendingQueries = new List<(string Relation, SearchQuery Query)>();
        foreach (var (name, relation) in mapping.Relations)
        {
            if (relation.Query is { } queryMapping)
            {
                if (BuildQuery(queryMapping, input, kind, index, failures) is { } query)
                {
                    pendingQueries.Add((name, query));
                }
            }
            else if (TryEvaluate(relation.Value!, input, kind, index, failures, out var value))
            {
                if (ToRelation(value, relation.Value!, kind, index, failures) is { } parsed)
                {
                    relations[name] = parsed;
                }
            }
        }

        IReadOnlyList<string> team = [];
        if (mapping.Team is { Query: { } teamQuery })
        {
            if (BuildQuery(teamQuery, input, kind, index, failures) is { } query)
            {
                pendingQueries.Add(("$team", query));
            }
        }
        else if (mapping.Team is { Value: { } teamExpression } && TryEvaluate(teamExpression, input, kind, index, failures, out var teamValue)
            && ToRelation(teamValue, teamExpression, kind, index, failures) is { } teams)
        {
            team = teams.Targets;
        }

        if (failures.Count > before || identifier is null || blueprint is null)
        {
            return null;
        }

        var key = new EntityKey(blueprint, identifier);
        queries.AddRange(pendingQueries.Select(q => new RelationQuery(key, q.Relation, q.Query)));
        return new Entity
        {
            Identifier = identifier,
            Blueprint = blueprint,
            Title = title,
            Icon = icon,
            Team = team,
            Properties = properties,
            Relations = relations,
            DataSource = new EntityDataSource(context.Integration, kind),
        };
    }

    private static SearchQuery? BuildQuery(QueryMapping mapping, JqValue input, string kind, int? index, List<MappingFailure> failures)
    {
        var json = new System.Text.StringBuilder();
        if (!TryEvaluate(mapping.Combinator, input, kind, index, failures, out var combinator) || combinator is not { Kind: JqKind.String })
        {
            return null;
        }

        var rules = new List<string>();
        foreach (var rule in mapping.Rules)
        {
            if (rule is QueryMapping nested)
            {
                if (BuildQuery(nested, input, kind, index, failures) is not { } query)
                {
                    return null;
                }

                rules.Add(JsonSerializer.Serialize(query, PortJson.Options));
                continue;
            }

            var r = (RuleMapping)rule;
            if (!TryEvaluate(r.Property, input, kind, index, failures, out var property) || !TryEvaluate(r.Operator, input, kind, index, failures, out var op))
            {
                return null;
            }

            JqValue? value = null;
            if (r.Value is { } valueExpression && !TryEvaluate(valueExpression, input, kind, index, failures, out value))
            {
                return null;
            }

            var ruleObject = new JqObject().With("property", property ?? JqValue.Null).With("operator", op ?? JqValue.Null);
            if (value is { } v)
            {
                ruleObject = ruleObject.With("value", v);
            }

            rules.Add(JqValue.FromObject(ruleObject).ToJson());
        }

        json.Append("{\"combinator\":").Append(combinator.Value.ToJson()).Append(",\"rules\":[").Append(string.Join(',', rules)).Append("]}");
        try
        {
            return SearchQuery.Parse(json.ToString());
        }
        catch (JsonException ex)
        {
            failures.Add(new MappingFailure(kind, mapping.Combinator.Path, $"the search query it builds is not valid: {ex.Message}") { Index = index, Location = mapping.Combinator.Location });
            return null;
        }
    }

    private static EntityRelation? ToRelation(JqValue? value, MappingExpression expression, string kind, int? index, List<MappingFailure> failures)
    {
        switch (value)
        {
            case null or { Kind: JqKind.Null }:
                return EntityRelation.None;
            case { Kind: JqKind.String } single:
                return EntityRelation.To(single.String);
            case { Kind: JqKind.Array } many when many.Array.All(v => v.Kind == JqKind.String):
                return EntityRelation.ToMany([.. many.Array.Select(v => v.String)]);
            default:
                failures.Add(new MappingFailure(kind, expression.Path, $"must give an entity identifier, an array of them, or null; gave {value.Value.TypeName} {ErrorText(value.Value)}") { Index = index, Location = expression.Location });
                return null;
        }
    }

    private static string? RequiredString(MappingExpression expression, JqValue input, string kind, int? index, List<MappingFailure> failures)
    {
        if (!TryEvaluate(expression, input, kind, index, failures, out var value))
        {
            return null;
        }

        if (value is { Kind: JqKind.String } text && text.String.Length > 0)
        {
            return text.String;
        }

        var gave = value is { } v ? $"{v.TypeName} {ErrorText(v)}" : "nothing";
        failures.Add(new MappingFailure(kind, expression.Path, $"must give a non-empty string, gave {gave}") { Index = index, Location = expression.Location });
        return null;
    }

    private static string? OptionalString(MappingExpression? expression, JqValue input, string kind, int? index, List<MappingFailure> failures)
    {
        if (expression is null || !TryEvaluate(expression, input, kind, index, failures, out var value) || value is null or { Kind: JqKind.Null })
        {
            return null;
        }

        if (value is { Kind: JqKind.String } text)
        {
            return text.String;
        }

        failures.Add(new MappingFailure(kind, expression.Path, $"must give a string or null, gave {value.Value.TypeName} {ErrorText(value.Value)}") { Index = index, Location = expression.Location });
        return null;
    }

    /// <summary>Runs an expression: its first output, or null when it has none; a jq error becomes a failure of this item.</summary>
    private static bool TryEvaluate(MappingExpression expression, JqValue input, string kind, int? index, List<MappingFailure> failures, out JqValue? value)
    {
        try
        {
            value = expression.Filter.First(input, Limits);
            return true;
        }
        catch (JqException ex)
        {
            failures.Add(new MappingFailure(kind, expression.Path, $"jq error in '{expression.Expression}': {ex.Message}") { Index = index, Location = expression.Location });
            value = null;
            return false;
        }
    }

    private static string ErrorText(JqValue value)
    {
        var json = value.ToJson();
        return json.Length <= 40 ? json : string.Concat(json.AsSpan(0, 37), "...");
    }
}
