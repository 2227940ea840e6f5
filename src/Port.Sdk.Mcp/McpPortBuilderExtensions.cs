using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Port.Sdk.Mcp;

/// <summary>Registers MCP connectors with <c>services.AddPort()</c>.</summary>
public static class McpPortBuilderExtensions
{
    /// <summary>
    /// Registers an <see cref="McpConnector"/> named <paramref name="name"/>: as a keyed <see cref="IMcpConnector"/>
    /// (key: the name) and among the <see cref="IMcpConnector"/>s the context composer finds by name. Its
    /// <see cref="McpConnectorOptions"/> are named options (<c>Configure&lt;McpConnectorOptions&gt;(name, …)</c> adds to
    /// them), validated when the host starts: a connector without a command, an endpoint or a transport fails the
    /// start, naming the field. Several may be registered; each connects on first use.
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
        AddCore(builder, name).Configure(configure);
        return builder;
    }

    /// <summary>
    /// Registers an <see cref="McpConnector"/> named <paramref name="name"/> whose <see cref="McpConnectorOptions"/> are
    /// bound from <paramref name="configuration"/> (such as <c>configuration.GetSection("Port:Mcp:github")</c> with
    /// <c>Command</c>, <c>Arguments</c>, <c>Endpoint</c>, <c>CallTimeout</c>), as
    /// <see cref="AddMcpConnector(IPortBuilder, string, Action{McpConnectorOptions})"/> does.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The connector's name.</param>
    /// <param name="configuration">The connector's configuration section.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    [RequiresUnreferencedCode("Binding strongly typed objects to configuration values may require members that trimming removes.")]
    [RequiresDynamicCode("Binding strongly typed objects to configuration values may require generating dynamic code at run time.")]
    public static IPortBuilder AddMcpConnector(this IPortBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(builder, name).Bind(configuration);
        return builder;
    }

    private static OptionsBuilder<McpConnectorOptions> AddCore(IPortBuilder builder, string name)
    {
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<McpConnectorOptions>, McpConnectorOptionsValidator>());
        var options = services.AddOptions<McpConnectorOptions>(name)
            .Configure<IServiceProvider>((o, sp) =>
            {
                if (sp.GetService<TimeProvider>() is { } time)
                {
                    o.TimeProvider = time;
                }
            });
        options.ValidateOnStart();
        services.AddKeyedSingleton<IMcpConnector>(name, (sp, _) => new McpConnector(name, sp.GetRequiredService<IOptionsMonitor<McpConnectorOptions>>().Get(name), sp.GetService<ILoggerFactory>()));
        services.AddSingleton(sp => sp.GetRequiredKeyedService<IMcpConnector>(name));
        return options;
    }
}
