using System.Text.Json;
using System.Text.Json.Serialization;

namespace Port.Sdk.Actions;

/// <summary>Reads and writes action runs as JSON (camelCase, statuses as Port writes them): what a store keeps.</summary>
public static class ActionRunJson
{
    /// <summary>Writes a run.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is <see langword="null"/>.</exception>
    public static string Write(ActionRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return JsonSerializer.Serialize(run, ActionRunJsonContext.Default.ActionRun);
    }

    /// <summary>Reads a run.</summary>
    /// <param name="json">The JSON text <see cref="Write"/> wrote.</param>
    /// <returns>The run.</returns>
    /// <exception cref="JsonException">The JSON is not a run.</exception>
    public static ActionRun Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, ActionRunJsonContext.Default.ActionRun) ?? throw new JsonException("An action run cannot be null.");
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ActionRun))]
internal sealed partial class ActionRunJsonContext : JsonSerializerContext;
