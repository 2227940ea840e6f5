using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Port.Sdk.Integrations;
using Port.Sdk.Mcp;
using Port.Sdk.Testing;

namespace Port.Sdk.GitHub.Tests;

/// <summary>GitHub integrations hosted with AddGitHubIntegration: several organisations, options from configuration and validated at start, IHttpClientFactory, logging.</summary>
public sealed class GitHubHostingTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    public void Dispose() => _timeout.Dispose();

    /// <summary>Repositories only, identified by organisation and name, so two organisations' repositories never collide.</summary>
    private const string RepositoryMapping = """
        resources:
          - kind: repository
            selector:
              query: 'true'
            port:
              entity:
                mappings:
                  identifier: .owner.login + "-" + .name
                  title: .full_name
                  blueprint: '"service"'
                  properties:
                    url: .html_url
        """;

    private static HostApplicationBuilder Builder()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        return builder;
    }

    [Fact]
    public async Task TwoOrganisations_SyncSideBySide_IntoOneCatalog()
    {
        await using var acme = await GitHubFixtureServer.StartAsync(new GitHubFixtureOrganization { Login = "acme", Repositories = 7, Teams = 1, Members = 2 }, _timeout.Token);
        await using var globex = await GitHubFixtureServer.StartAsync(new GitHubFixtureOrganization { Login = "globex", Repositories = 5, Teams = 1, Members = 2 }, _timeout.Token);
        var builder = Builder();
        var mapping = PortAppConfig.Parse(RepositoryMapping);
        builder.Services.AddPort()
            .AddGitHubIntegration("acme", o => { o.Organization = "acme"; o.BaseAddress = acme.BaseAddress; o.Kinds = ["repository"]; }, i => i.Mapping = mapping)
            .AddGitHubIntegration("globex", o => { o.Organization = "globex"; o.BaseAddress = globex.BaseAddress; o.Kinds = ["repository"]; }, i => i.Mapping = mapping);
        using var host = builder.Build();
        await host.StartAsync(_timeout.Token);
        var registry = host.Services.GetRequiredService<IntegrationRegistry>();
        var catalog = host.Services.GetRequiredService<PortCatalog>();

        var first = await registry.GetEngine("acme").ResyncAsync(cancellationToken: _timeout.Token);
        var second = await registry.GetEngine("globex").ResyncAsync(cancellationToken: _timeout.Token);
        var again = await registry.GetEngine("acme").ResyncAsync(cancellationToken: _timeout.Token);

        Assert.Equal(["acme", "globex"], registry.Names);
        Assert.Equal((7, 5, 0, 7), (first.Kinds[0].Created, second.Kinds[0].Created, again.Kinds[0].Deleted, again.Kinds[0].Unchanged));
        Assert.Equal(12, await catalog.Store.CountAsync("service", _timeout.Token));
        var acmeService = (await catalog.GetEntityAsync("service", $"acme-{GitHubSamples.RepositoryName(0)}", _timeout.Token))!;
        var globexService = (await catalog.GetEntityAsync("service", $"globex-{GitHubSamples.RepositoryName(0)}", _timeout.Token))!;
        Assert.Equal(("github-acme", "github-globex"), (acmeService.DataSource!.Integration, globexService.DataSource!.Integration));
        Assert.Equal(("acme", "globex"), (host.Services.GetRequiredKeyedService<GitHubIntegration>("acme").Identifier[7..], host.Services.GetRequiredKeyedService<GitHubIntegration>("globex").Identifier[7..]));
        Assert.Equal(2, host.Services.GetServices<IIntegration>().Count());
        var ambiguous = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<ResyncEngine>());
        Assert.Contains("Several integrations are registered ('acme', 'globex')", ambiguous.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<GitHubIntegration>());
        await host.StopAsync(_timeout.Token);
    }

    [Fact]
    public void AddGitHubIntegration_SameNameTwice_IsRefusedAtOnce()
    {
        var services = new ServiceCollection();
        var port = services.AddPort().AddGitHubIntegration("acme", o => o.Organization = "acme");

        var ex = Assert.Throws<ArgumentException>("name", () => port.AddGitHubIntegration("acme", o => o.Organization = "other"));

        Assert.StartsWith("An integration named 'acme' is already registered; give each integration its own name.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddGitHubIntegration_FromConfiguration_BindsGitHubAndIntegrationOptions()
    {
        await using var server = await GitHubFixtureServer.StartAsync(new GitHubFixtureOrganization { Login = "initech", Repositories = 3, Teams = 1, Members = 1 }, _timeout.Token);
        var mappingFile = Path.Combine(Path.GetTempPath(), $"port-app-config-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(mappingFile, RepositoryMapping, _timeout.Token);
        try
        {
            var builder = Builder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Port:GitHub:initech:Organization"] = "initech",
                ["Port:GitHub:initech:BaseAddress"] = server.BaseAddress.ToString(),
                ["Port:GitHub:initech:Kinds:0"] = "repository",
                ["Port:GitHub:initech:MaxConcurrency"] = "2",
                ["Port:GitHub:initech:MappingFile"] = mappingFile,
                ["Port:GitHub:initech:ResyncInterval"] = "01:00:00",
                ["Port:GitHub:initech:LiveEvents"] = "false",
            });
            builder.Services.AddPort().AddGitHubIntegration("initech", builder.Configuration.GetSection("Port:GitHub:initech"));
            using var host = builder.Build();
            await host.StartAsync(_timeout.Token);
            var github = host.Services.GetRequiredService<IOptionsMonitor<GitHubIntegrationOptions>>().Get("initech");
            var hosting = host.Services.GetRequiredService<IOptionsMonitor<IntegrationOptions>>().Get("initech");
            var schedule = host.Services.GetRequiredService<IntegrationRegistry>().GetSchedule("initech");
            var catalog = host.Services.GetRequiredService<PortCatalog>();
            for (long count = 0; count < 3; count = await catalog.Store.CountAsync("service", _timeout.Token))
            {
                // The first scheduled resync runs as the host starts; wait for it (bounded by the test's timeout).
                await Task.Delay(20, _timeout.Token);
            }

            // The binder adds configured list items to the defaults' (as Microsoft.Extensions.Configuration does);
            // the kinds are then the defaults and 'repository' again, which the integration serves once each.
            Assert.Equal(("initech", 2, TimeSpan.FromHours(1), false), (github.Organization, github.MaxConcurrency, hosting.ResyncInterval, hosting.LiveEvents));
            Assert.Equal(TimeSpan.FromHours(1), schedule.Interval);
            Assert.Equal(mappingFile, hosting.MappingFile);
            Assert.Contains("repository", github.Kinds);
            Assert.NotNull(await catalog.GetEntityAsync("service", $"initech-{GitHubSamples.RepositoryName(2)}", _timeout.Token));
            await host.StopAsync(_timeout.Token);
        }
        finally
        {
            File.Delete(mappingFile);
        }
    }

    public static TheoryData<string, string> BadOptions => new()
    {
        { "no-organisation", "GitHubIntegrationOptions of integration 'acme': The field Organization is required." },
        { "zero-schedule", "IntegrationOptions of integration 'acme': The field ResyncInterval must be positive, was '00:00:00'." },
        { "missing-mapping-file", "IntegrationOptions of integration 'acme': The field MappingFile names a file that does not exist: '/nonexistent/port-app-config.yml'." },
        { "mcp-without-command", "McpConnectorOptions of connector 'docs': Exactly one of Command (stdio), Endpoint (HTTP) and TransportFactory must be set; Command was not set, Endpoint not set, TransportFactory not set." },
        { "small-queue", "GitHubIntegrationOptions of integration 'acme': The field WebhookQueueCapacity must be between 1 and 1000000, was '0'." },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task HostStart_BadOptions_FailsNamingTheOption(string bad, string expected)
    {
        var builder = Builder();
        var port = builder.Services.AddPort();
        port.AddGitHubIntegration(
            "acme",
            o =>
            {
                o.Organization = bad == "no-organisation" ? string.Empty : "acme";
                o.WebhookQueueCapacity = bad == "small-queue" ? 0 : o.WebhookQueueCapacity;
            },
            i =>
            {
                i.ResyncInterval = bad == "zero-schedule" ? TimeSpan.Zero : null;
                if (bad == "missing-mapping-file")
                {
                    i.MappingFile = "/nonexistent/port-app-config.yml";
                }
            });
        port.AddMcpConnector("docs", o =>
        {
            if (bad != "mcp-without-command")
            {
                o.Command = "docs-server";
            }
        });
        using var host = builder.Build();

        var ex = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => host.StartAsync(_timeout.Token));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpClientFactory_HandlersSeeEveryRequest_WithTheStandardResiliencePipeline()
    {
        await using var server = await GitHubFixtureServer.StartAsync(new GitHubFixtureOrganization { Repositories = 4, Teams = 1, Members = 2 }, _timeout.Token);
        var counter = new CountingHandler();
        var builder = Builder();
        builder.Services.AddPort()
            .AddGitHubIntegration("acme", o => { o.Organization = "acme"; o.BaseAddress = server.BaseAddress; o.Kinds = ["user", "team", "repository"]; })
            .UseStandardResilience()
            .HttpClient.AddHttpMessageHandler(() => counter);
        using var host = builder.Build();
        await host.StartAsync(_timeout.Token);

        var report = await host.Services.GetRequiredService<ResyncEngine>().ResyncAsync(cancellationToken: _timeout.Token);

        Assert.True(report.Completed, string.Join("; ", report.Kinds.SelectMany(k => k.Failures)));
        Assert.Equal([2, 1, 4], report.Kinds.Select(k => k.Fetched));
        Assert.True(counter.Requests > 0);
        Assert.Equal(server.Requests, counter.Requests);
        await host.StopAsync(_timeout.Token);
    }

    [Fact]
    public async Task RateLimitWait_IsLoggedWithItsLength()
    {
        await using var server = await GitHubFixtureServer.StartAsync(new GitHubFixtureOrganization { Repositories = 2, Teams = 3, Members = 2 }, _timeout.Token);
        server.RateLimitRemaining = 2;
        server.RateLimitResetAfter = TimeSpan.FromSeconds(1);
        var logs = new CapturingLoggerProvider();
        using var integration = new GitHubIntegration(new GitHubIntegrationOptions { Organization = "acme", BaseAddress = server.BaseAddress, Kinds = ["team"] }, null, logs.CreateLogger<GitHubIntegration>());

        await foreach (var page in integration.FetchAsync("team", _timeout.Token))
        {
            Assert.NotEmpty(page);
        }

        var waits = logs.Messages.Where(m => m.Id.Id == 3000).ToList();
        Assert.InRange(waits.Count, 1, integration.Statistics.RateLimitWaits);
        Assert.All(waits, wait =>
        {
            Assert.Equal(LogLevel.Warning, wait.Level);
            Assert.Matches(@"^GitHub integration 'github-acme': the rate limit is exhausted on 'GET orgs/acme/teams[^']*' \(403\); waiting \d+(\.\d)? s before retrying\.$", wait.Message);
        });
    }

    private static string Sign(string body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("s3cret"u8, Encoding.UTF8.GetBytes(body)));

    private static KeyValuePair<string, string>[] Headers(string body, string? delivery) =>
        delivery is null
            ? [new("X-GitHub-Event", "repository"), new("X-Hub-Signature-256", Sign(body))]
            : [new("X-GitHub-Event", "repository"), new("X-Hub-Signature-256", Sign(body)), new("X-GitHub-Delivery", delivery)];

    private static string Repository(string name) => $$"""{ "action": "edited", "repository": { "name": "{{name}}", "archived": false } }""";

    [Fact]
    public async Task Webhook_ReplayedDeliveryId_IsAcknowledgedButQueuedOnce()
    {
        using var integration = new GitHubIntegration(new GitHubIntegrationOptions { Organization = "acme", WebhookSecret = "s3cret", RememberedDeliveries = 2 });
        var body = Encoding.UTF8.GetBytes(Repository("web"));

        var outcomes = new[] { "d-1", "d-1", "d-2", "d-3", "d-1" }
            .Select(id => integration.Webhooks.Handle(body, Headers(Repository("web"), id)))
            .Select(r => (r.Outcome, r.StatusCode, r.DeliveryId))
            .ToList();

        // d-1 is forgotten once two newer ids were remembered (RememberedDeliveries = 2), so it is accepted again.
        Assert.Equal(
            [(GitHubWebhookOutcome.Accepted, 202, "d-1"), (GitHubWebhookOutcome.Duplicate, 200, "d-1"), (GitHubWebhookOutcome.Accepted, 202, "d-2"), (GitHubWebhookOutcome.Accepted, 202, "d-3"), (GitHubWebhookOutcome.Accepted, 202, "d-1")],
            outcomes);
        integration.CompleteEvents();
        var delivered = new List<string?>();
        await foreach (var change in integration.WatchAsync(_timeout.Token))
        {
            delivered.Add(change.DeliveryId);
        }

        Assert.Equal(["d-1", "d-2", "d-3", "d-1"], delivered);
        Assert.Equal(GitHubWebhookOutcome.Unavailable, integration.Webhooks.Handle(body, Headers(Repository("web"), "d-9")).Outcome);
    }

    [Fact]
    public void Webhook_FullQueue_Answers429_AndDoesNotRememberTheDelivery()
    {
        using var integration = new GitHubIntegration(new GitHubIntegrationOptions { Organization = "acme", WebhookSecret = "s3cret", WebhookQueueCapacity = 2 });

        var results = new[] { "a", "b", "c" }.Select(id => integration.Webhooks.Handle(Encoding.UTF8.GetBytes(Repository(id)), Headers(Repository(id), id))).ToList();

        Assert.Equal([202, 202, 429], results.Select(r => r.StatusCode));
        Assert.Equal("The integration's event queue is full (2 deliveries wait to be applied); deliver again later.", results[2].Reason);
    }

    [Fact]
    public async Task WebhookStream_Unsigned_IsRefusedWithoutReadingTheBody()
    {
        using var integration = new GitHubIntegration(new GitHubIntegrationOptions { Organization = "acme", WebhookSecret = "s3cret" });
        await using var body = new CountingStream(24 * 1024 * 1024);

        var result = await integration.Webhooks.HandleAsync(body, [new("X-GitHub-Event", "repository")], body.Length, _timeout.Token);

        Assert.Equal((401, 0L), (result.StatusCode, body.BytesRead));
    }

    [Fact]
    public async Task WebhookStream_OverTheCap_StopsReadingAtTheCap()
    {
        using var integration = new GitHubIntegration(new GitHubIntegrationOptions { Organization = "acme", WebhookSecret = "s3cret", MaxWebhookBodySize = 1024 * 1024 });
        await using var declared = new CountingStream(2 * 1024 * 1024);
        await using var undeclared = new CountingStream(64 * 1024 * 1024);
        KeyValuePair<string, string>[] headers = [new("X-GitHub-Event", "repository"), new("X-Hub-Signature-256", "sha256=" + new string('0', 64))];

        var refusedUnread = await integration.Webhooks.HandleAsync(declared, headers, declared.Length, _timeout.Token);
        var refusedAtCap = await integration.Webhooks.HandleAsync(undeclared, headers, null, _timeout.Token);

        Assert.Equal((413, 0L), (refusedUnread.StatusCode, declared.BytesRead));
        Assert.Equal(413, refusedAtCap.StatusCode);
        Assert.InRange(undeclared.BytesRead, 1024 * 1024, (1024 * 1024) + (16 * 1024));
    }

    [Fact]
    public async Task WebhookStream_SignedLargeBody_IsVerifiedAndAccepted()
    {
        using var integration = new GitHubIntegration(new GitHubIntegrationOptions { Organization = "acme", WebhookSecret = "s3cret" });
        var padding = new string('x', 300_000);
        var text = $$"""{ "action": "edited", "repository": { "name": "big", "archived": false, "description": "{{padding}}" } }""";
        await using var body = new MemoryStream(Encoding.UTF8.GetBytes(text));

        var result = await integration.Webhooks.HandleAsync(body, Headers(text, "big-1"), body.Length, _timeout.Token);
        var forged = await integration.Webhooks.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(text + " ")), Headers(text, "big-2"), null, _timeout.Token);

        Assert.Equal((GitHubWebhookOutcome.Accepted, "big"), (result.Outcome, Assert.Single(result.Events).Item.GetProperty("name").GetString()));
        Assert.Equal(padding.Length, result.Events[0].Item.GetProperty("description").GetString()!.Length);
        Assert.Equal(GitHubWebhookOutcome.Rejected, forged.Outcome);
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
