using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Port.Sdk.GitHub;

/// <summary>Something a delivery asks the integration to do: emit an event, complete a team, or read pushed files.</summary>
internal sealed record GitHubWebhookWork(IntegrationEvent? Event = null, JsonElement? Team = null, string? Repository = null)
{
    public IReadOnlyList<string> Changed { get; init; } = [];

    public IReadOnlyList<string> Removed { get; init; } = [];

    public string? DeliveryId { get; init; }
}

/// <summary>
/// Turns GitHub webhook deliveries into the integration's live events, independent of any web framework: bytes (or a
/// stream) and headers in, a result out. Checks <c>X-Hub-Signature-256</c> (HMAC-SHA256 of the exact body with the
/// webhook secret) in constant time and drops a delivery whose signature is missing or wrong; <see cref="HandleAsync"/>
/// hashes the body as it streams in, refuses one without a signature before reading it, and one over
/// <see cref="GitHubIntegrationOptions.MaxWebhookBodySize"/> as soon as it passes the cap. A delivery whose
/// <c>X-GitHub-Delivery</c> id was accepted recently is acknowledged and not applied again; when the integration's
/// bounded event queue is full the delivery is answered 429 and not remembered, so it can be delivered again.
/// <c>repository</c> (a <c>deleted</c> action deletes), <c>pull_request</c>, <c>issues</c>, <c>release</c> and
/// <c>workflow_run</c> events update those kinds; <c>team</c>, <c>membership</c> and <c>member</c> events update the
/// team (its members and repositories are read again); a <c>push</c> to the default branch updates the synced files
/// it touched.
/// </summary>
public sealed class GitHubWebhookHandler
{
    private const int MemoryThreshold = 64 * 1024;
    private readonly byte[]? _secret;
    private readonly ChannelWriter<GitHubWebhookWork> _work;
    private readonly Func<string, string, bool> _isSyncedFile;
    private readonly Func<bool> _closed;
    private readonly ILogger _logger;
    private readonly string _integration;
    private readonly int _capacity;
    private readonly RecentDeliveries _recent;
    private readonly Lock _gate = new();

    internal GitHubWebhookHandler(GitHubIntegrationOptions options, string integration, ChannelWriter<GitHubWebhookWork> work, Func<string, string, bool> isSyncedFile, Func<bool> closed, ILogger logger)
    {
        _secret = string.IsNullOrEmpty(options.WebhookSecret) ? null : Encoding.UTF8.GetBytes(options.WebhookSecret);
        _work = work;
        _isSyncedFile = isSyncedFile;
        _closed = closed;
        _logger = logger;
        _integration = integration;
        _capacity = options.WebhookQueueCapacity;
        _recent = new RecentDeliveries(options.RememberedDeliveries);
        MaxBodySize = options.MaxWebhookBodySize;
    }

    /// <summary>Gets the largest body accepted, in bytes (<see cref="GitHubIntegrationOptions.MaxWebhookBodySize"/>).</summary>
    public long MaxBodySize { get; }

    /// <summary>Handles one delivery whose body is already in memory.</summary>
    /// <param name="body">The request body, exactly as received.</param>
    /// <param name="headers">The request headers (names compared case-insensitively).</param>
    /// <returns>What became of it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="headers"/> is <see langword="null"/>.</exception>
    public GitHubWebhookResult Handle(ReadOnlySpan<byte> body, IEnumerable<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var map = Map(headers);
        if (Precheck(map, body.Length, out var given) is { } refused)
        {
            return Report(refused);
        }

        var expected = HMACSHA256.HashData(_secret!, body);
        return CryptographicOperations.FixedTimeEquals(expected, given)
            ? HandleVerified(body, map)
            : Report(Result(GitHubWebhookOutcome.Rejected, "The 'X-Hub-Signature-256' signature does not match the body.", map));
    }

    /// <summary>
    /// Handles one delivery as its body streams in: a delivery without a well-formed signature is refused before any
    /// of the body is read, the body is hashed while it is read (at most 64 KB of it in memory; beyond, in a
    /// temporary file deleted at once), and reading stops as soon as it passes <see cref="MaxBodySize"/>.
    /// </summary>
    /// <param name="body">The request body.</param>
    /// <param name="headers">The request headers (names compared case-insensitively).</param>
    /// <param name="contentLength">The body's declared length, if known: a larger one than the cap is refused unread.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>What became of it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> or <paramref name="headers"/> is <see langword="null"/>.</exception>
    public async Task<GitHubWebhookResult> HandleAsync(Stream body, IEnumerable<KeyValuePair<string, string>> headers, long? contentLength = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(headers);
        var map = Map(headers);
        if (Precheck(map, contentLength ?? 0, out var given) is { } refused)
        {
            return Report(refused);
        }

        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _secret!);
        var buffer = new WebhookBodyBuffer(MemoryThreshold);
        await using (buffer.ConfigureAwait(false))
        {
            var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxBodySize)
                    {
                        return Report(TooLarge(map));
                    }

                    hmac.AppendData(chunk, 0, read);
                    await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            if (!CryptographicOperations.FixedTimeEquals(hmac.GetHashAndReset(), given))
            {
                return Report(Result(GitHubWebhookOutcome.Rejected, "The 'X-Hub-Signature-256' signature does not match the body.", map));
            }

            var verified = await buffer.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            return HandleVerified(verified.Span, map);
        }
    }

    /// <summary>The refusal a delivery gets before its body is hashed (no secret, no or a malformed signature, too large), or null.</summary>
    private GitHubWebhookResult? Precheck(Dictionary<string, string> map, long length, out byte[] given)
    {
        given = [];
        if (_secret is null)
        {
            return Result(GitHubWebhookOutcome.Rejected, "No webhook secret is configured, so no delivery can be verified.", map);
        }

        if (!map.TryGetValue("X-Hub-Signature-256", out var signature) || !signature.StartsWith("sha256=", StringComparison.Ordinal))
        {
            return Result(GitHubWebhookOutcome.Rejected, "The delivery has no 'X-Hub-Signature-256' header.", map);
        }

        try
        {
            given = Convert.FromHexString(signature.AsSpan(7));
        }
        catch (FormatException)
        {
            return Result(GitHubWebhookOutcome.Rejected, "The 'X-Hub-Signature-256' header is not a hexadecimal SHA-256.", map);
        }

        return length > MaxBodySize ? TooLarge(map) : null;
    }

    private GitHubWebhookResult TooLarge(Dictionary<string, string> map)
        => Result(GitHubWebhookOutcome.TooLarge, $"The delivery is larger than the {MaxBodySize} bytes accepted (MaxWebhookBodySize).", map);

    private static GitHubWebhookResult Result(GitHubWebhookOutcome outcome, string reason, Dictionary<string, string> map, IReadOnlyList<IntegrationEvent>? events = null)
        => new(outcome, reason, events ?? []) { DeliveryId = map.GetValueOrDefault("X-GitHub-Delivery") };

    private GitHubWebhookResult Report(GitHubWebhookResult result)
    {
        if (result.Outcome is GitHubWebhookOutcome.Rejected or GitHubWebhookOutcome.TooLarge)
        {
            Log.WebhookRefused(_logger, _integration, result.DeliveryId ?? "none", result.StatusCode, result.Reason);
        }

        return result;
    }

    private static Dictionary<string, string> Map(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (header, value) in headers)
        {
            map[header] = value;
        }

        return map;
    }

    private GitHubWebhookResult HandleVerified(ReadOnlySpan<byte> body, Dictionary<string, string> map)
    {
        var name = map.GetValueOrDefault("X-GitHub-Event", string.Empty);
        var delivery = map.GetValueOrDefault("X-GitHub-Delivery");
        JsonElement payload;
        try
        {
            var reader = new Utf8JsonReader(body);
            payload = JsonElement.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            return Result(GitHubWebhookOutcome.Ignored, $"The '{name}' delivery's body is not JSON: {ex.Message}", map);
        }

        if (payload.ValueKind != JsonValueKind.Object)
        {
            return Result(GitHubWebhookOutcome.Ignored, $"The '{name}' delivery's body is not a JSON object.", map);
        }

        var action = payload.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        var repository = payload.TryGetProperty("repository", out var r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        GitHubWebhookWork? work = (name, action) switch
        {
            ("repository", _) when Object(payload, "repository") is { } item => new(new IntegrationEvent("repository", item, Deleted: action == "deleted") { DeliveryId = delivery }),
            ("pull_request", _) when Object(payload, "pull_request") is { } item => new(new IntegrationEvent("pull-request", WithRepository(item, repository)) { DeliveryId = delivery }),
            ("issues", _) when Object(payload, "issue") is { } item => new(new IntegrationEvent("issue", WithRepository(item, repository), Deleted: action == "deleted") { DeliveryId = delivery }),
            ("release", _) when Object(payload, "release") is { } item => new(new IntegrationEvent("release", WithRepository(item, repository), Deleted: action == "deleted") { DeliveryId = delivery }),
            ("workflow_run", _) when Object(payload, "workflow_run") is { } item => new(new IntegrationEvent("workflow-run", WithRepository(item, repository)) { DeliveryId = delivery }),
            ("team", "deleted") when Object(payload, "team") is { } item => new(new IntegrationEvent("team", item, Deleted: true) { DeliveryId = delivery }),
            ("team" or "membership" or "member", _) when Object(payload, "team") is { } item => new(Team: item),
            ("push", _) when repository is not null => Push(payload, repository),
            _ => null,
        };
        if (work is null)
        {
            return Result(GitHubWebhookOutcome.Ignored, $"The '{name}' event is not synced.", map);
        }

        if (work is { Repository: not null, Changed.Count: 0, Removed.Count: 0 })
        {
            return Result(GitHubWebhookOutcome.Ignored, $"The push to '{repository}' touched no synced file on its default branch.", map);
        }

        work = work with { DeliveryId = delivery };
        lock (_gate)
        {
            if (delivery is not null && _recent.Contains(delivery))
            {
                Log.WebhookDuplicate(_logger, _integration, delivery);
                return Result(GitHubWebhookOutcome.Duplicate, $"The delivery '{delivery}' was already accepted; it is not applied again.", map);
            }

            if (_closed() || !_work.TryWrite(work))
            {
                if (_closed())
                {
                    return Result(GitHubWebhookOutcome.Unavailable, "The integration is shutting down and accepts no more deliveries.", map);
                }

                Log.WebhookQueueFull(_logger, _integration, delivery ?? "none", _capacity);
                return Result(GitHubWebhookOutcome.QueueFull, $"The integration's event queue is full ({_capacity} deliveries wait to be applied); deliver again later.", map);
            }

            if (delivery is not null)
            {
                _recent.Add(delivery);
            }
        }

        return Result(GitHubWebhookOutcome.Accepted, $"The '{name}' event ({action ?? "no action"}) was accepted.", map, work.Event is { } ready ? [ready] : []);
    }

    private static JsonElement? Object(JsonElement payload, string property)
        => payload.TryGetProperty(property, out var item) && item.ValueKind == JsonValueKind.Object ? item : null;

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
