using System.Text.Json;
using System.Text.RegularExpressions;
using Port.Sdk.Tests.Common;

namespace Port.Sdk.Tests.Catalog;

/// <summary>The six Ocean integrations in <c>../shared/real-world/ocean</c>, read at run time.</summary>
internal static partial class OceanData
{
    public static string Root { get; } = Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "real-world", "ocean"));

    public static string BlueprintsFile(string integration) => Path.Combine(Root, integration, "blueprints.json");

    /// <summary>The entities Ocean's semantics give for the integration's sample items (every kind of <c>expected/</c>).</summary>
    public static List<Entity> ExpectedEntities(string integration)
    {
        var entities = new List<Entity>();
        foreach (var file in Directory.GetFiles(Path.Combine(Root, integration, "expected"), "*.json").Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            entities.AddRange(document.RootElement.EnumerateArray().Select(e => PortJson.ReadEntity(e.GetRawText())));
        }

        return entities;
    }

    /// <summary>
    /// Whether the entity and its relation targets have identifiers Port's entity API accepts (its pattern,
    /// <c>^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]+$</c>). The shared samples redact some names as <c>[REDACTED]</c>, which Port refuses too.
    /// </summary>
    public static bool HasPortIdentifiers(Entity entity)
        => PortIdentifier().IsMatch(entity.Identifier) && entity.Relations.Values.SelectMany(r => r.Targets).All(t => PortIdentifier().IsMatch(t));

    [GeneratedRegex(@"^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]+$")]
    private static partial Regex PortIdentifier();
}
