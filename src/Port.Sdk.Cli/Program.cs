using System.Reflection;
using Port.Sdk.Cli.Commands;

namespace Port.Sdk.Cli;

/// <summary>The entry point of the <c>port</c> command.</summary>
internal static class Program
{
    private const string Usage = """
        Usage: port <command> [options]
               port --version

        Commands:
          jq      a jq-compatible JSON processor (run 'port jq --help')
          map     the entities a port-app-config mapping gives for sample items (run 'port map --help')
          sync    a resync of items from files into a SQLite catalog, or its plan (run 'port sync --help')
          mcp     'port mcp serve': the catalog as an MCP server over stdio (run 'port mcp serve --help')
          actions 'port actions run': invokes a Port action on a SQLite catalog (run 'port actions --help')

        Exit status: 0 on success, 1 when items or entities failed, 2 on usage errors (an unknown option, a
        missing file or folder, an unknown kind), 3 when a configuration, blueprint, recipe or jq program is
        invalid, 5 when the catalog cannot be read or written or another runtime error stops the command.
        """;

    private static int Main(string[] args)
    {
        if (args is ["-h" or "--help"])
        {
            Console.Out.WriteLine(Usage);
            return 0;
        }

        if (args is ["--version"])
        {
            Console.Out.WriteLine($"port {Version}");
            return 0;
        }

        if (args.Length == 0)
        {
            Console.Error.WriteLine("port: a command is required.");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        try
        {
            return args[0] switch
            {
                "jq" => JqCommand.Run(args[1..], Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error),
                "map" => MapCommand.Run(args[1..], Console.In, Console.Out, Console.Error),
                "sync" => SyncCommand.Run(args[1..], Console.Out, Console.Error),
                "mcp" => McpCommand.Run(args[1..], Console.Out, Console.Error),
                "actions" => ActionsCommand.Run(args[1..], Console.Out, Console.Error),
                _ => UnknownCommand(args[0]),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The last line of defence: whatever a command did not foresee is one line and exit 5, never a stack trace.
            Console.Error.WriteLine($"port {args[0]}: {CommandLine.Describe(ex)}");
            return 5;
        }
    }

    /// <summary>Gets the version of the tool: its package version, without the build metadata (the commit).</summary>
    public static string Version
    {
        get
        {
            var version = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? version : version[..plus];
        }
    }

    private static int UnknownCommand(string name)
    {
        Console.Error.WriteLine($"port: unknown command '{name}'.");
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
