using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Actions.Tests;

public sealed class RunStoreTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-actions-");
    private readonly CancellationToken _token = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task AddActions_UseSqliteStore_RunsLiveInTheCatalogFile_AndSurviveARestart()
    {
        var path = Path.Combine(_directory.FullName, "catalog.db");
        string id;
        {
            await using var provider = Provider(path);
            var actions = provider.GetRequiredService<PortActions>();
            Assert.IsType<SqliteActionRunStore>(actions.Store);
            var run = await actions.InvokeAsync("unique_id", new ActionInvocation { Inputs = ActionsHarness.Json("""{ "property1": "x" }""") }, _token);
            id = (await actions.WaitForRunAsync(run.Id, cancellationToken: _token)).Id;
        }

        await using var reopened = Provider(path);
        var again = await reopened.GetRequiredService<PortActions>().GetRunAsync(id, _token);
        Assert.Equal(ActionRunStatus.Success, again!.Status);

        // The catalog registers its blueprints on first use (lazily); once it has, its tables share the runs' file.
        Assert.NotNull(await reopened.GetRequiredService<PortCatalog>().GetBlueprintAsync("team", _token));
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync(_token);
        await using var tables = connection.CreateCommand();
        tables.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)";
        Assert.Equal("action_runs,blueprints,entities,port_sdk_migrations,relations", (string)(await tables.ExecuteScalarAsync(_token))!);

        static ServiceProvider Provider(string path)
        {
            var services = new ServiceCollection();
            services.AddPort().UseSqliteStore(path).AddBlueprints(PortJson.ReadBlueprint(ActionsHarness.Team)).AddActions().AddAction(PortActionTests.DocsStructure, new SucceedingHandler());
            return services.BuildServiceProvider(validateScopes: true);
        }
    }

    [Theory]
    [InlineData(ActionRunRecovery.MarkFailed)]
    [InlineData(ActionRunRecovery.Resume)]
    public async Task ProcessKilledMidRun_NextStartMarksOrResumesTheRun_NeverLosesIt(ActionRunRecovery recovery)
    {
        var path = Path.Combine(_directory.FullName, "crash.db");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Port.Sdk.Actions.CrashRunner.dll"));
        start.ArgumentList.Add(path);
        string runId;
        using (var runner = Process.Start(start)!)
        {
            var line = await runner.StandardOutput.ReadLineAsync(_token);
            Assert.NotNull(line);
            runId = line["started ".Length..];
            runner.Kill(entireProcessTree: true);
            await runner.WaitForExitAsync(_token);
        }

        var store = new SqliteActionRunStore(path);
        var left = await store.GetAsync(runId, _token);
        Assert.Equal(ActionRunStatus.InProgress, left!.Status);
        Assert.NotNull(left.Owner);

        using var catalog = new PortCatalog(new SqliteEntityStore(path));
        var options = new PortActionsOptions { Recovery = recovery };
        var resumed = new TaskCompletionSource<ActionContext>();
        options.Actions.Add(PortAction.Parse("""
            { "identifier": "long_job", "trigger": { "type": "self-service", "operation": "CREATE", "userInputs": { "properties": { "size": { "type": "number" } } } }, "invocationMethod": { "type": "KAFKA" } }
            """));
        options.Handlers["long_job"] = new CallbackHandler(context => resumed.TrySetResult(context));
        await using var actions = new PortActions(catalog, store, options);
        await actions.StartAsync(_token);
        var after = await actions.WaitForRunAsync(runId, cancellationToken: _token);

        if (recovery == ActionRunRecovery.MarkFailed)
        {
            Assert.Equal(ActionRunStatus.Failure, after.Status);
            Assert.Equal($"The run was interrupted: the process that ran it ({left.Owner}) ended before it finished.", after.StatusLabel);
            Assert.False(resumed.Task.IsCompleted);
        }
        else
        {
            Assert.Equal((ActionRunStatus.Success, 2), (after.Status, after.Attempts));
            var context = await resumed.Task.WaitAsync(_token);
            Assert.Equal(3, context.Inputs.GetProperty("size").GetInt32());
            Assert.Equal("crash@example.com", context.TemplateContext.GetProperty("trigger").GetProperty("by").GetProperty("user").GetProperty("email").GetString());
        }

        Assert.Equal("working", after.Logs[0].Message);
        Assert.Equal(0, await actions.RecoverAsync(_token));
    }

    private sealed class SucceedingHandler : IActionHandler
    {
        public Task HandleAsync(ActionContext context, CancellationToken cancellationToken) => context.LogAsync("ok", cancellationToken);
    }

    private sealed class CallbackHandler(Action<ActionContext> callback) : IActionHandler
    {
        public Task HandleAsync(ActionContext context, CancellationToken cancellationToken)
        {
            callback(context);
            return Task.CompletedTask;
        }
    }
}
