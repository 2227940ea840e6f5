using System.Text.Json;
using Port.Sdk.Actions;
using Xunit;

namespace Port.Sdk.Testing;

/// <summary>
/// The conformance suite every <see cref="IActionRunStore"/> must pass: create, read back every member, update,
/// list newest first with filters and a limit, one run per idempotency key, and errors for unknown runs. Inherit it
/// in an xunit test project and return your store from <see cref="CreateStore"/>; each test gets a fresh, empty store.
/// </summary>
public abstract class ActionRunStoreConformanceTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Creates a fresh, empty store for one test.</summary>
    /// <returns>The store.</returns>
    protected abstract IActionRunStore CreateStore();

    /// <summary>Create then get: every member of the run is read back as written.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Create_ThenGet_ReadsEveryMemberBack()
    {
        var store = CreateStore();
        var run = Run("r_1") with
        {
            Status = ActionRunStatus.WaitingForApproval,
            StatusLabel = "label",
            Summary = "summary",
            Blueprint = "service",
            Entity = "payments-api",
            Caller = "jane@example.com",
            Source = "API",
            Inputs = JsonDocument.Parse("""{ "name": "x", "n": 2 }""").RootElement.Clone(),
            Context = JsonDocument.Parse("""{ "inputs": { "name": "x" } }""").RootElement.Clone(),
            Links = ["https://ci.example.com/1"],
            Logs = [new ActionRunLog("started", At)],
            RequiresApproval = true,
            Approval = new ActionRunApproval(false, "lead@example.com", "no", At),
            Owner = "host/1/2",
            IdempotencyKey = "key-1",
            Depth = 2,
            Attempts = 1,
            EndedAt = At.AddMinutes(1),
        };

        await store.CreateAsync(run);
        var read = await store.GetAsync("r_1");

        Assert.NotNull(read);
        Assert.Equal(ActionRunJson.Write(run), ActionRunJson.Write(read));
        Assert.Null(await store.GetAsync("r_missing"));
    }

    /// <summary>Create with an idempotency key that exists: nothing is added, the existing run is returned.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Create_ExistingIdempotencyKey_ReturnsTheExistingRun()
    {
        var store = CreateStore();
        await store.CreateAsync(Run("r_1") with { IdempotencyKey = "automation:event-1" });

        var again = await store.CreateAsync(Run("r_2") with { IdempotencyKey = "automation:event-1" });
        await store.CreateAsync(Run("r_3"));
        await store.CreateAsync(Run("r_4"));

        Assert.Equal("r_1", again.Id);
        Assert.Null(await store.GetAsync("r_2"));
        Assert.Equal(3, await Count(store.ListAsync(new ActionRunQuery())));
    }

    /// <summary>Update replaces the run; updating an unknown run throws <see cref="KeyNotFoundException"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Update_ReplacesTheRun_UnknownRunThrows()
    {
        var store = CreateStore();
        await store.CreateAsync(Run("r_1"));

        await store.UpdateAsync(Run("r_1") with { Status = ActionRunStatus.Success, Logs = [new ActionRunLog("done", At)] });

        var read = await store.GetAsync("r_1");
        Assert.Equal((ActionRunStatus.Success, "done"), (read!.Status, read.Logs.Single().Message));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.UpdateAsync(Run("r_404")));
    }

    /// <summary>List: newest first, filtered by action, entity and status, at most the limit.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task List_NewestFirst_Filters_Limit()
    {
        var store = CreateStore();
        await store.CreateAsync(Run("r_1", minutes: 0) with { Status = ActionRunStatus.Success });
        await store.CreateAsync(Run("r_2", minutes: 1) with { Action = "restart", Entity = "payments-api" });
        await store.CreateAsync(Run("r_3", minutes: 2) with { Status = ActionRunStatus.Failure, Entity = "payments-api" });

        Assert.Equal(["r_3", "r_2", "r_1"], await Ids(store.ListAsync(new ActionRunQuery())));
        Assert.Equal(["r_3", "r_2"], await Ids(store.ListAsync(new ActionRunQuery { Limit = 2 })));
        Assert.Equal(["r_2"], await Ids(store.ListAsync(new ActionRunQuery { Action = "restart" })));
        Assert.Equal(["r_3", "r_2"], await Ids(store.ListAsync(new ActionRunQuery { Entity = "payments-api" })));
        Assert.Equal(["r_3", "r_1"], await Ids(store.ListAsync(new ActionRunQuery { Statuses = [ActionRunStatus.Success, ActionRunStatus.Failure] })));
        Assert.Equal(["r_2"], await Ids(store.ListAsync(new ActionRunQuery { Statuses = [ActionRunStatus.InProgress] })));
    }

    private static ActionRun Run(string id, int minutes = 0) => new()
    {
        Id = id,
        Action = "deploy",
        CreatedAt = At.AddMinutes(minutes),
        UpdatedAt = At.AddMinutes(minutes),
    };

    private static async Task<List<string>> Ids(IAsyncEnumerable<ActionRun> runs)
    {
        var ids = new List<string>();
        await foreach (var run in runs)
        {
            ids.Add(run.Id);
        }

        return ids;
    }

    private static async Task<int> Count(IAsyncEnumerable<ActionRun> runs) => (await Ids(runs)).Count;
}
