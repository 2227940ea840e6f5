using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Octokit;
using Octokit.Internal;

namespace Port.Sdk.GitHub;

/// <summary>
/// The GitHub integration: streams an organisation's teams (with their members and repositories), members,
/// repositories and pull requests (open, and closed within <see cref="GitHubIntegrationOptions.ClosedPullRequestWindow"/>)
/// in GitHub's own REST shape, page by page, through Octokit. Live events come from <see cref="Webhooks"/>.
/// </summary>
public sealed class GitHubIntegration : IIntegration, IDisposable
{
    /// <summary>The kinds the integration serves.</summary>
    public static readonly IReadOnlyList<string> AllKinds = ["team", "user", "repository", "pull-request"];

    private readonly GitHubIntegrationOptions _options;
    private readonly GitHubHttpClient _http;
    private readonly Connection _connection;
    private readonly Channel<IntegrationEvent> _events = Channel.CreateUnbounded<IntegrationEvent>();

    /// <summary>Initializes a new instance of the <see cref="GitHubIntegration"/> class.</summary>
    /// <param name="options">The organisation, credentials and limits.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists each field and value.</exception>
    public GitHubIntegration(GitHubIntegrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Identifier = options.Identifier ?? $"github-{options.Organization}";
        Kinds = [.. options.Kinds];
        _http = new GitHubHttpClient(new HttpClientAdapter(HttpMessageHandlerFactory.CreateDefault), options);
        var credentials = options.Token is { Length: > 0 } token ? new Credentials(token) : Credentials.Anonymous;
        _connection = new Connection(new ProductHeaderValue("Port.Sdk.GitHub", "0.1"), options.BaseAddress, new InMemoryCredentialStore(credentials), _http, new SimpleJsonSerializer());
        Webhooks = new GitHubWebhookHandler(options.WebhookSecret, _events.Writer);
    }

    /// <inheritdoc/>
    public string Identifier { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Kinds { get; }

    /// <summary>Gets the webhook handler whose accepted deliveries become this integration's live events.</summary>
    public GitHubWebhookHandler Webhooks { get; }

    /// <summary>Gets what the HTTP layer did so far: requests, 304s, retries and rate-limit waits.</summary>
    public GitHubRequestStatistics Statistics => _http.Statistics;

    /// <inheritdoc/>
    /// <exception cref="PortException">GitHub refused a request (bad credentials, a missing organisation, a rate limit longer than the cap); the message names the request, never the token.</exception>
    public IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var org = Uri.EscapeDataString(_options.Organization);
        return kind switch
        {
            "repository" => PagesAsync($"orgs/{org}/repos", new() { ["type"] = "all" }, cancellationToken),
            "user" => PagesAsync($"orgs/{org}/members", [], cancellationToken),
            "team" => TeamsAsync(org, cancellationToken),
            "pull-request" => PullRequestsAsync(org, cancellationToken),
            _ => throw new ArgumentException($"The kind '{kind}' is not served; the kinds are {string.Join(", ", AllKinds.Select(k => $"'{k}'"))}.", nameof(kind)),
        };
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<IntegrationEvent> WatchAsync(CancellationToken cancellationToken = default) => _events.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose()
    {
        _events.Writer.TryComplete();
        _http.Dispose();
    }

    private async IAsyncEnumerable<IReadOnlyList<JsonElement>> PagesAsync(string path, Dictionary<string, string> parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        parameters["per_page"] = "100";
        Uri? next = new(path, UriKind.Relative);
        IDictionary<string, string>? query = parameters;
        while (next is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IApiResponse<byte[]> response;
            try
            {
                response = await _connection.GetRaw(next, query).ConfigureAwait(false);
            }
            catch (ApiException ex)
            {
                // The message names the request and GitHub's answer; the token is never part of either.
                throw new PortException($"GitHub answered {(int)ex.StatusCode} to 'GET {path}': {ex.Message}", ex);
            }

            var reader = new Utf8JsonReader(response.Body);
            var page = JsonElement.ParseValue(ref reader);
            yield return page.ValueKind == JsonValueKind.Array ? [.. page.EnumerateArray()] : [page];
            next = response.HttpResponse.ApiInfo?.GetNextPageUrl();
            query = null;
        }
    }

    private async Task<List<JsonElement>> AllAsync(string path, Dictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var all = new List<JsonElement>();
        await foreach (var page in PagesAsync(path, parameters, cancellationToken).ConfigureAwait(false))
        {
            all.AddRange(page);
        }

        return all;
    }

    /// <summary>Each team with <c>members</c> (logins) and <c>repositories</c> (names) added, as Port's GitHub team kind has them.</summary>
    private async IAsyncEnumerable<IReadOnlyList<JsonElement>> TeamsAsync(string org, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in PagesAsync($"orgs/{org}/teams", [], cancellationToken).ConfigureAwait(false))
        {
            var teams = await Task.WhenAll(page.Select(async team =>
            {
                var slug = Uri.EscapeDataString(team.GetProperty("slug").GetString() ?? string.Empty);
                var members = AllAsync($"orgs/{org}/teams/{slug}/members", [], cancellationToken);
                var repositories = AllAsync($"orgs/{org}/teams/{slug}/repos", [], cancellationToken);
                return With(team, ("members", (await members.ConfigureAwait(false)).Select(m => m.GetProperty("login").GetString()!)), ("repositories", (await repositories.ConfigureAwait(false)).Select(r => r.GetProperty("name").GetString()!)));
            })).ConfigureAwait(false);
            yield return teams;
        }
    }

    /// <summary>Open pull requests of every repository, and those closed within the window, a repository's worth at a time.</summary>
    private async IAsyncEnumerable<IReadOnlyList<JsonElement>> PullRequestsAsync(string org, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var since = _options.TimeProvider.GetUtcNow() - _options.ClosedPullRequestWindow;
        await foreach (var page in PagesAsync($"orgs/{org}/repos", new() { ["type"] = "all" }, cancellationToken).ConfigureAwait(false))
        {
            foreach (var chunk in page.Chunk(_options.MaxConcurrency))
            {
                var pulls = await Task.WhenAll(chunk.Select(async repository =>
                {
                    var name = Uri.EscapeDataString(repository.GetProperty("name").GetString() ?? string.Empty);
                    var open = await AllAsync($"repos/{org}/{name}/pulls", new() { ["state"] = "open" }, cancellationToken).ConfigureAwait(false);
                    var closed = await AllAsync($"repos/{org}/{name}/pulls", new() { ["state"] = "closed", ["sort"] = "updated", ["direction"] = "desc" }, cancellationToken).ConfigureAwait(false);
                    return open.Concat(closed.Where(p => p.TryGetProperty("closed_at", out var at) && at.ValueKind == JsonValueKind.String
                        && DateTimeOffset.Parse(at.GetString()!, CultureInfo.InvariantCulture) >= since)).ToList();
                })).ConfigureAwait(false);
                var items = pulls.SelectMany(p => p).ToList();
                if (items.Count > 0)
                {
                    yield return items;
                }
            }
        }
    }

    private static JsonElement With(JsonElement item, params (string Name, IEnumerable<string> Values)[] arrays)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in item.EnumerateObject())
            {
                property.WriteTo(writer);
            }

            foreach (var (name, values) in arrays)
            {
                writer.WriteStartArray(name);
                foreach (var value in values)
                {
                    writer.WriteStringValue(value);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }
}
