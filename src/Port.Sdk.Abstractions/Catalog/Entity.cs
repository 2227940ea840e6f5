using System.Text.Json;
using System.Text.Json.Serialization;

namespace Port.Sdk;

/// <summary>An entity of the catalog, as Port's API has it, plus the metadata a sync needs.</summary>
public sealed record Entity
{
    /// <summary>Gets the identifier, unique within the blueprint: letters, digits and <c>@ _ . + : / = -</c>, at most 1,000 characters.</summary>
    public required string Identifier { get; init; }

    /// <summary>Gets the display title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the identifier of the entity's blueprint.</summary>
    public required string Blueprint { get; init; }

    /// <summary>Gets the icon name.</summary>
    public string? Icon { get; init; }

    /// <summary>Gets the owning teams (Port accepts one team or several).</summary>
    [JsonConverter(typeof(TeamConverter))]
    public IReadOnlyList<string> Team { get => _team; init => _team = value ?? []; }

    // System.Text.Json passes null for a member missing from the JSON: the setter keeps the default.
    private readonly IReadOnlyList<string> _team = [];

    /// <summary>Gets the property values, by name. On read, mirror, calculation and aggregation properties are included.</summary>
    public IReadOnlyDictionary<string, JsonElement> Properties { get => _properties; init => _properties = value ?? new Dictionary<string, JsonElement>(); }

    private readonly IReadOnlyDictionary<string, JsonElement> _properties = new Dictionary<string, JsonElement>();

    /// <summary>Gets the relations, by name: one target identifier, or several.</summary>
    public IReadOnlyDictionary<string, EntityRelation> Relations { get => _relations; init => _relations = value ?? new Dictionary<string, EntityRelation>(); }

    private readonly IReadOnlyDictionary<string, EntityRelation> _relations = new Dictionary<string, EntityRelation>();

    /// <summary>Gets when the entity was first written.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Gets when the entity was last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Gets what wrote the entity: the integration and the kind it came from (what stale-entity deletion uses).</summary>
    public EntityDataSource? DataSource { get; init; }
}

/// <summary>The integration and kind that wrote an entity.</summary>
/// <param name="Integration">The integration's identifier, such as <c>github-acme</c>.</param>
/// <param name="Kind">The kind of raw item, such as <c>repository</c>.</param>
public sealed record EntityDataSource(string Integration, string Kind);

/// <summary>A relation's value: one target (<c>"payments-api"</c>) or several (<c>["a", "b"]</c>).</summary>
[JsonConverter(typeof(EntityRelationConverter))]
public sealed record EntityRelation
{
    /// <summary>Gets the target identifiers; empty for a relation set to <c>null</c>.</summary>
    public IReadOnlyList<string> Targets { get => _targets; init => _targets = value ?? []; }

    private readonly IReadOnlyList<string> _targets = [];

    /// <summary>Gets a value indicating whether the value is an array (a "many" relation).</summary>
    public bool IsMany { get; init; }

    /// <summary>Creates a single-target relation.</summary>
    /// <param name="target">The target identifier.</param>
    /// <returns>The relation.</returns>
    public static EntityRelation To(string target) => new() { Targets = [target] };

    /// <summary>Creates a many-target relation.</summary>
    /// <param name="targets">The target identifiers.</param>
    /// <returns>The relation.</returns>
    public static EntityRelation ToMany(params string[] targets) => new() { Targets = targets, IsMany = true };

    /// <summary>Gets an empty (null) relation.</summary>
    public static EntityRelation None { get; } = new();

    /// <inheritdoc/>
    public bool Equals(EntityRelation? other) => other is not null && IsMany == other.IsMany && Targets.SequenceEqual(other.Targets);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(IsMany, Targets.Count);
}

internal sealed class EntityRelationConverter : JsonConverter<EntityRelation>
{
    public override bool HandleNull => true;

    public override EntityRelation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return EntityRelation.None;
            case JsonTokenType.String:
                return EntityRelation.To(reader.GetString()!);
            case JsonTokenType.StartArray:
                {
                    var targets = new List<string>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        targets.Add(reader.TokenType == JsonTokenType.String
                            ? reader.GetString()!
                            : throw new JsonException($"A relation must hold entity identifiers (strings), found {reader.TokenType}."));
                    }

                    return new EntityRelation { Targets = targets, IsMany = true };
                }

            default:
                throw new JsonException($"A relation must be an entity identifier, an array of them, or null; found {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, EntityRelation value, JsonSerializerOptions options)
    {
        if (value.IsMany)
        {
            writer.WriteStartArray();
            foreach (var target in value.Targets)
            {
                writer.WriteStringValue(target);
            }

            writer.WriteEndArray();
        }
        else if (value.Targets.Count == 0)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value.Targets[0]);
        }
    }
}

internal sealed class TeamConverter : JsonConverter<IReadOnlyList<string>>
{
    public override bool HandleNull => true;

    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return [];
            case JsonTokenType.String:
                return [reader.GetString()!];
            case JsonTokenType.StartArray:
                {
                    var teams = new List<string>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        teams.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("A team must be a string."));
                    }

                    return teams;
                }

            default:
                throw new JsonException($"'team' must be a string or an array of strings, found {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var team in value)
        {
            writer.WriteStringValue(team);
        }

        writer.WriteEndArray();
    }
}
