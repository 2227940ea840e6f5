using System.Text.Json;
using Port.Sdk.Actions;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Cli.Commands;

/// <summary><c>port actions run</c>: invokes an action of a JSON file on a SQLite catalog, its run kept in the same file.</summary>
internal static class ActionsCommand
{
    public const string Help = """
        Usage: port actions run ACTION --db FILE --actions FILE [--inputs JSON] [--entity ID] [--caller EMAIL]
                                [--secret SECRET]

        Invokes a self-service action from a file of Port action definitions (one object or an array) on the catalog
        in a SQLite file, waits until its run ends (or waits for an approval or for an asynchronous backend to
        report), and prints the run as JSON. The run is kept in the catalog's file. Runs this command left under way
        (it was killed) are marked failed the next time it runs.

        Options:
          --db FILE        the catalog's SQLite file; it must exist
          --actions FILE   the action definitions, in Port's JSON
          --inputs JSON    the inputs, a JSON object (default {})
          --entity ID      the entity a DAY-2 or DELETE action acts on
          --caller EMAIL   who invokes the action (.trigger.by.user.email in templates)
          --secret SECRET  the secret webhook requests are signed with, or set PORT_WEBHOOK_SECRET
          -h, --help       this help

        Exit status: 0 when the run succeeded or waits (for approval or its backend), 1 when it failed or was
        declined, 2 on usage errors (an unknown option or action, a missing file), 3 when the definitions or the
        inputs are invalid, 5 when the catalog cannot be used.
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["-h" or "--help"])
        {
            stdout.WriteLine(Help);
            return 0;
        }

        if (args is not ["run", var action, .. var rest] || action.StartsWith('-'))
        {
            return CommandLine.Usage(stderr, "actions", args is [] or ["run"] ? "'run' and an action identifier are required." : $"unknown subcommand '{args[0]}'.", Help);
        }

        if (!CommandLine.TryParse(rest, ["--db", "--actions", "--inputs", "--entity", "--caller", "--secret"], [], out var options, out var error))
        {
            return CommandLine.Usage(stderr, "actions", error, Help);
        }

        if (!options.TryGetValue("--db", out var db) || !options.TryGetValue("--actions", out var file))
        {
            return CommandLine.Usage(stderr, "actions", "--db and --actions are required.", Help);
        }

        if (!CommandLine.TryResolveCatalog(db, mustExist: true, stderr, "actions", out var path) || !CommandLine.CheckCatalogFile(path, stderr, "actions"))
        {
            return 2;
        }

        if (!File.Exists(file))
        {
            return CommandLine.Usage(stderr, "actions", $"the actions file '{file}' does not exist.", Help);
        }

        JsonElement? inputs = null;
        if (options.TryGetValue("--inputs", out var inputsText))
        {
            try
            {
                inputs = JsonDocument.Parse(inputsText).RootElement.Clone();
            }
            catch (JsonException ex)
            {
                stderr.WriteLine($"port actions: --inputs is not JSON: {ex.Message}");
                return 3;
            }
        }

        IReadOnlyList<PortAction> definitions;
        try
        {
            definitions = PortAction.Load(file);
        }
        catch (ActionDefinitionException ex)
        {
            stderr.WriteLine($"port actions: {ex.Message}");
            return 3;
        }

        var settings = new PortActionsOptions { WebhookSecret = options.GetValueOrDefault("--secret") ?? Environment.GetEnvironmentVariable("PORT_WEBHOOK_SECRET") };
        foreach (var definition in definitions)
        {
            settings.Actions.Add(definition);
        }

        try
        {
            return RunAsync(path, action, settings, new ActionInvocation { Inputs = inputs, Entity = options.GetValueOrDefault("--entity"), Caller = options.GetValueOrDefault("--caller"), Source = "CLI" }, stdout, stderr).GetAwaiter().GetResult();
        }
        catch (ActionDefinitionException ex)
        {
            stderr.WriteLine($"port actions: {ex.Message}");
            return 3;
        }
    }

    private static async Task<int> RunAsync(string path, string action, PortActionsOptions settings, ActionInvocation invocation, TextWriter stdout, TextWriter stderr)
    {
        using var catalog = new PortCatalog(new SqliteEntityStore(path));
        var actions = new PortActions(catalog, new SqliteActionRunStore(path), settings);
        await using (actions.ConfigureAwait(false))
        {
            if (actions.GetAction(action) is null)
            {
                stderr.WriteLine($"port actions: there is no action '{action}' in the actions file; it has {string.Join(", ", actions.Actions.Select(a => $"'{a.Identifier}'"))}.");
                return 2;
            }

            await actions.StartAsync().ConfigureAwait(false);
            ActionRun run;
            try
            {
                run = await actions.InvokeAsync(action, invocation).ConfigureAwait(false);
            }
            catch (ActionInputException ex)
            {
                stderr.WriteLine($"port actions: {ex.Message}");
                return 3;
            }

            run = await actions.WaitForRunAsync(run.Id, untilIdle: true).ConfigureAwait(false);
            stdout.WriteLine(ActionRunJson.Write(run));
            return run.Status is ActionRunStatus.Failure or ActionRunStatus.Declined ? 1 : 0;
        }
    }
}
