namespace Port.Sdk;

/// <summary>
/// The configured blueprints of a catalog built by <see cref="PortServiceCollectionExtensions.AddPort"/>: every public
/// method waits for them to be registered, which the first use (or the host's start) begins, asynchronously, once.
/// </summary>
public sealed partial class PortCatalog
{
    private Func<CancellationToken, Task>? _ready;

    /// <summary>Makes every public method wait for <paramref name="ready"/> first; set once, before the catalog is handed out.</summary>
    internal void InitializeOnFirstUse(Func<CancellationToken, Task> ready) => _ready = ready;

    private Task ReadyAsync(CancellationToken cancellationToken) => _ready is null ? Task.CompletedTask : _ready(cancellationToken);
}
