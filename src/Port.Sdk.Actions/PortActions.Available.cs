using System.Text.Json;
using System.Text.Json.Nodes;

namespace Port.Sdk.Actions;

/// <summary>Which self-service actions an entity offers: what an AI client or a context lists before invoking one.</summary>
public sealed partial class PortActions
{
    /// <summary>
    /// Gets the self-service actions available on an entity: the <c>DAY-2</c> and <c>DELETE</c> actions of its blueprint
    /// whose search <c>condition</c> (if any) the entity matches, in the order registered. These are the actions
    /// <see cref="InvokeAsync"/> accepts with this entity.
    /// </summary>
    /// <param name="blueprint">The entity's blueprint.</param>
    /// <param name="identifier">The entity's identifier.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The actions; empty when the entity does not exist.</returns>
    /// <exception cref="ArgumentException"><paramref name="blueprint"/> or <paramref name="identifier"/> is empty.</exception>
    public async Task<IReadOnlyList<PortAction>> GetAvailableActionsAsync(string blueprint, string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(blueprint);
        ArgumentException.ThrowIfNullOrWhiteSpace(identifier);
        var candidates = Actions.Where(a => !a.IsAutomation && a.Trigger.BlueprintIdentifier == blueprint && a.Trigger.Operation is ActionOperation.DayTwo or ActionOperation.Delete).ToList();
        if (candidates.Count == 0 || await Catalog.GetEntityAsync(blueprint, identifier, cancellationToken).ConfigureAwait(false) is null)
        {
            return [];
        }

        var available = new List<PortAction>();
        foreach (var action in candidates)
        {
            if (action.Trigger.EntityCondition is not { } condition || await MatchesAsync(condition, blueprint, identifier, cancellationToken).ConfigureAwait(false))
            {
                available.Add(action);
            }
        }

        return available;
    }

    private async Task<bool> MatchesAsync(JsonElement condition, string blueprint, string identifier, CancellationToken cancellationToken)
    {
        // The same query InvokeAsync runs for a DAY-2 or DELETE action: the condition's rules and the entity's identifier.
        var rules = JsonNode.Parse(condition.GetRawText())!.AsObject();
        rules.Remove("type");
        var query = new SearchQuery
        {
            Rules =
            [
                SearchQuery.Parse(ToElement(rules)),
                new PropertyRule { Property = "$identifier", Operator = "=", Value = JsonSerializer.SerializeToElement(identifier, ActionsJsonContext.Default.String) },
            ],
        };
        await foreach (var _ in Catalog.SearchAsync(query, blueprint, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }
}
