using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Port.Sdk;

/// <summary>
/// Registers <see cref="PortOptions.Blueprints"/> with the catalog once, asynchronously, when the host starts or on the
/// catalog's first use, whichever comes first. Concurrent callers share one registration. A failed or canceled
/// registration is not kept: the next use starts it again, so a transient store failure heals, and a permanent one
/// (an invalid blueprint) fails every use with its own exception.
/// </summary>
internal sealed class PortCatalogInitialization(IOptions<PortOptions> options)
{
    private readonly Lock _gate = new();
    private Task? _registration;
    private volatile bool _registered;

    public Task EnsureAsync(PortCatalog catalog, CancellationToken cancellationToken)
    {
        if (_registered)
        {
            return Task.CompletedTask;
        }

        Task registration;
        lock (_gate)
        {
            if (_registration is null || _registration.IsFaulted || _registration.IsCanceled)
            {
                // Not the caller's token: a caller that gives up must not cancel the registration others wait for.
                _registration = options.Value.Blueprints.Count == 0 ? Task.CompletedTask : RegisterAsync(catalog, options.Value);
            }

            registration = _registration;
        }

        if (registration.IsCompletedSuccessfully)
        {
            _registered = true;
            return Task.CompletedTask;
        }

        return WaitAsync(registration, cancellationToken);
    }

    private async Task WaitAsync(Task registration, CancellationToken cancellationToken)
    {
        await registration.WaitAsync(cancellationToken).ConfigureAwait(false);
        _registered = true;
    }

    private static async Task RegisterAsync(PortCatalog catalog, PortOptions options)
    {
        try
        {
            await catalog.RegisterBlueprintsCoreAsync(options.Blueprints, CancellationToken.None).ConfigureAwait(false);
        }
        catch (CatalogValidationException ex) when (options.Sources.Count > 0)
        {
            // Blueprints loaded from files: the errors name the file, line and JSON Pointer.
            throw new CatalogValidationException(BlueprintFile.Locate(ex.Errors, options.Sources));
        }
    }
}

/// <summary>Registers the configured blueprints when the host starts, before the integrations' hosted services run, so that a bad blueprint fails the start.</summary>
internal sealed class PortCatalogInitializer(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
        => services.GetRequiredService<PortCatalogInitialization>().EnsureAsync(services.GetRequiredService<PortCatalog>(), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
