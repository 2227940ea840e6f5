namespace Port.Sdk.GitHub.AspNetCore.Tests;

/// <summary>Watches a catalog's changes from the moment it is started, to await a change without polling.</summary>
internal sealed class CatalogWatch : IAsyncDisposable
{
    private readonly IAsyncEnumerator<EntityChange> _changes;
    private Task<bool> _next;

    private CatalogWatch(IAsyncEnumerator<EntityChange> changes)
    {
        _changes = changes;
        // The watcher is registered synchronously, by the first MoveNextAsync: changes from now on are seen.
        _next = changes.MoveNextAsync().AsTask();
    }

    public static CatalogWatch Start(PortCatalog catalog, CancellationToken cancellationToken)
        => new(catalog.WatchAsync(cancellationToken).GetAsyncEnumerator(cancellationToken));

    /// <summary>The next change that matches, after the ones already awaited; throws when the watch's token ends it first.</summary>
    public async Task<EntityChange> UntilAsync(Func<EntityChange, bool> match)
    {
        while (await _next)
        {
            var change = _changes.Current;
            _next = _changes.MoveNextAsync().AsTask();
            if (match(change))
            {
                return change;
            }
        }

        throw new InvalidOperationException("The catalog's change stream ended before the change arrived.");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _changes.DisposeAsync();
        }
        catch (NotSupportedException)
        {
            // Disposing while a MoveNextAsync is pending: the watch ends with its token.
        }
    }
}
