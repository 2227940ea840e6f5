using Port.Sdk.Jq;

namespace Port.Sdk.Integrations.Tests.RealWorld;

/// <summary>
/// Issue 15: every jq expression of the six Ocean integrations' mappings gives the same first output, or the same error,
/// on an item converted with only the paths it reads as on the whole item (items read from ../shared/real-world).
/// </summary>
public sealed class OceanProjectionTests
{
    [Fact]
    public void Expressions_OnProjectedItems_GiveWhatTheWholeItemsGive()
    {
        var expressions = 0;
        var projected = 0;
        var runs = 0;
        foreach (var integration in OceanFiles.Integrations())
        {
            var config = PortAppConfig.Load(OceanFiles.Config(integration));
            foreach (var kind in OceanFiles.Kinds(integration))
            {
                var items = OceanFiles.Items(integration, kind);
                foreach (var expression in config.Resources.Where(r => r.Kind == kind).SelectMany(Expressions))
                {
                    expressions++;
                    var projection = expression.Filter.InputProjection;
                    if (!projection.IsWholeInput)
                    {
                        projected++;
                    }

                    foreach (var item in items)
                    {
                        runs++;
                        var full = Outcome(expression.Filter, JqValue.FromJsonElement(item));
                        var partial = Outcome(expression.Filter, projection.Convert(item));
                        Assert.True(full == partial, $"{integration}/{kind} {expression.Path} '{expression.Expression}' ({projection}):\nwhole:     {full}\nprojected: {partial}");
                    }
                }
            }
        }

        // Ocean's mappings read a few fields each: nearly all of them are projected.
        Assert.True(expressions > 100 && projected > expressions * 9 / 10, $"{projected} of {expressions} expressions projected ({runs} runs)");
    }

    private static string Outcome(JqFilter filter, JqValue input)
    {
        try
        {
            return filter.First(input, new JqRunOptions { MaxSteps = 1_000_000 }) is { } value ? value.ToJson() : "(no output)";
        }
        catch (JqException ex)
        {
            return "error: " + ex.Message;
        }
    }

    private static IEnumerable<MappingExpression> Expressions(ResourceConfig resource)
    {
        yield return resource.Selector;
        if (resource.ItemsToParse is { } itemsToParse)
        {
            yield return itemsToParse;
        }

        foreach (var mapping in resource.Mappings)
        {
            MappingExpression?[] fields = [mapping.Identifier, mapping.Blueprint, mapping.Title, mapping.Icon, .. mapping.Properties.Values];
            foreach (var field in fields.OfType<MappingExpression>().Where(e => e.Scheme is null))
            {
                yield return field;
            }

            foreach (var relation in mapping.Relations.Values.Append(mapping.Team).OfType<RelationMapping>())
            {
                foreach (var expression in Relation(relation))
                {
                    yield return expression;
                }
            }
        }
    }

    private static IEnumerable<MappingExpression> Relation(RelationMapping relation)
    {
        if (relation.Value is { } value)
        {
            yield return value;
        }

        if (relation.Query is { } query)
        {
            foreach (var expression in Query(query))
            {
                yield return expression;
            }
        }
    }

    private static IEnumerable<MappingExpression> Query(QueryMapping query)
    {
        yield return query.Combinator;
        foreach (var rule in query.Rules)
        {
            var expressions = rule switch
            {
                QueryMapping nested => Query(nested),
                RuleMapping single => new[] { single.Property, single.Operator, single.Value }.OfType<MappingExpression>(),
                _ => [],
            };
            foreach (var expression in expressions)
            {
                yield return expression;
            }
        }
    }
}
