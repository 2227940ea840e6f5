using System.Text.Json;
using System.Text.RegularExpressions;

namespace Port.Sdk.Integrations.Tests.RealWorld;

/// <summary>
/// The rules Port's entity API is strict about, written from its documentation, independently of the catalog's
/// validator: an oracle for "rejects exactly what Port rejects". An identifier (of the entity or of a relation target)
/// outside Port's identifier pattern, an enum value outside the enum, a <c>url</c> that is not a URL.
/// </summary>
internal static partial class PortRules
{
    public static bool Rejects(JsonElement entity, IReadOnlyDictionary<string, JsonElement> blueprints)
    {
        if (!Identifier().IsMatch(entity.GetProperty("identifier").GetString()!))
        {
            return true;
        }

        if (entity.TryGetProperty("relations", out var relations) && relations.ValueKind == JsonValueKind.Object)
        {
            foreach (var relation in relations.EnumerateObject())
            {
                var targets = relation.Value.ValueKind switch
                {
                    JsonValueKind.String => [relation.Value.GetString()!],
                    JsonValueKind.Array => relation.Value.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToArray(),
                    _ => Array.Empty<string>(),
                };
                if (targets.Any(t => !Identifier().IsMatch(t)))
                {
                    return true;
                }
            }
        }

        var schema = blueprints[entity.GetProperty("blueprint").GetString()!].GetProperty("schema").GetProperty("properties");
        if (!entity.TryGetProperty("properties", out var properties))
        {
            return false;
        }

        foreach (var property in properties.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null || !schema.TryGetProperty(property.Name, out var definition))
            {
                continue;
            }

            if (definition.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => v.ToString() == property.Value.ToString()))
            {
                return true;
            }

            if (definition.TryGetProperty("format", out var format) && format.GetString() == "url" && property.Value.ValueKind == JsonValueKind.String && !IsUrl(property.Value.GetString()!))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUrl(string text)
        => Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && !text.Any(c => char.IsWhiteSpace(c) || "[]{}|\\^<>\"".Contains(c));

    [GeneratedRegex(@"^[A-Za-z0-9@_.+:\/=-]+$")]
    private static partial Regex Identifier();
}
