// Invokes an action whose handler never returns, on a SQLite catalog, and prints "started {runId}" once the run is
// under way; the crash test kills this process then and checks that the next start marks (or resumes) the run.
using Port.Sdk;
using Port.Sdk.Actions;
using Port.Sdk.Sqlite;

var path = args[0];
var catalog = new PortCatalog(new SqliteEntityStore(path));
var started = new TaskCompletionSource<string>();
var options = new PortActionsOptions();
options.Actions.Add(PortAction.Parse("""
    {
      "identifier": "long_job",
      "title": "A job that outlives its process",
      "trigger": { "type": "self-service", "operation": "CREATE", "userInputs": { "properties": { "size": { "type": "number" } } } },
      "invocationMethod": { "type": "KAFKA" }
    }
    """));
options.Handlers["long_job"] = new BlockingHandler(started);
await using var actions = new PortActions(catalog, new SqliteActionRunStore(path), options);
await actions.StartAsync();
var run = await actions.InvokeAsync("long_job", new ActionInvocation { Inputs = System.Text.Json.JsonDocument.Parse("""{ "size": 3 }""").RootElement, Caller = "crash@example.com" });
Console.WriteLine($"started {await started.Task}");
await Task.Delay(Timeout.Infinite);

internal sealed class BlockingHandler(TaskCompletionSource<string> started) : IActionHandler
{
    public async Task HandleAsync(ActionContext context, CancellationToken cancellationToken)
    {
        await context.LogAsync("working", cancellationToken);
        started.TrySetResult(context.Run.Id);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
