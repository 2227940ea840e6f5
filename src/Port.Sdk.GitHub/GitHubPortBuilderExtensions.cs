using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Port.Sdk.Integrations;

namespace Port.Sdk.GitHub;

/// <summary>Registers the GitHub integration with <c>services.AddPort()</c>.</summary>
public static class GitHubPortBuilderExtensions
{
    /// <summary>
    /// Registers a <see cref="GitHubIntegration"/> (also as an <see cref="IIntegration"/>), a <see cref="ResyncEngine"/>
    /// for it with the mapping, the default blueprints (unless <paramref name="registerDefaultBlueprints"/> is false),
    /// and, when <paramref name="resyncInterval"/> is given, a hosted <see cref="ScheduledResyncService"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the organisation, credentials and limits.</param>
    /// <param name="mapping">The mapping; <see langword="null"/> for <see cref="GitHubDefaults.Config"/>.</param>
    /// <param name="resyncInterval">How often to resync in the background; <see langword="null"/> for no scheduled resyncs.</param>
    /// <param name="registerDefaultBlueprints">Whether to register <see cref="GitHubDefaults.Blueprints"/> with the catalog.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IPortBuilder AddGitHubIntegration(this IPortBuilder builder, Action<GitHubIntegrationOptions> configure, PortAppConfig? mapping = null, TimeSpan? resyncInterval = null, bool registerDefaultBlueprints = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddSingleton(sp =>
        {
            var options = new GitHubIntegrationOptions();
            if (sp.GetService<TimeProvider>() is { } time)
            {
                options.TimeProvider = time;
            }

            configure(options);
            return new GitHubIntegration(options);
        });
        services.AddSingleton<IIntegration>(sp => sp.GetRequiredService<GitHubIntegration>());
        services.TryAddSingleton(sp =>
        {
            var config = mapping ?? GitHubDefaults.Config();
            return new ResyncEngine(sp.GetRequiredService<PortCatalog>(), sp.GetRequiredService<GitHubIntegration>(), new JqSemanticMapper(config), config, sp.GetService<ILogger<ResyncEngine>>());
        });
        if (registerDefaultBlueprints)
        {
            services.Configure<PortOptions>(o =>
            {
                foreach (var blueprint in GitHubDefaults.Blueprints().Where(b => o.Blueprints.All(existing => existing.Identifier != b.Identifier)))
                {
                    o.Blueprints.Add(blueprint);
                }
            });
        }

        if (resyncInterval is { } interval)
        {
            services.AddSingleton<IHostedService>(sp => new ScheduledResyncService(sp.GetRequiredService<ResyncEngine>(), interval, sp.GetService<TimeProvider>()));
        }

        return builder;
    }
}
