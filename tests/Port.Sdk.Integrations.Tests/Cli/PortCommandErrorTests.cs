using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Port.Sdk.Integrations.Tests.Cli;

/// <summary>
/// The <c>port</c> command on bad input, run as a child process: one error line on standard error, a documented
/// exit code, never a stack trace; usage on standard output only when asked for.
/// </summary>
public sealed class PortCommandErrorTests : IDisposable
{
    private const string Config = """
        resources:
          - kind: repository
            selector:
              query: 'true'
            port:
              entity:
                mappings:
                  identifier: .name
                  blueprint: '"service"'
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-cli-errors-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int ExitCode, string Stdout, string Stderr) Port(params string[] args) => PortCli.Run(null, args);

    private static void AssertOneErrorLine(string stderr, string expected)
    {
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(expected, line.TrimEnd('\r'));
    }

    [Fact]
    public void Version_PrintsTheAssemblysPackageVersion()
    {
        var informational = typeof(PortAppConfig).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        var expected = informational.Split('+')[0];

        var (code, stdout, stderr) = Port("--version");

        Assert.Equal(0, code);
        Assert.Equal($"port {expected}\n", stdout);
        Assert.Empty(stderr);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("sync --help")]
    [InlineData("map --help")]
    [InlineData("mcp --help")]
    [InlineData("mcp serve --help")]
    [InlineData("jq --help")]
    public void Help_GoesToStdout_ExitsZero(string args)
    {
        var (code, stdout, stderr) = Port(args.Split(' '));

        Assert.Equal(0, code);
        Assert.StartsWith("Usage: port", stdout, StringComparison.Ordinal);
        Assert.Empty(stderr);
    }

    [Theory]
    [InlineData("", "port: a command is required.")]
    [InlineData("deploy", "port: unknown command 'deploy'.")]
    [InlineData("sync --bogus", "port sync: unknown option '--bogus'.")]
    [InlineData("map --config", "port map: '--config' needs a value.")]
    [InlineData("mcp", "port mcp: a subcommand is required.")]
    [InlineData("mcp serve", "port mcp: --db is required.")]
    [InlineData("jq", "port jq: a filter is required.")]
    public void UsageErrors_GoToStderr_ExitTwo(string args, string firstLine)
    {
        var (code, stdout, stderr) = Port(args.Length == 0 ? [] : args.Split(' '));

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal(firstLine, stderr.Split('\n')[0]);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Sync_DbInMissingFolder_OneLine_ExitsTwo()
    {
        var db = Path.Combine(_directory.FullName, "no-such-folder", "catalog.db");

        var (code, stdout, stderr) = Port("sync", "--config", Write("c.yml", Config), "--db", db, "--input", $"repository={Write("i.json", "[]")}");

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        AssertOneErrorLine(stderr, $"port sync: the folder of '--db {db}' does not exist ('{Path.GetDirectoryName(db)}').");
    }

    [Fact]
    public void Sync_KindNotInTheConfiguration_IsRefused_AndWritesNothing()
    {
        var db = Path.Combine(_directory.FullName, "catalog.db");
        var items = Write("i.json", """[{ "name": "api" }]""");

        var (code, stdout, stderr) = Port("sync", "--config", Write("c.yml", Config), "--db", db, "--input", $"repository={items}", "--input", $"pull-request={items}");

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        AssertOneErrorLine(stderr, "port sync: the configuration has no resource of kind 'pull-request'; its kinds are 'repository'.");
        Assert.False(File.Exists(db));
    }

    [Fact]
    public void Sync_MissingItemsFile_OneLine_ExitsTwo()
    {
        var missing = Path.Combine(_directory.FullName, "repos.json");

        var (code, _, stderr) = Port("sync", "--config", Write("c.yml", Config), "--db", Path.Combine(_directory.FullName, "catalog.db"), "--input", $"repository={missing}");

        Assert.Equal(2, code);
        AssertOneErrorLine(stderr, $"port sync: the items file '{missing}' of '--input repository={missing}' does not exist.");
    }

    [Fact]
    public void Sync_RelativePaths_ResolveAgainstTheCurrentDirectory()
    {
        Write("c.yml", Config);
        Write("i.json", """[{ "name": "api" }]""");
        Directory.CreateDirectory(Path.Combine(_directory.FullName, "blueprints"));
        Write(Path.Combine("blueprints", "service.json"), """{ "identifier": "service", "schema": { "properties": {} } }""");

        var (code, stdout, stderr) = PortCli.Run(_directory.FullName, "sync", "--config", "c.yml", "--db", "catalog.db", "--input", "repository=i.json", "--blueprints", "blueprints");

        Assert.True(code == 0, stderr);
        Assert.Contains("repository: 1 fetched, 1 selected, 1 mapped: 1 created", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_directory.FullName, "catalog.db")));
    }

    [Fact]
    public void Sync_CatalogFileThatIsNotSqlite_OneLine_ExitsFive()
    {
        var db = Write("catalog.db", "this is not a SQLite database, it is a text file that happens to have the name");

        var (code, _, stderr) = Port("sync", "--config", Write("c.yml", Config), "--db", db, "--input", $"repository={Write("i.json", "[]")}");

        Assert.Equal(5, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("port sync: ", line, StringComparison.Ordinal);
        Assert.Contains("not a database", line, StringComparison.Ordinal);
    }

    [Fact]
    public void McpServe_CatalogThatDoesNotExist_IsRefused_AndNotCreated()
    {
        var db = Path.Combine(_directory.FullName, "typo.db");

        var (code, stdout, stderr) = Port("mcp", "serve", "--db", db);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        AssertOneErrorLine(stderr, $"port mcp: the catalog '{db}' does not exist; pass --create to start an empty one.");
        Assert.False(File.Exists(db));
    }

    [Fact]
    public void McpServe_DbInMissingFolder_OneLine_ExitsTwo()
    {
        var db = Path.Combine(_directory.FullName, "missing", "catalog.db");

        var (code, _, stderr) = Port("mcp", "serve", "--create", "--db", db);

        Assert.Equal(2, code);
        AssertOneErrorLine(stderr, $"port mcp: the folder of '--db {db}' does not exist ('{Path.GetDirectoryName(db)}').");
    }

    [Fact]
    public void McpServe_Create_StartsAnEmptyCatalog_AndEndsWhenTheClientDisconnects()
    {
        var db = Path.Combine(_directory.FullName, "new.db");

        var (code, _, stderr) = Port("mcp", "serve", "--create", "--db", db);

        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(db));
    }
}
