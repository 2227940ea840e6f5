namespace Port.Sdk;

/// <summary>
/// A capability of an <see cref="IEntityStore"/> that several instances share: a lock that lets one resync of an
/// integration run at a time across every instance. The resync engine takes it when the store implements this
/// interface; a store that does not is not locked (one instance, or resyncs that may overlap).
/// </summary>
public interface IResyncLock
{
    /// <summary>
    /// Takes the resync lock of an integration, waiting for it or giving up as the store is configured. The lock must
    /// also be released when its holder dies (a crashed instance never keeps it).
    /// </summary>
    /// <param name="integration">The integration's identifier.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; cancelling stops waiting.</param>
    /// <returns>The held lock, released when disposed; <see langword="null"/> when another instance holds it and the store skips rather than waits.</returns>
    Task<IAsyncDisposable?> AcquireResyncLockAsync(string integration, CancellationToken cancellationToken = default);
}
