using Microsoft.Extensions.DependencyInjection;

namespace Port.Sdk;

/// <summary>Starts Port.Sdk in a service provider that no generic host starts.</summary>
public static class PortServiceProviderExtensions
{
    /// <summary>
    /// Resolves the catalog and registers the configured blueprints with it, asynchronously. A generic host does this
    /// when it starts, and the catalog's first use does it otherwise; call this to register them, and see their errors,
    /// at a time of your choosing.
    /// </summary>
    /// <param name="services">The service provider.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The catalog, with its blueprints.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="CatalogValidationException">A configured blueprint is invalid; the errors name each.</exception>
    public static async Task<PortCatalog> InitializePortAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var initialization = services.GetRequiredService<PortCatalogInitialization>();
        var catalog = services.GetRequiredService<PortCatalog>();
        await initialization.EnsureAsync(catalog, cancellationToken).ConfigureAwait(false);
        return catalog;
    }
}
