// Writes batches of 500 entities into a SQLite catalog until it is killed, printing "committed N" after each batch.
// Used by the crash-consistency test, which kills this process in the middle of a batch.
using Port.Sdk;
using Port.Sdk.Sqlite;

var store = new SqliteEntityStore(args[0]);
var catalog = new PortCatalog(store);
await catalog.RegisterBlueprintAsync(new Blueprint { Identifier = "item" });
for (var batch = 0; ; batch++)
{
    var entities = Enumerable.Range(0, 500)
        .Select(i => new Entity { Identifier = $"item-{batch}-{i}", Blueprint = "item", Title = new string('x', 200) })
        .ToList();
    await catalog.UpsertEntitiesAsync(entities);
    Console.WriteLine($"committed {batch + 1}");
}
