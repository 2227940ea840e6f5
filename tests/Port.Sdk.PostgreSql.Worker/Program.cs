// A second instance for the multi-instance tests: a real process on the same database.
//   resync <connection> <schema> <wait|skip> <items> <page size> [hold]
//     resyncs integration 'items' (one kind, 'item'), printing "page N" after each page it hands out; with 'hold' it
//     prints "holding" before the first page and waits for a line on stdin. Ends with "report completed=… skipped=…".
//   watch <connection> <schema> <count>
//     prints "watching", then "change <Kind> <blueprint>/<identifier> <title>" for each change its catalog sees.
//   merge <connection> <schema> <prefix> <count>
//     prints "ready", waits for a line on stdin, then merges properties <prefix>0 … <prefix><count - 1> into entity
//     'thing/shared', one merge each, and prints "merged <count>".
using System.Runtime.CompilerServices;
using System.Text.Json;
using Port.Sdk;
using Port.Sdk.Integrations;
using Port.Sdk.PostgreSql;

var mode = args[0];
await using var store = new PostgreSqlEntityStore(args[1], new PostgreSqlStoreOptions
{
    Schema = args[2],
    ResyncLockMode = mode == "resync" && args[3] == "skip" ? PostgreSqlResyncLockMode.Skip : PostgreSqlResyncLockMode.Wait,
});
using var catalog = new PortCatalog(store);

if (mode == "watch")
{
    var count = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
    await using var changes = catalog.WatchAsync().GetAsyncEnumerator();
    var next = changes.MoveNextAsync(); // the position is taken here
    Console.WriteLine("watching");
    for (var i = 0; i < count; i++)
    {
        if (!await next)
        {
            break;
        }

        Console.WriteLine($"change {changes.Current.Kind} {changes.Current.Key} {changes.Current.Entity?.Title}");
        next = changes.MoveNextAsync();
    }

    return;
}

if (mode == "merge")
{
    var prefix = args[3];
    var merges = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
    Console.WriteLine("ready");
    await Console.In.ReadLineAsync();
    for (var i = 0; i < merges; i++)
    {
        await catalog.MergeEntityAsync(new Entity
        {
            Identifier = "shared",
            Blueprint = "thing",
            Properties = new Dictionary<string, JsonElement> { [$"{prefix}{i}"] = JsonSerializer.SerializeToElement(i) },
        });
    }

    Console.WriteLine($"merged {merges}");
    return;
}

await catalog.RegisterBlueprintAsync(new Blueprint { Identifier = "item" });
var integration = new Items(int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture), args.Length > 6 && args[6] == "hold");
var mapper = new CodeSemanticMapper().Map("item", item => [new Entity { Identifier = item.GetProperty("id").GetString()!, Blueprint = "item", Title = item.GetProperty("title").GetString() }]);
using var engine = new ResyncEngine(catalog, integration, mapper) { MappingParallelism = 1 };
var report = await engine.ResyncAsync();
Console.WriteLine($"report completed={report.Completed} skipped={report.Skipped} created={report.Kinds.Sum(k => k.Created)}");

internal sealed class Items(int count, int pageSize, bool hold) : IIntegration
{
    public string Identifier => "items";

    public IReadOnlyList<string> Kinds => ["item"];

    public async IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (hold)
        {
            Console.WriteLine("holding");
            await Console.In.ReadLineAsync(cancellationToken);
        }

        for (int start = 0, page = 1; start < count; start += pageSize, page++)
        {
            yield return [.. Enumerable.Range(start, Math.Min(pageSize, count - start)).Select(i => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["id"] = $"item-{i}", ["title"] = new string('x', 100) }))];
            Console.WriteLine($"page {page}");
        }
    }

    public async IAsyncEnumerable<IntegrationEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}
