namespace Port.Sdk.Actions;

/// <summary>
/// A catalog store that can keep action runs in its own database (the PostgreSQL store does): when no
/// <see cref="IActionRunStore"/> is registered, <c>AddActions()</c> asks the catalog's store for one.
/// </summary>
public interface IActionRunStoreProvider
{
    /// <summary>Creates the run store that shares this store's database; it does not own the database's connections.</summary>
    /// <returns>The run store.</returns>
    IActionRunStore CreateActionRunStore();
}
