using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Port.Sdk.Actions;
using Port.Sdk.Integrations;

namespace Port.Sdk.GitHub;

/// <summary>Registers GitHub integrations with <c>services.AddPort()</c>.</summary>
public static class GitHubPortBuilderExtensions
{
    /// <summary>The name of the integration the overload without a name registers.</summary>
    public const string DefaultName = "github";

    /// <summary>
    /// Registers a GitHub integration named <see cref="DefaultName"/>, as
    /// <see cref="AddGitHubIntegration(IPortBuilder, string, Action{GitHubIntegrationOptions}, Action{IntegrationOptions}?, bool)"/> does.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the organisation, credentials and limits.</param>
    /// <param name="mapping">The mapping; <see langword="null"/> for <see cref="GitHubDefaults.Config"/>.</param>
    /// <param name="resyncInterval">How often to resync in the background; <see langword="null"/> for no scheduled resyncs.</param>
    /// <param name="registerDefaultBlueprints">Whether to register <see cref="GitHubDefaults.Blueprints"/> with the catalog.</param>
    /// <returns>A builder for further configuration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An integration named <see cref="DefaultName"/> is already registered: give each its own name.</exception>
    public static IGitHubIntegrationBuilder AddGitHubIntegration(this IPortBuilder builder, Action<GitHubIntegrationOptions> configure, PortAppConfig? mapping = null, TimeSpan? resyncInterval = null, bool registerDefaultBlueprints = true)
        => builder.AddGitHubIntegration(
            DefaultName,
            configure,
            o =>
            {
                o.Mapping = mapping ?? o.Mapping;
                o.ResyncInterval = resyncInterval ?? o.ResyncInterval;
            },
            registerDefaultBlueprints);

    /// <summary>
    /// Registers a GitHub integration named <paramref name="name"/> on <see cref="IntegrationPortBuilderExtensions.AddIntegration{TIntegration}(IPortBuilder, string, Action{IntegrationOptions}?)"/>'s
    /// runtime: a keyed <see cref="GitHubIntegration"/> (also a keyed <see cref="IIntegration"/>; key: the name) sending
    /// through the named <c>IHttpClientFactory</c> client <c>Port.Sdk.GitHub:{name}</c> and logging through
    /// <c>ILogger</c>; its <see cref="GitHubIntegrationOptions"/> and <see cref="IntegrationOptions"/> (named options,
    /// both validated when the host starts, the mapping defaulting to <see cref="GitHubDefaults.Config"/>); a keyed
    /// <see cref="ResyncEngine"/>; its schedule; the pump that applies its webhook deliveries; and the default
    /// blueprints (unless <paramref name="registerDefaultBlueprints"/> is false). Register one per organisation.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The integration's name, such as the organisation's: its services' key, its options' name and its webhook route's value.</param>
    /// <param name="configure">Configures the organisation, credentials and limits.</param>
    /// <param name="configureIntegration">Configures the mapping, the schedule and the live events.</param>
    /// <param name="registerDefaultBlueprints">Whether to register <see cref="GitHubDefaults.Blueprints"/> with the catalog.</param>
    /// <returns>A builder for further configuration, with the HTTP client's builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or another integration has it.</exception>
    public static IGitHubIntegrationBuilder AddGitHubIntegration(this IPortBuilder builder, string name, Action<GitHubIntegrationOptions> configure, Action<IntegrationOptions>? configureIntegration = null, bool registerDefaultBlueprints = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var result = AddCore(builder, name, registerDefaultBlueprints);
        builder.Services.Configure(name, configure);
        if (configureIntegration is not null)
        {
            builder.Services.Configure(name, configureIntegration);
        }

        return result;
    }

    /// <summary>
    /// Registers a GitHub integration named <paramref name="name"/> whose <see cref="GitHubIntegrationOptions"/> and
    /// <see cref="IntegrationOptions"/> are both bound from <paramref name="configuration"/> (such as
    /// <c>configuration.GetSection("Port:GitHub:acme")</c> with <c>Organization</c>, <c>Token</c>,
    /// <c>WebhookSecret</c>, <c>ResyncInterval</c>, <c>MappingFile</c>), as
    /// <see cref="AddGitHubIntegration(IPortBuilder, string, Action{GitHubIntegrationOptions}, Action{IntegrationOptions}?, bool)"/> does.
    /// Further <c>Configure&lt;GitHubIntegrationOptions&gt;(name, …)</c> calls apply after the binding.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The integration's name.</param>
    /// <param name="configuration">The integration's configuration section.</param>
    /// <param name="registerDefaultBlueprints">Whether to register <see cref="GitHubDefaults.Blueprints"/> with the catalog.</param>
    /// <returns>A builder for further configuration, with the HTTP client's builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or another integration has it.</exception>
    public static IGitHubIntegrationBuilder AddGitHubIntegration(this IPortBuilder builder, string name, IConfiguration configuration, bool registerDefaultBlueprints = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        var result = AddCore(builder, name, registerDefaultBlueprints);
        builder.Services.AddOptions<GitHubIntegrationOptions>(name).Bind(configuration);
        builder.Services.AddOptions<IntegrationOptions>(name).Bind(configuration);
        return result;
    }

    /// <summary>
    /// Adds the standard resilience pipeline of <c>Microsoft.Extensions.Http.Resilience</c> to the integration's HTTP
    /// client — rate limiter, total request timeout, circuit breaker and attempt timeout — with its retry strategy
    /// turned off: the integration already retries transient failures and waits for rate limits (it reads GitHub's
    /// rate-limit headers), so a second retry layer would multiply attempts. Turn it back on in
    /// <paramref name="configure"/> only with <see cref="GitHubIntegrationOptions.MaxRetries"/> set to 0.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the pipeline's options.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IGitHubIntegrationBuilder UseStandardResilience(this IGitHubIntegrationBuilder builder, Action<HttpStandardResilienceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.HttpClient.AddStandardResilienceHandler(o =>
        {
            o.Retry.ShouldHandle = static _ => ValueTask.FromResult(false);
            configure?.Invoke(o);
        });
        return builder;
    }

    /// <summary>
    /// Runs the actions whose invocation method is <c>GITHUB</c> through this integration's client: registers a
    /// <see cref="GitHubActionInvoker"/> as the <see cref="IActionInvoker"/> of <c>GITHUB</c>, which <c>AddActions()</c> picks up.
    /// </summary>
    /// <param name="builder">The builder of the integration whose credentials dispatch the workflows.</param>
    /// <param name="configure">Configures the default ref, the polling interval and the deadlines.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IGitHubIntegrationBuilder AddGitHubActions(this IGitHubIntegrationBuilder builder, Action<GitHubActionsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = builder.Name;
        var optionsName = $"Port.Sdk.GitHub.Actions:{name}";
        builder.Services.AddOptions<GitHubActionsOptions>(optionsName);
        if (configure is not null)
        {
            builder.Services.Configure(optionsName, configure);
        }

        builder.Services.AddSingleton<IActionInvoker>(sp => new GitHubActionInvoker(
            sp.GetRequiredKeyedService<GitHubIntegration>(name),
            sp.GetRequiredService<IOptionsMonitor<GitHubActionsOptions>>().Get(optionsName)));
        return builder;
    }

    private static GitHubBuilder AddCore(IPortBuilder builder, string name, bool registerDefaultBlueprints)
    {
        var services = builder.Services;
        var integration = builder.AddIntegrationServices<GitHubIntegration>(name);
        var names = Names(services);
        names.Add(name);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitHubIntegrationOptions>, GitHubIntegrationOptionsValidator>());
        services.AddOptions<GitHubIntegrationOptions>(name)
            .Configure<IServiceProvider>((o, sp) =>
            {
                if (sp.GetService<TimeProvider>() is { } time)
                {
                    o.TimeProvider = time;
                }
            })
            .ValidateOnStart();
        services.AddOptions<IntegrationOptions>(name).PostConfigure(o =>
        {
            if (o.Mapping is null && string.IsNullOrWhiteSpace(o.MappingFile))
            {
                o.Mapping = GitHubDefaults.Config();
            }
        });

        var clientName = $"Port.Sdk.GitHub:{name}";
        var http = services.AddHttpClient(clientName)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                // Octokit follows redirects itself; connections are renewed for DNS changes, as the handler is kept.
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddKeyedSingleton(name, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<GitHubIntegrationOptions>>().Get(name);
            var handlers = sp.GetRequiredService<IHttpMessageHandlerFactory>();
            return new GitHubIntegration(options, () => handlers.CreateHandler(clientName), sp.GetService<ILogger<GitHubIntegration>>());
        });
        services.TryAddSingleton(sp => sp.GetRequiredKeyedService<GitHubIntegration>(names.Names.Count == 1
            ? names.Names[0]
            : throw new InvalidOperationException(names.Names.Count == 0
                ? "No GitHub integration is registered."
                : $"Several GitHub integrations are registered ({string.Join(", ", names.Names.Select(n => $"'{n}'"))}), so 'GitHubIntegration' cannot be resolved without a key; resolve it by name: GetRequiredKeyedService<GitHubIntegration>(name).")));
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

        return new GitHubBuilder(services, integration.Name, http);
    }

    private static GitHubIntegrationNames Names(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(GitHubIntegrationNames))?.ImplementationInstance is GitHubIntegrationNames existing)
        {
            return existing;
        }

        var names = new GitHubIntegrationNames();
        services.AddSingleton(names);
        return names;
    }

    private sealed class GitHubBuilder(IServiceCollection services, string name, IHttpClientBuilder http) : IGitHubIntegrationBuilder
    {
        public IServiceCollection Services { get; } = services;

        public string Name { get; } = name;

        public IHttpClientBuilder HttpClient { get; } = http;
    }
}
