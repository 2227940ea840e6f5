using Microsoft.Extensions.DependencyInjection;

namespace Port.Sdk.Integrations;

/// <summary>
/// The integrations registered with <see cref="IntegrationPortBuilderExtensions.AddIntegration{TIntegration}(IPortBuilder, string, Action{IntegrationOptions}?)"/>,
/// by name. Each is also a keyed service: <c>GetRequiredKeyedService&lt;IIntegration&gt;(name)</c> and
/// <c>GetRequiredKeyedService&lt;ResyncEngine&gt;(name)</c>.
/// </summary>
public sealed class IntegrationRegistry
{
    private readonly IServiceProvider _services;
    private readonly IntegrationRegistrations _registrations;

    internal IntegrationRegistry(IServiceProvider services, IntegrationRegistrations registrations)
    {
        _services = services;
        _registrations = registrations;
    }

    /// <summary>Gets the names of the registered integrations, in registration order.</summary>
    public IReadOnlyList<string> Names => _registrations.Names;

    /// <summary>Gets the integration registered under a name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The integration.</returns>
    /// <exception cref="ArgumentException">No integration has that name; the message lists the names.</exception>
    public IIntegration GetIntegration(string name) => _services.GetRequiredKeyedService<IIntegration>(Check(name));

    /// <summary>Gets the resync engine of the integration registered under a name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The engine.</returns>
    /// <exception cref="ArgumentException">No integration has that name; the message lists the names.</exception>
    public ResyncEngine GetEngine(string name) => _services.GetRequiredKeyedService<ResyncEngine>(Check(name));

    /// <summary>Gets the live-event pump of the integration registered under a name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The pump.</returns>
    /// <exception cref="ArgumentException">No integration has that name; the message lists the names.</exception>
    public IntegrationEventPump GetEventPump(string name) => _services.GetRequiredKeyedService<IntegrationEventPump>(Check(name));

    /// <summary>Gets the scheduled resyncs of the integration registered under a name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The scheduler (idle when <see cref="IntegrationOptions.ResyncInterval"/> is not set).</returns>
    /// <exception cref="ArgumentException">No integration has that name; the message lists the names.</exception>
    public ScheduledResyncService GetSchedule(string name) => _services.GetRequiredKeyedService<ScheduledResyncService>(Check(name));

    /// <summary>The single registered name, for the services resolved without a key.</summary>
    internal string Single(string service) => _registrations.Names.Count switch
    {
        1 => _registrations.Names[0],
        0 => throw new InvalidOperationException($"No integration is registered, so there is no '{service}' to resolve; register one with AddIntegration<T>(name) or AddGitHubIntegration(name, …)."),
        _ => throw new InvalidOperationException($"Several integrations are registered ({Quote(_registrations.Names)}), so '{service}' cannot be resolved without a key; resolve it by name: GetRequiredKeyedService<{service}>(name) or IntegrationRegistry."),
    };

    private string Check(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _registrations.Contains(name)
            ? name
            : throw new ArgumentException($"No integration is named '{name}'; the integrations are {(_registrations.Names.Count == 0 ? "none" : Quote(_registrations.Names))}.", nameof(name));
    }

    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
