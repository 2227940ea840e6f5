using System.Text.Json;
using Json.Schema;

namespace Port.Sdk.JsonSchemaNet;

/// <summary>Port's <c>format</c> values, checked as the catalog's own validator checks them.</summary>
internal static class PortFormats
{
    public static IReadOnlyList<Format> All { get; } =
    [
        new PredicateFormat("url", IsUrl),
        new PredicateFormat("user", v => Json.Schema.Formats.Email.Validate(v, out _)),
        new PredicateFormat("timer", v => Json.Schema.Formats.DateTime.Validate(v, out _)),
        new PredicateFormat("team", static _ => true),
        new PredicateFormat("yaml", static _ => true),
        new PredicateFormat("markdown", static _ => true),
        new PredicateFormat("proto", static _ => true),
        new PredicateFormat("entity", static _ => true),
    ];

    private static bool IsUrl(JsonElement value)
        => value.ValueKind != JsonValueKind.String
            || (Json.Schema.Formats.Uri.Validate(value, out _)
                && (value.GetString()!.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.GetString()!.StartsWith("https://", StringComparison.OrdinalIgnoreCase)));
}
