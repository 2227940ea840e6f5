using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Port.Sdk.Mcp;

/// <summary>
/// The catalog as an MCP server, so an AI client can read it: tools to search entities, read an entity with its
/// relations, list blueprints, read scorecards, and compose a context with a named recipe. Run it over stdio
/// (<see cref="RunStdioAsync"/>, what <c>port mcp serve</c> does), any MCP transport (<see cref="RunAsync"/>), or add it to
/// an application's own MCP server with <see cref="Configure"/> (Port.Sdk.Mcp.AspNetCore serves it over Streamable HTTP).
/// The tools only read; each is annotated read-only and idempotent, with an input schema that states its bounds and an output schema.
/// </summary>
/// <remarks>
/// Arguments are checked strictly against the input schemas: an unknown argument, a wrong type or a value out of bounds is a
/// tool error (<c>isError</c>) whose message names the argument and the rule. A call of a tool that does not exist is a JSON-RPC
/// error (-32602, invalid params), as the MCP specification asks. Error messages leave the process: they hold the caller's own
/// arguments and catalog identifiers, never file paths or exception details.
/// </remarks>
public sealed partial class PortCatalogMcpServer
{
    private readonly PortCatalog _catalog;
    private readonly ContextComposer _composer;
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

    /// <summary>Gets the tools the server offers, with their titles, annotations, input and output schemas.</summary>
    public static IReadOnlyList<Tool> Tools => CatalogTools.All;

    /// <summary>Builds the SDK options of this server: its info, capabilities and tool handlers.</summary>
    /// <returns>The options.</returns>
    public McpServerOptions CreateOptions()
    {
        var options = new McpServerOptions();
        Configure(options);
        return options;
    }

    /// <summary>
    /// Adds this server to SDK options: its info and instructions (when not set), the tools capability and the tool handlers.
    /// Use it to serve the catalog from an application's own MCP server.
    /// </summary>
    /// <param name="options">The options to configure.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public void Configure(McpServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ServerInfo ??= new Implementation { Name = "port-catalog", Title = "Port catalog", Version = "0.1.0" };
        options.ServerInstructions ??= "A Port.Sdk catalog: entities shaped by blueprints, related to one another. Search, read entities with their relations, read scorecards, or compose a context with a recipe. search_entities returns pages: pass nextCursor as 'cursor' for the next one.";
        options.Capabilities ??= new ServerCapabilities();
        options.Capabilities.Tools ??= new ToolsCapability();
        options.Handlers.ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = [.. Tools] });
        options.Handlers.CallToolHandler = async (request, cancellationToken) => await CallToolAsync(request.Params?.Name ?? string.Empty, request.Params?.Arguments, cancellationToken).ConfigureAwait(false);
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

    private async Task<CallToolResult> CallToolAsync(string name, IDictionary<string, JsonElement>? arguments, CancellationToken cancellationToken)
    {
        try
        {
            return name switch
            {
                CatalogTools.SearchEntities => await SearchAsync(arguments, cancellationToken).ConfigureAwait(false),
                CatalogTools.GetEntity => await GetEntityAsync(arguments, cancellationToken).ConfigureAwait(false),
                CatalogTools.ListBlueprints => await ListBlueprintsAsync(arguments, cancellationToken).ConfigureAwait(false),
                CatalogTools.GetScorecards => await ScorecardsAsync(arguments, cancellationToken).ConfigureAwait(false),
                CatalogTools.ComposeContext => await ComposeAsync(arguments, cancellationToken).ConfigureAwait(false),
                _ => throw new McpProtocolException($"There is no tool '{name}'; the tools are {string.Join(", ", Tools.Select(t => $"'{t.Name}'"))}.", McpErrorCode.InvalidParams),
            };
        }
        catch (Exception ex) when (ex is ToolArgumentException or PortException or JsonException or ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            // The message goes to the AI client: it says what was wrong with the request, nothing more.
            return Error(ex.Message);
        }
    }
}
