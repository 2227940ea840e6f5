using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Port.Sdk;

/// <summary>Options of the catalog that <see cref="PortServiceCollectionExtensions.AddPort"/> registers.</summary>
public sealed class PortOptions
{
    /// <summary>Gets the blueprints registered, as one set, when the host starts or the catalog is first used: they may reference each other in any order.</summary>
    public IList<Blueprint> Blueprints { get; } = [];

    /// <summary>Gets how the catalog validates entities.</summary>
    /// <value>The default value is <see cref="CatalogValidationMode.Port"/> mode: lenient where Port is, strict where Port is.</value>
    public CatalogValidationOptions Validation { get; } = new();

    /// <summary>Where the blueprints read from files came from, so that registration errors name the file and the pointer in it.</summary>
    internal List<BlueprintSource> Sources { get; } = [];
}

/// <summary>The builder <see cref="PortServiceCollectionExtensions.AddPort"/> returns; packages add their <c>Use*</c> and <c>Add*</c> extensions to it.</summary>
public interface IPortBuilder
{
    /// <summary>Gets the service collection the builder registers into.</summary>
    IServiceCollection Services { get; }
}

/// <summary>Checks what can be checked of <see cref="PortOptions"/> before the catalog is built: identifiers and duplicates.</summary>
internal sealed class PortOptionsValidator : IValidateOptions<PortOptions>
{
    public ValidateOptionsResult Validate(string? name, PortOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Blueprints.Count; i++)
        {
            var blueprint = options.Blueprints[i];
            if (blueprint is null)
            {
                failures.Add($"PortOptions.Blueprints[{i}] is null.");
                continue;
            }

            if (Identifiers.CheckBlueprint(blueprint.Identifier) is { } problem)
            {
                failures.Add($"PortOptions.Blueprints[{i}].Identifier: {problem}.");
            }
        }

        foreach (var duplicate in options.Blueprints.Where(b => b is not null).GroupBy(b => b.Identifier).Where(g => g.Count() > 1))
        {
            failures.Add($"PortOptions.Blueprints: the blueprint '{duplicate.Key}' is given {duplicate.Count()} times.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal sealed class DefaultPortBuilder(IServiceCollection services) : IPortBuilder
{
    public IServiceCollection Services { get; } = services;
}

/// <summary>Registers Port.Sdk in an <see cref="IServiceCollection"/>.</summary>
public static class PortServiceCollectionExtensions
{
    /// <summary>
    /// Registers the catalog (<see cref="PortCatalog"/>) over the in-memory store unless another store is registered,
    /// with the given options. The configured blueprints are registered asynchronously, once: when a generic host starts
    /// (a hosted service that runs before the integrations', so that an invalid blueprint fails the start), or on the
    /// catalog's first use (every method of the catalog waits for them), or when
    /// <see cref="PortServiceProviderExtensions.InitializePortAsync"/> is called, whichever comes first. A failed
    /// registration is not kept: each use tries again and, if it fails again, throws the registration's exception.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options, such as the blueprints to register.</param>
    /// <returns>A builder for further configuration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IPortBuilder AddPort(this IServiceCollection services, Action<PortOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PortOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PortOptions>, PortOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<IEntityStore, InMemoryEntityStore>();
        services.TryAddSingleton<PortCatalogInitialization>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PortCatalogInitializer>());
        services.TryAddSingleton(sp =>
        {
            var catalog = new PortCatalog(sp.GetRequiredService<IEntityStore>(), sp.GetRequiredService<IOptions<PortOptions>>().Value.Validation, sp.GetService<TimeProvider>());
            var initialization = sp.GetRequiredService<PortCatalogInitialization>();
            catalog.InitializeOnFirstUse(cancellationToken => initialization.EnsureAsync(catalog, cancellationToken));
            return catalog;
        });
        return new DefaultPortBuilder(services);
    }
}

/// <summary>The <c>Use*</c> and <c>Add*</c> extensions of <see cref="IPortBuilder"/> for the catalog.</summary>
public static class PortBuilderExtensions
{
    /// <summary>Keeps the catalog in memory (the default).</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IPortBuilder UseInMemoryStore(this IPortBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IEntityStore, InMemoryEntityStore>());
        return builder;
    }

    /// <summary>Keeps the catalog in a store of your own.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the store.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IPortBuilder UseStore(this IPortBuilder builder, Func<IServiceProvider, IEntityStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }

    /// <summary>
    /// Validates entities with another JSON Schema engine than Port.Sdk's own, such as JsonSchema.Net
    /// (<c>UseJsonSchemaNet()</c> of the Port.Sdk.JsonSchemaNet package). Sets <see cref="CatalogValidationOptions.SchemaValidator"/>;
    /// the leniencies of <see cref="CatalogValidationOptions.Mode"/> stay the catalog's, the same with every engine.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the engine, once, when the catalog's options are first read.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IPortBuilder UseSchemaValidator(this IPortBuilder builder, Func<IServiceProvider, ISchemaValidator> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddSingleton<IConfigureOptions<PortOptions>>(sp => new ConfigureOptions<PortOptions>(options => options.Validation.SchemaValidator = factory(sp)));
        return builder;
    }

    /// <summary>Adds blueprints, registered when the host starts or the catalog is first used.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="blueprints">The blueprints.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IPortBuilder AddBlueprints(this IPortBuilder builder, params Blueprint[] blueprints)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(blueprints);
        builder.Services.Configure<PortOptions>(options =>
        {
            foreach (var blueprint in blueprints)
            {
                options.Blueprints.Add(blueprint);
            }
        });
        return builder;
    }

    /// <summary>
    /// Adds the blueprints of every <c>*.json</c> file in a directory (or of one file): each file one blueprint, or an
    /// array of them, as Port and Ocean write them (<see cref="BlueprintFile"/>). The files are read now; the blueprints
    /// are registered as one set when the host starts or the catalog is first used, so they may reference each other in any order, and
    /// registration errors name the file and the JSON Pointer in it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="directory">The directory, or one file.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is <see langword="null"/> or blank.</exception>
    /// <exception cref="FileNotFoundException">Neither a directory nor a file is at <paramref name="directory"/>.</exception>
    /// <exception cref="BlueprintFileException">A file is not blueprint JSON; the errors name each file, line and JSON Pointer.</exception>
    public static IPortBuilder AddBlueprintsFromDirectory(this IPortBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var sources = BlueprintFile.LoadSources(directory);
        builder.Services.Configure<PortOptions>(options =>
        {
            foreach (var source in sources)
            {
                options.Blueprints.Add(source.Blueprint);
                options.Sources.Add(source);
            }
        });
        return builder;
    }
}
