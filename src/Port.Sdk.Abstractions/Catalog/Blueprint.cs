using System.Text.Json;
using System.Text.Json.Serialization;

namespace Port.Sdk;

/// <summary>
/// The shape of a kind of entity, as Port's API has it: a JSON Schema for its properties, relations to other
/// blueprints, and properties computed from relations (mirror), from the entity (calculation, in jq) and from related
/// entities (aggregation).
/// </summary>
public sealed record Blueprint
{
    /// <summary>Gets the identifier: letters, digits and <c>@ _ = -</c>, at most 100 characters.</summary>
    public required string Identifier { get; init; }

    /// <summary>Gets the display title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the icon name.</summary>
    public string? Icon { get; init; }

    /// <summary>Gets the description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the property schema.</summary>
    public BlueprintSchema Schema { get => _schema; init => _schema = value ?? new(); }

    // System.Text.Json passes null for a member missing from the JSON: the setter keeps the default.
    private readonly BlueprintSchema _schema = new();

    /// <summary>Gets the relations to other blueprints, by name.</summary>
    public IReadOnlyDictionary<string, BlueprintRelation> Relations { get => _relations; init => _relations = value ?? new Dictionary<string, BlueprintRelation>(); }

    private readonly IReadOnlyDictionary<string, BlueprintRelation> _relations = new Dictionary<string, BlueprintRelation>();

    /// <summary>Gets the mirror properties, by name: a value read through relations.</summary>
    public IReadOnlyDictionary<string, MirrorProperty> MirrorProperties { get => _mirrorProperties; init => _mirrorProperties = value ?? new Dictionary<string, MirrorProperty>(); }

    private readonly IReadOnlyDictionary<string, MirrorProperty> _mirrorProperties = new Dictionary<string, MirrorProperty>();

    /// <summary>Gets the calculation properties, by name: a jq expression over the entity.</summary>
    public IReadOnlyDictionary<string, CalculationProperty> CalculationProperties { get => _calculationProperties; init => _calculationProperties = value ?? new Dictionary<string, CalculationProperty>(); }

    private readonly IReadOnlyDictionary<string, CalculationProperty> _calculationProperties = new Dictionary<string, CalculationProperty>();

    /// <summary>Gets the aggregation properties, by name: a count, sum, average, minimum or maximum over related entities.</summary>
    public IReadOnlyDictionary<string, AggregationProperty> AggregationProperties { get => _aggregationProperties; init => _aggregationProperties = value ?? new Dictionary<string, AggregationProperty>(); }

    private readonly IReadOnlyDictionary<string, AggregationProperty> _aggregationProperties = new Dictionary<string, AggregationProperty>();

    /// <summary>
    /// Gets Port's <c>ownership</c> setting (<c>{"type": "Direct"}</c>, or <c>{"type": "Inherited", "path": "service"}</c>),
    /// kept as written so that the blueprint round-trips; the catalog does not interpret it.
    /// </summary>
    public JsonElement? Ownership { get; init; }

    /// <summary>Gets Port's legacy <c>teamInheritance</c> setting (<c>{"path": "service"}</c>), kept as written; the catalog does not interpret it.</summary>
    public JsonElement? TeamInheritance { get; init; }

    /// <summary>Gets Port's <c>changelogDestination</c> setting (a webhook or Kafka), kept as written; the catalog sends no changelog.</summary>
    public JsonElement? ChangelogDestination { get; init; }
}

/// <summary>The <c>schema</c> of a blueprint: JSON Schema for each property, and which are required.</summary>
public sealed record BlueprintSchema
{
    /// <summary>Gets the JSON Schema of each property, by name (Port's types and formats: string, number, boolean, array, object; url, user, team, date-time...).</summary>
    public IReadOnlyDictionary<string, JsonElement> Properties { get => _properties; init => _properties = value ?? new Dictionary<string, JsonElement>(); }

    private readonly IReadOnlyDictionary<string, JsonElement> _properties = new Dictionary<string, JsonElement>();

    /// <summary>Gets the names of the required properties.</summary>
    public IReadOnlyList<string> Required { get => _required; init => _required = value ?? []; }

    private readonly IReadOnlyList<string> _required = [];
}

/// <summary>A relation of a blueprint to another (or the same) blueprint.</summary>
public sealed record BlueprintRelation
{
    /// <summary>Gets the display title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the identifier of the target blueprint.</summary>
    public required string Target { get; init; }

    /// <summary>Gets a value indicating whether every entity must have the relation.</summary>
    public bool Required { get; init; }

    /// <summary>Gets a value indicating whether the relation holds several targets (an array) rather than one.</summary>
    public bool Many { get; init; }
}

/// <summary>A property whose value is read through relations: <c>relation.relation.property</c> (or <c>$title</c>, <c>$identifier</c>, <c>$team</c>).</summary>
public sealed record MirrorProperty
{
    /// <summary>Gets the display title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the path: one or more relation names, then a property or a meta-property, joined by dots.</summary>
    public required string Path { get; init; }
}

/// <summary>A property computed by a jq expression over the entity's JSON.</summary>
public sealed record CalculationProperty
{
    /// <summary>Gets the display title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the jq expression, such as <c>.properties.url + "/pulls"</c>.</summary>
    public required string Calculation { get; init; }

    /// <summary>Gets the JSON type of the result, such as <c>string</c> or <c>number</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Gets the format of the result, such as <c>url</c>.</summary>
    public string? Format { get; init; }
}

/// <summary>A property aggregated over the entities of another blueprint that relate to this entity.</summary>
public sealed record AggregationProperty
{
    /// <summary>Gets the display title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the blueprint whose entities are aggregated (they relate to the entity that owns the property).</summary>
    public required string Target { get; init; }

    /// <summary>Gets what is computed.</summary>
    public required AggregationSpec CalculationSpec { get; init; }

    /// <summary>Gets the filter the aggregated entities must pass, in the search rule language.</summary>
    public SearchQuery? Query { get; init; }
}

/// <summary>What an aggregation computes: <c>count</c> of entities, or <c>sum</c>, <c>average</c>, <c>min</c>, <c>max</c> of a property.</summary>
public sealed record AggregationSpec
{
    /// <summary>Gets the function: <c>count</c>, <c>sum</c>, <c>average</c>, <c>min</c> or <c>max</c>.</summary>
    public required string Func { get; init; }

    /// <summary>Gets the aggregated property, for the functions other than <c>count</c>.</summary>
    public string? Property { get; init; }

    /// <summary>Gets <c>entities</c> or <c>property</c>, as Port writes it.</summary>
    public string? CalculationBy { get; init; }
}
