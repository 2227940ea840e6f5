using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Port.Sdk.Mcp.AspNetCore;
using static Port.Sdk.Testing.CatalogSamples;

namespace Port.Sdk.Mcp.Tests;

/// <summary>MapPortMcp() in an ASP.NET Core application on 127.0.0.1, called by the official C# SDK client over Streamable HTTP.</summary>
public sealed class PortMcpEndpointTests
{
    [Fact]
    public async Task MapPortMcp_WithToken_ServesTheCatalogAndRefusesWithoutIt()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var catalog = await CreateAsync();
        await SeedAsync(catalog);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddPortMcp(new PortCatalogMcpServer(catalog), options => options.BearerToken = "s3cret");
        await using var app = builder.Build();
        app.MapPortMcp("/catalog/mcp");
        await app.StartAsync(timeout.Token);
        var endpoint = new Uri(new Uri(app.Urls.First()), "/catalog/mcp");

        await using (var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint, TransportMode = HttpTransportMode.StreamableHttp, AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer s3cret" } }), cancellationToken: timeout.Token))
        {
            var tools = await client.ListToolsAsync(cancellationToken: timeout.Token);
            var page = await client.CallToolAsync("search_entities", new Dictionary<string, object?> { ["blueprint"] = "team", ["limit"] = 1 }, cancellationToken: timeout.Token);
            var bad = await client.CallToolAsync("search_entities", new Dictionary<string, object?> { ["limit"] = 0 }, cancellationToken: timeout.Token);
            var unknown = await Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync("nope", cancellationToken: timeout.Token).AsTask());

            Assert.Equal(5, tools.Count);
            Assert.Equal("Search entities", tools[0].ProtocolTool.Title);
            Assert.True(tools[0].ProtocolTool.Annotations!.ReadOnlyHint);
            var structured = page.StructuredContent!.Value;
            Assert.Equal(1, structured.GetProperty("entities").GetArrayLength());
            Assert.Equal(JsonValueKind.String, structured.GetProperty("nextCursor").ValueKind);
            Assert.True(bad.IsError);
            Assert.Equal(McpErrorCode.InvalidParams, unknown.ErrorCode);
        }

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint, TransportMode = HttpTransportMode.StreamableHttp }), cancellationToken: timeout.Token));
        Assert.Contains("401", refused.ToString(), StringComparison.Ordinal);
        await app.StopAsync(timeout.Token);
    }

    [Fact]
    public async Task WithPortCatalog_OnTheAppsOwnServer_KeepsTheAppsToolsWorking()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var catalog = await CreateAsync();
        await SeedAsync(catalog);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddMcpServer()
            .WithHttpTransport()
            .WithTools([McpServerTool.Create((string text) => $"echo: {text}", new McpServerToolCreateOptions { Name = "app_echo" })])
            .WithPrompts([McpServerPrompt.Create(() => "Hello from the app.", new McpServerPromptCreateOptions { Name = "app_hello" })])
            .WithPortCatalog(new PortCatalogMcpServer(catalog, recipes: [new ContextRecipe { Name = "owners" }]));
        await using var app = builder.Build();
        app.MapMcp("/mcp");
        await app.StartAsync(timeout.Token);

        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = new Uri(new Uri(app.Urls.First()), "/mcp"), TransportMode = HttpTransportMode.StreamableHttp }), cancellationToken: timeout.Token);
        var tools = await client.ListToolsAsync(cancellationToken: timeout.Token);
        var echo = await client.CallToolAsync("app_echo", new Dictionary<string, object?> { ["text"] = "hi" }, cancellationToken: timeout.Token);
        var teams = await client.CallToolAsync("search_entities", new Dictionary<string, object?> { ["blueprint"] = "team" }, cancellationToken: timeout.Token);
        var prompts = await client.ListPromptsAsync(cancellationToken: timeout.Token);
        var hello = await client.GetPromptAsync("app_hello", cancellationToken: timeout.Token);
        var resource = await client.ReadResourceAsync("port://blueprints/team", cancellationToken: timeout.Token);
        var unknown = await Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync("nope", cancellationToken: timeout.Token).AsTask());

        Assert.Equal(["app_echo", "compose_context", "get_entity", "get_scorecards", "list_blueprints", "search_entities"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.NotEqual(true, echo.IsError);
        Assert.Equal("echo: hi", Assert.IsType<TextContentBlock>(echo.Content[0]).Text);
        Assert.Equal(2, teams.StructuredContent!.Value.GetProperty("entities").GetArrayLength());
        Assert.Equal(["app_hello", "owners"], prompts.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Hello from the app.", Assert.IsType<TextContentBlock>(hello.Messages[0].Content).Text);
        Assert.Single(resource.Contents);
        Assert.Equal(McpErrorCode.InvalidParams, unknown.ErrorCode);
        await app.StopAsync(timeout.Token);
    }
}
