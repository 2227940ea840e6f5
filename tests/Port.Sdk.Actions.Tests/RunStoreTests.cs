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

    public static TheoryData<string> Stores => ["memory", "sqlite"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Store_CreateGetUpdateList_IdempotencyKeyStartsOneRun(string kind)
    {
        IActionRunStore store = kind == "memory" ? new InMemoryActionRunStore() : new SqliteActionRunStore(Path.Combine(_directory.FullName, "runs.db"));
        var at = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var first = new ActionRun { Id = "r_1", Action = "deploy", Entity = "payments-api", CreatedAt = at, UpdatedAt = at, IdempotencyKey = "deploy:event-1", Inputs = ActionsHarness.Json("""{ "n": 1 }""") };
        var second = first with { Id = "r_2", CreatedAt = at.AddMinutes(1) };
        var third = first with { Id = "r_3", IdempotencyKey = null, Action = "restart", CreatedAt = at.AddMinutes(2) };

        Assert.Same(first, await store.CreateAsync(first, _token));
        Assert.Equal("r_1", (await store.CreateAsync(second, _token)).Id);
        await store.CreateAsync(third, _token);
        await store.UpdateAsync(first with { Status = ActionRunStatus.Success, Logs = [new ActionRunLog("done", at)], Links = ["https://x"] }, _token);

        var read = await store.GetAsync("r_1", _token);
        Assert.Equal((ActionRunStatus.Success, "done", "https://x", 1), (read!.Status, read.Logs[0].Message, read.Links[0], read.Inputs!.Value.GetProperty("n").GetInt32()));
        Assert.Null(await store.GetAsync("r_2", _token));
        Assert.Equal(["r_3", "r_1"], await store.ListAsync(new ActionRunQuery(), _token).Select(r => r.Id).ToListAsync(_token));
        Assert.Equal(["r_1"], await store.ListAsync(new ActionRunQuery { Statuses = [ActionRunStatus.Success] }, _token).Select(r => r.Id).ToListAsync(_token));
        Assert.Equal(["r_3"], await store.ListAsync(new ActionRunQuery { Action = "restart", Entity = "payments-api" }, _token).Select(r => r.Id).ToListAsync(_token));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.UpdateAsync(first with { Id = "r_404" }, _token));
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
