using System.Net;
using System.Text.Json;
using Port.Sdk.Actions;
using Port.Sdk.Integrations;
using Port.Sdk.Mcp;
using Port.Sdk.Mcp.AspNetCore;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Cli.Commands;

/// <summary><c>port mcp serve</c>: the catalog in a SQLite file as an MCP server over stdio or Streamable HTTP.</summary>
internal static class McpCommand
{
    public const string Help = """
        Usage: port mcp serve --db FILE [--create] [--recipes DIR] [--scorecards FILE] [--connectors FILE]
                             [--http [127.0.0.1:]PORT [--token TOKEN]] [--allow-writes]
                             [--actions FILE --expose-actions [--allow-action ID]...]

        Serves the catalog in a SQLite file to an AI client over the Model Context Protocol, on standard input and
        output, or over Streamable HTTP with --http. Tools: search_entities, get_entity, list_blueprints,
        get_scorecards, compose_context (and, with --allow-writes, create_entity, update_entity, delete_entity,
        register_blueprint; with --expose-actions, list_actions, get_action_run and one run_{action} tool per
        self-service action). Resources: port://blueprints/{blueprint}, port://entities/{blueprint}/{identifier}.
        Prompts: one per recipe.

        Options:
          --db FILE            the catalog's SQLite file, relative to the current directory; it must exist
          --create             start an empty catalog when the --db file does not exist
          --recipes DIR        context recipes (*.yml, *.yaml, *.json) that compose_context offers by name
          --scorecards FILE    a JSON array of scorecards that get_scorecards evaluates
          --connectors FILE    MCP servers the recipes call, in the shared { "mcpServers": { ... } } format
          --http ADDRESS:PORT  serve Streamable HTTP at http://ADDRESS:PORT/mcp instead of stdio; ADDRESS must be a
                               loopback address (127.0.0.1 when omitted, [::1]); port 0 picks a free port. The URL is
                               printed to standard error once the server listens.
          --token TOKEN        the bearer token HTTP clients must send (Authorization: Bearer TOKEN); required with
                               --http, or set PORT_MCP_TOKEN (preferred: a command line is visible to other users)
          --allow-writes       offer the write tools; every write goes through the catalog's validation
          --actions FILE       self-service actions in Port's JSON (one object or an array; repeatable); their runs
                               are kept in the --db file. Webhooks are signed with PORT_WEBHOOK_SECRET when it is set
          --expose-actions     offer the actions of --actions as tools (off by default: an action runs its backend)
          --allow-action ID    offer only this action (repeatable); every self-service action when omitted
          -h, --help           this help

        Exit status: 0 when the client disconnects, 2 on usage errors (an unknown option, a catalog file that
        does not exist without --create, a missing folder), 3 when a recipe, scorecard or connectors file is
        invalid or cannot be read (or an --actions file is), 5 when the catalog file cannot be used.
        """;

    private const string HttpOption = "--http";
    private const string TokenOption = "--token";
    private const string TokenVariable = "PORT_MCP_TOKEN";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["-h" or "--help"])
        {
            stdout.WriteLine(Help);
            return 0;
        }

        if (args is not ["serve", .. var rest])
        {
            return CommandLine.Usage(stderr, "mcp", args is [] ? "a subcommand is required." : $"unknown subcommand '{args[0]}'.", Help);
        }

        if (!CommandLine.TryParse(rest, ["--db", "--recipes", "--scorecards", "--connectors", HttpOption, TokenOption, "--actions", "--allow-action"], ["--create", "--allow-writes", "--expose-actions"], out var options, out var error))
        {
            return CommandLine.Usage(stderr, "mcp", error, Help);
        }

        if (options.ContainsKey("--help"))
        {
            stdout.WriteLine(Help);
            return 0;
        }

        if (!options.TryGetValue("--db", out var db))
        {
            return CommandLine.Usage(stderr, "mcp", "--db is required.", Help);
        }

        IPEndPoint? http = null;
        string? token = null;
        if (options.TryGetValue(HttpOption, out var address))
        {
            if (!TryParseLoopback(address, out http))
            {
                return CommandLine.Usage(stderr, "mcp", $"--http '{address}' is not a loopback address and port (such as 127.0.0.1:8080 or 8080); serve remote clients through your own ASP.NET Core app with MapPortMcp() behind TLS.", Help);
            }

            token = options.TryGetValue(TokenOption, out var given) ? given : Environment.GetEnvironmentVariable(TokenVariable);
            if (string.IsNullOrWhiteSpace(token))
            {
                return CommandLine.Usage(stderr, "mcp", $"--http needs a bearer token: pass --token or set {TokenVariable}.", Help);
            }
        }
        else if (options.ContainsKey(TokenOption))
        {
            return CommandLine.Usage(stderr, "mcp", "--token applies to --http only.", Help);
        }

        if (options.ContainsKey("--actions") != options.ContainsKey("--expose-actions") || (options.ContainsKey("--allow-action") && !options.ContainsKey("--expose-actions")))
        {
            return CommandLine.Usage(stderr, "mcp", "--actions and --expose-actions go together (and --allow-action needs them): actions are offered as tools only when asked for.", Help);
        }

        if (!CommandLine.TryResolveCatalog(db, mustExist: !options.ContainsKey("--create"), stderr, "mcp", out var catalogPath))
        {
            return 2;
        }

        if (!CommandLine.CheckCatalogFile(catalogPath, stderr, "mcp"))
        {
            return 5;
        }

        var recipes = new List<ContextRecipe>();
        var connectors = new List<IMcpConnector>();
        var scorecards = new List<Scorecard>();
        var actionDefinitions = new List<PortAction>();
        try
        {
            foreach (var actionsFile in options.TryGetValue("--actions", out var actionFiles) ? actionFiles.Split('\n') : [])
            {
                actionDefinitions.AddRange(PortAction.Load(actionsFile));
            }

            var unknown = (options.TryGetValue("--allow-action", out var allowed) ? allowed.Split('\n') : []).Where(a => !actionDefinitions.Any(d => d.Identifier == a)).ToList();
            if (unknown.Count > 0)
            {
                return CommandLine.Usage(stderr, "mcp", $"--allow-action names actions the --actions files do not define: {string.Join(", ", unknown.Select(a => $"'{a}'"))}.", Help);
            }

            if (options.TryGetValue("--recipes", out var directory))
            {
                recipes.AddRange(Directory.GetFiles(directory).Where(f => f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal).Select(ContextRecipeYaml.Load));
            }

            if (options.TryGetValue("--scorecards", out var file))
            {
                using var document = JsonDocument.Parse(File.ReadAllText(file));
                scorecards.AddRange(document.RootElement.EnumerateArray().Select(s => PortJson.ReadScorecard(s.GetRawText())));
            }

            if (options.TryGetValue("--connectors", out var servers))
            {
                connectors.AddRange(McpServersConfiguration.Parse(File.ReadAllText(servers), servers).Select(c => new McpConnector(c.Key, c.Value)));
            }
        }
        catch (Exception ex) when (ex is PortException or JsonException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"port mcp: {ex.Message}");
            return 3;
        }

        using var catalog = new PortCatalog(new SqliteEntityStore(catalogPath));

        // Opens (with --create: creates) the catalog before serving, so the file exists and its schema is current.
        OpenAsync(catalog).GetAwaiter().GetResult();
        var serverOptions = new PortCatalogMcpServerOptions { AllowWrites = options.ContainsKey("--allow-writes") };
        var composerOptions = new ContextComposerOptions();
        PortActions? actions = null;
        if (actionDefinitions.Count > 0)
        {
            var settings = new PortActionsOptions { WebhookSecret = Environment.GetEnvironmentVariable("PORT_WEBHOOK_SECRET") };
            foreach (var definition in actionDefinitions)
            {
                settings.Actions.Add(definition);
            }

            try
            {
                actions = new PortActions(catalog, new SqliteActionRunStore(catalogPath), settings);
            }
            catch (ActionDefinitionException ex)
            {
                stderr.WriteLine($"port mcp: {ex.Message}");
                return 3;
            }

            // Marks the runs a killed 'port mcp serve' left under way, and starts the automations of the files.
            actions.StartAsync().GetAwaiter().GetResult();
            serverOptions.Actions = actions;
            serverOptions.ExposeActions = true;
            foreach (var allowedAction in options.TryGetValue("--allow-action", out var allowList) ? allowList.Split('\n') : [])
            {
                serverOptions.AllowedActions.Add(allowedAction);
            }

            // Recipes with 'actions: true' list the actions available on the subject, as far as the allow-list goes.
            var allowedActions = serverOptions.AllowedActions;
            composerOptions.Actions = new PortActionsContextSource(actions, a => allowedActions.Count == 0 || allowedActions.Contains(a.Identifier));
        }

        var server = new PortCatalogMcpServer(catalog, scorecards, new ContextComposer(catalog, connectors, composerOptions), recipes, serverOptions);
        try
        {
            if (http is null)
            {
                server.RunStdioAsync().GetAwaiter().GetResult();
            }
            else
            {
                PortMcpHttpHost.RunAsync(server, http, o => o.BearerToken = token, url => stderr.WriteLine($"port mcp: serving on {url}")).GetAwaiter().GetResult();
            }
        }
        finally
        {
            actions?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            foreach (var connector in connectors)
            {
                connector.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        return 0;
    }

    private static async Task OpenAsync(PortCatalog catalog)
    {
        await foreach (var blueprint in catalog.GetBlueprintsAsync().ConfigureAwait(false))
        {
            break;
        }
    }

    private static bool TryParseLoopback(string text, out IPEndPoint? endpoint)
    {
        endpoint = null;
        if (ushort.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port))
        {
            endpoint = new IPEndPoint(IPAddress.Loopback, port);
        }
        else if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) && ushort.TryParse(text["localhost:".Length..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port))
        {
            endpoint = new IPEndPoint(IPAddress.Loopback, port);
        }
        else if (IPEndPoint.TryParse(text, out var parsed) && text.Contains(':', StringComparison.Ordinal) && IPAddress.IsLoopback(parsed.Address))
        {
            endpoint = parsed;
        }

        return endpoint is not null;
    }
}
