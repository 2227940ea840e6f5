using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Port.Sdk.GitHub;

/// <summary>What became of a webhook delivery.</summary>
public enum GitHubWebhookOutcome
{
    /// <summary>The signature was valid and the delivery became live events.</summary>
    Accepted,

    /// <summary>The signature was valid, but the event is not one the integration syncs.</summary>
    Ignored,

    /// <summary>The signature was missing or wrong: the delivery was dropped. Answer 401.</summary>
    Rejected,
}

/// <summary>The result of <see cref="GitHubWebhookHandler.Handle"/>.</summary>
/// <param name="Outcome">Accepted, ignored or rejected.</param>
/// <param name="Reason">Why, in a sentence with no secret in it.</param>
/// <param name="Events">The live events the delivery became.</param>
public sealed record GitHubWebhookResult(GitHubWebhookOutcome Outcome, string Reason, IReadOnlyList<IntegrationEvent> Events)
{
    /// <summary>Gets the HTTP status to answer GitHub with: 202, 200 or 401.</summary>
    public int StatusCode => Outcome switch { GitHubWebhookOutcome.Accepted => 202, GitHubWebhookOutcome.Ignored => 200, _ => 401 };
}

/// <summary>
/// Turns GitHub webhook deliveries into the integration's live events, independent of any web framework: bytes
/// and headers in, a result out. Checks <c>X-Hub-Signature-256</c> (HMAC-SHA256 of the exact body with the webhook
/// secret) in constant time and drops a delivery whose signature is missing or wrong. <c>repository</c> and
/// <c>pull_request</c> events update those kinds (a deleted repository deletes its entities); <c>team</c>,
/// <c>membership</c> and <c>member</c> events update the team.
/// </summary>
public sealed class GitHubWebhookHandler
{
    private readonly byte[]? _secret;
    private readonly ChannelWriter<IntegrationEvent> _events;

    internal GitHubWebhookHandler(string? secret, ChannelWriter<IntegrationEvent> events)
    {
        _secret = string.IsNullOrEmpty(secret) ? null : Encoding.UTF8.GetBytes(secret);
        _events = events;
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
        IntegrationEvent? change = (name, action) switch
        {
            ("repository", _) when payload.TryGetProperty("repository", out var repository) => new IntegrationEvent("repository", repository, Deleted: action == "deleted"),
            ("pull_request", _) when payload.TryGetProperty("pull_request", out var pull) => new IntegrationEvent("pull-request", pull),
            ("team" or "membership" or "member", _) when payload.TryGetProperty("team", out var team) => new IntegrationEvent("team", team, Deleted: name == "team" && action == "deleted"),
            _ => null,
        };
        if (change is null)
        {
            return new(GitHubWebhookOutcome.Ignored, $"The '{name}' event is not synced.", []);
        }

        _events.TryWrite(change);
        return new(GitHubWebhookOutcome.Accepted, $"The '{name}' event ({action ?? "no action"}) became a live event of kind '{change.Kind}'.", [change]);
    }
}
