using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

// MCP logging (logging/setLevel, notifications/message) is deprecated by the 2026-07-28 specification (SEP-2577), but the
// 2025 versions that clients speak today have it, and clients show these messages: it stays until the SDK drops it.
#pragma warning disable MCP9005

namespace Port.Sdk.Mcp;

/// <summary>
/// The catalog as an MCP server, so an AI client can read it (and, when <see cref="PortCatalogMcpServerOptions.AllowWrites"/>
/// is set, change it): tools to search entities, read an entity with its relations, list blueprints, read scorecards and compose
/// a context with a named recipe; blueprints and entities as resources (<c>port://blueprints/{blueprint}</c>,
/// <c>port://entities/{blueprint}/{identifier}</c>) with completions of their identifiers; and one prompt per recipe. Run it
/// over stdio (<see cref="RunStdioAsync"/>, what <c>port mcp serve</c> does), any MCP transport (<see cref="RunAsync"/>), or
/// add it to an application's own MCP server with <see cref="Configure"/> (Port.Sdk.Mcp.AspNetCore serves it over Streamable HTTP).
/// </summary>
/// <remarks>
/// Arguments are checked strictly against the input schemas: an unknown argument, a wrong type or a value out of bounds is a
/// tool error (<c>isError</c>) whose message names the argument and the rule. A call of a tool that does not exist is a JSON-RPC
/// error (-32602, invalid params), as the MCP specification asks, unless a handler configured before this server's knows it.
/// Error messages and log notifications leave the process: they hold the caller's own arguments and catalog identifiers, never
/// file paths or exception details.
/// </remarks>
public sealed partial class PortCatalogMcpServer
{
    private readonly PortCatalog _catalog;
    private readonly ContextComposer _composer;
    private readonly IReadOnlyDictionary<string, ContextRecipe> _recipes;
    private readonly IReadOnlyList<Scorecard> _scorecards;
    private readonly PortCatalogMcpServerOptions _options;

    /// <summary>Initializes a new instance of the <see cref="PortCatalogMcpServer"/> class.</summary>
    /// <param name="catalog">The catalog to serve.</param>
    /// <param name="scorecards">The scorecards <c>get_scorecards</c> evaluates.</param>
    /// <param name="composer">The composer <c>compose_context</c> uses; <see langword="null"/> for one with no connectors.</param>
    /// <param name="recipes">The recipes <c>compose_context</c> offers, by name; each is also a prompt.</param>
    /// <param name="options">Whether writes are allowed; <see langword="null"/> for a server that only reads.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PortCatalogMcpServerOptions.MaxCompletions"/> is not from 1 to 100.</exception>
    public PortCatalogMcpServer(PortCatalog catalog, IEnumerable<Scorecard>? scorecards = null, ContextComposer? composer = null, IEnumerable<ContextRecipe>? recipes = null, PortCatalogMcpServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _options = options ?? new PortCatalogMcpServerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxCompletions, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.MaxCompletions, 100, nameof(options));
        _catalog = catalog;
        _scorecards = [.. scorecards ?? []];
        _composer = composer ?? new ContextComposer(catalog, []);
        _recipes = (recipes ?? []).ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    /// <summary>Gets the read tools every server offers, with their titles, annotations, input and output schemas.</summary>
    public static IReadOnlyList<Tool> Tools => CatalogTools.All;

    /// <summary>Gets the write tools a server offers when <see cref="PortCatalogMcpServerOptions.AllowWrites"/> is set.</summary>
    public static IReadOnlyList<Tool> WriteTools => CatalogWriteTools.All;

    /// <summary>
    /// Gets the tools this server offers: <see cref="Tools"/>, <see cref="WriteTools"/> when writes are allowed, and, when
    /// <see cref="PortCatalogMcpServerOptions.ExposeActions"/> is set, <c>list_actions</c>, <c>get_action_run</c> and one
    /// <c>run_{identifier}</c> tool per allowed self-service action (read when asked, so actions registered later are offered).
    /// </summary>
    public IReadOnlyList<Tool> OfferedTools => [.. CatalogTools.All, .. _options.AllowWrites ? CatalogWriteTools.All : [], .. ActionToolList()];

    /// <summary>Builds the SDK options of this server: its info, capabilities and handlers.</summary>
    /// <returns>The options.</returns>
    public McpServerOptions CreateOptions()
    {
        var options = new McpServerOptions();
        Configure(options);
        return options;
    }

    /// <summary>
    /// Adds this server to SDK options: its info and instructions (when not set), the tools, resources, prompts, completions
    /// and logging capabilities, and their handlers. Handlers already set are kept and chained: lists hold the catalog's items
    /// first, then theirs, and a call or read this server does not know goes to them. Use it to serve the catalog from an
    /// application's own MCP server next to its own tools.
    /// </summary>
    /// <param name="options">The options to configure.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public void Configure(McpServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ServerInfo ??= new Implementation { Name = "port-catalog", Title = "Port catalog", Version = "0.1.0" };
        options.ServerInstructions ??= "A Port.Sdk catalog: entities shaped by blueprints, related to one another. Search, read entities with their relations, read scorecards, or compose a context with a recipe. search_entities returns pages: pass nextCursor as 'cursor' for the next one. Blueprints and entities are also resources: port://blueprints/{blueprint} and port://entities/{blueprint}/{identifier}."
            + (ActionsOffered ? " Self-service actions are tools named run_{action}: list_actions says which exist (and, with an entity, which it offers); each returns a run that get_action_run tracks (wait: true waits until it ends). A run that needs approval waits (WAITING_FOR_APPROVAL) until a person approves it." : string.Empty);
        options.Capabilities ??= new ServerCapabilities();
        options.Capabilities.Tools ??= new ToolsCapability();
        options.Capabilities.Resources ??= new ResourcesCapability();
        options.Capabilities.Prompts ??= new PromptsCapability();
        options.Capabilities.Completions ??= new CompletionsCapability();
        options.Capabilities.Logging ??= new LoggingCapability();
        ConfigureTools(options.Handlers);
        ConfigureResources(options.Handlers);
        ConfigurePrompts(options.Handlers);
        ConfigureCompletions(options.Handlers);
        ConfigureLogging(options.Handlers);
    }

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

    private void ConfigureTools(McpServerHandlers handlers)
    {
        var previousList = handlers.ListToolsHandler;
        var previousCall = handlers.CallToolHandler;
        handlers.ListToolsHandler = async (request, cancellationToken) =>
        {
            var theirs = previousList is null ? [] : (await previousList(request, cancellationToken).ConfigureAwait(false)).Tools;
            var ours = OfferedTools;
            return new ListToolsResult { Tools = [.. ours, .. theirs.Where(t => !ours.Any(o => o.Name == t.Name))] };
        };
        handlers.CallToolHandler = async (request, cancellationToken) =>
        {
            var name = request.Params?.Name ?? string.Empty;
            if (!IsOffered(name) && previousCall is not null)
            {
                return await previousCall(request, cancellationToken).ConfigureAwait(false);
            }

            return await CallToolAsync(request, name, request.Params?.Arguments, cancellationToken).ConfigureAwait(false);
        };
    }

    private static void ConfigureLogging(McpServerHandlers handlers)
    {
        // The SDK records the level (McpServer.LoggingLevel) before it calls this handler; ClientLog reads it there.
        var previous = handlers.SetLoggingLevelHandler;
        handlers.SetLoggingLevelHandler = async (request, cancellationToken) => previous is null ? new EmptyResult() : await previous(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> request, string name, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        try
        {
            var result = name switch
            {
                CatalogTools.SearchEntities => await SearchAsync(arguments, cancellationToken).ConfigureAwait(false),
                CatalogTools.GetEntity => await GetEntityAsync(arguments, cancellationToken).ConfigureAwait(false),
                CatalogTools.ListBlueprints => await ListBlueprintsAsync(arguments, cancellationToken).ConfigureAwait(false),
                CatalogTools.GetScorecards => await ScorecardsAsync(arguments, cancellationToken).ConfigureAwait(false),
                CatalogTools.ComposeContext => await ComposeAsync(request, arguments, cancellationToken).ConfigureAwait(false),
                CatalogWriteTools.CreateEntity when _options.AllowWrites => await CreateEntityAsync(request, arguments, cancellationToken).ConfigureAwait(false),
                CatalogWriteTools.UpdateEntity when _options.AllowWrites => await UpdateEntityAsync(request, arguments, cancellationToken).ConfigureAwait(false),
                CatalogWriteTools.DeleteEntity when _options.AllowWrites => await DeleteEntityAsync(request, arguments, cancellationToken).ConfigureAwait(false),
                CatalogWriteTools.RegisterBlueprint when _options.AllowWrites => await RegisterBlueprintAsync(request, arguments, cancellationToken).ConfigureAwait(false),
                _ => await TryCallActionToolAsync(request.Server, name, arguments, cancellationToken).ConfigureAwait(false)
                    ?? throw new McpProtocolException(UnknownTool(name), McpErrorCode.InvalidParams),
            };
            await ClientLog.WriteAsync(request.Server, LoggingLevel.Debug, $"{name}: {(result.IsError == true ? "refused" : "answered")}.", cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (Exception ex) when (ex is ToolArgumentException or PortException or JsonException or ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            // The message goes to the AI client: it says what was wrong with the request, nothing more.
            await ClientLog.WriteAsync(request.Server, LoggingLevel.Debug, $"{name}: refused.", cancellationToken).ConfigureAwait(false);
            return Error(ex.Message);
        }
    }

    private bool IsOffered(string name)
        => CatalogTools.All.Any(t => t.Name == name)
            || (_options.AllowWrites && CatalogWriteTools.All.Any(t => t.Name == name))
            || (ActionsOffered && (name is ActionTools.ListActions or ActionTools.GetActionRun || ActionToolNames().Any(t => t.Name == name)));

    private string UnknownTool(string name)
    {
        var message = $"There is no tool '{name}'; the tools are {string.Join(", ", OfferedTools.Select(t => $"'{t.Name}'"))}.";
        return !_options.AllowWrites && CatalogWriteTools.All.Any(t => t.Name == name)
            ? $"{message} '{name}' is a write tool: this server only reads (start it with writes allowed to offer it)."
            : message;
    }
}
