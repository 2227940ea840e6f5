using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Port.Sdk.Mcp.Tests;

/// <summary>A webhook backend on 127.0.0.1 (Kestrel, a free port): answers 200 and keeps each request's path and body.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Gets the base URL, ending with a slash.</summary>
    public Uri Url { get; }

    /// <summary>Gets the requests received: path and body.</summary>
    public ConcurrentQueue<(string Path, JsonElement Body)> Received { get; } = new();

    public static async Task<WebhookReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/{name}", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            receiver!.Received.Enqueue((context.Request.Path.Value!, body.RootElement.Clone()));
            return Results.Ok();
        });
        await app.StartAsync(cancellationToken);
        receiver = new WebhookReceiver(app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
