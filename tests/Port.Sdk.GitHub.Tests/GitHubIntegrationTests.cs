using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Port.Sdk.Integrations;
using Port.Sdk.Sqlite;
using Port.Sdk.Testing;

namespace Port.Sdk.GitHub.Tests;

/// <summary>The GitHub integration against the fixture server on 127.0.0.1, through Octokit, into SQLite.</summary>
public sealed class GitHubIntegrationTests : IDisposable
{
    private const string Token = "ghp_secretFixtureToken000000000000000000";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-github-");
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    public void Dispose()
    {
        _timeout.Dispose();
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static GitHubFixtureOrganization Organization() => new() { Repositories = 12, Teams = 3, Members = 6 };

    private static GitHubIntegration Integration(GitHubFixtureServer server, Action<GitHubIntegrationOptions>? configure = null)
    {
        var options = new GitHubIntegrationOptions
        {
            Organization = server.Organization.Login,
            BaseAddress = server.BaseAddress,
            Token = Token,
            RetryDelay = TimeSpan.FromMilliseconds(5),
            TimeProvider = new FixedTime(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)),
        };
        configure?.Invoke(options);
        return new GitHubIntegration(options);
    }

    private async Task<PortCatalog> CatalogAsync(string name)
    {
        var catalog = new PortCatalog(new SqliteEntityStore(Path.Combine(_directory.FullName, name)));
        await catalog.RegisterBlueprintsAsync(GitHubDefaults.Blueprints(), _timeout.Token);
        return catalog;
    }

    private async Task<string[]> SnapshotAsync(PortCatalog catalog)
    {
        var lines = new List<string>();
        await foreach (var entity in catalog.Store.QueryAsync(new EntityQuery(), _timeout.Token))
        {
            lines.Add($"{entity.Blueprint}/{entity.Identifier} {EntityContentHash.Compute(entity)}");
        }

        return [.. lines.Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Resync_FixtureOrganisation_MapsEveryKindWithRelations()
    {
        await using var server = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        using var integration = Integration(server);
        using var catalog = await CatalogAsync("catalog.db");
        var config = GitHubDefaults.Config();
        using var engine = new ResyncEngine(catalog, integration, new JqSemanticMapper(config), config);

        var report = await engine.ResyncAsync(cancellationToken: _timeout.Token);

        Assert.True(report.Completed);
        Assert.All(report.Kinds, k => Assert.Empty(k.Failures));
        Assert.Equal(["team", "user", "repository", "pull-request"], report.Kinds.Select(k => k.Kind));
        Assert.Equal([3, 6, 12, 36], report.Kinds.Select(k => k.Fetched));
        Assert.Equal(10, report.Kinds[2].Created);
        var team = (await catalog.GetEntityAsync("githubTeam", "team-0", _timeout.Token))!;
        Assert.Equal(["dev-0", "dev-3"], team.Relations["members"].Targets);
        var service = GitHubSamples.RepositoryName(1);
        var repository = (await catalog.GetEntityAsync("service", service, _timeout.Token))!;
        Assert.Equal("team-1", Assert.Single(repository.Relations["team"].Targets));
        Assert.Equal($"https://github.com/acme/{service}", repository.Properties["url"].GetString());
        var merged = (await catalog.GetEntityAsync("githubPullRequest", $"{service}-3", _timeout.Token))!;
        Assert.Equal("merged", merged.Properties["status"].GetString());
        Assert.Equal(service, Assert.Single(merged.Relations["service"].Targets));
        Assert.Equal("open", (await catalog.GetEntityAsync("githubPullRequest", $"{service}-1", _timeout.Token))!.Properties["status"].GetString());
        Assert.EndsWith($" {Token}", server.LastAuthorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondResync_Unchanged_IsConditionalAndRewritesNothing()
    {
        await using var server = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        using var integration = Integration(server);
        using var catalog = await CatalogAsync("catalog.db");
        var config = GitHubDefaults.Config();
        using var engine = new ResyncEngine(catalog, integration, new JqSemanticMapper(config), config);
        await engine.ResyncAsync(cancellationToken: _timeout.Token);
        var before = await SnapshotAsync(catalog);
        var (requests, notModified) = (server.Requests, server.NotModified);

        var second = await engine.ResyncAsync(cancellationToken: _timeout.Token);

        Assert.All(second.Kinds, k => Assert.Equal((0, 0, 0), (k.Created, k.Updated, k.Deleted)));
        // Every request of the second resync was conditional and answered 304 (the first already had one: the
        // pull-request kind lists the repositories the repository kind had just read).
        Assert.True(server.Requests - requests > 20);
        Assert.Equal(server.Requests - requests, server.NotModified - notModified);
        Assert.Equal(before, await SnapshotAsync(catalog));
    }

    [Fact]
    public async Task Resync_TwentyPercentTransientFaults_GivesTheFaultFreeCatalog()
    {
        await using var clean = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        await using var faulty = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        faulty.FaultRate = 0.2;
        var config = GitHubDefaults.Config();
        var snapshots = new List<string[]>();
        foreach (var (server, name) in new[] { (clean, "clean.db"), (faulty, "faulty.db") })
        {
            using var integration = Integration(server, o => o.MaxRetries = 10);
            using var catalog = await CatalogAsync(name);
            using var engine = new ResyncEngine(catalog, integration, new JqSemanticMapper(config), config);
            var report = await engine.ResyncAsync(cancellationToken: _timeout.Token);
            Assert.True(report.Completed, string.Join("; ", report.Kinds.SelectMany(k => k.Failures)));
            snapshots.Add((await SnapshotAsync(catalog)).Select(l => l[..l.IndexOf(' ', StringComparison.Ordinal)] + Strip(l)).ToArray());
        }

        Assert.True(faulty.FaultsInjected >= 0.1 * faulty.Requests, $"only {faulty.FaultsInjected} faults in {faulty.Requests} requests");
        Assert.Equal(snapshots[0], snapshots[1]);
    }

    // The hash covers every field but timestamps; both catalogs are written at different times, which the hash ignores.
    private static string Strip(string line) => line[line.IndexOf(' ', StringComparison.Ordinal)..];

    [Fact]
    public async Task ExhaustedRateLimit_WaitsForTheResetAndResumes()
    {
        await using var server = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        server.RateLimitRemaining = 5;
        server.RateLimitResetAfter = TimeSpan.FromSeconds(1);
        using var integration = Integration(server, o => { o.Kinds = ["team"]; o.TimeProvider = TimeProvider.System; });

        var teams = 0;
        await foreach (var page in integration.FetchAsync("team", _timeout.Token))
        {
            teams += page.Count;
        }

        Assert.Equal(3, teams);
        Assert.True(integration.Statistics.RateLimitWaits >= 1);
    }

    [Fact]
    public async Task RateLimitLongerThanTheCap_FailsTheKind_WithoutTheToken_AndDeletesNothing()
    {
        await using var server = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        using var integration = Integration(server, o => { o.Kinds = ["repository"]; o.MaxRateLimitWait = TimeSpan.FromMilliseconds(10); o.TimeProvider = TimeProvider.System; });
        using var catalog = await CatalogAsync("catalog.db");
        var config = GitHubDefaults.Config();
        using var engine = new ResyncEngine(catalog, integration, new JqSemanticMapper(config), config);
        await engine.ResyncAsync(cancellationToken: _timeout.Token);
        server.RateLimitRemaining = 0;
        server.RateLimitResetAfter = TimeSpan.FromHours(1);

        var report = await engine.ResyncAsync(cancellationToken: _timeout.Token);

        Assert.False(report.Completed);
        var failure = Assert.Single(report.Kinds[0].Failures);
        Assert.Contains("GitHub answered 403 to 'GET orgs/acme/repos'", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, failure, StringComparison.Ordinal);
        Assert.Equal(10, await catalog.Store.CountAsync("service", _timeout.Token));
    }

    [Fact]
    public void Options_Invalid_NameEachFieldAndValue()
    {
        var ex = Assert.Throws<ArgumentException>(() => new GitHubIntegration(new GitHubIntegrationOptions { MaxConcurrency = 0, Kinds = ["release"] }));

        Assert.Equal(
            """
            The 'GitHubIntegrationOptions' are invalid.
            Validation Errors:
            The field Organization is required.
            The field MaxConcurrency must be between 1 and 64, was '0'.
            The kind 'release' is not supported; the kinds are 'team', 'user', 'repository', 'pull-request'.
            """.ReplaceLineEndings(),
            ex.Message);
    }

    private static KeyValuePair<string, string>[] Headers(string @event, string? signature)
        => signature is null ? [new("X-GitHub-Event", @event)] : [new("X-GitHub-Event", @event), new("x-hub-signature-256", signature)];

    private static string Sign(string secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    [Fact]
    public async Task Webhook_Signatures_ValidInvalidMissingAltered()
    {
        await using var server = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        using var integration = Integration(server, o => o.WebhookSecret = "s3cret");
        var body = Encoding.UTF8.GetBytes("""{ "action": "edited", "repository": { "name": "web", "archived": false } }""");
        var signature = Sign("s3cret", body);

        Assert.Equal(202, integration.Webhooks.Handle(body, Headers("repository", signature)).StatusCode);
        Assert.Equal(GitHubWebhookOutcome.Rejected, integration.Webhooks.Handle(body, Headers("repository", null)).Outcome);
        Assert.Equal(GitHubWebhookOutcome.Rejected, integration.Webhooks.Handle(body, Headers("repository", Sign("wrong", body))).Outcome);
        Assert.Equal(GitHubWebhookOutcome.Rejected, integration.Webhooks.Handle(body, Headers("repository", "sha256=zz")).Outcome);
        var altered = Encoding.UTF8.GetBytes("""{ "action": "edited", "repository": { "name": "web", "archived": true } }""");
        var replayed = integration.Webhooks.Handle(altered, Headers("repository", signature));
        Assert.Equal((GitHubWebhookOutcome.Rejected, 401), (replayed.Outcome, replayed.StatusCode));
        Assert.DoesNotContain("s3cret", replayed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_Events_BecomeLiveEventsOfTheRuntime()
    {
        await using var server = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        using var integration = Integration(server, o => o.WebhookSecret = "s3cret");
        using var catalog = await CatalogAsync("catalog.db");
        var config = GitHubDefaults.Config();
        using var engine = new ResyncEngine(catalog, integration, new JqSemanticMapper(config), config);
        await engine.ResyncAsync(cancellationToken: _timeout.Token);
        var name = GitHubSamples.RepositoryName(1);
        var deliveries = new (string Event, string Body)[]
        {
            ("pull_request", $$"""{ "action": "opened", "pull_request": { "number": 9, "state": "open", "title": "New", "html_url": "https://github.com/acme/{{name}}/pull/9", "user": { "login": "dev-1" }, "created_at": "2026-11-30T09:00:00Z", "closed_at": null, "merged_at": null, "base": { "repo": { "name": "{{name}}" } } } }"""),
            ("repository", $$"""{ "action": "deleted", "repository": {{GitHubSamples.Repository(2).GetRawText()}} }"""),
            ("team", $$"""{ "action": "deleted", "team": { "slug": "team-2", "name": "Team 2", "html_url": "https://github.com/orgs/acme/teams/team-2", "members": [], "repositories": [] } }"""),
            ("star", """{ "action": "created" }"""),
        };

        var results = deliveries.Select(d => integration.Webhooks.Handle(Encoding.UTF8.GetBytes(d.Body), Headers(d.Event, Sign("s3cret", Encoding.UTF8.GetBytes(d.Body))))).ToList();
        Assert.Equal([GitHubWebhookOutcome.Accepted, GitHubWebhookOutcome.Accepted, GitHubWebhookOutcome.Accepted, GitHubWebhookOutcome.Ignored], results.Select(r => r.Outcome));

        using var watching = CancellationTokenSource.CreateLinkedTokenSource(_timeout.Token);
        var applied = 0;
        await foreach (var change in integration.WatchAsync(watching.Token))
        {
            await engine.ApplyEventAsync(change, _timeout.Token);
            if (++applied == 3)
            {
                break;
            }
        }

        Assert.Equal("open", (await catalog.GetEntityAsync("githubPullRequest", $"{name}-9", _timeout.Token))!.Properties["status"].GetString());
        Assert.Null(await catalog.GetEntityAsync("service", GitHubSamples.RepositoryName(2), _timeout.Token));
        Assert.Null(await catalog.GetEntityAsync("githubTeam", "team-2", _timeout.Token));
    }
}
