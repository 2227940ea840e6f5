using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Port.Sdk.Mcp.AspNetCore;

/// <summary>Maps the catalog's MCP server (Streamable HTTP) onto an ASP.NET Core application.</summary>
public static class PortMcpEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the MCP server registered with <see cref="PortMcpServerBuilderExtensions.AddPortMcp"/> at <paramref name="pattern"/>
    /// (Streamable HTTP: POST, GET and DELETE), behind a guard that answers 403 to a browser origin that is not allowed and
    /// 401 to a request without the bearer token, when <see cref="PortMcpHttpOptions.BearerToken"/> is set.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">The route.</param>
    /// <returns>The endpoints' convention builder, to add authorization, rate limiting and the like.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    public static IEndpointConventionBuilder MapPortMcp(this IEndpointRouteBuilder endpoints, string pattern = "/mcp")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var guard = new PortMcpRequestGuard(endpoints.ServiceProvider.GetRequiredService<IOptions<PortMcpHttpOptions>>().Value);
        var mapped = endpoints.MapMcp(pattern);
        mapped.Add(endpoint =>
        {
            var next = endpoint.RequestDelegate ?? throw new InvalidOperationException($"The MCP endpoint '{endpoint.DisplayName}' has no request delegate.");
            endpoint.RequestDelegate = async context =>
            {
                if (await guard.AdmitAsync(context).ConfigureAwait(false))
                {
                    await next(context).ConfigureAwait(false);
                }
            };
        });
        return mapped;
    }
}
