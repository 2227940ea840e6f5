using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Port.Sdk;

/// <summary>Registers <see cref="PortOptions.Blueprints"/> with the catalog once, asynchronously.</summary>
internal sealed class PortCatalogInitialization(IOptions<PortOptions> options)
{
    private readonly Lock _gate = new();
    private Task? _registration;

    /// <summary>Gets or sets a value indicating whether someone awaits <see cref="EnsureAsync"/> (a host starting, or <c>InitializePortAsync</c>), so the catalog's factory need not register the blueprints itself.</summary>
    public bool Deferred { get; set; }

    public Task EnsureAsync(PortCatalog catalog, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_registration is null || _registration.IsFaulted || _registration.IsCanceled)
            {
                _registration = options.Value.Blueprints.Count == 0 ? Task.CompletedTask : RegisterAsync(catalog, options.Value, cancellationToken);
            }

            return _registration;
        }
    }

    private static async Task RegisterAsync(PortCatalog catalog, PortOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await catalog.RegisterBlueprintsAsync(options.Blueprints, cancellationToken).ConfigureAwait(false);
        }
        catch (CatalogValidationException ex) when (options.Sources.Count > 0)
        {
            // Blueprints loaded from files: the errors name the file, line and JSON Pointer.
            throw new CatalogValidationException(BlueprintFile.Locate(ex.Errors, options.Sources));
        }
    }
}

/// <summary>Registers the configured blueprints when the host starts, before the integrations' hosted services run.</summary>
internal sealed class PortCatalogInitializer(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
        => services.GetRequiredService<PortCatalogInitialization>().EnsureAsync(services.GetRequiredService<PortCatalog>(), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
