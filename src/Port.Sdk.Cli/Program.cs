using Port.Sdk.Cli.Commands;

namespace Port.Sdk.Cli;

/// <summary>The entry point of the <c>port</c> command.</summary>
internal static class Program
{
    private const string Usage = """
        Usage: port <command> [options]

        Commands:
          jq      a jq-compatible JSON processor (run 'port jq --help')
          map     the entities a port-app-config mapping gives for sample items (run 'port map --help')
          sync    a resync of items from files into a SQLite catalog, or its plan (run 'port sync --help')
          mcp     'port mcp serve': the catalog as an MCP server over stdio (run 'port mcp serve --help')
        """;

    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Out.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        return args[0] switch
        {
            "jq" => JqCommand.Run(args[1..], Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error),
            "map" => MapCommand.Run(args[1..], Console.In, Console.Out, Console.Error),
            "sync" => SyncCommand.Run(args[1..], Console.Out, Console.Error),
            "mcp" => McpCommand.Run(args[1..], Console.Out, Console.Error),
            _ => UnknownCommand(args[0]),
        };
    }

    private static int UnknownCommand(string name)
    {
        Console.Error.WriteLine($"port: unknown command '{name}'.");
        Console.Error.WriteLine(Usage);
        return 2;
    }
}
