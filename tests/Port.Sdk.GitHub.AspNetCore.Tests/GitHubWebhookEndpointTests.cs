using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Port.Sdk.Integrations;
using Xunit.Abstractions;

namespace Port.Sdk.GitHub.AspNetCore.Tests;

/// <summary>The webhook endpoint on a real Kestrel server on 127.0.0.1, posted to over HTTP, into the catalog through the event pump.</summary>
public sealed class GitHubWebhookEndpointTests(ITestOutputHelper output) : IDisposable
{
    private const string Secret = "s3cret";
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private long _bodyBytesRead;

    public void Dispose() => _timeout.Dispose();

    private async Task<(WebApplication App, HttpClient Http)> StartAsync(Action<IPortBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        configure(builder.Services.AddPort());
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            // Counts what the endpoint reads of each request body, to show what it does not read.
            context.Request.Body = new CountingReadStream(context.Request.Body, n => Interlocked.Add(ref _bodyBytesRead, n));
            await next(context);
        });
        map(app);
        await app.StartAsync(_timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address) });
    }

    private static void Acme(GitHubIntegrationOptions o)
    {
        o.Organization = "acme";
        o.WebhookSecret = Secret;
        o.BaseAddress = new Uri("http://127.0.0.1:9/");
    }

    private static string Sign(string body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body)));

    private static string Repository(string name) => $$"""{ "action": "created", "repository": { "name": "{{name}}", "archived": false, "html_url": "https://github.com/acme/{{name}}", "visibility": "public", "default_branch": "main" } }""";

    private static HttpRequestMessage Post(string path, string body, string? signature, string? delivery)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-GitHub-Event", "repository");
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature);
        }

        if (delivery is not null)
        {
            request.Headers.Add("X-GitHub-Delivery", delivery);
        }

        return request;
    }

    [Fact]
    public async Task SignedDelivery_ReachesTheCatalog_OverRealHttp()
    {
        var (app, http) = await StartAsync(p => p.AddGitHubIntegration("acme", Acme), a => a.MapGitHubWebhook());
        await using var _ = app;
        using var __ = http;
        var catalog = app.Services.GetRequiredService<PortCatalog>();
        await using var watch = CatalogWatch.Start(catalog, _timeout.Token);
        var body = Repository("web");

        using var unsigned = await http.SendAsync(Post("/webhooks/github", body, null, "u-1"), _timeout.Token);
        using var forged = await http.SendAsync(Post("/webhooks/github", body, "sha256=" + new string('0', 64), "f-1"), _timeout.Token);
        using var accepted = await http.SendAsync(Post("/webhooks/github", body, Sign(body), "d-1"), _timeout.Token);
        var change = await watch.UntilAsync(c => c.Key == new EntityKey("service", "web"));

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Accepted), (unsigned.StatusCode, forged.StatusCode, accepted.StatusCode));
        Assert.Equal("The delivery has no 'X-Hub-Signature-256' header.", await unsigned.Content.ReadAsStringAsync(_timeout.Token));
        Assert.Equal(EntityChangeKind.Created, change.Kind);
        var entity = (await catalog.GetEntityAsync("service", "web", _timeout.Token))!;
        Assert.Equal(("github-acme", "https://github.com/acme/web"), (entity.DataSource!.Integration, entity.Properties["url"].GetString()));
        Assert.Equal(1, app.Services.GetRequiredService<IntegrationRegistry>().GetEventPump("acme").Applied);
        await app.StopAsync(_timeout.Token);
    }

    [Fact]
    public async Task ReplayedDeliveryId_IsAcknowledged_AndAppliedOnce()
    {
        var (app, http) = await StartAsync(p => p.AddGitHubIntegration("acme", Acme), a => a.MapGitHubWebhook());
        await using var _ = app;
        using var __ = http;
        var catalog = app.Services.GetRequiredService<PortCatalog>();
        var pump = app.Services.GetRequiredService<IntegrationRegistry>().GetEventPump("acme");
        await using var watch = CatalogWatch.Start(catalog, _timeout.Token);
        var first = Repository("web");
        var last = Repository("api");

        var statuses = new List<HttpStatusCode>();
        foreach (var (body, delivery) in new[] { (first, "d-1"), (first, "d-1"), (first, "d-1"), (last, "d-2") })
        {
            using var response = await http.SendAsync(Post("/webhooks/github", body, Sign(body), delivery), _timeout.Token);
            statuses.Add(response.StatusCode);
        }

        // Events are applied in order: once 'api' (the last delivery) is in the catalog, every earlier one was applied.
        await watch.UntilAsync(c => c.Key == new EntityKey("service", "api"));

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Accepted], statuses);
        Assert.Equal((2L, 0L), (pump.Applied, pump.Failed));
        await app.StopAsync(_timeout.Token);
    }

    [Fact]
    public async Task FullQueue_Answers429_WithRetryAfter()
    {
        var (app, http) = await StartAsync(
            p => p.AddGitHubIntegration("acme", o => { Acme(o); o.WebhookQueueCapacity = 2; }, i => i.LiveEvents = false),
            a => a.MapGitHubWebhook());
        await using var _ = app;
        using var __ = http;

        var answers = new List<(HttpStatusCode, string?)>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            var body = Repository(name);
            using var response = await http.SendAsync(Post("/webhooks/github", body, Sign(body), $"d-{name}"), _timeout.Token);
            answers.Add((response.StatusCode, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString()));
        }

        Assert.Equal([(HttpStatusCode.Accepted, null), (HttpStatusCode.Accepted, null), (HttpStatusCode.TooManyRequests, "10")], answers);
        await app.StopAsync(_timeout.Token);
    }

    [Fact]
    public async Task TwoOrganisations_RouteParameter_DeliversToTheNamedIntegration()
    {
        var (app, http) = await StartAsync(
            p => p.AddGitHubIntegration("acme", Acme).AddGitHubIntegration("globex", o => { Acme(o); o.Organization = "globex"; }),
            a => a.MapGitHubWebhook("/webhooks/github/{integration}"));
        await using var _ = app;
        using var __ = http;
        var catalog = app.Services.GetRequiredService<PortCatalog>();
        await using var watch = CatalogWatch.Start(catalog, _timeout.Token);
        var body = Repository("ledger");

        using var unknown = await http.SendAsync(Post("/webhooks/github/initech", body, Sign(body), "d-0"), _timeout.Token);
        using var accepted = await http.SendAsync(Post("/webhooks/github/globex", body, Sign(body), "d-1"), _timeout.Token);
        var change = await watch.UntilAsync(c => c.Key == new EntityKey("service", "ledger"));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.Accepted), (unknown.StatusCode, accepted.StatusCode));
        Assert.Equal("github-globex", change.Entity!.DataSource!.Integration);
        Assert.Throws<InvalidOperationException>(() => app.MapGitHubWebhook("/webhooks/other"));
        await app.StopAsync(_timeout.Token);
    }

    [Fact]
    public async Task OversizedBodies_AreRefused_WithoutBeingBuffered()
    {
        const int Size = 24 * 1024 * 1024;
        var (app, http) = await StartAsync(p => p.AddGitHubIntegration("acme", o => { Acme(o); o.MaxWebhookBodySize = 1024 * 1024; }), a => a.MapGitHubWebhook());
        await using var _ = app;
        using var __ = http;

        // A declared length over the cap is refused unread; so is a body without a signature, whatever its size.
        using var declared = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new GeneratedContent(2 * 1024 * 1024, declareLength: true) };
        declared.Headers.Add("X-Hub-Signature-256", "sha256=" + new string('0', 64));
        declared.Headers.ExpectContinue = true;
        using var tooLarge = await http.SendAsync(declared, _timeout.Token);
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, 0L), (tooLarge.StatusCode, Interlocked.Read(ref _bodyBytesRead)));

        // A body of unknown length is read as it streams, and reading stops at the cap.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new GeneratedContent(4 * 1024 * 1024, declareLength: false) };
        chunked.Headers.Add("X-Hub-Signature-256", "sha256=" + new string('0', 64));
        var capped = await SendTolerantAsync(http, chunked);
        Assert.True(capped is null or HttpStatusCode.RequestEntityTooLarge, $"answered {capped}");
        Assert.InRange(Interlocked.Read(ref _bodyBytesRead), 0, (1024 * 1024) + (64 * 1024));

        // Forty concurrent unsigned 24 MB posts: each is refused (401) before its body is read; twenty ask
        // 'Expect: 100-continue' and never send their body, twenty send at once and the server does not read it.
        Interlocked.Exchange(ref _bodyBytesRead, 0);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new GeneratedContent(Size, declareLength: true) };
            request.Headers.Add("X-GitHub-Event", "repository");
            request.Headers.ExpectContinue = i % 2 == 0;
            return (Expect: i % 2 == 0, Status: await SendTolerantAsync(http, request));
        }));
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;

        // Whether a client sees the 401 or the connection closed under it depends on timing; what holds either way is
        // that no body was read and nothing was buffered.
        Assert.All(answers, a => Assert.True(a.Status is null or HttpStatusCode.Unauthorized, $"answered {a.Status}"));
        Assert.Equal(0L, Interlocked.Read(ref _bodyBytesRead));
        // Buffering would allocate at least the 960 MB posted; client and server together stay far below that.
        Assert.True(allocated < 40L * Size / 8, $"{allocated / (1024 * 1024)} MB allocated");
        output.WriteLine($"40 unsigned 24 MB posts: {allocated / (1024 * 1024)} MB allocated in the process; answers: {string.Join(", ", answers.Select(a => a.Status?.ToString() ?? "closed"))}.");
        await app.StopAsync(_timeout.Token);
    }

    /// <summary>The status, or null when the server closed the connection before the client finished sending a body it was never going to read.</summary>
    private async Task<HttpStatusCode?> SendTolerantAsync(HttpClient http, HttpRequestMessage request)
    {
        try
        {
            using var response = await http.SendAsync(request, _timeout.Token);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>A body of <c>x</c> bytes written from one small buffer, so the client allocates almost nothing for it.</summary>
    private sealed class GeneratedContent(long length, bool declareLength) : HttpContent
    {
        private static readonly byte[] Chunk = Enumerable.Repeat((byte)'x', 64 * 1024).ToArray();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (long written = 0; written < length; written += Chunk.Length)
            {
                await stream.WriteAsync(Chunk.AsMemory(0, (int)Math.Min(Chunk.Length, length - written)));
            }
        }

        protected override bool TryComputeLength(out long size)
        {
            size = length;
            return declareLength;
        }
    }

    private sealed class CountingReadStream(Stream inner, Action<int> read) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            read(n);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Synchronous reads are not allowed.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
