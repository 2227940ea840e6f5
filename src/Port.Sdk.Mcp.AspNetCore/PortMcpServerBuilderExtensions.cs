using ModelContextProtocol.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

namespace Port.Sdk.Mcp.AspNetCore;

/// <summary>Adds the Port catalog's MCP tools to an application's MCP server, or registers a catalog-only server for Streamable HTTP.</summary>
public static class PortMcpServerBuilderExtensions
{
    /// <summary>
    /// Adds the catalog (its tools, resources, prompts, completions and log notifications) to an MCP server built with
    /// <c>AddMcpServer()</c>, next to the application's own tools, resources and prompts: lists hold both, and a call the
    /// catalog does not know goes to the application's handlers. Call it after <c>WithListToolsHandler</c> and the like,
    /// which replace what was set before them.
    /// </summary>
    /// <param name="builder">The MCP server builder.</param>
    /// <param name="server">The catalog server to add.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="server"/> is <see langword="null"/>.</exception>
    public static IMcpServerBuilder WithPortCatalog(this IMcpServerBuilder builder, PortCatalogMcpServer server)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(server);
        builder.Services.Configure<McpServerOptions>(server.Configure);
        return builder;
    }

    /// <summary>
    /// Registers an MCP server that serves <paramref name="server"/> over Streamable HTTP, and the options of the guard
    /// <see cref="PortMcpEndpointRouteBuilderExtensions.MapPortMcp"/> puts in front of it. Map it with <c>app.MapPortMcp()</c>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="server">The catalog server.</param>
    /// <param name="configure">Configures the bearer token and allowed origins.</param>
    /// <returns>The MCP server builder, to add more to the server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="server"/> is <see langword="null"/>.</exception>
    public static IMcpServerBuilder AddPortMcp(this IServiceCollection services, PortCatalogMcpServer server, Action<PortMcpHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(server);
        var options = services.AddOptions<PortMcpHttpOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.BearerToken is null || !string.IsNullOrWhiteSpace(o.BearerToken), "The 'BearerToken' of PortMcpHttpOptions is empty: set a token or leave it null.");
        // Clients of the 2025 revisions (initialize handshake) keep a session, so a logging/setLevel holds for their later calls;
        // clients of 2026-07-28 and later are served statelessly, as that revision requires.
        return services.AddMcpServer().WithHttpTransport(http => http.SessionMode = HttpServerSessionMode.StatefulForInitializeClients).WithPortCatalog(server);
    }
}
