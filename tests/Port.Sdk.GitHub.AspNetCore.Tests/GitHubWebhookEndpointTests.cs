using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Port.Sdk.GitHub.AspNetCore.Tests;

/// <summary>The webhook endpoint on a real Kestrel server on 127.0.0.1, posted to over HTTP.</summary>
public sealed class GitHubWebhookEndpointTests
{
    [Fact]
    public async Task MapGitHubWebhook_VerifiesSignatures_AndQueuesLiveEvents()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddPort().AddGitHubIntegration(o => { o.Organization = "acme"; o.WebhookSecret = "s3cret"; o.BaseAddress = new Uri("http://127.0.0.1:9/"); });
        await using var app = builder.Build();
        app.MapGitHubWebhook();
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var body = """{ "action": "edited", "repository": { "name": "web", "archived": false } }""";
        HttpRequestMessage Post(string? signature)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-GitHub-Event", "repository");
            if (signature is not null)
            {
                request.Headers.Add("X-Hub-Signature-256", signature);
            }

            return request;
        }

        var valid = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("s3cret"u8, Encoding.UTF8.GetBytes(body)));
        using var accepted = await http.SendAsync(Post(valid), timeout.Token);
        using var unsigned = await http.SendAsync(Post(null), timeout.Token);
        using var forged = await http.SendAsync(Post("sha256=" + new string('0', 64)), timeout.Token);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal("The delivery has no 'X-Hub-Signature-256' header.", await unsigned.Content.ReadAsStringAsync(timeout.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        var integration = app.Services.GetRequiredService<GitHubIntegration>();
        await using var events = integration.WatchAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(("repository", "web"), (events.Current.Kind, events.Current.Item.GetProperty("name").GetString()));
        Assert.Same(integration, app.Services.GetServices<IIntegration>().Single());
        Assert.NotNull(app.Services.GetRequiredService<Port.Sdk.Integrations.ResyncEngine>());
        await app.StopAsync(timeout.Token);
    }
}
