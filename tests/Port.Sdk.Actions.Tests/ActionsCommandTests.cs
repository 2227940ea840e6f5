using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Actions.Tests;

public sealed class ActionsCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-actions-cli-");
    private readonly CancellationToken _token = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task PortActionsRun_UpsertsIntoTheCatalogFile_PrintsTheRun_InvalidInputsExit3()
    {
        var db = Path.Combine(_directory.FullName, "catalog.db");
        using (var catalog = new PortCatalog(new SqliteEntityStore(db)))
        {
            await catalog.RegisterBlueprintsAsync([PortJson.ReadBlueprint(ActionsHarness.Team), PortJson.ReadBlueprint(ActionsHarness.Service)], _token);
        }

        var actions = Path.Combine(_directory.FullName, "actions.json");
        await File.WriteAllTextAsync(actions, """
            [
              {
                "identifier": "register_service",
                "trigger": { "type": "self-service", "operation": "CREATE", "userInputs": { "properties": { "name": { "type": "string" }, "replicas": { "type": "number" } }, "required": ["name"] } },
                "invocationMethod": { "type": "UPSERT_ENTITY", "blueprintIdentifier": "service", "mapping": { "identifier": "{{ .inputs.name }}", "properties": { "replicas": "{{ .inputs.replicas }}", "passed": "{{ .trigger.by.user.email }}" } } }
              }
            ]
            """, _token);

        var (ok, stdout, _) = await PortAsync("actions", "run", "register_service", "--db", db, "--actions", actions, "--inputs", """{"name":"billing","replicas":2}""", "--caller", "jane@example.com");
        var (invalid, _, stderr) = await PortAsync("actions", "run", "register_service", "--db", db, "--actions", actions, "--inputs", """{"replicas":"two"}""");

        Assert.Equal(0, ok);
        var run = ActionRunJson.Read(stdout.Trim());
        Assert.Equal((ActionRunStatus.Success, "CLI", "jane@example.com"), (run.Status, run.Source, run.Caller));
        SqliteConnection.ClearAllPools();
        var entity = await new SqliteEntityStore(db).GetEntityAsync("service", "billing", _token);
        Assert.Equal("jane@example.com", entity!.Properties["passed"].GetString());
        Assert.Equal(ActionRunStatus.Success, (await new SqliteActionRunStore(db).GetAsync(run.Id, _token))!.Status);
        Assert.Equal(3, invalid);
        Assert.Equal(
            """
            port actions: The inputs of action 'register_service' are invalid (2 errors):
              /name: the input 'name' is required (required)
              /replicas: must be number, was string (type)
            """,
            stderr.Trim().Replace("\r", string.Empty));
    }

    private async Task<(int Exit, string Stdout, string Stderr)> PortAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "port.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(_token);
        var stderr = process.StandardError.ReadToEndAsync(_token);
        await process.WaitForExitAsync(_token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
