using System.Globalization;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Port.Sdk.Mcp;

/// <summary>
/// One prompt per context recipe: its arguments are the entity (<c>blueprint</c>, <c>identifier</c>), and getting it composes the
/// context with the recipe (with progress, when the client asks) and returns it as a user message the model reads.
/// </summary>
public sealed partial class PortCatalogMcpServer
{
    private void ConfigurePrompts(McpServerHandlers handlers)
    {
        var previousList = handlers.ListPromptsHandler;
        var previousGet = handlers.GetPromptHandler;
        handlers.ListPromptsHandler = async (request, cancellationToken) =>
        {
            var theirs = previousList is null ? [] : (await previousList(request, cancellationToken).ConfigureAwait(false)).Prompts;
            return new ListPromptsResult { Prompts = [.. _recipes.Values.OrderBy(r => r.Name, StringComparer.Ordinal).Select(Prompt), .. theirs] };
        };
        handlers.GetPromptHandler = async (request, cancellationToken) =>
        {
            var name = request.Params?.Name ?? string.Empty;
            if (!_recipes.TryGetValue(name, out var recipe))
            {
                return previousGet is not null
                    ? await previousGet(request, cancellationToken).ConfigureAwait(false)
                    : throw new McpProtocolException($"There is no prompt '{name}'; the prompts are {string.Join(", ", _recipes.Keys.Order(StringComparer.Ordinal).Select(k => $"'{k}'"))}.", McpErrorCode.InvalidParams);
            }

            return await GetPromptAsync(request, recipe, cancellationToken).ConfigureAwait(false);
        };
    }

    private static Prompt Prompt(ContextRecipe recipe) => new()
    {
        Name = recipe.Name,
        Title = recipe.Name,
        Description = $"The context of one entity, composed with the recipe '{recipe.Name}' ({Describe(recipe)}), for the model to work from.",
        Arguments =
        [
            new PromptArgument { Name = "blueprint", Title = "Blueprint", Description = "The entity's blueprint.", Required = true },
            new PromptArgument { Name = "identifier", Title = "Identifier", Description = "The entity's identifier.", Required = true },
        ],
    };

    private static string Describe(ContextRecipe recipe)
    {
        var parts = new List<string>();
        if (recipe.Relations.Count > 0)
        {
            parts.Add($"{recipe.Relations.Count.ToString(CultureInfo.InvariantCulture)} relation walks");
        }

        if (recipe.Scorecards.Count > 0)
        {
            parts.Add($"scorecards {string.Join(", ", recipe.Scorecards.Select(s => $"'{s.Identifier}'"))}");
        }

        if (recipe.Calls.Count > 0)
        {
            parts.Add($"live calls to {string.Join(", ", recipe.Calls.Select(c => $"{c.Connector}/{c.Tool}").Distinct())}");
        }

        return parts.Count == 0 ? "the entity alone" : string.Join("; ", parts);
    }

    private async Task<GetPromptResult> GetPromptAsync(RequestContext<GetPromptRequestParams> request, ContextRecipe recipe, CancellationToken cancellationToken)
    {
        var arguments = request.Params?.Arguments ?? new Dictionary<string, System.Text.Json.JsonElement>();
        var unknown = arguments.Keys.Where(k => k is not "blueprint" and not "identifier").Order(StringComparer.Ordinal).FirstOrDefault();
        if (unknown is not null)
        {
            throw new McpProtocolException($"The prompt '{recipe.Name}' has no argument '{unknown}'; its arguments are 'blueprint', 'identifier'.", McpErrorCode.InvalidParams);
        }

        string Required(string name) => arguments.TryGetValue(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new McpProtocolException($"The argument '{name}' is required by the prompt '{recipe.Name}' and must be a non-empty string.", McpErrorCode.InvalidParams);

        var key = new EntityKey(Required("blueprint"), Required("identifier"));
        ComposedContext context;
        try
        {
            context = await ComposeAsync(request.Server, request.Params?.ProgressToken, key, recipe, cancellationToken).ConfigureAwait(false);
        }
        catch (PortException ex)
        {
            throw new McpProtocolException(ex.Message, McpErrorCode.InvalidParams);
        }

        var text = $"The context of {key.Blueprint} '{key.Identifier}' from the Port catalog, composed with the recipe '{recipe.Name}'. Work from it; say when something you need is not in it.\n\n{context.ToMarkdown()}";
        return new GetPromptResult
        {
            Description = $"The '{recipe.Name}' context of {key}.",
            Messages = [new PromptMessage { Role = Role.User, Content = new TextContentBlock { Text = text } }],
        };
    }
}
