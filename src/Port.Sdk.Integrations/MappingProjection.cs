using Port.Sdk.Jq;

namespace Port.Sdk.Integrations;

/// <summary>
/// The parts of an item that the mappings of one kind can read: the union of the input projections of every
/// expression of its resources, so an item is converted from JSON once, with only those parts. A resource that splits
/// items (<c>itemsToParse</c>) or an expression resolved by an integration pattern reads the whole item.
/// </summary>
internal static class MappingProjection
{
    public static JqInputProjection For(PortAppConfig config, string kind)
    {
        var projections = new List<JqInputProjection>();
        foreach (var resource in config.Resources)
        {
            if (resource.Kind != kind)
            {
                continue;
            }

            if (resource.ItemsToParse is not null)
            {
                return JqInputProjection.WholeInput;
            }

            var expressions = new List<MappingExpression> { resource.Selector };
            foreach (var mapping in resource.Mappings)
            {
                expressions.Add(mapping.Identifier);
                expressions.Add(mapping.Blueprint);
                AddIfAny(expressions, mapping.Title);
                AddIfAny(expressions, mapping.Icon);
                AddRelation(expressions, mapping.Team);
                expressions.AddRange(mapping.Properties.Values);
                foreach (var relation in mapping.Relations.Values)
                {
                    AddRelation(expressions, relation);
                }
            }

            foreach (var expression in expressions)
            {
                if (expression.Scheme is not null)
                {
                    return JqInputProjection.WholeInput;
                }

                projections.Add(expression.Filter.InputProjection);
            }
        }

        return JqInputProjection.Union(projections);
    }

    private static void AddIfAny(List<MappingExpression> expressions, MappingExpression? expression)
    {
        if (expression is not null)
        {
            expressions.Add(expression);
        }
    }

    private static void AddRelation(List<MappingExpression> expressions, RelationMapping? relation)
    {
        AddIfAny(expressions, relation?.Value);
        if (relation?.Query is { } query)
        {
            AddQuery(expressions, query);
        }
    }

    private static void AddQuery(List<MappingExpression> expressions, QueryMapping query)
    {
        expressions.Add(query.Combinator);
        foreach (var rule in query.Rules)
        {
            switch (rule)
            {
                case QueryMapping nested:
                    AddQuery(expressions, nested);
                    break;
                case RuleMapping single:
                    expressions.Add(single.Property);
                    expressions.Add(single.Operator);
                    AddIfAny(expressions, single.Value);
                    break;
            }
        }
    }
}
