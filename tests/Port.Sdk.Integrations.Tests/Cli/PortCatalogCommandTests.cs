using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Port.Sdk.Integrations.Tests.Cli;

/// <summary>Runs the real <c>port</c> executable (<c>dotnet port.dll map|sync ...</c>) as a child process, on files.</summary>
public sealed class PortCatalogCommandTests : IDisposable
{
    private const string Config = """
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
                    stars: .stars
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-cli-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int ExitCode, string Stdout, string Stderr) Port(params string[] args) => PortCli.Run(null, args);

    private static string Repos(params (string Name, object Stars, bool Archived)[] repos)
        => "[" + string.Join(",", repos.Select(r => $$"""{ "name": "{{r.Name}}", "full_name": "acme/{{r.Name}}", "stars": {{JsonSerializer.Serialize(r.Stars)}}, "archived": {{(r.Archived ? "true" : "false")}} }""")) + "]";

    [Fact]
    public void Map_PrintsEntities_AndSkipsUnselected()
    {
        var config = Write("port-app-config.yml", Config);
        var input = Write("items.json", Repos(("api", 3, false), ("old", 1, true)));

        var (code, stdout, stderr) = Port("map", "--config", config, "--kind", "repository", "--input", input);

        Assert.Equal(0, code);
        var entity = Assert.Single(JsonDocument.Parse(stdout).RootElement.EnumerateArray());
        Assert.Equal("api", entity.GetProperty("identifier").GetString());
        Assert.Equal("acme/api", entity.GetProperty("title").GetString());
        Assert.Equal(3, entity.GetProperty("properties").GetProperty("stars").GetInt32());
        Assert.Equal("cli", entity.GetProperty("dataSource").GetProperty("integration").GetString());
        Assert.Contains("2 items, 1 entities, 0 failures.", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_BadItem_ReportsItemFieldAndLocation_ExitsOne()
    {
        var config = Write("port-app-config.yml", Config.Replace("identifier: .name", "identifier: .name | ascii_downcase", StringComparison.Ordinal));
        var input = Write("items.json", """[{ "name": "api", "stars": 1, "archived": false }, { "name": 7, "stars": 1, "archived": false }]""");

        var (code, stdout, stderr) = Port("map", "--config", config, "--kind", "repository", "--input", input);

        Assert.Equal(1, code);
        Assert.Single(JsonDocument.Parse(stdout).RootElement.EnumerateArray());
        Assert.Contains($"port map: item 1: repository resources[0].port.entity.mappings.identifier: jq error in '.name | ascii_downcase': number (7) cannot be lowercased ({config}:8:23)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_InvalidConfig_ListsEveryErrorWithLineAndColumn_ExitsThree()
    {
        var config = Write("bad.yml", Config.Replace("query: .archived | not", "query: .archived |", StringComparison.Ordinal).Replace("title: .full_name", "title: .full_name[", StringComparison.Ordinal));

        var (code, _, stderr) = Port("map", "--config", config, "--kind", "repository", "--input", Write("i.json", "[]"));

        Assert.Equal(3, code);
        Assert.Contains("the configuration is invalid (2 errors):", stderr, StringComparison.Ordinal);
        Assert.Contains($"{config}:4:25: resources[0].selector.query: the jq expression '.archived |' does not compile: unexpected end of program, expected a term (jq line 1, column 12)", stderr, StringComparison.Ordinal);
        Assert.Contains($"{config}:9:29: resources[0].port.entity.mappings.title: the jq expression '.full_name[' does not compile", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_UnknownKind_And_MissingOptions_AreUsageErrors()
    {
        var config = Write("port-app-config.yml", Config);

        Assert.Equal(2, Port("map", "--config", config).ExitCode);
        var (code, _, stderr) = Port("map", "--config", config, "--kind", "issue", "--input", Write("i.json", "[]"));
        Assert.Equal(2, code);
        Assert.Contains("no resource of kind 'issue'; its kinds are 'repository'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncPlan_WritesNothing_ThenSync_ThenPlanShowsUpdatesAndDeletes()
    {
        var config = Write("port-app-config.yml", Config);
        var blueprints = Path.GetDirectoryName(Write("blueprints/service.json", """{ "identifier": "service", "schema": { "properties": { "stars": { "type": "number" } } } }"""))!;
        var db = Path.Combine(_directory.FullName, "catalog.db");
        var first = Write("first.json", Repos(("api", 1, false), ("web", 2, false), ("worker", 3, false)));

        var (planCode, plan, _) = Port("sync", "--plan", "--config", config, "--db", db, "--blueprints", blueprints, "--input", $"repository={first}");
        Assert.Equal(0, planCode);
        Assert.Contains("repository: 3 fetched, 3 selected, 3 mapped: 3 to create, 0 to update, 0 unchanged, 0 to delete, 0 failed", plan, StringComparison.Ordinal);
        Assert.Contains("Plan: 3 to create, 0 to update, 0 to delete, 0 failed (--list for the entities).", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("  + ", plan, StringComparison.Ordinal);
        Assert.Contains("Plan only: nothing was written.", plan, StringComparison.Ordinal);
        Assert.Contains("  + service/web", Port("sync", "--plan", "--list", "--config", config, "--db", db, "--blueprints", blueprints, "--input", $"repository={first}").Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(db));

        var (syncCode, sync, _) = Port("sync", "--config", config, "--db", db, "--blueprints", blueprints, "--input", $"repository={first}");
        Assert.Equal(0, syncCode);
        Assert.Contains("3 created, 0 updated, 0 unchanged, 0 deleted, 0 failed", sync, StringComparison.Ordinal);

        var second = Write("second.json", Repos(("api", 1, false), ("web", 20, false), ("worker", 3, true), ("new", 4, false), ("bad", "many", false)));
        var (code, stdout, stderr) = Port("sync", "--plan", "--verbose", "--config", config, "--db", db, "--input", $"repository={second}");
        Assert.Equal(1, code);
        Assert.Contains("repository: 5 fetched, 4 selected, 4 mapped: 1 to create, 1 to update, 1 unchanged, 1 to delete, 1 failed", stdout, StringComparison.Ordinal);
        Assert.Contains("  + service/new", stdout, StringComparison.Ordinal);
        Assert.Contains("  ~ service/web", stdout, StringComparison.Ordinal);
        Assert.Contains("  - service/worker", stdout, StringComparison.Ordinal);
        Assert.Contains("Plan: 1 to create, 1 to update, 1 to delete, 1 failed.", stdout, StringComparison.Ordinal);
        Assert.Contains("entity 'bad' of blueprint 'service' /properties/stars", stderr, StringComparison.Ordinal);

        using var catalog = new PortCatalog(new Sqlite.SqliteEntityStore(db));
        Assert.Equal(3, await catalog.Store.CountAsync("service"));
        Assert.Equal(2, (await catalog.GetEntityAsync("service", "web"))!.Properties["stars"].GetInt32());
    }
}
