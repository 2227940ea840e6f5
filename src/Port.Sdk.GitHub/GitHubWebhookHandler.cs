using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Port.Sdk.GitHub;

/// <summary>What became of a webhook delivery.</summary>
public enum GitHubWebhookOutcome
{
    /// <summary>The signature was valid and the delivery became live events (or work that will become them).</summary>
    Accepted,

    /// <summary>The signature was valid, but the event is not one the integration syncs.</summary>
    Ignored,

    /// <summary>The signature was missing or wrong: the delivery was dropped. Answer 401.</summary>
    Rejected,
}

/// <summary>The result of <see cref="GitHubWebhookHandler.Handle"/>.</summary>
/// <param name="Outcome">Accepted, ignored or rejected.</param>
/// <param name="Reason">Why, in a sentence with no secret in it.</param>
/// <param name="Events">The live events the delivery became at once; team and push deliveries become events after the integration fetched what they need.</param>
public sealed record GitHubWebhookResult(GitHubWebhookOutcome Outcome, string Reason, IReadOnlyList<IntegrationEvent> Events)
{
    /// <summary>Gets the HTTP status to answer GitHub with: 202, 200 or 401.</summary>
    public int StatusCode => Outcome switch { GitHubWebhookOutcome.Accepted => 202, GitHubWebhookOutcome.Ignored => 200, _ => 401 };
}

/// <summary>Something a delivery asks the integration to do: emit an event, complete a team, or read pushed files.</summary>
internal sealed record GitHubWebhookWork(IntegrationEvent? Event = null, JsonElement? Team = null, string? Repository = null)
{
    public IReadOnlyList<string> Changed { get; init; } = [];

    public IReadOnlyList<string> Removed { get; init; } = [];
}

/// <summary>
/// Turns GitHub webhook deliveries into the integration's live events, independent of any web framework: bytes
/// and headers in, a result out. Checks <c>X-Hub-Signature-256</c> (HMAC-SHA256 of the exact body with the webhook
/// secret) in constant time and drops a delivery whose signature is missing or wrong. <c>repository</c> (a
/// <c>deleted</c> action deletes), <c>pull_request</c>, <c>issues</c>, <c>release</c> and <c>workflow_run</c> events
/// update those kinds; <c>team</c>, <c>membership</c> and <c>member</c> events update the team (its members and
/// repositories are read again); a <c>push</c> to the default branch updates the synced files it touched.
/// </summary>
public sealed class GitHubWebhookHandler
{
    private readonly byte[]? _secret;
    private readonly ChannelWriter<GitHubWebhookWork> _work;
    private readonly Func<string, string, bool> _isSyncedFile;

    internal GitHubWebhookHandler(string? secret, ChannelWriter<GitHubWebhookWork> work, Func<string, string, bool> isSyncedFile)
    {
        _secret = string.IsNullOrEmpty(secret) ? null : Encoding.UTF8.GetBytes(secret);
        _work = work;
        _isSyncedFile = isSyncedFile;
    }

    /// <summary>Handles one delivery.</summary>
    /// <param name="body">The request body, exactly as received.</param>
    /// <param name="headers">The request headers (names compared case-insensitively).</param>
    /// <returns>What became of it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="headers"/> is <see langword="null"/>.</exception>
    public GitHubWebhookResult Handle(ReadOnlySpan<byte> body, IEnumerable<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (header, value) in headers)
        {
            map[header] = value;
        }

        if (_secret is null)
        {
            return new(GitHubWebhookOutcome.Rejected, "No webhook secret is configured, so no delivery can be verified.", []);
        }

        if (!map.TryGetValue("X-Hub-Signature-256", out var signature) || !signature.StartsWith("sha256=", StringComparison.Ordinal))
        {
            return new(GitHubWebhookOutcome.Rejected, "The delivery has no 'X-Hub-Signature-256' header.", []);
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.AsSpan(7));
        }
        catch (FormatException)
        {
            return new(GitHubWebhookOutcome.Rejected, "The 'X-Hub-Signature-256' header is not a hexadecimal SHA-256.", []);
        }

        var expected = HMACSHA256.HashData(_secret, body);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return new(GitHubWebhookOutcome.Rejected, "The 'X-Hub-Signature-256' signature does not match the body.", []);
        }

        var name = map.GetValueOrDefault("X-GitHub-Event", string.Empty);
        JsonElement payload;
        try
        {
            var reader = new Utf8JsonReader(body);
            payload = JsonElement.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            return new(GitHubWebhookOutcome.Ignored, $"The '{name}' delivery's body is not JSON: {ex.Message}", []);
        }

        var action = payload.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        var repository = payload.TryGetProperty("repository", out var r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty("name", out var n) ? n.GetString() : null;
        GitHubWebhookWork? work = (name, action) switch
        {
            ("repository", _) when payload.TryGetProperty("repository", out var item) => new(new IntegrationEvent("repository", item, Deleted: action == "deleted")),
            ("pull_request", _) when payload.TryGetProperty("pull_request", out var item) => new(new IntegrationEvent("pull-request", WithRepository(item, repository))),
            ("issues", _) when payload.TryGetProperty("issue", out var item) => new(new IntegrationEvent("issue", WithRepository(item, repository), Deleted: action == "deleted")),
            ("release", _) when payload.TryGetProperty("release", out var item) => new(new IntegrationEvent("release", WithRepository(item, repository), Deleted: action == "deleted")),
            ("workflow_run", _) when payload.TryGetProperty("workflow_run", out var item) => new(new IntegrationEvent("workflow-run", WithRepository(item, repository))),
            ("team", "deleted") when payload.TryGetProperty("team", out var item) => new(new IntegrationEvent("team", item, Deleted: true)),
            ("team" or "membership" or "member", _) when payload.TryGetProperty("team", out var item) => new(Team: item),
            ("push", _) when repository is not null => Push(payload, repository),
            _ => null,
        };
        if (work is null)
        {
            return new(GitHubWebhookOutcome.Ignored, $"The '{name}' event is not synced.", []);
        }

        if (work is { Repository: not null, Changed.Count: 0, Removed.Count: 0 })
        {
            return new(GitHubWebhookOutcome.Ignored, $"The push to '{repository}' touched no synced file on its default branch.", []);
        }

        _work.TryWrite(work);
        return new(GitHubWebhookOutcome.Accepted, $"The '{name}' event ({action ?? "no action"}) was accepted.", work.Event is { } ready ? [ready] : []);
    }

    /// <summary>The synced files a push to the default branch added, modified or removed (the last state of each wins).</summary>
    private GitHubWebhookWork Push(JsonElement payload, string repository)
    {
        var branch = payload.TryGetProperty("repository", out var r) && r.TryGetProperty("default_branch", out var b) ? b.GetString() : null;
        var pushed = payload.TryGetProperty("ref", out var re) ? re.GetString() : null;
        if (branch is null || pushed != $"refs/heads/{branch}" || !payload.TryGetProperty("commits", out var commits) || commits.ValueKind != JsonValueKind.Array)
        {
            return new(Repository: repository);
        }

        var state = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var commit in commits.EnumerateArray())
        {
            foreach (var (list, present) in new[] { ("added", true), ("modified", true), ("removed", false) })
            {
                if (commit.TryGetProperty(list, out var paths) && paths.ValueKind == JsonValueKind.Array)
                {
                    foreach (var path in paths.EnumerateArray().Select(p => p.GetString()).OfType<string>().Where(p => _isSyncedFile(repository, p)))
                    {
                        state[path] = present;
                    }
                }
            }
        }

        return new(Repository: repository)
        {
            Changed = [.. state.Where(s => s.Value).Select(s => s.Key)],
            Removed = [.. state.Where(s => !s.Value).Select(s => s.Key)],
        };
    }

    private static JsonElement WithRepository(JsonElement item, string? repository)
        => repository is null ? item : GitHubItem.With(item, repository);
}
