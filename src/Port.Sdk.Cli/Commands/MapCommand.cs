using System.Text.Json;
using Port.Sdk.Integrations;

namespace Port.Sdk.Cli.Commands;

/// <summary><c>port map</c>: the entities (or the errors) a mapping gives for sample items, with no catalog.</summary>
internal static class MapCommand
{
    public const string Help = """
        Usage: port map --config FILE --kind KIND [--input FILE] [--integration ID]

        Maps raw items with a port-app-config.yml (or .json) and prints the entities, as a JSON array, on
        standard output; failures go to standard error with the item, the field and the expression's place
        in the file. Nothing is written anywhere: this is how to try a mapping.

        Options:
          --config FILE        the mapping configuration (Port's port-app-config format)
          --kind KIND          the kind of the items, as in the configuration's resources[].kind
          --input FILE         a JSON array of items, or JSON texts one after another; '-' (the default) for stdin
          --integration ID     the integration identifier written into each entity's dataSource (default: cli)
          -h, --help           this help

        Exit status: 0 when every item mapped, 1 when an item failed, 2 on usage errors, 3 when the
        configuration is invalid (each error with file:line:column).
        """;

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (!CommandLine.TryParse(args, ["--config", "--kind", "--input", "--integration"], [], out var options, out var error))
        {
            return CommandLine.Usage(stderr, "map", error, Help);
        }

        if (options.ContainsKey("--help"))
        {
            stdout.WriteLine(Help);
            return 0;
        }

        if (!options.TryGetValue("--config", out var configPath) || !options.TryGetValue("--kind", out var kind))
        {
            return CommandLine.Usage(stderr, "map", "--config and --kind are required.", Help);
        }

        if (!CommandLine.TryLoadConfig(configPath, stderr, "map", out var config))
        {
            return 3;
        }

        if (config.Resources.All(r => r.Kind != kind))
        {
            stderr.WriteLine($"port map: the configuration has no resource of kind '{kind}'; its kinds are {string.Join(", ", config.Resources.Select(r => $"'{r.Kind}'").Distinct())}.");
            return 2;
        }

        IReadOnlyList<JsonElement> items;
        try
        {
            items = JsonItems.Read(options.GetValueOrDefault("--input", "-"), stdin);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"port map: cannot read the items: {ex.Message}");
            return 2;
        }

        var mapper = new JqSemanticMapper(config);
        var context = new MappingContext(options.GetValueOrDefault("--integration", "cli"));
        var entities = new List<Entity>();
        var failed = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var result = mapper.Map(kind, items[i], context);
            entities.AddRange(result.Entities);
            foreach (var failure in result.Failures)
            {
                failed++;
                stderr.WriteLine($"port map: item {i}: {failure}");
            }

            foreach (var query in result.RelationQueries)
            {
                stderr.WriteLine($"port map: item {i}: {query.Entity} '{query.Relation}' is a search query, resolved against the catalog when synced: {JsonSerializer.Serialize(query.Query, PortJson.Options.GetTypeInfo(typeof(SearchQuery)))}");
            }
        }

        stdout.WriteLine(JsonSerializer.Serialize(entities, CommandLine.Indented.GetTypeInfo(typeof(List<Entity>))));
        stderr.WriteLine($"port map: {items.Count} items, {entities.Count} entities, {failed} failures.");
        return failed > 0 ? 1 : 0;
    }
}
