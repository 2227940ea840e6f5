using Port.Sdk.Actions;

namespace Port.Sdk.PostgreSql;

/// <summary>The catalog store gives the action runs a store in the same database and schema.</summary>
public sealed partial class PostgreSqlEntityStore : IActionRunStoreProvider
{
    /// <summary>Creates a <see cref="PostgreSqlActionRunStore"/> on this store's data source and schema (what <c>AddActions()</c> uses when no run store is registered).</summary>
    /// <returns>The run store; it shares the data source, which this store (or its owner) disposes.</returns>
    public IActionRunStore CreateActionRunStore() => new PostgreSqlActionRunStore(_dataSource, _s);
}
