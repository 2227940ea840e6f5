namespace Port.Sdk.Integrations;

/// <summary>
/// How the runtime hosts one named integration: its mapping, its schedule and its live events. Named options: the
/// name is the integration's (<c>IOptionsMonitor&lt;IntegrationOptions&gt;.Get(name)</c>), bound from configuration
/// or configured with <c>Configure&lt;IntegrationOptions&gt;(name, …)</c>, and validated when the host starts.
/// </summary>
public sealed class IntegrationOptions
{
    /// <summary>Gets or sets the mapping (Port's <c>port-app-config.yml</c>), parsed.</summary>
    /// <value>The default value is <see langword="null"/>: <see cref="MappingFile"/> is read, or the integration's own default (GitHub's).</value>
    public PortAppConfig? Mapping { get; set; }

    /// <summary>Gets or sets the path of a <c>port-app-config.yml</c> to read the mapping from, when <see cref="Mapping"/> is not set.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? MappingFile { get; set; }

    /// <summary>
    /// Gets or sets the time between the end of one resync and the start of the next; the first runs when the host
    /// starts. <see langword="null"/> for no scheduled resyncs (resync with the engine yourself).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? ResyncInterval { get; set; }

    /// <summary>Gets or sets a value indicating whether a hosted service applies the integration's live events (<see cref="IIntegration.WatchAsync"/>) to the catalog.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool LiveEvents { get; set; } = true;
}
