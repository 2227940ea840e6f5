using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Port.Sdk.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, a free port) that answers GitHub REST requests for a generated
/// organisation, in GitHub's shapes: repositories, pull requests, teams with members and repositories, and users,
/// with <c>Link</c> pagination, <c>X-RateLimit-*</c> headers, ETags answered with 304, and injected faults
/// (5xx, secondary rate limits with <c>Retry-After</c>, an exhausted primary limit, slow answers, dropped
/// connections). Point Octokit (or any client) at <see cref="BaseAddress"/>; nothing is mocked in the client.
/// </summary>
public sealed partial class GitHubFixtureServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GitHubFixtureOrganization _org;
    private int _requests;
    private int _notModified;
    private int _faultsInjected;
    private int _slowFaults;
    private int _remaining;
    private long _counter;

    private GitHubFixtureServer(WebApplication app, GitHubFixtureOrganization org)
    {
        _app = app;
        _org = org;
        _remaining = org.RateLimit;
    }

    /// <summary>Gets the organisation served.</summary>
    public GitHubFixtureOrganization Organization => _org;

    /// <summary>Gets the server's base address, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets how many requests the server answered (faults included).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Gets how many requests were answered 304 Not Modified.</summary>
    public int NotModified => Volatile.Read(ref _notModified);

    /// <summary>Gets how many faults were injected.</summary>
    public int FaultsInjected => Volatile.Read(ref _faultsInjected);

    /// <summary>Gets how many of the faults were slow answers.</summary>
    public int SlowFaults => Volatile.Read(ref _slowFaults);

    /// <summary>Gets or sets the fraction of requests (0 to 1) answered with a transient fault (502, 503, secondary rate limit, a dropped connection, or an answer delayed by <see cref="SlowFaultDelay"/>), chosen deterministically.</summary>
    /// <value>The default value is 0.</value>
    public double FaultRate { get; set; }

    /// <summary>Gets or sets how long a slow fault delays its answer.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan SlowFaultDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long each answer is delayed.</summary>
    /// <value>The default value is zero.</value>
    public TimeSpan Latency { get; set; }

    /// <summary>Gets or sets the primary rate limit's remaining requests (only answered 200s count, as on GitHub); at 0, requests get 403 with <c>X-RateLimit-Remaining: 0</c> until <see cref="RateLimitResetAfter"/> has passed since it ran out.</summary>
    public int RateLimitRemaining { get => Volatile.Read(ref _remaining); set => Volatile.Write(ref _remaining, value); }

    /// <summary>Gets or sets how long an exhausted primary rate limit takes to reset.</summary>
    /// <value>The default value is one second.</value>
    public TimeSpan RateLimitResetAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the <c>Authorization</c> header of the last request.</summary>
    public string? LastAuthorization { get; private set; }

    private DateTimeOffset? _exhaustedAt;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private RSA? _appKey;
    private long _appId;
    private long _installationId;
    private int _installationTokens;

    /// <summary>
    /// Gets or sets a value indicating whether requests must carry an accepted token (<see cref="AcceptToken"/>, or an
    /// installation token the server issued); others get 401 <c>Bad credentials</c>, as from GitHub.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: anonymous requests are answered.</value>
    public bool RequireAuthentication { get; set; }

    /// <summary>Gets or sets how long the installation tokens the server issues are valid.</summary>
    /// <value>The default value is one hour, as on GitHub.</value>
    public TimeSpan InstallationTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets how many installation tokens the server issued.</summary>
    public int InstallationTokensIssued => Volatile.Read(ref _installationTokens);

    /// <summary>Accepts a personal access token.</summary>
    /// <param name="token">The token.</param>
    public void AcceptToken(string token) => _tokens[token] = DateTimeOffset.MaxValue;

    /// <summary>
    /// Makes the server a GitHub App's home: <c>POST /app/installations/{installationId}/access_tokens</c> with a JWT
    /// signed (RS256) by the app's private key issues installation tokens that the server then accepts.
    /// </summary>
    /// <param name="appId">The app's identifier (the JWT's <c>iss</c>).</param>
    /// <param name="publicKey">The app's public key, which verifies the JWT.</param>
    /// <param name="installationId">The installation the app may get tokens for.</param>
    public void ConfigureApp(long appId, RSA publicKey, long installationId)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        (_appId, _appKey, _installationId) = (appId, publicKey, installationId);
        RequireAuthentication = true;
    }

    /// <summary>Starts a server for an organisation.</summary>
    /// <param name="organization">The organisation to serve; <see langword="null"/> for the default one.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The running server.</returns>
    public static async Task<GitHubFixtureServer> StartAsync(GitHubFixtureOrganization? organization = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new GitHubFixtureServer(app, organization ?? new GitHubFixtureOrganization());
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _requests);
        LastAuthorization = context.Request.Headers.Authorization.ToString();
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, context.RequestAborted).ConfigureAwait(false);
        }

        var response = context.Response;
        var reset = DateTimeOffset.UtcNow.Add(RateLimitResetAfter).ToUnixTimeSeconds();
        // Like GitHub, only answered requests count against the limit: 304s and refusals do not.
        if (RateLimitRemaining <= 0)
        {
            _exhaustedAt ??= DateTimeOffset.UtcNow;
            if (DateTimeOffset.UtcNow - _exhaustedAt < RateLimitResetAfter)
            {
                response.StatusCode = 403;
                response.Headers["X-RateLimit-Limit"] = _org.RateLimit.ToString(CultureInfo.InvariantCulture);
                response.Headers["X-RateLimit-Remaining"] = "0";
                response.Headers["X-RateLimit-Reset"] = _exhaustedAt.Value.Add(RateLimitResetAfter).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                await WriteMessageAsync(response, "API rate limit exceeded for user ID 1.", "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting").ConfigureAwait(false);
                return;
            }

            _exhaustedAt = null;
            Volatile.Write(ref _remaining, _org.RateLimit);
        }

        response.Headers["X-RateLimit-Limit"] = _org.RateLimit.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Remaining"] = Math.Max(0, RateLimitRemaining).ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);

        if (context.Request.Method == "POST" && context.Request.Path.Value is { } appPath && appPath.StartsWith("/app/installations/", StringComparison.Ordinal))
        {
            await IssueInstallationTokenAsync(context, appPath).ConfigureAwait(false);
            return;
        }

        if (RequireAuthentication && !Authenticated(context.Request.Headers.Authorization.ToString()))
        {
            response.StatusCode = 401;
            await WriteMessageAsync(response, "Bad credentials", "https://docs.github.com/rest").ConfigureAwait(false);
            return;
        }

        if (FaultRate > 0 && Fault(Interlocked.Increment(ref _counter)) is { } fault)
        {
            Interlocked.Increment(ref _faultsInjected);
            switch (fault)
            {
                case 0:
                    response.StatusCode = 502;
                    await WriteMessageAsync(response, "Server Error", null).ConfigureAwait(false);
                    return;
                case 1:
                    response.StatusCode = 503;
                    await WriteMessageAsync(response, "Service Unavailable", null).ConfigureAwait(false);
                    return;
                case 2:
                    response.StatusCode = 403;
                    response.Headers["Retry-After"] = "1";
                    await WriteMessageAsync(response, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits").ConfigureAwait(false);
                    return;
                case 3:
                    context.Abort();
                    return;
                default:
                    Interlocked.Increment(ref _slowFaults);
                    // A slow answer: served in full, but after SlowFaultDelay (a client with a shorter timeout gives up).
                    await Task.Delay(SlowFaultDelay, context.RequestAborted).ConfigureAwait(false);
                    break;
            }
        }

        if (await TryHandleWorkflowDispatchAsync(context).ConfigureAwait(false))
        {
            return;
        }

        if (context.Request.Headers.Accept.ToString().Contains("diff", StringComparison.Ordinal) && _org.Diff(context.Request.Path.Value ?? string.Empty) is { } diff)
        {
            Interlocked.Decrement(ref _remaining);
            response.ContentType = "application/vnd.github.diff; charset=utf-8";
            await response.WriteAsync(diff, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (!_org.TryGetList(context.Request.Path.Value ?? string.Empty, context.Request.Query, out var items, out var status))
        {
            response.StatusCode = status;
            await WriteMessageAsync(response, status == 404 ? "Not Found" : "Bad Request", "https://docs.github.com/rest").ConfigureAwait(false);
            return;
        }

        var perPage = int.TryParse(context.Request.Query["per_page"], CultureInfo.InvariantCulture, out var pp) ? Math.Clamp(pp, 1, 100) : 30;
        var page = int.TryParse(context.Request.Query["page"], CultureInfo.InvariantCulture, out var p) ? Math.Max(1, p) : 1;
        var count = items.Count;
        var last = Math.Max(1, (count + perPage - 1) / perPage);
        var links = new List<string>();
        string Link(int target, string rel)
        {
            var query = context.Request.Query.Where(q => q.Key is not "page").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"page={target}");
            return $"<{BaseAddress.ToString().TrimEnd('/')}{context.Request.Path}?{string.Join('&', query)}>; rel=\"{rel}\"";
        }

        if (page < last)
        {
            links.Add(Link(page + 1, "next"));
            links.Add(Link(last, "last"));
        }

        if (page > 1)
        {
            links.Add(Link(1, "first"));
            links.Add(Link(page - 1, "prev"));
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (items.Single)
            {
                items.Write(writer, 0);
                links.Clear();
            }
            else
            {
                if (items.Wrapper is { } wrapper)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("total_count", count);
                    writer.WritePropertyName(wrapper);
                }

                writer.WriteStartArray();
                for (var i = (page - 1) * perPage; i < Math.Min(count, page * perPage); i++)
                {
                    items.Write(writer, i);
                }

                writer.WriteEndArray();
                if (items.Wrapper is not null)
                {
                    writer.WriteEndObject();
                }
            }
        }

        var etag = $"W/\"{Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan))[..32]}\"";
        response.Headers.ETag = etag;
        if (links.Count > 0)
        {
            response.Headers["Link"] = string.Join(", ", links);
        }

        if (context.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            Interlocked.Increment(ref _notModified);
            response.StatusCode = 304;
            return;
        }

        Interlocked.Decrement(ref _remaining);
        response.Headers["X-RateLimit-Remaining"] = Math.Max(0, RateLimitRemaining).ToString(CultureInfo.InvariantCulture);
        response.ContentType = "application/json; charset=utf-8";
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private bool Authenticated(string authorization)
    {
        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && _tokens.TryGetValue(authorization[(space + 1)..], out var expires) && expires > DateTimeOffset.UtcNow;
    }

    private async Task IssueInstallationTokenAsync(HttpContext context, string path)
    {
        var response = context.Response;
        var parts = path.Trim('/').Split('/');
        var authorization = context.Request.Headers.Authorization.ToString();
        if (_appKey is null || parts is not ["app", "installations", var id, "access_tokens"] || id != _installationId.ToString(CultureInfo.InvariantCulture))
        {
            response.StatusCode = 404;
            await WriteMessageAsync(response, "Not Found", "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app").ConfigureAwait(false);
            return;
        }

        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !ValidAppJwt(authorization[7..]))
        {
            response.StatusCode = 401;
            await WriteMessageAsync(response, "A JSON web token could not be decoded", "https://docs.github.com/rest").ConfigureAwait(false);
            return;
        }

        var token = $"ghs_fixture{Interlocked.Increment(ref _installationTokens):D6}{Guid.NewGuid():N}";
        var expires = DateTimeOffset.UtcNow.Add(InstallationTokenLifetime);
        _tokens[token] = expires;
        response.StatusCode = 201;
        response.ContentType = "application/json; charset=utf-8";
        await response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["token"] = token, ["expires_at"] = expires.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) }, FixtureJsonContext.Default.DictionaryStringString)).ConfigureAwait(false);
    }

    /// <summary>Checks an app JWT as GitHub does: RS256 by the app's key, <c>iss</c> the app, not expired, at most 10 minutes long.</summary>
    private bool ValidAppJwt(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            var signed = System.Text.Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
            if (!_appKey!.VerifyData(signed, Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return false;
            }

            using var header = JsonDocument.Parse(Base64Url(parts[0]));
            using var claims = JsonDocument.Parse(Base64Url(parts[1]));
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var iss = claims.RootElement.GetProperty("iss");
            var issuer = iss.ValueKind == JsonValueKind.Number ? iss.GetInt64().ToString(CultureInfo.InvariantCulture) : iss.GetString();
            var iat = claims.RootElement.GetProperty("iat").GetInt64();
            var exp = claims.RootElement.GetProperty("exp").GetInt64();
            return header.RootElement.GetProperty("alg").GetString() == "RS256" && issuer == _appId.ToString(CultureInfo.InvariantCulture)
                && exp > now && iat <= now + 60 && exp - iat <= 660;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException or CryptographicException)
        {
            return false;
        }
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }

    /// <summary>Which fault, if any, the request with a sequence number gets: a deterministic spread at <see cref="FaultRate"/>.</summary>
    private int? Fault(long sequence)
    {
        var hash = (ulong)sequence * 0x9E3779B97F4A7C15UL;
        var unit = (hash >> 11) * (1.0 / (1UL << 53));
        return unit < FaultRate ? (int)(hash % 5) : null;
    }

    private static async Task WriteMessageAsync(HttpResponse response, string message, string? documentation)
    {
        response.ContentType = "application/json; charset=utf-8";
        var body = documentation is null
            ? JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }, FixtureJsonContext.Default.DictionaryStringString)
            : JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message, ["documentation_url"] = documentation }, FixtureJsonContext.Default.DictionaryStringString);
        await response.WriteAsync(body).ConfigureAwait(false);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class FixtureJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
