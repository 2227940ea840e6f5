using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Port.Sdk.Mcp;

/// <summary>Registers MCP connectors with <c>services.AddPort()</c>.</summary>
public static class McpPortBuilderExtensions
{
    /// <summary>
    /// Registers an <see cref="McpConnector"/> named <paramref name="name"/>: as a keyed <see cref="IMcpConnector"/>
    /// (key: the name) and among the <see cref="IMcpConnector"/>s the context composer finds by name. Several may be
    /// registered; each connects on first use.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The connector's name, such as <c>github</c>.</param>
    /// <param name="configure">Configures the server and the limits.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static IPortBuilder AddMcpConnector(this IPortBuilder builder, string name, Action<McpConnectorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddKeyedSingleton<IMcpConnector>(name, (sp, _) =>
        {
            var options = new McpConnectorOptions();
            if (sp.GetService<TimeProvider>() is { } time)
            {
                options.TimeProvider = time;
            }

            configure(options);
            return new McpConnector(name, options, sp.GetService<ILoggerFactory>());
        });
        builder.Services.AddSingleton(sp => sp.GetRequiredKeyedService<IMcpConnector>(name));
        return builder;
    }
}
