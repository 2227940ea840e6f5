using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Octokit;
using Octokit.Internal;

namespace Port.Sdk.GitHub;

/// <summary>
/// Octokit's HTTP layer with the manners GitHub asks for: bounded concurrency, retries with exponential backoff and
/// jitter on 5xx, timeouts and dropped connections, waiting for an exhausted primary rate limit to reset and for a
/// secondary one's <c>Retry-After</c> (up to a cap), and conditional requests: a GET whose ETag is known is sent
/// with <c>If-None-Match</c>, and a 304 is answered from the kept response.
/// </summary>
internal sealed class GitHubHttpClient : IHttpClient
{
    private readonly IHttpClient _inner;
    private readonly GitHubIntegrationOptions _options;
    private readonly SemaphoreSlim _concurrency;
    private readonly ILogger _logger;
    private readonly string _integration;
    private readonly ConcurrentDictionary<string, (string ETag, IResponse Response)> _responses = new(StringComparer.Ordinal);
    private int _requests;
    private int _notModified;
    private int _retries;
    private int _rateLimitWaits;

    public GitHubHttpClient(IHttpClient inner, GitHubIntegrationOptions options, ILogger logger, string integration)
    {
        _inner = inner;
        _options = options;
        _logger = logger;
        _integration = integration;
        _concurrency = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
    }

    internal static bool IsRunPoll(string endpoint)
        => endpoint.Contains("event=workflow_dispatch", StringComparison.Ordinal)
            || (endpoint.Split('?')[0].Split('/') is [.., "actions", "runs", var id] && long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _));

    public GitHubRequestStatistics Statistics => new(Volatile.Read(ref _requests), Volatile.Read(ref _notModified), Volatile.Read(ref _retries), Volatile.Read(ref _rateLimitWaits));

    public async Task<IResponse> Send(IRequest request, CancellationToken cancellationToken, Func<object, object>? preprocessResponseBody = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The GITHUB action invoker's polls (a dispatch's runs, then one run) have URLs unique to each dispatch: keeping
        // their responses would only grow the kept set, so they are sent unconditionally.
        var key = request.Method == HttpMethod.Get && _options.UseConditionalRequests && !IsRunPoll(request.Endpoint.OriginalString) ? new Uri(request.BaseAddress, request.Endpoint).ToString() : null;
        var failures = 0;
        while (true)
        {
            if (key is not null && _responses.TryGetValue(key, out var kept))
            {
                request.Headers["If-None-Match"] = kept.ETag;
            }

            IResponse response;
            await _concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                Interlocked.Increment(ref _requests);
                response = await _inner.Send(request, cancellationToken, preprocessResponseBody!).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (++failures > _options.MaxRetries)
                {
                    throw;
                }

                await RetryDelayAsync(request, ex.GetType().Name, failures, cancellationToken).ConfigureAwait(false);
                continue;
            }
            finally
            {
                _concurrency.Release();
            }

            // Octokit's adapter reads JSON bodies as text; the integration's GETs read raw UTF-8 bytes (Connection.GetRaw),
            // so they are kept as bytes. Other requests (the app's token exchange) are deserialised by Octokit.
            if (request.Method == HttpMethod.Get && (int)response.StatusCode is >= 200 and < 300 && response.Body is string text)
            {
                response = new BytesResponse(response, System.Text.Encoding.UTF8.GetBytes(text));
            }

            if (response.StatusCode == HttpStatusCode.NotModified && key is not null && _responses.TryGetValue(key, out var cached))
            {
                Interlocked.Increment(ref _notModified);
                return cached.Response;
            }

            if (RateLimitWait(response) is { } wait)
            {
                if (wait > _options.MaxRateLimitWait)
                {
                    Log.RateLimitTooLong(_logger, _integration, request.Method.Method, request.Endpoint.ToString(), wait.TotalSeconds, _options.MaxRateLimitWait.TotalSeconds);
                    return response;
                }

                Interlocked.Increment(ref _rateLimitWaits);
                Log.RateLimitWait(_logger, _integration, request.Method.Method, request.Endpoint.ToString(), (int)response.StatusCode, wait.TotalSeconds);
                await Task.Delay(wait, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if ((int)response.StatusCode >= 500 && ++failures <= _options.MaxRetries)
            {
                await RetryDelayAsync(request, $"HTTP {(int)response.StatusCode}", failures, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (key is not null && response.StatusCode == HttpStatusCode.OK && Header(response, "ETag") is { } etag)
            {
                _responses[key] = (etag, response);
            }

            return response;
        }
    }

    public void SetRequestTimeout(TimeSpan timeout) => _inner.SetRequestTimeout(timeout);

    public void Dispose()
    {
        _inner.Dispose();
        _concurrency.Dispose();
    }

    private async Task RetryDelayAsync(IRequest request, string failure, int failures, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _retries);
        var delay = _options.RetryDelay * Math.Pow(2, failures - 1) * (0.8 + (Random.Shared.NextDouble() * 0.4));
        Log.RequestRetried(_logger, _integration, request.Method.Method, request.Endpoint.ToString(), failure, failures, _options.MaxRetries, delay.TotalSeconds);
        await Task.Delay(delay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How long to wait before retrying a rate-limited answer, or <see langword="null"/> when it is not one.</summary>
    private TimeSpan? RateLimitWait(IResponse response)
    {
        if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests))
        {
            return null;
        }

        if (Header(response, "Retry-After") is { } retryAfter && int.TryParse(retryAfter, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Max(0, seconds));
        }

        if (Header(response, "X-RateLimit-Remaining") == "0" && Header(response, "X-RateLimit-Reset") is { } reset && long.TryParse(reset, CultureInfo.InvariantCulture, out var epoch))
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(epoch) - _options.TimeProvider.GetUtcNow();
            // The reset is given in whole seconds: one already past (or a skewed clock) still waits a second, not zero
            // (a zero wait would spin on the exhausted limit until the server's clock turns).
            return wait <= TimeSpan.Zero ? TimeSpan.FromSeconds(1) : wait + TimeSpan.FromMilliseconds(250);
        }

        return null;
    }

    private static string? Header(IResponse response, string name)
        => response.Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>A response whose body is the UTF-8 bytes of the original's text.</summary>
internal sealed class BytesResponse(IResponse original, byte[] body) : IResponse
{
    public object Body => body;

    public IReadOnlyDictionary<string, string> Headers => original.Headers;

    public ApiInfo ApiInfo => original.ApiInfo;

    public HttpStatusCode StatusCode => original.StatusCode;

    public string ContentType => original.ContentType;
}

/// <summary>What the integration's HTTP layer did.</summary>
/// <param name="Requests">HTTP requests sent (retries included).</param>
/// <param name="NotModified">Conditional requests answered 304 from a kept response.</param>
/// <param name="Retries">Requests retried after a transient failure.</param>
/// <param name="RateLimitWaits">Times the integration waited for a rate limit.</param>
public sealed record GitHubRequestStatistics(int Requests, int NotModified, int Retries, int RateLimitWaits);
