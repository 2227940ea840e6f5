using System.Text.Json;
using System.Text.Json.Nodes;
using Port.Sdk.Tests.Common;

namespace Port.Sdk.Integrations.Tests.RealWorld;

/// <summary>
/// Port's own Ocean integration files in <c>../shared/real-world/ocean</c> (read at run time, never copied): each
/// integration's configuration, blueprints, sample items and the entities Ocean's semantics make of them.
/// </summary>
internal static class OceanFiles
{
    public static string Root { get; } = Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "real-world", "ocean"));

    /// <summary>The integrations with items and expected entities.</summary>
    public static IEnumerable<string> Integrations()
        => Directory.EnumerateDirectories(Root).Where(d => Directory.Exists(Path.Combine(d, "items"))).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    /// <summary>Every port-app-config file: the six integrations' and the 37 of <c>all-configs/</c>.</summary>
    public static IEnumerable<string> Configs()
        => Directory.EnumerateFiles(Root, "*.y*ml", SearchOption.AllDirectories).Where(f => Path.GetFileName(f).StartsWith("port-app-config", StringComparison.Ordinal) || f.Contains($"{Path.DirectorySeparatorChar}all-configs{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    public static string Config(string integration)
        => Directory.EnumerateFiles(Path.Combine(Root, integration), "port-app-config.y*ml").Single();

    public static IEnumerable<string> Kinds(string integration)
        => Directory.EnumerateFiles(Path.Combine(Root, integration, "items"), "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal);

    public static IReadOnlyList<JsonElement> Items(string integration, string kind)
        => [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, integration, "items", kind + ".json"))).RootElement.EnumerateArray().Select(e => e.Clone())];

    public static IReadOnlyList<JsonElement> Expected(string integration, string kind)
        => [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, integration, "expected", kind + ".json"))).RootElement.EnumerateArray().Select(e => e.Clone())];

    /// <summary>
    /// An entity in the shared folder's comparison form: <c>dataSource</c> dropped; <c>title</c>, <c>icon</c> and
    /// <c>team</c> dropped when null (<c>team</c> also when empty); null properties and relations dropped; keys sorted;
    /// an integral float written as the integer.
    /// </summary>
    public static string Normalize(JsonElement entity)
    {
        var node = JsonNode.Parse(entity.GetRawText())!.AsObject();
        foreach (var name in new[] { "dataSource", "createdAt", "updatedAt" })
        {
            node.Remove(name);
        }

        foreach (var name in new[] { "title", "icon", "team" })
        {
            if (node[name] is null || (name == "team" && node[name] is JsonArray { Count: 0 }))
            {
                node.Remove(name);
            }
        }

        foreach (var name in new[] { "properties", "relations" })
        {
            if (node[name] is JsonObject values)
            {
                foreach (var key in values.Where(p => p.Value is null).Select(p => p.Key).ToList())
                {
                    values.Remove(key);
                }
            }
        }

        return Canonical(node);
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(',', o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonSerializer.Serialize(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(',', a.Select(Canonical)) + "]",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Number(v.GetValue<JsonElement>()),
        _ => node.ToJsonString(),
    };

    private static string Number(JsonElement number)
        => number.TryGetInt64(out var integer) ? integer.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : number.GetDouble() is var d && d == Math.Floor(d) && Math.Abs(d) < 1e15 ? ((long)d).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : number.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
