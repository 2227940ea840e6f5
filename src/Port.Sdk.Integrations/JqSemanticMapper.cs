using System.Text.Json;
using Port.Sdk.Jq;

namespace Port.Sdk.Integrations;

/// <summary>
/// The default <see cref="ISemanticMapper"/>: evaluates the jq expressions of a <see cref="PortAppConfig"/> with the
/// semantics of Ocean's entity processor. An item is split by <c>itemsToParse</c> (each element under
/// <c>itemsToParseName</c>, beside the item's fields), each element must pass the resource's <c>selector.query</c> (which
/// must give a boolean), and each mapping builds an entity from the first output of each field's expression. A field
/// whose expression fails is null and reported, and the entity stands; an entity without identifier or blueprint is
/// dropped and reported. Other items go on.
/// </summary>
public sealed class JqSemanticMapper : ISemanticMapper
{
    private static readonly JqRunOptions Limits = new() { MaxSteps = 1_000_000, MaxDepth = 500 };

    [ThreadStatic]
    private static System.Buffers.ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly IReadOnlyDictionary<string, MappingPatternResolver> _resolvers;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, JqInputProjection> _projections = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="JqSemanticMapper"/> class.</summary>
    /// <param name="config">The mapping configuration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is <see langword="null"/>.</exception>
    public JqSemanticMapper(PortAppConfig config)
        : this(config, new Dictionary<string, MappingPatternResolver>())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JqSemanticMapper"/> class, with the integration's own patterns.</summary>
    /// <param name="config">The mapping configuration.</param>
    /// <param name="resolvers">The resolvers of integration patterns (<see cref="MappingExpression.Scheme"/>), by scheme, such as <c>file</c>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public JqSemanticMapper(PortAppConfig config, IReadOnlyDictionary<string, MappingPatternResolver> resolvers)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(resolvers);
        Config = config;
        _resolvers = resolvers;
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
        var retained = new List<EntityKey>();
        var unidentified = 0;
        // Only the parts of the item the kind's expressions can read are converted; the rest is skipped unread.
        var input = _projections.GetOrAdd(kind, static (k, config) => MappingProjection.For(config, k), Config).Convert(item);
        var anySelected = false;
        foreach (var resource in Config.Resources)
        {
            if (resource.Kind != kind)
            {
                continue;
            }

            if (!TrySplit(resource, input, kind, failures, out var elements))
            {
                unidentified++;
                continue;
            }

            for (var e = 0; e < elements.Count; e++)
            {
                var element = elements[e];
                int? index = resource.ItemsToParse is null ? null : e;
                var evaluated = TryEvaluate(resource.Selector, element, kind, index, null, null, failures, out var selected);
                if (!evaluated || selected is not { Kind: JqKind.True or JqKind.False } verdict)
                {
                    if (evaluated)
                    {
                        var gave = selected is { } other ? $"must give true or false, gave {Describe(other)}" : "gave no output; a selector must give true or false";
                        failures.Add(new MappingFailure(kind, resource.Selector.Path, gave) { Index = index, Location = resource.Selector.Location });
                    }

                    // The item is not known to be deselected: the entities it maps to keep what they stored.
                    foreach (var mapping in resource.Mappings)
                    {
                        if (Identify(mapping, element) is { } key)
                        {
                            retained.Add(key);
                        }
                        else
                        {
                            unidentified++;
                        }
                    }

                    continue;
                }

                if (!ignoreSelector && verdict.Kind != JqKind.True)
                {
                    continue;
                }

                anySelected = true;
                foreach (var mapping in resource.Mappings)
                {
                    if (MapOne(mapping, element, kind, index, context, failures, queries) is { } entity)
                    {
                        entities.Add(entity);
                    }
                    else
                    {
                        unidentified++;
                    }
                }
            }
        }

        // A selector that fails to evaluate is a failure of the item, so it counts as selected for the report.
        return new MappingResult(entities, failures)
        {
            RelationQueries = queries,
            Selected = anySelected || failures.Count > 0,
            Retained = retained,
            Unidentified = unidentified,
        };
    }

    /// <summary>
    /// The inputs a resource maps an item as: the item itself, or with <c>itemsToParse</c>, one per element of the array
    /// it gives, as Ocean builds them: the item (without that array, by default) with the element under
    /// <c>itemsToParseName</c>.
    /// </summary>
    private bool TrySplit(ResourceConfig resource, JqValue input, string kind, List<MappingFailure> failures, out List<JqValue> elements)
    {
        elements = [];
        if (resource.ItemsToParse is not { } itemsToParse)
        {
            elements.Add(input);
            return true;
        }

        if (!TryEvaluate(itemsToParse, input, kind, null, null, null, failures, out var items))
        {
            return false;
        }

        if (items is not { Kind: JqKind.Array } array || input.Kind != JqKind.Object)
        {
            failures.Add(new MappingFailure(kind, itemsToParse.Path, $"must give an array from an object item, gave {(items is { } v ? Describe(v) : "no output")}{(input.Kind == JqKind.Object ? string.Empty : $" from {input.TypeName}")}") { Location = itemsToParse.Location });
            return false;
        }

        var parent = input.Object;
        if (resource.ItemsToParseTopLevelTransform)
        {
            if (resource.ItemsToParseDeletion is not { } deletion)
            {
                failures.Add(new MappingFailure(kind, itemsToParse.Path, "no path to remove is found in the expression, and Ocean skips such an item when itemsToParseTopLevelTransform is true (its default); set it to false") { Location = itemsToParse.Location });
                return false;
            }

            JqValue? transformed;
            try
            {
                transformed = deletion.First(input, Limits);
            }
            catch (JqException ex)
            {
                failures.Add(new MappingFailure(kind, itemsToParse.Path, $"removing the parsed array from the item failed: {ex.Message}") { Location = itemsToParse.Location });
                return false;
            }

            if (transformed is not { Kind: JqKind.Object } rest)
            {
                failures.Add(new MappingFailure(kind, itemsToParse.Path, "removing the parsed array from the item left no object") { Location = itemsToParse.Location });
                return false;
            }

            parent = rest.Object;
        }

        foreach (var element in array.Array)
        {
            elements.Add(JqValue.FromObject(parent.With(resource.ItemsToParseName, element)));
        }

        return true;
    }

    /// <summary>The entity a mapping would build from an input, when its identifier and blueprint evaluate to strings.</summary>
    private EntityKey? Identify(EntityMapping mapping, JqValue input)
    {
        var ignored = new List<MappingFailure>();
        return RequiredString(mapping.Identifier, input, string.Empty, null, ignored) is { } identifier
            && RequiredString(mapping.Blueprint, input, string.Empty, null, ignored) is { } blueprint
            ? new EntityKey(blueprint, identifier)
            : null;
    }

    /// <summary>
    /// Builds one entity as Ocean does: every field is the first output of its expression; a field whose expression
    /// fails (or gives the wrong type) is null and reported, and the entity stands; without an identifier or a
    /// blueprint there is no entity.
    /// </summary>
    private Entity? MapOne(EntityMapping mapping, JqValue input, string kind, int? index, MappingContext context, List<MappingFailure> failures, List<RelationQuery> queries)
    {
        var before = failures.Count;
        var identifier = RequiredString(mapping.Identifier, input, kind, index, failures);
        var blueprint = RequiredString(mapping.Blueprint, input, kind, index, failures);
        if (identifier is null || blueprint is null)
        {
            return null;
        }

        var key = new EntityKey(blueprint, identifier);
        var title = OptionalString(mapping.Title, input, kind, index, key, MappedMember.Title, failures);
        var icon = OptionalString(mapping.Icon, input, kind, index, key, MappedMember.Icon, failures);

        var values = new (string Name, JqValue? Value)[mapping.Properties.Count];
        var at = 0;
        foreach (var (name, expression) in mapping.Properties)
        {
            values[at++] = (name, TryEvaluate(expression, input, kind, index, key, MappedMember.PropertyPrefix + name, failures, out var value) ? value : null);
        }

        var properties = WriteProperties(values) ?? WritePropertiesOneByOne(values, mapping, kind, index, key, failures);
        var relations = new Dictionary<string, EntityRelation>(StringComparer.Ordinal);
        foreach (var (name, relation) in mapping.Relations)
        {
            var member = MappedMember.RelationPrefix + name;
            if (relation.Query is { } queryMapping)
            {
                if (BuildQuery(queryMapping, input, kind, index, key, member, failures) is { } query)
                {
                    queries.Add(new RelationQuery(key, name, query));
                }
                else
                {
                    relations[name] = EntityRelation.None;
                }
            }
            else
            {
                relations[name] = TryEvaluate(relation.Value!, input, kind, index, key, member, failures, out var value)
                    ? ToRelation(value, relation.Value!, kind, index, key, member, failures) ?? EntityRelation.None
                    : EntityRelation.None;
            }
        }

        IReadOnlyList<string> team = [];
        if (mapping.Team is { Query: { } teamQuery })
        {
            if (BuildQuery(teamQuery, input, kind, index, key, MappedMember.Team, failures) is { } query)
            {
                queries.Add(new RelationQuery(key, "$team", query));
            }
        }
        else if (mapping.Team is { Value: { } teamExpression } && TryEvaluate(teamExpression, input, kind, index, key, MappedMember.Team, failures, out var teamValue)
            && ToRelation(teamValue, teamExpression, kind, index, key, MappedMember.Team, failures) is { } teams)
        {
            team = teams.Targets;
        }

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

    /// <summary>
    /// The properties as JSON, in one document for all of them (they share it); <see langword="null"/> when a value
    /// cannot be written (nested deeper than the writer allows, say), so that each is written on its own instead.
    /// </summary>
    private static Dictionary<string, JsonElement>? WriteProperties((string Name, JqValue? Value)[] values)
    {
        // One buffer and writer per thread: the document parsed from them copies what it needs.
        var buffer = t_buffer ??= new System.Buffers.ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.Reset(buffer);
        try
        {
            writer.WriteStartObject();
            foreach (var (name, value) in values)
            {
                writer.WritePropertyName(name);
                if (value is { } v)
                {
                    v.WriteTo(writer);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            writer.WriteEndObject();
            writer.Flush();
            var properties = new Dictionary<string, JsonElement>(values.Length, StringComparer.Ordinal);
            var reader = new Utf8JsonReader(buffer.WrittenSpan, new JsonReaderOptions { MaxDepth = 10_001 });
            foreach (var property in JsonElement.ParseValue(ref reader).EnumerateObject())
            {
                properties[property.Name] = property.Value;
            }

            return properties;
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException or JqException or InsufficientExecutionStackException)
        {
            return null;
        }
    }

    /// <summary>The slow path of <see cref="WriteProperties"/>: a value that cannot be written is null and that field's failure.</summary>
    private static Dictionary<string, JsonElement> WritePropertiesOneByOne((string Name, JqValue? Value)[] values, EntityMapping mapping, string kind, int? index, EntityKey key, List<MappingFailure> failures)
    {
        var properties = new Dictionary<string, JsonElement>(values.Length, StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            properties[name] = Null;
            if (value is not { } v)
            {
                continue;
            }

            try
            {
                var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    v.WriteTo(writer);
                }

                var reader = new Utf8JsonReader(buffer.WrittenSpan, new JsonReaderOptions { MaxDepth = 10_001 });
                properties[name] = JsonElement.ParseValue(ref reader);
            }
            catch (Exception ex) when (ex is InvalidOperationException or JsonException or JqException or InsufficientExecutionStackException)
            {
                var expression = mapping.Properties[name];
                failures.Add(new MappingFailure(kind, expression.Path, $"the value cannot be stored: {ex.Message}") { Index = index, Location = expression.Location, Entity = key, Member = MappedMember.PropertyPrefix + name });
            }
        }

        return properties;
    }

    private static readonly JsonElement Null = JsonDocument.Parse("null").RootElement.Clone();

    private SearchQuery? BuildQuery(QueryMapping mapping, JqValue input, string kind, int? index, EntityKey key, string member, List<MappingFailure> failures)
    {
        var json = new System.Text.StringBuilder();
        if (!TryEvaluate(mapping.Combinator, input, kind, index, key, member, failures, out var combinator))
        {
            return null;
        }

        if (combinator is not { Kind: JqKind.String })
        {
            failures.Add(new MappingFailure(kind, mapping.Combinator.Path, $"must give \"and\" or \"or\", gave {(combinator is { } c ? Describe(c) : "no output")}") { Index = index, Location = mapping.Combinator.Location, Entity = key, Member = member });
            return null;
        }

        var rules = new List<string>();
        foreach (var rule in mapping.Rules)
        {
            if (rule is QueryMapping nested)
            {
                if (BuildQuery(nested, input, kind, index, key, member, failures) is not { } query)
                {
                    return null;
                }

                rules.Add(JsonSerializer.Serialize(query, PortJson.Options.GetTypeInfo(typeof(SearchQuery))));
                continue;
            }

            var r = (RuleMapping)rule;
            if (!TryEvaluate(r.Property, input, kind, index, key, member, failures, out var property) || !TryEvaluate(r.Operator, input, kind, index, key, member, failures, out var op))
            {
                return null;
            }

            JqValue? value = null;
            if (r.Value is { } valueExpression && !TryEvaluate(valueExpression, input, kind, index, key, member, failures, out value))
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
            failures.Add(new MappingFailure(kind, mapping.Combinator.Path, $"the search query it builds is not valid: {ex.Message}") { Index = index, Location = mapping.Combinator.Location, Entity = key, Member = member });
            return null;
        }
    }

    private static EntityRelation? ToRelation(JqValue? value, MappingExpression expression, string kind, int? index, EntityKey key, string member, List<MappingFailure> failures)
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
                failures.Add(new MappingFailure(kind, expression.Path, $"must give an entity identifier, an array of them, or null; gave {Describe(value.Value)}") { Index = index, Location = expression.Location, Entity = key, Member = member });
                return null;
        }
    }

    private string? RequiredString(MappingExpression expression, JqValue input, string kind, int? index, List<MappingFailure> failures)
    {
        if (!TryEvaluate(expression, input, kind, index, null, null, failures, out var value))
        {
            return null;
        }

        if (value is { Kind: JqKind.String } text && text.String.Length > 0)
        {
            return text.String;
        }

        failures.Add(new MappingFailure(kind, expression.Path, $"must give a non-empty string, gave {(value is { } v ? Describe(v) : "no output")}") { Index = index, Location = expression.Location });
        return null;
    }

    private string? OptionalString(MappingExpression? expression, JqValue input, string kind, int? index, EntityKey key, string member, List<MappingFailure> failures)
    {
        if (expression is null || !TryEvaluate(expression, input, kind, index, key, member, failures, out var value) || value is null or { Kind: JqKind.Null })
        {
            return null;
        }

        if (value is { Kind: JqKind.String } text)
        {
            return text.String;
        }

        failures.Add(new MappingFailure(kind, expression.Path, $"must give a string or null, gave {Describe(value.Value)}") { Index = index, Location = expression.Location, Entity = key, Member = member });
        return null;
    }

    /// <summary>
    /// Runs an expression: its first output, or null when it has none. Any failure of the evaluation — a jq error, a
    /// limit of the engine — is a failure of this field of this item, never of the resync.
    /// </summary>
    private bool TryEvaluate(MappingExpression expression, JqValue input, string kind, int? index, EntityKey? key, string? member, List<MappingFailure> failures, out JqValue? value)
    {
        try
        {
            if (expression.Scheme is { } scheme)
            {
                value = _resolvers.TryGetValue(scheme, out var resolve) && resolve(JsonDocument.Parse(input.ToJson()).RootElement, expression.Expression) is { } resolved
                    ? JqValue.FromJsonElement(resolved)
                    : JqValue.Null;
                return true;
            }

            value = expression.Filter.First(input, Limits);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            var reason = ex is JqException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            failures.Add(new MappingFailure(kind, expression.Path, $"{(expression.Scheme is null ? "jq error" : "error resolving")} in '{expression.Expression}': {reason}") { Index = index, Location = expression.Location, Entity = key, Member = member });
            value = null;
            return false;
        }
    }

    private static string Describe(JqValue value) => value.Kind == JqKind.Null ? "null" : $"{value.TypeName} {ErrorText(value)}";

    private static string ErrorText(JqValue value)
    {
        var json = value.ToJson();
        return json.Length <= 40 ? json : string.Concat(json.AsSpan(0, 37), "...");
    }
}
