using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Port.Sdk.Integrations;

/// <summary>Registers integrations of your own (or of a package) with <c>services.AddPort()</c>: each named, with its mapping, engine, schedule and live events.</summary>
public static class IntegrationPortBuilderExtensions
{
    /// <summary>
    /// Registers an integration named <paramref name="name"/>, created by the container (its constructor may take
    /// services, and its name as a <c>[ServiceKey] string</c>), with:
    /// the integration as a keyed <typeparamref name="TIntegration"/> and <see cref="IIntegration"/> (key: the name) and
    /// among the <see cref="IIntegration"/>s; its <see cref="IntegrationOptions"/> (named options, validated when the
    /// host starts); a keyed <see cref="ResyncEngine"/> with the mapping (and a keyed <see cref="ISemanticMapper"/> if
    /// one is registered under the name, else the jq mapper); a hosted <see cref="ScheduledResyncService"/> (idle
    /// without <see cref="IntegrationOptions.ResyncInterval"/>); and a hosted <see cref="IntegrationEventPump"/> that
    /// applies its live events. Any number of integrations may be registered, each under its own name.
    /// </summary>
    /// <typeparam name="TIntegration">The integration's type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The integration's name: its services' key and its options' name.</param>
    /// <param name="configure">Configures the mapping, the schedule and the live events.</param>
    /// <returns>A builder for further configuration, with the name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or another integration has it.</exception>
    public static IIntegrationBuilder AddIntegration<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TIntegration>(this IPortBuilder builder, string name, Action<IntegrationOptions>? configure = null)
        where TIntegration : class, IIntegration
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var result = AddIntegrationCore<TIntegration>(builder, name, configure);
        builder.Services.AddKeyedSingleton<TIntegration>(name);
        return result;
    }

    /// <summary>
    /// Registers an integration named <paramref name="name"/> that <paramref name="factory"/> creates, with its options,
    /// engine, schedule and live-event pump, as <see cref="AddIntegration{TIntegration}(IPortBuilder, string, Action{IntegrationOptions}?)"/> does.
    /// </summary>
    /// <typeparam name="TIntegration">The integration's type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The integration's name: its services' key and its options' name.</param>
    /// <param name="factory">Creates the integration from the services and the name; called once, when it is first needed.</param>
    /// <param name="configure">Configures the mapping, the schedule and the live events.</param>
    /// <returns>A builder for further configuration, with the name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="factory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or another integration has it.</exception>
    public static IIntegrationBuilder AddIntegration<TIntegration>(this IPortBuilder builder, string name, Func<IServiceProvider, string, TIntegration> factory, Action<IntegrationOptions>? configure = null)
        where TIntegration : class, IIntegration
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        var result = AddIntegrationCore<TIntegration>(builder, name, configure);
        builder.Services.AddKeyedSingleton(name, (sp, _) => factory(sp, name));
        return result;
    }

    /// <summary>
    /// Registers an integration named <paramref name="name"/>, created by the container, whose
    /// <see cref="IntegrationOptions"/> are bound from <paramref name="configuration"/> (such as
    /// <c>configuration.GetSection("Port:Integrations:tickets")</c>: <c>ResyncInterval</c>, <c>MappingFile</c>,
    /// <c>LiveEvents</c>), as <see cref="AddIntegration{TIntegration}(IPortBuilder, string, Action{IntegrationOptions}?)"/> does.
    /// </summary>
    /// <typeparam name="TIntegration">The integration's type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The integration's name: its services' key and its options' name.</param>
    /// <param name="configuration">The configuration section of the integration.</param>
    /// <returns>A builder for further configuration, with the name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or another integration has it.</exception>
    public static IIntegrationBuilder AddIntegration<TIntegration>(this IPortBuilder builder, string name, IConfiguration configuration)
        where TIntegration : class, IIntegration
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var result = builder.AddIntegration<TIntegration>(name);
        builder.Services.AddOptions<IntegrationOptions>(name).Bind(configuration);
        return result;
    }

    /// <summary>
    /// Registers what every named integration has — its options, engine, schedule and live-event pump — for an
    /// integration whose keyed <typeparamref name="TIntegration"/> service (key: <paramref name="name"/>) the caller registers.
    /// For packages that build on <c>AddIntegration</c>, such as <c>AddGitHubIntegration</c>.
    /// </summary>
    /// <typeparam name="TIntegration">The integration's type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The integration's name.</param>
    /// <param name="configure">Configures the mapping, the schedule and the live events.</param>
    /// <returns>A builder for further configuration, with the name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or another integration has it.</exception>
    public static IIntegrationBuilder AddIntegrationServices<TIntegration>(this IPortBuilder builder, string name, Action<IntegrationOptions>? configure = null)
        where TIntegration : class, IIntegration
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return AddIntegrationCore<TIntegration>(builder, name, configure);
    }

    private static IntegrationBuilder AddIntegrationCore<TIntegration>(IPortBuilder builder, string name, Action<IntegrationOptions>? configure)
        where TIntegration : class, IIntegration
    {
        var services = builder.Services;
        var registrations = Registrations(services);
        registrations.Add(name);
        services.TryAddSingleton(sp => new IntegrationRegistry(sp, registrations));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IntegrationOptions>, IntegrationOptionsValidator>());
        var options = services.AddOptions<IntegrationOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddKeyedSingleton<IIntegration>(name, (sp, _) => sp.GetRequiredKeyedService<TIntegration>(name));
        services.AddSingleton(sp => sp.GetRequiredKeyedService<IIntegration>(name));
        services.AddKeyedSingleton(name, (sp, _) =>
        {
            var settings = sp.GetRequiredService<IOptionsMonitor<IntegrationOptions>>().Get(name);
            var config = settings.Mapping ?? PortAppConfig.Load(settings.MappingFile!);
            var mapper = sp.GetKeyedService<ISemanticMapper>(name) ?? new JqSemanticMapper(config);
            return new ResyncEngine(sp.GetRequiredService<PortCatalog>(), sp.GetRequiredKeyedService<IIntegration>(name), mapper, config, sp.GetService<ILogger<ResyncEngine>>());
        });
        services.TryAddSingleton(sp => sp.GetRequiredKeyedService<ResyncEngine>(sp.GetRequiredService<IntegrationRegistry>().Single(nameof(ResyncEngine))));
        services.AddKeyedSingleton(name, (sp, _) => new ScheduledResyncService(
            sp.GetRequiredKeyedService<ResyncEngine>(name),
            sp.GetRequiredService<IOptionsMonitor<IntegrationOptions>>().Get(name).ResyncInterval,
            name,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<ScheduledResyncService>>()));
        services.AddKeyedSingleton(name, (sp, _) => new IntegrationEventPump(
            sp.GetRequiredKeyedService<IIntegration>(name),
            sp.GetRequiredKeyedService<ResyncEngine>(name),
            sp.GetService<ILogger<IntegrationEventPump>>(),
            sp.GetService<TimeProvider>())
        {
            Enabled = sp.GetRequiredService<IOptionsMonitor<IntegrationOptions>>().Get(name).LiveEvents,
        });
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<ScheduledResyncService>(name));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<IntegrationEventPump>(name));
        return new IntegrationBuilder(services, name);
    }

    private static IntegrationRegistrations Registrations(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(IntegrationRegistrations))?.ImplementationInstance is IntegrationRegistrations existing)
        {
            return existing;
        }

        var registrations = new IntegrationRegistrations();
        services.AddSingleton(registrations);
        return registrations;
    }
}

internal sealed class IntegrationBuilder(IServiceCollection services, string name) : IIntegrationBuilder
{
    public IServiceCollection Services { get; } = services;

    public string Name { get; } = name;
}
