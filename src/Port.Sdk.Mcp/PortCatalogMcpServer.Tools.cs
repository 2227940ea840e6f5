using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

// MCP logging (logging/setLevel, notifications/message) is deprecated by the 2026-07-28 specification (SEP-2577), but the
// 2025 versions that clients speak today have it, and clients show these messages: it stays until the SDK drops it.
#pragma warning disable MCP9005

namespace Port.Sdk.Mcp;

/// <summary>The tools' implementations: each reads its arguments strictly, then answers with JSON as structured content and as text.</summary>
public sealed partial class PortCatalogMcpServer
{
    private const string QueryShape = "a Port search query with 'combinator' and 'rules'";

    private async Task<CallToolResult> SearchAsync(IDictionary<string, JsonElement>? raw, CancellationToken cancellationToken)
    {
        var arguments = ToolArguments.Of(CatalogTools.SearchEntities, raw, "blueprint", "query", "limit", "cursor");
        var blueprint = arguments.String("blueprint");
        var queryElement = arguments.Object("query", QueryShape);
        var limit = arguments.Integer("limit", 1, CatalogTools.MaxLimit, CatalogTools.DefaultLimit);
        var fingerprint = SearchCursor.Fingerprint(blueprint, queryElement is { } q ? JsonSerializer.Serialize(q, McpServerJsonContext.Default.JsonElement) : null);
        var offset = arguments.String("cursor") is { } cursor ? SearchCursor.Read(cursor, fingerprint) : 0;
        SearchQuery query;
        try
        {
            query = queryElement is { } element ? SearchQuery.Parse(element) : new SearchQuery();
        }
        catch (JsonException ex)
        {
            throw new ToolArgumentException("query", $"The argument 'query' must be {QueryShape}: {ex.Message}");
        }

        var entities = new List<string>();
        var seen = 0;
        var more = false;
        await foreach (var entity in _catalog.SearchAsync(query, blueprint, cancellationToken).ConfigureAwait(false))
        {
            if (seen++ < offset)
            {
                continue;
            }

            if (entities.Count == limit)
            {
                more = true;
                break;
            }

            entities.Add(PortJson.Write(entity));
        }

        var json = new StringBuilder("{\"entities\":[").AppendJoin(',', entities).Append(']');
        if (more)
        {
            json.Append(",\"nextCursor\":").Append(JsonSerializer.Serialize(SearchCursor.Create(offset + limit, fingerprint), McpServerJsonContext.Default.String));
        }

        return Json(json.Append('}').ToString());
    }

    private async Task<CallToolResult> GetEntityAsync(IDictionary<string, JsonElement>? raw, CancellationToken cancellationToken)
    {
        var arguments = ToolArguments.Of(CatalogTools.GetEntity, raw, "blueprint", "identifier", "hops");
        var blueprint = arguments.RequiredString("blueprint");
        var identifier = arguments.RequiredString("identifier");
        var hops = arguments.Integer("hops", 0, CatalogTools.MaxHops, CatalogTools.DefaultHops);
        var entity = await _catalog.GetEntityAsync(blueprint, identifier, cancellationToken).ConfigureAwait(false);
        if (entity is null)
        {
            return Error($"There is no entity '{identifier}' of blueprint '{blueprint}'.");
        }

        var related = hops == 0 ? [] : await _catalog.GetRelatedEntitiesAsync(blueprint, identifier, hops, null, cancellationToken).ConfigureAwait(false);
        var json = new StringBuilder("{\"entity\":").Append(PortJson.Write(entity)).Append(",\"related\":[");
        json.AppendJoin(',', related.Select(r => $"{{\"hops\":{r.Hops.ToString(CultureInfo.InvariantCulture)},\"path\":{JsonSerializer.Serialize(r.Path, McpServerJsonContext.Default.IReadOnlyListString)},\"entity\":{PortJson.Write(r.Entity)}}}"));
        return Json(json.Append("]}").ToString());
    }

    private async Task<CallToolResult> ListBlueprintsAsync(IDictionary<string, JsonElement>? raw, CancellationToken cancellationToken)
    {
        _ = ToolArguments.Of(CatalogTools.ListBlueprints, raw);
        var blueprints = new List<string>();
        await foreach (var blueprint in _catalog.GetBlueprintsAsync(cancellationToken).ConfigureAwait(false))
        {
            blueprints.Add(PortJson.Write(blueprint));
        }

        return Json($"{{\"blueprints\":[{string.Join(",", blueprints)}]}}");
    }

    private async Task<CallToolResult> ScorecardsAsync(IDictionary<string, JsonElement>? raw, CancellationToken cancellationToken)
    {
        var arguments = ToolArguments.Of(CatalogTools.GetScorecards, raw, "scorecard", "identifier");
        var only = arguments.String("scorecard");
        var identifier = arguments.String("identifier");
        var scorecards = _scorecards.Where(s => only is null || s.Identifier == only).ToList();
        if (only is not null && scorecards.Count == 0)
        {
            return Error($"There is no scorecard '{only}'; the scorecards are {string.Join(", ", _scorecards.Select(s => $"'{s.Identifier}'"))}.");
        }

        var results = new List<string>();
        foreach (var scorecard in scorecards)
        {
            await foreach (var result in _catalog.EvaluateScorecardAsync(scorecard, cancellationToken).ConfigureAwait(false))
            {
                if (identifier is null || result.Entity == identifier)
                {
                    results.Add($"{{\"scorecard\":{Quote(scorecard.Identifier)},\"blueprint\":{Quote(scorecard.Blueprint)},\"entity\":{Quote(result.Entity)},\"level\":{Quote(result.Level)},\"rules\":{JsonSerializer.Serialize(result.Rules, McpServerJsonContext.Default.IReadOnlyDictionaryStringBoolean)}}}");
                }
            }
        }

        return Json($"{{\"results\":[{string.Join(",", results)}]}}");
    }

    private async Task<CallToolResult> ComposeAsync(RequestContext<CallToolRequestParams> request, IDictionary<string, JsonElement>? raw, CancellationToken cancellationToken)
    {
        var arguments = ToolArguments.Of(CatalogTools.ComposeContext, raw, "recipe", "blueprint", "identifier");
        var name = arguments.RequiredString("recipe");
        var key = new EntityKey(arguments.RequiredString("blueprint"), arguments.RequiredString("identifier"));
        if (!_recipes.TryGetValue(name, out var recipe))
        {
            return Error(NoRecipe(name));
        }

        var context = await ComposeAsync(request.Server, request.Params?.ProgressToken, key, recipe, cancellationToken).ConfigureAwait(false);
        using var structured = JsonDocument.Parse(context.ToJson(indented: false));
        // Markdown reads better to a model than the JSON; clients that read structuredContent get the JSON.
        return new CallToolResult { Content = [new TextContentBlock { Text = context.ToMarkdown() }], StructuredContent = structured.RootElement.Clone() };
    }

    /// <summary>Composes with progress notifications when the client sent a progress token, and logs how it went.</summary>
    private async Task<ComposedContext> ComposeAsync(McpServer server, ProgressToken? token, EntityKey key, ContextRecipe recipe, CancellationToken cancellationToken)
    {
        IProgress<ContextComposeProgress>? progress = null;
        var notifications = new List<Task>();
        if (token is { } progressToken)
        {
            // Reports come from the composer's tasks; each notification is sent in order of completion and awaited before returning.
            progress = new SynchronousProgress<ContextComposeProgress>(p =>
            {
                lock (notifications)
                {
                    notifications.Add(server.NotifyProgressAsync(progressToken, new ProgressNotificationValue { Progress = p.Completed, Total = p.Total, Message = $"{p.Step} done ({p.Completed.ToString(CultureInfo.InvariantCulture)} of {p.Total.ToString(CultureInfo.InvariantCulture)})" }, cancellationToken: cancellationToken));
                }
            });
        }

        var context = await _composer.ComposeAsync(key, recipe, progress, cancellationToken).ConfigureAwait(false);
        Task[] sent;
        lock (notifications)
        {
            sent = [.. notifications];
        }

        try
        {
            await Task.WhenAll(sent).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Progress is advisory: a client that cannot be told still gets its result, or has gone away.
        }

        foreach (var part in context.Connectors.Where(c => c.Error is not null))
        {
            await ClientLog.WriteAsync(server, LoggingLevel.Warning, $"compose '{recipe.Name}' for {key}: the connector call '{part.Label}' failed: {part.Error}", cancellationToken).ConfigureAwait(false);
        }

        await ClientLog.WriteAsync(server, LoggingLevel.Info, $"compose '{recipe.Name}' for {key}: {context.Entities.Count.ToString(CultureInfo.InvariantCulture)} entities, {context.Connectors.Count.ToString(CultureInfo.InvariantCulture)} connector calls ({context.Connectors.Count(c => c.Error is not null).ToString(CultureInfo.InvariantCulture)} failed).", cancellationToken).ConfigureAwait(false);
        return context;
    }

    private string NoRecipe(string name) => $"There is no recipe '{name}'; the recipes are {string.Join(", ", _recipes.Keys.Select(k => $"'{k}'"))}.";

    private static string Quote(string text) => JsonSerializer.Serialize(text, McpServerJsonContext.Default.String);

    private static CallToolResult Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new CallToolResult { Content = [new TextContentBlock { Text = json }], StructuredContent = document.RootElement.Clone() };
    }

    private static CallToolResult Error(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };
}
