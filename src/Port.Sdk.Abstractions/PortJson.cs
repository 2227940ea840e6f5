using System.Text.Json;
using System.Text.Json.Serialization;

namespace Port.Sdk;

/// <summary>
/// Reads and writes blueprints, entities, scorecards and queries in Port's JSON shape (camelCase, as Port's API
/// and UI export them), so that a blueprint or entity copied from Port works unchanged.
/// </summary>
public static class PortJson
{
    /// <summary>Gets the serializer options: web defaults, source-generated, read-only.</summary>
    public static JsonSerializerOptions Options => PortJsonContext.Default.Options;

    /// <summary>Reads a blueprint.</summary>
    /// <param name="json">Port's blueprint JSON.</param>
    /// <returns>The blueprint.</returns>
    /// <exception cref="JsonException">The JSON is malformed or not a blueprint; the message gives the path, line and position.</exception>
    public static Blueprint ReadBlueprint(string json)
        => JsonSerializer.Deserialize(json, PortJsonContext.Default.Blueprint) ?? throw new JsonException("A blueprint cannot be null.");

    /// <summary>Reads blueprints as Port and Ocean write them: one blueprint object, or an array of them (Ocean's <c>blueprints.json</c>).</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The blueprints, in the order written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="BlueprintFileException">The text is not a blueprint or an array of blueprints; the error gives the line and JSON Pointer.</exception>
    public static IReadOnlyList<Blueprint> ReadBlueprints(string json) => BlueprintFile.Parse(json);

    /// <summary>Reads an entity.</summary>
    /// <param name="json">Port's entity JSON.</param>
    /// <returns>The entity.</returns>
    /// <exception cref="JsonException">The JSON is malformed or not an entity; the message gives the path, line and position.</exception>
    public static Entity ReadEntity(string json)
        => JsonSerializer.Deserialize(json, PortJsonContext.Default.Entity) ?? throw new JsonException("An entity cannot be null.");

    /// <summary>Reads a scorecard.</summary>
    /// <param name="json">Port's scorecard JSON.</param>
    /// <returns>The scorecard.</returns>
    /// <exception cref="JsonException">The JSON is malformed or not a scorecard.</exception>
    public static Scorecard ReadScorecard(string json)
        => JsonSerializer.Deserialize(json, PortJsonContext.Default.Scorecard) ?? throw new JsonException("A scorecard cannot be null.");

    /// <summary>Writes an entity as Port's JSON.</summary>
    /// <param name="entity">The entity.</param>
    /// <returns>The JSON text.</returns>
    public static string Write(Entity entity) => JsonSerializer.Serialize(entity, PortJsonContext.Default.Entity);

    /// <summary>Writes a blueprint as Port's JSON.</summary>
    /// <param name="blueprint">The blueprint.</param>
    /// <returns>The JSON text.</returns>
    public static string Write(Blueprint blueprint) => JsonSerializer.Serialize(blueprint, PortJsonContext.Default.Blueprint);

    /// <summary>Converts an entity to a JSON element (what calculation properties see as <c>.</c>).</summary>
    /// <param name="entity">The entity.</param>
    /// <returns>The JSON element.</returns>
    public static JsonElement ToElement(Entity entity) => JsonSerializer.SerializeToElement(entity, PortJsonContext.Default.Entity);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Blueprint))]
[JsonSerializable(typeof(Entity))]
[JsonSerializable(typeof(Scorecard))]
[JsonSerializable(typeof(SearchQuery))]
[JsonSerializable(typeof(List<Blueprint>))]
[JsonSerializable(typeof(List<Entity>))]
internal sealed partial class PortJsonContext : JsonSerializerContext;
