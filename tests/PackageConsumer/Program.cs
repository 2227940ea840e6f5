// A user's app on the packed packages: AddPort with a SQLite store and a blueprint, a jq mapping from a
// port-app-config, an entity upsert, a search; plus one call into each other package. Prints one line;
// exits 1 when a result is not the expected one.
using System.Reflection;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Port.Sdk;
using Port.Sdk.GitHub;
using Port.Sdk.Integrations;
using Port.Sdk.Jq;
using Port.Sdk.JsonSchema;
using Port.Sdk.JsonSchemaNet;
using Port.Sdk.Mcp;
using Port.Sdk.Sqlite;
using Port.Sdk.Testing;

var db = Path.Combine(Path.GetTempPath(), $"port-consumer-{Guid.NewGuid():N}.db");
var problems = new List<string>();
try
{
    var services = new ServiceCollection();
    services.AddPort()
        .UseSqliteStore(db)
        .AddBlueprints(PortJson.ReadBlueprint("""
            { "identifier": "service", "schema": { "properties": { "stars": { "type": "number" }, "language": { "type": "string" } } } }
            """));
    await using var provider = services.BuildServiceProvider();
    var catalog = provider.GetRequiredService<PortCatalog>();

    var config = PortAppConfig.Parse("""
        resources:
          - kind: repository
            selector:
              query: .archived | not
            port:
              entity:
                mappings:
                  identifier: .name
                  title: .full_name
                  blueprint: '"service"'
                  properties:
                    stars: .stargazers_count
                    language: .language | ascii_downcase
        """);
    var mapper = new JqSemanticMapper(config);
    using var items = JsonDocument.Parse("""
        [
          { "name": "payments-api", "full_name": "acme/payments-api", "stargazers_count": 12, "language": "CSharp", "archived": false },
          { "name": "web", "full_name": "acme/web", "stargazers_count": 3, "language": "TypeScript", "archived": false },
          { "name": "legacy", "full_name": "acme/legacy", "stargazers_count": 40, "language": "Perl", "archived": true }
        ]
        """);
    var entities = new List<Entity>();
    foreach (var item in items.RootElement.EnumerateArray())
    {
        var result = mapper.Map("repository", item, new MappingContext("consumer"));
        entities.AddRange(result.Entities);
        problems.AddRange(result.Failures.Select(f => f.ToString()));
    }

    await catalog.UpsertEntitiesAsync(entities);
    var popular = SearchQuery.Parse("""{ "combinator": "and", "rules": [ { "property": "stars", "operator": ">", "value": 5 } ] }""");
    var found = new List<string>();
    await foreach (var entity in catalog.SearchAsync(popular, "service"))
    {
        found.Add($"{entity.Identifier} ({entity.Properties["language"].GetString()})");
    }

    var slug = JqFilter.Compile(".full_name | split(\"/\") | last").First(JqValue.Parse("""{ "full_name": "acme/payments-api" }"""));
    var schemaOk = JsonSchema.Parse("""{ "type": "object", "required": ["identifier"] }""").IsValid(PortJson.ToElement(entities[0]));
    using var strict = new PortCatalog(new InMemoryEntityStore(), new CatalogValidationOptions { SchemaValidator = new JsonSchemaNetValidator() });
    await strict.RegisterBlueprintAsync(PortJson.ReadBlueprint("""{ "identifier": "service", "schema": { "properties": { "stars": { "type": "number" } } } }"""));
    var rejected = await strict.ValidateEntitiesAsync([PortJson.ReadEntity("""{ "identifier": "web", "blueprint": "service", "properties": { "stars": "many" } }""")]);
    var jsonSchemaNetOk = rejected is [{ Pointer: "/properties/stars", Rule: "type" }];
    using var samples = await CatalogSamples.CreateAsync();
    var sampleBlueprints = 0;
    await foreach (var blueprint in samples.GetBlueprintsAsync())
    {
        sampleBlueprints++;
    }

    var version = typeof(PortCatalog).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
    Console.WriteLine($"consumer: Port.Sdk {version}: {entities.Count} entities mapped and upserted into SQLite, search found [{string.Join(", ", found)}], jq gave {slug}, schema valid {schemaOk}, JsonSchema.Net rejected {rejected.Count}, {GitHubDefaults.Blueprints().Count} GitHub blueprints, {PortCatalogMcpServer.Tools.Count} MCP tools, {sampleBlueprints} sample blueprints");

    if (entities.Count != 2 || found is not ["payments-api (csharp)"] || slug?.ToString() != "\"payments-api\"" || !schemaOk || !jsonSchemaNetOk || sampleBlueprints == 0)
    {
        problems.Add("an unexpected result (see the line above)");
    }
}
finally
{
    SqliteConnection.ClearAllPools();
    foreach (var file in Directory.GetFiles(Path.GetDirectoryName(db)!, Path.GetFileName(db) + "*"))
    {
        File.Delete(file);
    }
}

foreach (var problem in problems)
{
    Console.Error.WriteLine($"consumer: {problem}");
}

return problems.Count == 0 ? 0 : 1;
