namespace Port.Sdk;

/// <summary>
/// A capability of an <see cref="IEntityStore"/> that several instances share: the changes every instance writes,
/// in one order, each with a position to resume from. <c>PortCatalog.WatchAsync</c> reads it when the store
/// implements this interface, so a watcher sees the changes of every instance, not only its own.
/// </summary>
public interface IEntityChangeFeed
{
    /// <summary>Gets the position of the latest change this store instance has written or read: what "from now on" starts after.</summary>
    long CurrentPosition { get; }

    /// <summary>Streams the changes after a position, then each new change as it is committed, until cancelled.</summary>
    /// <param name="after">The position of the last change already seen; <see langword="null"/> for <see cref="CurrentPosition"/>.</param>
    /// <param name="cancellationToken">The token that ends the stream.</param>
    /// <returns>The changes, in commit order, each once, also across a reconnect.</returns>
    IAsyncEnumerable<EntityChangeRecord> WatchChangesAsync(long? after = null, CancellationToken cancellationToken = default);
}
