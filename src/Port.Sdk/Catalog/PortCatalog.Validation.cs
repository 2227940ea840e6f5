using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Port.Sdk.Catalog;

namespace Port.Sdk;

/// <summary>
/// Validation of blueprints and entities, and the leniencies of <see cref="CatalogValidationMode.Port"/> mode: each is
/// one rule, listed in <c>docs/catalog.md</c> ("What Port accepts"), and none applies in <see cref="CatalogValidationMode.Strict"/> mode.
/// </summary>
public sealed partial class PortCatalog
{
    /// <summary>
    /// The entity as it is stored: computed properties removed; in Port mode, properties the blueprint lacks dropped
    /// (Port keeps only the blueprint's properties), numeric strings of number properties parsed (Port coerces them),
    /// and one identifier of a <c>many</c> relation made a one-element array.
    /// </summary>
    private Entity Normalize(Entity entity, Dictionary<string, Blueprint> blueprints)
    {
        if (!blueprints.TryGetValue(entity.Blueprint ?? string.Empty, out var blueprint))
        {
            return entity;
        }

        var lenient = ValidationMode == CatalogValidationMode.Port;
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in entity.Properties)
        {
            if (blueprint.MirrorProperties.ContainsKey(name) || blueprint.CalculationProperties.ContainsKey(name) || blueprint.AggregationProperties.ContainsKey(name))
            {
                continue;
            }

            if (!blueprint.Schema.Properties.TryGetValue(name, out var schema))
            {
                if (!lenient)
                {
                    properties[name] = value;
                }

                continue;
            }

            properties[name] = lenient && value.ValueKind == JsonValueKind.String && Admits(schema, "number") && !Admits(schema, "string") && TryNumber(value.GetString()!, out var number)
                ? number
                : value;
        }

        var relations = entity.Relations;
        if (lenient && entity.Relations.Any(r => !r.Value.IsMany && r.Value.Targets.Count == 1 && blueprint.Relations.TryGetValue(r.Key, out var d) && d.Many))
        {
            relations = entity.Relations.ToDictionary(
                r => r.Key,
                r => !r.Value.IsMany && r.Value.Targets.Count == 1 && blueprint.Relations.TryGetValue(r.Key, out var d) && d.Many ? EntityRelation.ToMany(r.Value.Targets[0]) : r.Value,
                StringComparer.Ordinal);
        }

        return entity with { Properties = properties, Relations = relations };
    }

    /// <summary>
    /// What the property schema is checked against. A null required property is an error in both modes (unless its
    /// schema admits null); in Port mode a null non-required property is absent, and a date-time offset without its
    /// colon (<c>+0200</c>) is read as <c>+02:00</c> (the stored value is not changed).
    /// </summary>
    private Dictionary<string, JsonElement> ValidationInstance(Entity entity, Blueprint blueprint, List<CatalogError> errors, HashSet<string> reported)
    {
        var lenient = ValidationMode == CatalogValidationMode.Port;
        var instance = new Dictionary<string, JsonElement>(entity.Properties.Count, StringComparer.Ordinal);
        foreach (var (name, value) in entity.Properties)
        {
            if (!blueprint.Schema.Properties.TryGetValue(name, out var schema))
            {
                instance[name] = value;
                continue;
            }

            if (value.ValueKind == JsonValueKind.Null && !Admits(schema, "null"))
            {
                if (blueprint.Schema.Required.Contains(name))
                {
                    // Kept in the instance so that 'required' passes; the schema's own errors on it are not repeated.
                    errors.Add(new CatalogError(entity.Blueprint, entity.Identifier, $"/properties/{name}", "required", $"the required property '{name}' is null"));
                    reported.Add("/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
                    instance[name] = value;
                    continue;
                }

                if (lenient)
                {
                    continue;
                }
            }

            instance[name] = lenient ? WithOffsetColons(value, schema) : value;
        }

        return instance;
    }

    /// <summary>Whether a property schema's <c>type</c> admits a JSON type (a schema without <c>type</c> admits every type).</summary>
    private static bool Admits(JsonElement schema, string type)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var declared))
        {
            return true;
        }

        return declared.ValueKind switch
        {
            JsonValueKind.String => declared.ValueEquals(type) || (type == "number" && declared.ValueEquals("integer")),
            JsonValueKind.Array => declared.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && (t.ValueEquals(type) || (type == "number" && t.ValueEquals("integer")))),
            _ => true,
        };
    }

    /// <summary>Reads a string as a number when it is exactly a JSON number (<c>"12.5"</c>, <c>"-3"</c>, <c>"1e3"</c>), as SonarQube sends its measures.</summary>
    private static bool TryNumber(string text, out JsonElement number)
    {
        number = default;
        if (text.Length is 0 or > 64 || !(char.IsAsciiDigit(text[0]) || (text[0] == '-' && text.Length > 1)))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Number || !document.RootElement.TryGetDouble(out var parsed) || !double.IsFinite(parsed))
            {
                return false;
            }

            number = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonElement WithOffsetColons(JsonElement value, JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return value;
        }

        if (value.ValueKind == JsonValueKind.String && IsDateTimeFormat(schema) && OffsetWithoutColon().Match(value.GetString()!) is { Success: true } match)
        {
            return Json.From(JsonValue.Create(string.Create(CultureInfo.InvariantCulture, $"{match.Groups[1].Value}:{match.Groups[2].Value}")));
        }

        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items) && IsDateTimeFormat(items)
            && value.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.String && OffsetWithoutColon().IsMatch(v.GetString()!)))
        {
            return Json.Array([.. value.EnumerateArray().Select(v => WithOffsetColons(v, items))]);
        }

        return value;
    }

    private static bool IsDateTimeFormat(JsonElement schema)
        => schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && format.ValueEquals("date-time");

    /// <summary>An ISO 8601 date-time whose offset lacks the colon RFC 3339 requires: <c>2024-01-15T10:30:00.000+0200</c>.</summary>
    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[+-]\d{2})(\d{2})$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex OffsetWithoutColon();

    private void ValidateEntity(
        Entity entity,
        Dictionary<string, Blueprint> blueprints,
        Dictionary<EntityKey, Entity> batch,
        Dictionary<EntityKey, EntityStamp> existing,
        Dictionary<EntityKey, Entity> placeholders,
        EntityWriteOptions options,
        List<CatalogError> errors,
        DateTimeOffset now)
    {
        var id = entity.Identifier ?? string.Empty;
        var bp = entity.Blueprint ?? string.Empty;
        if (!blueprints.TryGetValue(bp, out var blueprint))
        {
            errors.Add(new CatalogError(bp, id, "/blueprint", "blueprint", $"there is no blueprint '{bp}'"));
            return;
        }

        if (Identifiers.CheckEntity(entity.Identifier) is { } identifierError)
        {
            errors.Add(new CatalogError(bp, id, "/identifier", "identifier", identifierError));
        }

        var compiled = Compile(blueprint);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var properties = JsonSerializer.SerializeToElement<IReadOnlyDictionary<string, JsonElement>>(ValidationInstance(entity, blueprint, errors, reported), EntityJsonContext.Default.IReadOnlyDictionaryStringJsonElement);
        foreach (var error in compiled.Schema.Validate(properties))
        {
            if (reported.Contains(error.InstanceLocation))
            {
                continue;
            }

            errors.Add(ToCatalogError(bp, id, error));
        }

        foreach (var (name, relation) in entity.Relations)
        {
            var pointer = $"/relations/{name}";
            if (!blueprint.Relations.TryGetValue(name, out var definition))
            {
                errors.Add(new CatalogError(bp, id, pointer, "relation", $"blueprint '{bp}' has no relation '{name}'"));
                continue;
            }

            if (relation.IsMany && !definition.Many)
            {
                errors.Add(new CatalogError(bp, id, pointer, "many", $"relation '{name}' holds one entity, but an array was given"));
            }
            else if (!relation.IsMany && definition.Many && relation.Targets.Count > 0)
            {
                errors.Add(new CatalogError(bp, id, pointer, "many", $"relation '{name}' holds several entities: give an array of identifiers"));
            }

            foreach (var target in relation.Targets)
            {
                var targetKey = new EntityKey(definition.Target, target);
                if (batch.ContainsKey(targetKey) || placeholders.ContainsKey(targetKey) || existing.ContainsKey(targetKey))
                {
                    continue;
                }

                if (options.CreateMissingRelatedEntities && Identifiers.CheckEntity(target) is null)
                {
                    placeholders[targetKey] = new Entity { Identifier = target, Blueprint = definition.Target, CreatedAt = now, UpdatedAt = now };
                    continue;
                }

                errors.Add(new CatalogError(bp, id, pointer, "relation-target", $"there is no entity '{target}' of blueprint '{definition.Target}'"));
            }
        }

        foreach (var (name, definition) in blueprint.Relations.Where(r => r.Value.Required))
        {
            if (!entity.Relations.TryGetValue(name, out var relation) || relation.Targets.Count == 0)
            {
                errors.Add(new CatalogError(bp, id, $"/relations/{name}", "required", $"the required relation '{name}' (to '{definition.Target}') is missing"));
            }
        }
    }

    private void ValidateBlueprint(Blueprint blueprint, Dictionary<string, Blueprint> all, List<CatalogError> errors)
    {
        var id = blueprint.Identifier ?? string.Empty;
        if (Identifiers.CheckBlueprint(blueprint.Identifier) is { } identifierError)
        {
            errors.Add(new CatalogError(id, null, "/identifier", "identifier", identifierError));
        }

        _ = CompiledBlueprint.Compile(blueprint, SchemaValidator, errors);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        void Claim(string name, string where)
        {
            if (!names.TryAdd(name, where))
            {
                errors.Add(new CatalogError(id, null, $"/{where}/{name}", "duplicate", $"'{name}' is defined both in '{names[name]}' and in '{where}'"));
            }
        }

        foreach (var name in blueprint.Schema.Properties.Keys)
        {
            Claim(name, "schema/properties");
        }

        foreach (var (name, relation) in blueprint.Relations)
        {
            Claim(name, "relations");
            if (!all.ContainsKey(relation.Target))
            {
                errors.Add(new CatalogError(id, null, $"/relations/{name}/target", "relation-target", $"there is no blueprint '{relation.Target}'"));
            }
        }

        foreach (var (name, mirror) in blueprint.MirrorProperties)
        {
            Claim(name, "mirrorProperties");
            if (CheckMirrorPath(blueprint, mirror.Path, all) is { } problem)
            {
                errors.Add(new CatalogError(id, null, $"/mirrorProperties/{name}/path", "mirror-path", problem));
            }
        }

        foreach (var name in blueprint.CalculationProperties.Keys)
        {
            Claim(name, "calculationProperties");
        }

        foreach (var (name, aggregation) in blueprint.AggregationProperties)
        {
            Claim(name, "aggregationProperties");
            if (!all.TryGetValue(aggregation.Target, out var target))
            {
                errors.Add(new CatalogError(id, null, $"/aggregationProperties/{name}/target", "relation-target", $"there is no blueprint '{aggregation.Target}'"));
            }
            else if (!target.Relations.Values.Any(r => r.Target == id))
            {
                errors.Add(new CatalogError(id, null, $"/aggregationProperties/{name}/target", "relation-target", $"blueprint '{aggregation.Target}' has no relation to '{id}'"));
            }

            if (aggregation.CalculationSpec.Func is not ("count" or "sum" or "average" or "min" or "max"))
            {
                errors.Add(new CatalogError(id, null, $"/aggregationProperties/{name}/calculationSpec/func", "aggregation", $"'{aggregation.CalculationSpec.Func}' is not one of count, sum, average, min, max"));
            }
            else if (aggregation.CalculationSpec.Func != "count" && string.IsNullOrEmpty(aggregation.CalculationSpec.Property))
            {
                errors.Add(new CatalogError(id, null, $"/aggregationProperties/{name}/calculationSpec/property", "aggregation", $"'{aggregation.CalculationSpec.Func}' needs the property to aggregate"));
            }
        }
    }

    private static string? CheckMirrorPath(Blueprint blueprint, string path, Dictionary<string, Blueprint> all)
    {
        var segments = path.Split('.');
        if (segments.Length < 2)
        {
            return $"the path '{path}' must start with a relation and end with a property, such as 'service.tier'";
        }

        var current = blueprint;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (!current.Relations.TryGetValue(segments[i], out var relation))
            {
                return $"blueprint '{current.Identifier}' has no relation '{segments[i]}' (path '{path}')";
            }

            if (!all.TryGetValue(relation.Target, out current!))
            {
                return $"there is no blueprint '{relation.Target}' (path '{path}')";
            }
        }

        var last = segments[^1];
        return last.StartsWith('$') || current.Schema.Properties.ContainsKey(last) || current.MirrorProperties.ContainsKey(last) || current.CalculationProperties.ContainsKey(last)
            ? null
            : $"blueprint '{current.Identifier}' has no property '{last}' (path '{path}')";
    }
}
