using System.Text.Json;
using Port.Sdk.Catalog;
using Port.Sdk.Jq;
using Port.Sdk.Search;

namespace Port.Sdk;

public sealed partial class PortCatalog
{
    /// <summary>Adds the mirror, calculation and aggregation properties of the entity's blueprint, computed now.</summary>
    private async Task<Entity> ComputeAsync(Entity entity, CancellationToken cancellationToken)
    {
        var blueprint = await Store.GetBlueprintAsync(entity.Blueprint, cancellationToken).ConfigureAwait(false);
        if (blueprint is null || (blueprint.MirrorProperties.Count == 0 && blueprint.CalculationProperties.Count == 0 && blueprint.AggregationProperties.Count == 0))
        {
            return entity;
        }

        var properties = new Dictionary<string, JsonElement>(entity.Properties, StringComparer.Ordinal);
        foreach (var (name, mirror) in blueprint.MirrorProperties)
        {
            properties[name] = await MirrorAsync(entity, blueprint, mirror.Path, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (name, aggregation) in blueprint.AggregationProperties)
        {
            properties[name] = await AggregateAsync(entity, aggregation, cancellationToken).ConfigureAwait(false);
        }

        var withMirrors = entity with { Properties = properties };
        if (blueprint.CalculationProperties.Count > 0)
        {
            var compiled = Compile(blueprint);
            var input = JqValue.FromJsonElement(PortJson.ToElement(withMirrors));
            foreach (var name in blueprint.CalculationProperties.Keys)
            {
                properties[name] = Calculate(compiled, name, input);
            }
        }

        return entity with { Properties = properties };
    }

    private static JsonElement Calculate(CompiledBlueprint compiled, string name, JqValue input)
    {
        if (!compiled.Calculations.TryGetValue(name, out var filter))
        {
            return Json.Null;
        }

        try
        {
            // A calculation runs on every read: it gets a step budget, and an error reads as null rather than failing the read.
            return filter.First(input, CalculationLimits) is { } value ? value.ToJsonElement() : Json.Null;
        }
        catch (JqException)
        {
            return Json.Null;
        }
    }

    private static readonly JqRunOptions CalculationLimits = new() { MaxSteps = 100_000, MaxDepth = 200 };

    private async Task<JsonElement> MirrorAsync(Entity entity, Blueprint blueprint, string path, CancellationToken cancellationToken)
    {
        var segments = path.Split('.');
        var current = new List<Entity> { entity };
        var many = false;
        var currentBlueprint = blueprint;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (currentBlueprint is null || !currentBlueprint.Relations.TryGetValue(segments[i], out var relation))
            {
                return Json.Null;
            }

            many |= relation.Many;
            var next = new List<Entity>();
            foreach (var item in current)
            {
                if (!item.Relations.TryGetValue(segments[i], out var value))
                {
                    continue;
                }

                foreach (var target in value.Targets)
                {
                    if (await Store.GetEntityAsync(relation.Target, target, cancellationToken).ConfigureAwait(false) is { } found)
                    {
                        next.Add(found);
                    }
                }
            }

            current = next;
            currentBlueprint = await Store.GetBlueprintAsync(relation.Target, cancellationToken).ConfigureAwait(false);
        }

        var values = new List<JsonElement>();
        foreach (var item in current)
        {
            var source = currentBlueprint is not null && currentBlueprint.MirrorProperties.Count + currentBlueprint.CalculationProperties.Count > 0 && !segments[^1].StartsWith('$')
                ? await ComputeAsync(item, cancellationToken).ConfigureAwait(false)
                : item;
            if (SearchEvaluator.Read(source, segments[^1]) is { } value)
            {
                values.Add(value);
            }
        }

        return many ? Json.Array(values) : values.Count > 0 ? values[0] : Json.Null;
    }

    private async Task<JsonElement> AggregateAsync(Entity entity, AggregationProperty aggregation, CancellationToken cancellationToken)
    {
        var related = new RelatedToRule { Blueprint = entity.Blueprint, Value = entity.Identifier, Direction = RelationDirection.Downstream };
        var filter = new SearchQuery { Rules = aggregation.Query is null ? [related] : [related, aggregation.Query] };
        var count = 0;
        var numbers = new List<double>();
        await foreach (var item in Store.QueryAsync(new EntityQuery { Blueprint = aggregation.Target, Filter = filter }, cancellationToken).ConfigureAwait(false))
        {
            count++;
            if (aggregation.CalculationSpec.Property is { } property && item.Properties.TryGetValue(property, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                numbers.Add(value.GetDouble());
            }
        }

        return aggregation.CalculationSpec.Func switch
        {
            "count" => Json.Number(count),
            "sum" => Json.Number(numbers.Sum()),
            "average" => numbers.Count == 0 ? Json.Null : Json.Number(numbers.Average()),
            "min" => numbers.Count == 0 ? Json.Null : Json.Number(numbers.Min()),
            "max" => numbers.Count == 0 ? Json.Null : Json.Number(numbers.Max()),
            _ => Json.Null,
        };
    }

    private static bool ReadsComputedProperties(SearchRule rule, IEnumerable<Blueprint> blueprints)
    {
        var computed = blueprints
            .SelectMany(b => b.MirrorProperties.Keys.Concat(b.CalculationProperties.Keys).Concat(b.AggregationProperties.Keys))
            .ToHashSet(StringComparer.Ordinal);
        return computed.Count > 0 && Reads(rule, computed);

        static bool Reads(SearchRule rule, HashSet<string> names) => rule switch
        {
            SearchQuery group => group.Rules.Any(r => Reads(r, names)),
            PropertyRule property => names.Contains(property.Property),
            _ => false,
        };
    }

    /// <summary>An in-memory evaluator whose <c>relatedTo</c> rules were resolved through the store beforehand.</summary>
    private async Task<SearchEvaluator> EvaluatorForAsync(IEnumerable<SearchRule> queries, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<RelatedToRule, ISet<EntityKey>>();
        foreach (var related in queries.SelectMany(RelatedRules).Distinct())
        {
            var keys = new HashSet<EntityKey>();
            await foreach (var entity in Store.QueryAsync(new EntityQuery { Filter = new SearchQuery { Rules = [related] } }, cancellationToken).ConfigureAwait(false))
            {
                keys.Add(new EntityKey(entity.Blueprint, entity.Identifier));
            }

            resolved[related] = keys;
        }

        return new SearchEvaluator(rule => resolved.TryGetValue(rule, out var keys) ? keys : new HashSet<EntityKey>());

        static IEnumerable<RelatedToRule> RelatedRules(SearchRule rule) => rule switch
        {
            SearchQuery group => group.Rules.SelectMany(RelatedRules),
            RelatedToRule related => [related],
            _ => [],
        };
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyDictionary<string, JsonElement>))]
internal sealed partial class EntityJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
