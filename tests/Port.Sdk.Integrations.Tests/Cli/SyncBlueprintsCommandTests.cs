using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Port.Sdk.Integrations.Tests.Cli;

/// <summary><c>port sync --blueprints</c> with blueprint files as Ocean ships them: an array, a file or a directory.</summary>
public sealed class SyncBlueprintsCommandTests : IDisposable
{
    private const string Config = """
        resources:
          - kind: repository
            selector:
              query: "true"
            port:
              entity:
                mappings:
                  identifier: .name
                  blueprint: '"service"'
                  properties:
                    stars: .stars
                  relations:
                    team: .team
        """;

    // The service relates to a team that comes after it in the array: a set registers in any order.
    private const string Blueprints = """
        [
          { "identifier": "service", "schema": { "properties": { "stars": { "type": "number" } } },
            "relations": { "team": { "target": "team", "required": false, "many": false } } },
          { "identifier": "team", "schema": { "properties": {} } }
        ]
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-cli-blueprints-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public void Sync_BlueprintsArrayFile_RegistersSetAndSyncs()
    {
        var blueprints = Write("blueprints.json", Blueprints);
        var input = Write("repos.json", """[ { "name": "api", "stars": 3, "team": null } ]""");

        var (code, stdout, stderr) = Port("sync", "--config", Write("port-app-config.yml", Config), "--db", Path.Combine(_directory.FullName, "c.db"), "--blueprints", blueprints, "--input", $"repository={input}");

        Assert.True(code == 0, stderr);
        Assert.Contains("1 created, 0 updated, 0 unchanged, 0 deleted, 0 failed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Sync_InvalidBlueprintsFile_NamesFileAndPointer()
    {
        var blueprints = Write("blueprints.json", Blueprints.Replace("\"target\": \"team\"", "\"target\": \"group\"", StringComparison.Ordinal));
        var input = Write("repos.json", "[]");

        var (code, _, stderr) = Port("sync", "--config", Write("port-app-config.yml", Config), "--db", Path.Combine(_directory.FullName, "c.db"), "--blueprints", _directory.FullName, "--input", $"repository={input}");

        Assert.Equal(3, code);
        Assert.Contains($"{blueprints}: blueprint 'service' /0/relations/team/target: there is no blueprint 'group' (relation-target)", stderr, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int ExitCode, string Stdout, string Stderr) Port(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "port.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
