using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Port.Sdk.Mcp.AspNetCore;

/// <summary>A stand-alone Streamable HTTP host for the catalog server: what <c>port mcp serve --http</c> runs.</summary>
public static class PortMcpHttpHost
{
    /// <summary>Serves the catalog at <c>http://ENDPOINT/mcp</c> until <paramref name="cancellationToken"/> is cancelled or the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    /// <param name="server">The catalog server.</param>
    /// <param name="endpoint">Where to listen; port 0 picks a free port.</param>
    /// <param name="configure">Configures the bearer token and allowed origins.</param>
    /// <param name="listening">Called with the endpoint's URL once the server listens (with the real port).</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> or <paramref name="endpoint"/> is <see langword="null"/>.</exception>
    public static async Task RunAsync(PortCatalogMcpServer server, IPEndPoint endpoint, Action<PortMcpHttpOptions>? configure = null, Action<Uri>? listening = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(endpoint);
        // The content root is the tool's own folder, so no appsettings.json of the caller's working directory is read.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint));
        builder.Services.AddPortMcp(server, configure);
        var app = builder.Build();
        await using (app.ConfigureAwait(false))
        {
            app.MapPortMcp();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Urls.First();
            listening?.Invoke(new Uri(new Uri(address), "/mcp"));
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
