using System.Collections.Concurrent;
using Port.Sdk.Catalog;

namespace Port.Sdk;

/// <summary>The blueprints' compiled schemas, and how the <see cref="ISchemaValidator"/>'s errors become <see cref="CatalogError"/>s.</summary>
public sealed partial class PortCatalog
{
    private readonly ConcurrentDictionary<string, (Blueprint Source, string Json, CompiledBlueprint Compiled)> _compiled = new(StringComparer.Ordinal);

    /// <summary>Gets the JSON Schema engine that validates entities against their blueprints' schemas.</summary>
    /// <value><see cref="CatalogValidationOptions.SchemaValidator"/>, or <see cref="PortSchemaValidator.Instance"/> when that is <see langword="null"/>.</value>
    public ISchemaValidator SchemaValidator { get; }

    /// <summary>
    /// The compiled form of a blueprint, cached by identifier and reused while the blueprint's JSON is unchanged
    /// (stores may return a new instance of the same blueprint on every read).
    /// </summary>
    private CompiledBlueprint Compile(Blueprint blueprint)
    {
        if (_compiled.TryGetValue(blueprint.Identifier, out var cached))
        {
            if (ReferenceEquals(cached.Source, blueprint))
            {
                return cached.Compiled;
            }

            var json = PortJson.Write(blueprint);
            if (cached.Json == json)
            {
                _compiled[blueprint.Identifier] = (blueprint, json, cached.Compiled);
                return cached.Compiled;
            }
        }

        var compiled = CompiledBlueprint.Compile(blueprint, SchemaValidator, []);
        _compiled[blueprint.Identifier] = (blueprint, PortJson.Write(blueprint), compiled);
        return compiled;
    }

    /// <summary>
    /// An engine's error as the catalog reports it, the same whatever the engine: the pointer is within the entity
    /// (<c>/properties/...</c>) and the keyword location within the blueprint (<c>/schema/...</c>). A property the
    /// blueprint lacks fails the <c>additionalProperties: false</c> the catalog adds to the blueprint's schema; engines
    /// report it at the object (Port.Sdk's) or at the property (JsonSchema.Net's), and the catalog reports it at the object.
    /// </summary>
    private static CatalogError ToCatalogError(string blueprint, string entity, SchemaError error)
    {
        var keywordLocation = "/schema" + error.KeywordLocation;
        if (error.KeywordLocation == "/additionalProperties")
        {
            if (error.InstanceLocation.Length > 1 && error.InstanceLocation.IndexOf('/', 1) < 0)
            {
                var name = error.InstanceLocation[1..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                return new CatalogError(blueprint, entity, "/properties", "additionalProperties", $"has the property '{name}', which is not allowed (not a property of the blueprint)") { KeywordLocation = keywordLocation };
            }

            return new CatalogError(blueprint, entity, "/properties" + error.InstanceLocation, "additionalProperties", error.Message.Replace("(additionalProperties)", "(not a property of the blueprint)", StringComparison.Ordinal)) { KeywordLocation = keywordLocation };
        }

        return new CatalogError(blueprint, entity, "/properties" + error.InstanceLocation, error.Keyword, error.Message) { KeywordLocation = keywordLocation };
    }
}
