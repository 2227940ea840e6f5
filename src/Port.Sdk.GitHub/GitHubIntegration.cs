using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Octokit;
using Octokit.Internal;
using Port.Sdk.Integrations;

namespace Port.Sdk.GitHub;

/// <summary>
/// The GitHub integration: streams an organisation's teams (with their members and repositories), members,
/// repositories, pull requests (open, and closed within <see cref="GitHubIntegrationOptions.ClosedPullRequestWindow"/>),
/// issues, releases, workflows, workflow runs and files, in GitHub's own REST shape, page by page, through Octokit.
/// Items read per repository carry the repository's name in <c>__repository</c>. Live events come from
/// <see cref="Webhooks"/>, through a bounded queue (<see cref="GitHubIntegrationOptions.WebhookQueueCapacity"/>).
/// </summary>
public sealed class GitHubIntegration : IDrainableIntegration, IDisposable
{
    /// <summary>Every kind the integration serves.</summary>
    public static readonly IReadOnlyList<string> AllKinds = ["team", "user", "repository", "pull-request", "issue", "release", "workflow", "workflow-run", "file"];

    /// <summary>The kinds of the default mapping (<see cref="GitHubDefaults"/>), in sync order.</summary>
    public static readonly IReadOnlyList<string> DefaultKinds = ["user", "team", "repository", "pull-request", "workflow", "workflow-run"];

    private readonly GitHubIntegrationOptions _options;
    private readonly GitHubHttpClient _http;
    private readonly GitHubAppCredentialStore? _app;
    private readonly Connection _connection;
    private readonly Channel<GitHubWebhookWork> _work;
    private readonly string _org;
    private readonly Regex[] _files;
    private readonly ILogger _logger;
    private volatile bool _closed;

    /// <summary>Initializes a new instance of the <see cref="GitHubIntegration"/> class.</summary>
    /// <param name="options">The organisation, credentials and limits.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists each field and value (never a secret).</exception>
    public GitHubIntegration(GitHubIntegrationOptions options)
        : this(options, null, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="GitHubIntegration"/> class.</summary>
    /// <param name="options">The organisation, credentials and limits.</param>
    /// <param name="createHandler">
    /// Creates the HTTP handler Octokit sends through, such as <c>() => handlerFactory.CreateHandler(name)</c> of
    /// <c>IHttpClientFactory</c> (called once); <see langword="null"/> for Octokit's default handler.
    /// </param>
    /// <param name="logger">Where rate-limit waits, retries and refused webhooks are logged; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists each field and value (never a secret).</exception>
    public GitHubIntegration(GitHubIntegrationOptions options, Func<HttpMessageHandler>? createHandler, ILogger<GitHubIntegration>? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _org = Uri.EscapeDataString(options.Organization);
        Identifier = options.Identifier ?? $"github-{options.Organization}";
        Kinds = [.. options.Kinds];
        _files = [.. options.FilePatterns.Select(Glob)];
        _work = Channel.CreateBounded<GitHubWebhookWork>(new BoundedChannelOptions(options.WebhookQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _http = new GitHubHttpClient(new HttpClientAdapter(createHandler ?? HttpMessageHandlerFactory.CreateDefault), options, _logger, Identifier);
        _http.SetRequestTimeout(options.RequestTimeout);
        ICredentialStore credentials;
        if (options.App is { } app)
        {
            _app = new GitHubAppCredentialStore(app, options.BaseAddress, _http, options.TimeProvider);
            credentials = _app;
        }
        else
        {
            credentials = new InMemoryCredentialStore(options.Token is { Length: > 0 } token ? new Credentials(token) : Credentials.Anonymous);
        }

        _connection = new Connection(new ProductHeaderValue("Port.Sdk.GitHub", "0.1"), options.BaseAddress, credentials, _http, new SimpleJsonSerializer());
        Webhooks = new GitHubWebhookHandler(options, Identifier, _work.Writer, IsSyncedFile, () => _closed, _logger);
    }

    /// <inheritdoc/>
    public string Identifier { get; }

    /// <summary>Gets an Octokit client on this integration's connection (its credentials, retries and rate-limit handling).</summary>
    internal IGitHubClient Client => new GitHubClient(_connection);

    internal TimeProvider TimeProvider => _options.TimeProvider;

    /// <inheritdoc/>
    public IReadOnlyList<string> Kinds { get; }

    /// <summary>Gets the webhook handler whose accepted deliveries become this integration's live events.</summary>
    public GitHubWebhookHandler Webhooks { get; }

    /// <summary>Gets what the HTTP layer did so far: requests, 304s, retries and rate-limit waits.</summary>
    public GitHubRequestStatistics Statistics => _http.Statistics;

    /// <summary>Gets how many installation tokens were fetched, when authenticating as a GitHub App.</summary>
    public int InstallationTokensFetched => _app?.Exchanges ?? 0;

    /// <inheritdoc/>
    /// <exception cref="PortException">GitHub refused a request (bad credentials, a missing organisation, a rate limit longer than the cap); the message names the request, never a secret.</exception>
    public IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return kind switch
        {
            "repository" => PagesAsync($"orgs/{_org}/repos", new() { ["type"] = "all" }, null, cancellationToken),
            "user" => PagesAsync($"orgs/{_org}/members", [], null, cancellationToken),
            "team" => TeamsAsync(cancellationToken),
            "pull-request" => PerRepositoryAsync(PullRequestsAsync, cancellationToken),
            "issue" => PerRepositoryAsync((repo, ct) => AllAsync($"repos/{_org}/{Escape(repo.Name)}/issues", new() { ["state"] = "all" }, null, ct, i => !i.TryGetProperty("pull_request", out _)), cancellationToken),
            "release" => PerRepositoryAsync((repo, ct) => AllAsync($"repos/{_org}/{Escape(repo.Name)}/releases", [], null, ct), cancellationToken),
            "workflow" => PerRepositoryAsync((repo, ct) => AllAsync($"repos/{_org}/{Escape(repo.Name)}/actions/workflows", [], "workflows", ct), cancellationToken),
            "workflow-run" => PerRepositoryAsync((repo, ct) => FirstAsync($"repos/{_org}/{Escape(repo.Name)}/actions/runs", "workflow_runs", _options.WorkflowRunsPerRepository, ct), cancellationToken),
            "file" => PerRepositoryAsync(FilesAsync, cancellationToken, _options.FileRepositories),
            _ => throw new ArgumentException($"The kind '{kind}' is not served; the kinds are {string.Join(", ", AllKinds.Select(k => $"'{k}'"))}.", nameof(kind)),
        };
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Events of deliveries that need no request (a repository, pull request, issue, release or workflow run changed)
    /// come as they are; a team's change is completed with its members and repositories, and a push to the default
    /// branch that touches a synced file becomes that file's new content (or its deletion). A delivery whose requests
    /// fail is logged with its delivery id and skipped (the next resync brings the catalog up to date). One reader at a
    /// time: the runtime's <c>IntegrationEventPump</c> when the integration is registered with <c>AddGitHubIntegration</c>.
    /// </remarks>
    public async IAsyncEnumerable<IntegrationEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            while (await _work.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (_work.Reader.TryRead(out var work))
                {
                    IReadOnlyList<IntegrationEvent> events;
                    try
                    {
                        events = await EventsAsync(work, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        Log.WebhookWorkFailed(_logger, ex, Identifier, work.Team is not null ? "team" : "file", work.DeliveryId ?? "none");
                        continue;
                    }

                    foreach (var change in events)
                    {
                        yield return change;
                    }
                }
            }
        }
        finally
        {
            if (_closed && cancellationToken.IsCancellationRequested)
            {
                // The host stopped before the queue was drained: what is left is reported, not silently dropped.
                while (_work.Reader.TryRead(out var left))
                {
                    Log.WebhookNotApplied(_logger, Identifier, left.DeliveryId ?? "none");
                }
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Webhook deliveries are then answered 503; <see cref="WatchAsync"/> ends once the queued ones are handed out.</remarks>
    public void CompleteEvents()
    {
        _closed = true;
        _work.Writer.TryComplete();
    }

    private async Task<IReadOnlyList<IntegrationEvent>> EventsAsync(GitHubWebhookWork work, CancellationToken cancellationToken)
    {
        switch (work)
        {
            case { Event: { } ready }:
                return [ready];
            case { Team: { } team }:
                return [new IntegrationEvent("team", await CompleteTeamAsync(team, cancellationToken).ConfigureAwait(false)) { DeliveryId = work.DeliveryId }];
            case { Repository: { } repository }:
                var events = new List<IntegrationEvent>();
                foreach (var path in work.Removed)
                {
                    events.Add(new IntegrationEvent("file", GitHubItem.With(GitHubItem.Empty, repository, ("path", GitHubItem.Text(path)), ("name", GitHubItem.Text(path[(path.LastIndexOf('/') + 1)..]))), Deleted: true) { DeliveryId = work.DeliveryId });
                }

                foreach (var path in work.Changed)
                {
                    if (await FileAsync(repository, path, cancellationToken).ConfigureAwait(false) is { } file)
                    {
                        events.Add(new IntegrationEvent("file", file) { DeliveryId = work.DeliveryId });
                    }
                }

                return events;
            default:
                return [];
        }
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose()
    {
        _closed = true;
        _work.Writer.TryComplete();
        _http.Dispose();
        _app?.Dispose();
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private bool IsSyncedFile(string repository, string path)
        => (_options.FileRepositories is null || _options.FileRepositories.Contains(repository)) && _files.Any(f => f.IsMatch(path));

    /// <summary>A path glob as a regular expression: <c>**/</c> any directories, <c>*</c> within a segment, <c>?</c> one character.</summary>
    private static Regex Glob(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern.AsSpan(i).StartsWith("**/"))
            {
                regex.Append("(?:.*/)?");
                i += 2;
            }
            else if (pattern[i] == '*')
            {
                regex.Append(i + 1 < pattern.Length && pattern[i + 1] == '*' ? ".*" : "[^/]*");
                i += i + 1 < pattern.Length && pattern[i + 1] == '*' ? 1 : 0;
            }
            else
            {
                regex.Append(pattern[i] == '?' ? "[^/]" : Regex.Escape(pattern[i].ToString()));
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>GETs a JSON document through the integration's connection (the action invoker's reads).</summary>
    internal async Task<JsonElement> GetJsonAsync(string path, IDictionary<string, string>? query, CancellationToken cancellationToken)
    {
        var response = (await GetAsync(new Uri(path, UriKind.Relative), query, path, missingIsNull: false).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        using var document = JsonDocument.Parse(response.Body);
        return document.RootElement.Clone();
    }

    private async Task<IApiResponse<byte[]>?> GetAsync(Uri uri, IDictionary<string, string>? query, string what, bool missingIsNull)
    {
        try
        {
            return await _connection.GetRaw(uri, query).ConfigureAwait(false);
        }
        catch (NotFoundException) when (missingIsNull)
        {
            return null;
        }
        catch (ApiException ex)
        {
            // The message names the request and GitHub's answer; a token or key is never part of either.
            throw new PortException($"GitHub answered {(int)ex.StatusCode} to 'GET {what}': {ex.Message}", ex);
        }
    }

    private async IAsyncEnumerable<IReadOnlyList<JsonElement>> PagesAsync(string path, Dictionary<string, string> parameters, string? wrapper, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        parameters["per_page"] = "100";
        Uri? next = new(path, UriKind.Relative);
        IDictionary<string, string>? query = parameters;
        while (next is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var response = (await GetAsync(next, query, path, missingIsNull: false).ConfigureAwait(false))!;
            var reader = new Utf8JsonReader(response.Body);
            var page = JsonElement.ParseValue(ref reader);
            if (wrapper is not null && page.ValueKind == JsonValueKind.Object && page.TryGetProperty(wrapper, out var wrapped))
            {
                page = wrapped;
            }

            yield return page.ValueKind == JsonValueKind.Array ? [.. page.EnumerateArray()] : [page];
            next = response.HttpResponse.ApiInfo?.GetNextPageUrl();
            query = null;
        }
    }

    private async Task<List<JsonElement>> AllAsync(string path, Dictionary<string, string> parameters, string? wrapper, CancellationToken cancellationToken, Func<JsonElement, bool>? where = null)
    {
        var all = new List<JsonElement>();
        await foreach (var page in PagesAsync(path, parameters, wrapper, cancellationToken).ConfigureAwait(false))
        {
            all.AddRange(where is null ? page : page.Where(where));
        }

        return all;
    }

    private async Task<List<JsonElement>> FirstAsync(string path, string wrapper, int count, CancellationToken cancellationToken)
    {
        var first = new List<JsonElement>();
        await foreach (var page in PagesAsync(path, new() { ["per_page"] = "100" }, wrapper, cancellationToken).ConfigureAwait(false))
        {
            first.AddRange(page.Take(count - first.Count));
            if (first.Count >= count)
            {
                break;
            }
        }

        return first;
    }

    /// <summary>Each team with <c>members</c> (logins) and <c>repositories</c> (names) added, as Port's GitHub team kind has them.</summary>
    private async IAsyncEnumerable<IReadOnlyList<JsonElement>> TeamsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in PagesAsync($"orgs/{_org}/teams", [], null, cancellationToken).ConfigureAwait(false))
        {
            yield return await Task.WhenAll(page.Select(team => CompleteTeamAsync(team, cancellationToken))).ConfigureAwait(false);
        }
    }

    private async Task<JsonElement> CompleteTeamAsync(JsonElement team, CancellationToken cancellationToken)
    {
        var slug = Escape(team.GetProperty("slug").GetString() ?? string.Empty);
        var members = AllAsync($"orgs/{_org}/teams/{slug}/members", [], null, cancellationToken);
        var repositories = AllAsync($"orgs/{_org}/teams/{slug}/repos", [], null, cancellationToken);
        return GitHubItem.With(
            team,
            null,
            ("members", GitHubItem.Strings((await members.ConfigureAwait(false)).Select(m => m.GetProperty("login").GetString()!))),
            ("repositories", GitHubItem.Strings((await repositories.ConfigureAwait(false)).Select(r => r.GetProperty("name").GetString()!))));
    }

    /// <summary>Items read repository by repository (<see cref="GitHubIntegrationOptions.MaxConcurrency"/> at a time), each with <c>__repository</c>.</summary>
    private async IAsyncEnumerable<IReadOnlyList<JsonElement>> PerRepositoryAsync(Func<RepositoryRef, CancellationToken, Task<List<JsonElement>>> read, [EnumeratorCancellation] CancellationToken cancellationToken, IList<string>? only = null)
    {
        await foreach (var page in PagesAsync($"orgs/{_org}/repos", new() { ["type"] = "all" }, null, cancellationToken).ConfigureAwait(false))
        {
            var repositories = page.Select(r => new RepositoryRef(r.GetProperty("name").GetString()!, r.TryGetProperty("default_branch", out var b) ? b.GetString() : null))
                .Where(r => only is null || only.Contains(r.Name)).ToList();
            foreach (var chunk in repositories.Chunk(_options.MaxConcurrency))
            {
                var results = await Task.WhenAll(chunk.Select(async r => (await read(r, cancellationToken).ConfigureAwait(false)).Select(item => GitHubItem.With(item, r.Name)))).ConfigureAwait(false);
                var items = results.SelectMany(r => r).ToList();
                if (items.Count > 0)
                {
                    yield return items;
                }
            }
        }
    }

    /// <summary>Open pull requests of a repository, and those closed within the window.</summary>
    private async Task<List<JsonElement>> PullRequestsAsync(RepositoryRef repository, CancellationToken cancellationToken)
    {
        var name = Escape(repository.Name);
        var since = _options.TimeProvider.GetUtcNow() - _options.ClosedPullRequestWindow;
        var open = await AllAsync($"repos/{_org}/{name}/pulls", new() { ["state"] = "open" }, null, cancellationToken).ConfigureAwait(false);
        var closed = await AllAsync($"repos/{_org}/{name}/pulls", new() { ["state"] = "closed", ["sort"] = "updated", ["direction"] = "desc" }, null, cancellationToken).ConfigureAwait(false);
        return [.. open, .. closed.Where(p => p.TryGetProperty("closed_at", out var at) && at.ValueKind == JsonValueKind.String
            && DateTimeOffset.Parse(at.GetString()!, CultureInfo.InvariantCulture) >= since)];
    }

    /// <summary>The repository's files that match the patterns: literal paths read directly, globs through the recursive tree of the default branch.</summary>
    private async Task<List<JsonElement>> FilesAsync(RepositoryRef reference, CancellationToken cancellationToken)
    {
        var (repository, branch) = (reference.Name, reference.DefaultBranch ?? "HEAD");
        var literal = _options.FilePatterns.All(p => p.IndexOfAny(['*', '?']) < 0);
        IEnumerable<string> paths = _options.FilePatterns;
        if (!literal)
        {
            var tree = await GetAsync(new Uri($"repos/{_org}/{Escape(repository)}/git/trees/{Escape(branch)}", UriKind.Relative), new Dictionary<string, string> { ["recursive"] = "1" }, $"repos/{_org}/{repository}/git/trees/{branch}", missingIsNull: true).ConfigureAwait(false);
            if (tree is null)
            {
                return [];
            }

            var reader = new Utf8JsonReader(tree.Body);
            paths = [.. JsonElement.ParseValue(ref reader).GetProperty("tree").EnumerateArray()
                .Where(e => e.GetProperty("type").GetString() == "blob")
                .Select(e => e.GetProperty("path").GetString()!)
                .Where(p => _files.Any(f => f.IsMatch(p)))];
        }

        var files = new List<JsonElement>();
        foreach (var path in paths)
        {
            if (await FileAsync(repository, path, cancellationToken).ConfigureAwait(false) is { } file)
            {
                files.Add(file);
            }
        }

        return files;
    }

    /// <summary>A file's content object, with <c>content</c> replaced by the parsed JSON or YAML (or the text), or null when it is missing.</summary>
    private async Task<JsonElement?> FileAsync(string repository, string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var encoded = string.Join('/', path.Split('/').Select(Escape));
        var response = await GetAsync(new Uri($"repos/{_org}/{Escape(repository)}/contents/{encoded}", UriKind.Relative), null, $"repos/{_org}/{repository}/contents/{path}", missingIsNull: true).ConfigureAwait(false);
        if (response is null)
        {
            return null;
        }

        var reader = new Utf8JsonReader(response.Body);
        var item = JsonElement.ParseValue(ref reader);
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("content", out var content) || content.GetString() is not { } base64)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64.Replace("\n", string.Empty, StringComparison.Ordinal)));
        JsonElement parsed;
        try
        {
            parsed = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? JsonDocument.Parse(text).RootElement.Clone()
                : path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) ? Integrations.PortYaml.Parse(text)
                : GitHubItem.Text(text);
        }
        catch (Exception ex) when (ex is JsonException or YamlDotNet.Core.YamlException)
        {
            // An unparseable file is still synced, as text, with why it did not parse.
            parsed = GitHubItem.Text(text);
            return GitHubItem.With(item, repository, ("parseError", GitHubItem.Strings([$"{path}: {ex.Message}"])), ("content", parsed));
        }

        return GitHubItem.With(item, repository, ("content", parsed));
    }
}

/// <summary>A repository a per-repository kind reads.</summary>
internal readonly record struct RepositoryRef(string Name, string? DefaultBranch);

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class GitHubJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
