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
        Assert.Equal(["user", "team", "repository", "pull-request", "workflow", "workflow-run"], report.Kinds.Select(k => k.Kind));
        Assert.Equal([6, 3, 12, 36, 12, 24], report.Kinds.Select(k => k.Fetched));
        Assert.Equal([6, 3], report.Kinds.Take(2).Select(k => k.Created));
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
        var workflow = (await catalog.GetEntityAsync("githubWorkflow", "300000001", _timeout.Token))!;
        Assert.Equal(service, Assert.Single(workflow.Relations["service"].Targets));
        var run = (await catalog.GetEntityAsync("githubWorkflowRun", "400001000", _timeout.Token))!;
        Assert.Equal(("CI #1", "push", "300000001"), (run.Title, run.Properties["trigger"].GetString(), Assert.Single(run.Relations["workflow"].Targets)));
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
        faulty.SlowFaultDelay = TimeSpan.FromSeconds(3);
        var config = GitHubDefaults.Config();
        var snapshots = new List<string[]>();
        foreach (var (server, name) in new[] { (clean, "clean.db"), (faulty, "faulty.db") })
        {
            using var integration = Integration(server, o => { o.MaxRetries = 10; o.RequestTimeout = TimeSpan.FromSeconds(1); });
            using var catalog = await CatalogAsync(name);
            using var engine = new ResyncEngine(catalog, integration, new JqSemanticMapper(config), config);
            var report = await engine.ResyncAsync(cancellationToken: _timeout.Token);
            Assert.True(report.Completed, string.Join("; ", report.Kinds.SelectMany(k => k.Failures)));
            snapshots.Add((await SnapshotAsync(catalog)).Select(l => l[..l.IndexOf(' ', StringComparison.Ordinal)] + Strip(l)).ToArray());
        }

        Assert.True(faulty.FaultsInjected >= 0.1 * faulty.Requests, $"only {faulty.FaultsInjected} faults in {faulty.Requests} requests");
        Assert.True(faulty.SlowFaults > 0, "no slow answer was injected");
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
        Assert.Equal(ResyncFailureStage.Source, failure.Stage);
        Assert.Contains("GitHub answered 403 to 'GET orgs/acme/repos'", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, failure.ToString(), StringComparison.Ordinal);
        Assert.Equal(10, await catalog.Store.CountAsync("service", _timeout.Token));
    }

    [Fact]
    public void Options_Invalid_NameEachFieldAndValue()
    {
        var ex = Assert.Throws<ArgumentException>(() => new GitHubIntegration(new GitHubIntegrationOptions { MaxConcurrency = 0, Kinds = ["deployment"] }));

        Assert.Equal(
            """
            The 'GitHubIntegrationOptions' are invalid.
            Validation Errors:
            The field Organization is required.
            The field MaxConcurrency must be between 1 and 64, was '0'.
            The kind 'deployment' is not supported; the kinds are 'team', 'user', 'repository', 'pull-request', 'issue', 'release', 'workflow', 'workflow-run', 'file'.
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

    private sealed class ShiftedTime : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Offset;
    }

    [Fact]
    public async Task GitHubApp_ExchangesAJwtForInstallationTokens_AndRefreshesBeforeExpiry()
    {
        await using var server = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        using var key = RSA.Create(2048);
        server.ConfigureApp(appId: 4242, RSA.Create(key.ExportParameters(false)), installationId: 77);
        server.InstallationTokenLifetime = TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30);
        var time = new ShiftedTime();
        var app = new GitHubAppOptions { AppId = 4242, InstallationId = 77, PrivateKeyPem = key.ExportRSAPrivateKeyPem() };
        using var integration = Integration(server, o => { o.Token = null; o.App = app; o.TimeProvider = time; });

        var first = await CountAsync(integration, "user");
        var afterFirst = server.InstallationTokensIssued;
        time.Offset = TimeSpan.FromSeconds(40);
        var second = await CountAsync(integration, "user");

        Assert.Equal((6, 6), (first, second));
        Assert.Equal(1, afterFirst);
        Assert.Equal(2, server.InstallationTokensIssued);
        Assert.Equal(2, integration.InstallationTokensFetched);
        Assert.StartsWith("Bearer ghs_fixture", server.LastAuthorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GitHubApp_WrongKey_FailsWithoutTheKey()
    {
        await using var server = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        using var key = RSA.Create(2048);
        using var other = RSA.Create(2048);
        server.ConfigureApp(4242, RSA.Create(key.ExportParameters(false)), 77);
        var pem = other.ExportRSAPrivateKeyPem();
        using var integration = Integration(server, o => { o.Token = null; o.App = new GitHubAppOptions { AppId = 4242, InstallationId = 77, PrivateKeyPem = pem }; });

        var ex = await Assert.ThrowsAsync<PortException>(() => CountAsync(integration, "user"));

        Assert.Equal("GitHub answered 401 when the app '4242' asked for a token of installation '77': A JSON web token could not be decoded", ex.Message);
        Assert.DoesNotContain(pem[40..80], ex.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Integration(server, o => { o.Token = null; o.App = new GitHubAppOptions { AppId = 1, InstallationId = 2, PrivateKeyPem = "not a key" }; }));
    }

    [Fact]
    public async Task RequiredAuthentication_BadToken_IsAClearErrorWithoutTheToken()
    {
        await using var server = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        server.RequireAuthentication = true;
        server.AcceptToken(Token);
        using var good = Integration(server);
        using var bad = Integration(server, o => o.Token = "ghp_wrongwrongwrong");

        Assert.Equal(12, await CountAsync(good, "repository"));
        var ex = await Assert.ThrowsAsync<PortException>(() => CountAsync(bad, "repository"));
        Assert.Equal("GitHub answered 401 to 'GET orgs/acme/repos': Bad credentials", ex.Message);
        Assert.DoesNotContain("ghp_wrong", ex.ToString(), StringComparison.Ordinal);
    }

    private async Task<int> CountAsync(GitHubIntegration integration, string kind)
    {
        var count = 0;
        await foreach (var page in integration.FetchAsync(kind, _timeout.Token))
        {
            count += page.Count;
        }

        return count;
    }

    private async Task<List<JsonElement>> ItemsAsync(GitHubIntegration integration, string kind)
    {
        var items = new List<JsonElement>();
        await foreach (var page in integration.FetchAsync(kind, _timeout.Token))
        {
            items.AddRange(page);
        }

        return items;
    }

    [Fact]
    public async Task IssueReleaseAndFileKinds_ServeRawItemsWithTheirRepository()
    {
        await using var server = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        using var integration = Integration(server, o => { o.Kinds = ["issue", "release", "file"]; o.FilePatterns = ["port.yml", "**/service.json"]; });
        var name = GitHubSamples.RepositoryName(3);

        var issues = await ItemsAsync(integration, "issue");
        var releases = await ItemsAsync(integration, "release");
        var files = await ItemsAsync(integration, "file");

        Assert.Equal(24, issues.Count);
        Assert.DoesNotContain(issues, i => i.TryGetProperty("pull_request", out _));
        Assert.Equal(2, issues.Count(i => i.GetProperty("__repository").GetString() == name));
        Assert.Equal(12, releases.Count);
        Assert.Equal("v1.0.0", releases[0].GetProperty("tag_name").GetString());
        Assert.Equal(24, files.Count);
        var portYml = files.Single(f => f.GetProperty("__repository").GetString() == name && f.GetProperty("path").GetString() == "port.yml");
        Assert.Equal(("gold", "team-3", "production"), (portYml.GetProperty("content").GetProperty("tier").GetString(), portYml.GetProperty("content").GetProperty("owner").GetString(), portYml.GetProperty("content").GetProperty("lifecycle").GetString()));
        var serviceJson = files.Single(f => f.GetProperty("__repository").GetString() == name && f.GetProperty("path").GetString() == ".github/catalog/service.json");
        Assert.Equal(99.3, serviceJson.GetProperty("content").GetProperty("slo").GetDouble());
    }

    [Fact]
    public async Task FileKind_CatalogAsCode_MapsPortYmlIntoTheService()
    {
        await using var server = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        using var integration = Integration(server, o => o.Kinds = ["user", "team", "repository", "file"]);
        using var catalog = new PortCatalog(new SqliteEntityStore(Path.Combine(_directory.FullName, "code.db")));
        var blueprints = GitHubDefaults.Blueprints().Select(b => b.Identifier != "service" ? b : b with
        {
            Schema = PortJson.ReadBlueprint("""{ "identifier": "x", "schema": { "properties": { "url": { "type": "string" }, "description": { "type": "string" }, "language": { "type": "string" }, "defaultBranch": { "type": "string" }, "visibility": { "type": "string" }, "tier": { "type": "string", "enum": ["gold", "silver", "bronze"] } } } }""").Schema,
        });
        await catalog.RegisterBlueprintsAsync([.. blueprints], _timeout.Token);
        var config = PortAppConfig.Parse(GitHubDefaults.ConfigText + """
              - kind: file
                selector:
                  query: .path == "port.yml"
                port:
                  entity:
                    mappings:
                      identifier: .__repository
                      blueprint: '"service"'
                      properties:
                        tier: .content.tier
                      relations:
                        team: .content.owner
            """);
        using var engine = new ResyncEngine(catalog, integration, new JqSemanticMapper(config), config) { };

        var report = await engine.ResyncAsync(cancellationToken: _timeout.Token);

        Assert.All(report.Kinds, k => Assert.Empty(k.Failures));
        var service = (await catalog.GetEntityAsync("service", GitHubSamples.RepositoryName(3), _timeout.Token))!;
        Assert.Equal("gold", service.Properties["tier"].GetString());
        Assert.Equal("team-3", Assert.Single(service.Relations["team"].Targets));
    }

    [Fact]
    public async Task Webhook_PushTeamAndIssues_BecomeLiveEvents()
    {
        await using var server = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        using var integration = Integration(server, o => { o.WebhookSecret = "s3cret"; o.FilePatterns = ["port.yml"]; });
        var name = GitHubSamples.RepositoryName(3);
        var push = $$"""{ "ref": "refs/heads/main", "repository": { "name": "{{name}}", "default_branch": "main" }, "commits": [ { "added": [], "modified": ["port.yml", "src/app.cs"], "removed": [] }, { "added": [], "modified": [], "removed": ["old/port.yml"] } ] }""";
        var featurePush = $$"""{ "ref": "refs/heads/feature", "repository": { "name": "{{name}}", "default_branch": "main" }, "commits": [ { "modified": ["port.yml"] } ] }""";
        var membership = """{ "action": "added", "team": { "slug": "team-1", "name": "Team 1", "html_url": "https://github.com/orgs/acme/teams/team-1" }, "member": { "login": "dev-1" } }""";
        var issue = $$"""{ "action": "opened", "issue": { "number": 7, "title": "Bug", "state": "open" }, "repository": { "name": "{{name}}" } }""";
        GitHubWebhookResult Deliver(string @event, string body) => integration.Webhooks.Handle(Encoding.UTF8.GetBytes(body), Headers(@event, Sign("s3cret", Encoding.UTF8.GetBytes(body))));

        Assert.Equal(GitHubWebhookOutcome.Accepted, Deliver("push", push).Outcome);
        Assert.Equal(GitHubWebhookOutcome.Ignored, Deliver("push", featurePush).Outcome);
        Assert.Equal(GitHubWebhookOutcome.Accepted, Deliver("membership", membership).Outcome);
        Assert.Equal("issue", Assert.Single(Deliver("issues", issue).Events).Kind);
        var release = Assert.Single(Deliver("release", $$"""{ "action": "deleted", "release": { "id": 1, "tag_name": "v1" }, "repository": { "name": "{{name}}" } }""").Events);
        var run = Assert.Single(Deliver("workflow_run", $$"""{ "action": "completed", "workflow_run": { "id": 2, "workflow_id": 3 }, "repository": { "name": "{{name}}" } }""").Events);
        Assert.Equal(("release", true, name), (release.Kind, release.Deleted, release.Item.GetProperty("__repository").GetString()));
        Assert.Equal(("workflow-run", false), (run.Kind, run.Deleted));

        var events = new List<IntegrationEvent>();
        await foreach (var change in integration.WatchAsync(_timeout.Token))
        {
            events.Add(change);
            if (events.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(["file", "team", "issue"], events.Select(e => e.Kind));
        Assert.Equal("gold", events[0].Item.GetProperty("content").GetProperty("tier").GetString());
        Assert.Equal(name, events[0].Item.GetProperty("__repository").GetString());
        Assert.Equal(["dev-1", "dev-4"], events[1].Item.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(name, events[2].Item.GetProperty("__repository").GetString());
    }

    [Fact]
    public async Task OptInKinds_IssueAndRelease_MapWithTheDefaultMapping()
    {
        await using var server = await GitHubFixtureServer.StartAsync(Organization(), _timeout.Token);
        using var integration = Integration(server, o => o.Kinds = ["user", "team", "repository", "issue", "release"]);
        using var catalog = await CatalogAsync("optin.db");
        var config = GitHubDefaults.Config();
        using var engine = new ResyncEngine(catalog, integration, new JqSemanticMapper(config), config);

        var report = await engine.ResyncAsync(cancellationToken: _timeout.Token);

        Assert.All(report.Kinds, k => Assert.Empty(k.Failures));
        var name = GitHubSamples.RepositoryName(3);
        var issue = (await catalog.GetEntityAsync("githubIssue", $"{name}-issue-100", _timeout.Token))!;
        Assert.Equal(("open", "bug", name), (issue.Properties["status"].GetString(), issue.Properties["labels"][0].GetString(), Assert.Single(issue.Relations["service"].Targets)));
        Assert.Equal("closed", (await catalog.GetEntityAsync("githubIssue", $"{name}-issue-101", _timeout.Token))!.Properties["status"].GetString());
        var release = (await catalog.GetEntityAsync("githubRelease", $"{name}-v1.0.0", _timeout.Token))!;
        Assert.Equal(("v1.0.0", name), (release.Properties["tag"].GetString(), Assert.Single(release.Relations["service"].Targets)));
        Assert.Equal(24, await catalog.Store.CountAsync("githubIssue", _timeout.Token));
    }
}
