using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Port.Sdk.Mcp;

/// <summary>
/// The catalog as an MCP server, so an AI client can read it: tools to search entities, read an entity with its
/// relations, list blueprints, read scorecards, and compose a context with a named recipe. Run it over stdio
/// (<see cref="RunStdioAsync"/>, what <c>port mcp serve</c> does) or any MCP transport (<see cref="RunAsync"/>).
/// The tools only read.
/// </summary>
public sealed class PortCatalogMcpServer
{
    private const string SearchSchema = """
        { "type": "object", "properties": {
            "blueprint": { "type": "string", "description": "The blueprint to search; all when omitted." },
            "query": { "type": "object", "description": "A Port search query: { \"combinator\": \"and\", \"rules\": [ { \"property\": \"...\", \"operator\": \"=\", \"value\": ... } ] }" },
            "limit": { "type": "integer", "minimum": 1, "maximum": 500, "description": "At most this many entities (default 50)." } } }
        """;

    private const string EntitySchema = """
        { "type": "object", "required": ["blueprint", "identifier"], "properties": {
            "blueprint": { "type": "string" }, "identifier": { "type": "string" },
            "hops": { "type": "integer", "minimum": 0, "maximum": 5, "description": "How many relations away to include related entities (default 1)." } } }
        """;

    private const string ScorecardSchema = """
        { "type": "object", "properties": {
            "scorecard": { "type": "string", "description": "One scorecard; all when omitted." },
            "identifier": { "type": "string", "description": "One entity; all of the scorecard's blueprint when omitted." } } }
        """;

    private const string ComposeSchema = """
        { "type": "object", "required": ["recipe", "blueprint", "identifier"], "properties": {
            "recipe": { "type": "string", "description": "The recipe's name." }, "blueprint": { "type": "string" }, "identifier": { "type": "string" } } }
        """;

    private readonly PortCatalog _catalog;
    private readonly ContextComposer? _composer;
    private readonly IReadOnlyDictionary<string, ContextRecipe> _recipes;
    private readonly IReadOnlyList<Scorecard> _scorecards;

    /// <summary>Initializes a new instance of the <see cref="PortCatalogMcpServer"/> class.</summary>
    /// <param name="catalog">The catalog to serve.</param>
    /// <param name="scorecards">The scorecards <c>get_scorecards</c> evaluates.</param>
    /// <param name="composer">The composer <c>compose_context</c> uses; <see langword="null"/> for one with no connectors.</param>
    /// <param name="recipes">The recipes <c>compose_context</c> offers, by name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> is <see langword="null"/>.</exception>
    public PortCatalogMcpServer(PortCatalog catalog, IEnumerable<Scorecard>? scorecards = null, ContextComposer? composer = null, IEnumerable<ContextRecipe>? recipes = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _scorecards = [.. scorecards ?? []];
        _composer = composer ?? new ContextComposer(catalog, []);
        _recipes = (recipes ?? []).ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    /// <summary>Gets the tools the server offers.</summary>
    public static IReadOnlyList<Tool> Tools { get; } =
    [
        ToolOf("search_entities", "Search the catalog's entities with Port's search rules; returns the entities as JSON.", SearchSchema),
        ToolOf("get_entity", "Read one entity with its computed properties and the entities related to it, with the relation path to each.", EntitySchema),
        ToolOf("list_blueprints", "List the catalog's blueprints (their properties and relations).", """{ "type": "object", "properties": {} }"""),
        ToolOf("get_scorecards", "Evaluate the catalog's scorecards: each entity's level and every rule's outcome.", ScorecardSchema),
        ToolOf("compose_context", "Compose a grounded context for one entity with a named recipe: related entities, scorecards and live connector results, with provenance, as Markdown.", ComposeSchema),
    ];

    /// <summary>Builds the SDK options of this server: its info, capabilities and tool handlers.</summary>
    /// <returns>The options.</returns>
    public McpServerOptions CreateOptions() => new()
    {
        ServerInfo = new Implementation { Name = "port-catalog", Version = "0.1.0" },
        ServerInstructions = "A Port.Sdk catalog: entities shaped by blueprints, related to one another. Search, read entities with their relations, read scorecards, or compose a context with a recipe.",
        Capabilities = new ServerCapabilities { Tools = new ToolsCapability() },
        Handlers = new McpServerHandlers
        {
            ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = [.. Tools] }),
            CallToolHandler = async (request, cancellationToken) => await CallAsync(request.Params?.Name ?? string.Empty, request.Params?.Arguments, cancellationToken).ConfigureAwait(false),
        },
    };

    /// <summary>Serves over a transport until the client disconnects or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="transport">The transport.</param>
    /// <param name="loggerFactory">Where the SDK logs; <see langword="null"/> for nowhere.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the session ends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> is <see langword="null"/>.</exception>
    public async Task RunAsync(ITransport transport, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var server = McpServer.Create(transport, CreateOptions(), loggerFactory);
        await using (server.ConfigureAwait(false))
        {
            await server.RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Serves over standard input and output until the client disconnects.</summary>
    /// <param name="loggerFactory">Where the SDK logs (never standard output); <see langword="null"/> for nowhere.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the session ends.</returns>
    public async Task RunStdioAsync(ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var transport = new StdioServerTransport("port-catalog", loggerFactory);
        await using (transport.ConfigureAwait(false))
        {
            await RunAsync(transport, loggerFactory, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Tool ToolOf(string name, string description, string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return new Tool { Name = name, Description = description, InputSchema = document.RootElement.Clone() };
    }

    private async Task<CallToolResult> CallAsync(string name, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        arguments ??= new Dictionary<string, JsonElement>();
        try
        {
            return name switch
            {
                "search_entities" => await SearchAsync(arguments, cancellationToken).ConfigureAwait(false),
                "get_entity" => await GetEntityAsync(arguments, cancellationToken).ConfigureAwait(false),
                "list_blueprints" => await ListBlueprintsAsync(cancellationToken).ConfigureAwait(false),
                "get_scorecards" => await ScorecardsAsync(arguments, cancellationToken).ConfigureAwait(false),
                "compose_context" => await ComposeAsync(arguments, cancellationToken).ConfigureAwait(false),
                _ => Error($"There is no tool '{name}'; the tools are {string.Join(", ", Tools.Select(t => t.Name))}."),
            };
        }
        catch (Exception ex) when (ex is PortException or ArgumentException or JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            // The message goes to the AI client: catalog errors say what was wrong with the request, nothing more.
            return Error(ex.Message);
        }
    }

    private static string? String(IDictionary<string, JsonElement> arguments, string name, bool required = false)
        => arguments.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()
            : required ? throw new ArgumentException($"The argument '{name}' is required and must be a string.") : null;

    private static int Int(IDictionary<string, JsonElement> arguments, string name, int fallback)
        => arguments.TryGetValue(name, out var value) && value.TryGetInt32(out var number) ? number : fallback;

    private async Task<CallToolResult> SearchAsync(IDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        var query = arguments.TryGetValue("query", out var q) && q.ValueKind == JsonValueKind.Object ? SearchQuery.Parse(q.GetRawText()) : new SearchQuery();
        var limit = Math.Clamp(Int(arguments, "limit", 50), 1, 500);
        var entities = new List<string>();
        await foreach (var entity in _catalog.SearchAsync(query, String(arguments, "blueprint"), cancellationToken).ConfigureAwait(false))
        {
            entities.Add(PortJson.Write(entity));
            if (entities.Count >= limit)
            {
                break;
            }
        }

        return Json($"[{string.Join(",", entities)}]");
    }

    private async Task<CallToolResult> GetEntityAsync(IDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        var blueprint = String(arguments, "blueprint", required: true)!;
        var identifier = String(arguments, "identifier", required: true)!;
        var entity = await _catalog.GetEntityAsync(blueprint, identifier, cancellationToken).ConfigureAwait(false);
        if (entity is null)
        {
            return Error($"There is no entity '{identifier}' of blueprint '{blueprint}'.");
        }

        var hops = Math.Clamp(Int(arguments, "hops", 1), 0, 5);
        var related = hops == 0 ? [] : await _catalog.GetRelatedEntitiesAsync(blueprint, identifier, hops, null, cancellationToken).ConfigureAwait(false);
        var json = new StringBuilder("{\"entity\":").Append(PortJson.Write(entity)).Append(",\"related\":[");
        json.AppendJoin(',', related.Select(r => $"{{\"hops\":{r.Hops.ToString(CultureInfo.InvariantCulture)},\"path\":{JsonSerializer.Serialize(r.Path, McpServerJsonContext.Default.IReadOnlyListString)},\"entity\":{PortJson.Write(r.Entity)}}}"));
        return Json(json.Append("]}").ToString());
    }

    private async Task<CallToolResult> ListBlueprintsAsync(CancellationToken cancellationToken)
    {
        var blueprints = new List<string>();
        await foreach (var blueprint in _catalog.GetBlueprintsAsync(cancellationToken).ConfigureAwait(false))
        {
            blueprints.Add(PortJson.Write(blueprint));
        }

        return Json($"[{string.Join(",", blueprints)}]");
    }

    private async Task<CallToolResult> ScorecardsAsync(IDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        var only = String(arguments, "scorecard");
        var identifier = String(arguments, "identifier");
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
                    results.Add($"{{\"scorecard\":{JsonSerializer.Serialize(scorecard.Identifier, McpServerJsonContext.Default.String)},\"blueprint\":{JsonSerializer.Serialize(scorecard.Blueprint, McpServerJsonContext.Default.String)},\"entity\":{JsonSerializer.Serialize(result.Entity, McpServerJsonContext.Default.String)},\"level\":{JsonSerializer.Serialize(result.Level, McpServerJsonContext.Default.String)},\"rules\":{JsonSerializer.Serialize(result.Rules, McpServerJsonContext.Default.IReadOnlyDictionaryStringBoolean)}}}");
                }
            }
        }

        return Json($"[{string.Join(",", results)}]");
    }

    private async Task<CallToolResult> ComposeAsync(IDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        var name = String(arguments, "recipe", required: true)!;
        if (!_recipes.TryGetValue(name, out var recipe))
        {
            return Error($"There is no recipe '{name}'; the recipes are {string.Join(", ", _recipes.Keys.Select(k => $"'{k}'"))}.");
        }

        var context = await _composer!.ComposeAsync(new EntityKey(String(arguments, "blueprint", required: true)!, String(arguments, "identifier", required: true)!), recipe, cancellationToken).ConfigureAwait(false);
        using var structured = JsonDocument.Parse(context.ToJson(indented: false));
        return new CallToolResult { Content = [new TextContentBlock { Text = context.ToMarkdown() }], StructuredContent = structured.RootElement.Clone() };
    }

    private static CallToolResult Json(string json) => new() { Content = [new TextContentBlock { Text = json }] };

    private static CallToolResult Error(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyDictionary<string, bool>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class McpServerJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
