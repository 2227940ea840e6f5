using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Port.Sdk.Actions.AspNetCore;

/// <summary>Maps Port's run API (progress reports of action runs) onto an ASP.NET Core application.</summary>
public static class PortActionRunsEndpointRouteBuilderExtensions
{
    /// <summary>The route parameter that names the run.</summary>
    public const string RunIdRouteParameter = "run_id";

    /// <summary>
    /// Maps Port's run API under <paramref name="prefix"/>, on the <see cref="PortActions"/> registered by <c>AddActions()</c>:
    /// <c>PATCH {prefix}/{run_id}</c> (<c>status</c> <c>SUCCESS</c> or <c>FAILURE</c>, <c>statusLabel</c>, <c>link</c> a
    /// string or an array, <c>summary</c>; <see cref="PortActions.UpdateRunAsync"/>), <c>POST {prefix}/{run_id}/logs</c>
    /// (<c>message</c>, <c>terminationStatus</c>, <c>statusLabel</c>; <see cref="PortActions.AddRunLogAsync"/>) and
    /// <c>GET {prefix}/{run_id}</c>. A request is accepted with the bearer token or with Port's webhook signature over
    /// its body (timestamp within <see cref="PortActionRunsEndpointOptions.SignatureTolerance"/>); otherwise it is
    /// answered 401. Answers are Port's: <c>{ "ok": true, "run": … }</c> (or <c>"runLog"</c>), and
    /// <c>{ "ok": false, "error": …, "message": … }</c> with 400 (the message names the field's JSON Pointer), 404 (no
    /// such run), 409 (the run has ended) or 413 (the body is larger than <see cref="PortActionRunsEndpointOptions.MaxBodySize"/>).
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="prefix">The route prefix.</param>
    /// <param name="configure">Sets the bearer token, the signature's secret and the limits.</param>
    /// <returns>The group of the endpoints, to add authorization, rate limiting and the like.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Neither a bearer token nor a webhook secret is configured: no request could be authenticated.</exception>
    public static RouteGroupBuilder MapPortActionRuns(this IEndpointRouteBuilder endpoints, string prefix = "/v1/actions/runs", Action<PortActionRunsEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        var options = new PortActionRunsEndpointOptions();
        configure?.Invoke(options);
        var actions = endpoints.ServiceProvider.GetRequiredService<PortActions>();
        var secret = options.WebhookSecret ?? actions.Options.WebhookSecret;
        if (options.BearerToken is null && secret is null)
        {
            throw new InvalidOperationException("MapPortActionRuns needs a 'BearerToken' or a webhook secret ('WebhookSecret' of its options or of PortActionsOptions) to authenticate backends.");
        }

        var endpoint = new Endpoint(actions, options, secret);
        var group = endpoints.MapGroup(prefix);
        // RequestDelegate overloads: no reflection over a delegate's parameters, so the package stays trimmable.
        group.MapMethods("/{" + RunIdRouteParameter + "}", [HttpMethods.Patch], context => endpoint.HandleAsync(context, endpoint.PatchAsync));
        group.MapMethods("/{" + RunIdRouteParameter + "}/logs", [HttpMethods.Post], context => endpoint.HandleAsync(context, endpoint.LogAsync));
        group.MapMethods("/{" + RunIdRouteParameter + "}", [HttpMethods.Get], context => endpoint.HandleAsync(context, endpoint.GetAsync));
        return group;
    }

    private sealed class Endpoint(PortActions actions, PortActionRunsEndpointOptions options, string? secret)
    {
        public async Task HandleAsync(HttpContext context, Func<string, JsonObject?, CancellationToken, Task<IResult>> handle)
        {
            var result = await ResultAsync(context, context.GetRouteValue(RunIdRouteParameter) as string ?? string.Empty, handle).ConfigureAwait(false);
            await result.ExecuteAsync(context).ConfigureAwait(false);
        }

        private async Task<IResult> ResultAsync(HttpContext context, string runId, Func<string, JsonObject?, CancellationToken, Task<IResult>> handle)
        {
            var body = await ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            if (body is null)
            {
                return Error(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The body is larger than the {options.MaxBodySize} bytes accepted (MaxBodySize).");
            }

            if (!Authenticated(context.Request, body))
            {
                return Error(StatusCodes.Status401Unauthorized, "unauthorized", "The request has no valid bearer token or Port webhook signature.");
            }

            JsonObject? json = null;
            if (!HttpMethods.IsGet(context.Request.Method))
            {
                try
                {
                    json = JsonNode.Parse(body.Length == 0 ? "{}" : body) as JsonObject;
                }
                catch (JsonException ex)
                {
                    return Error(StatusCodes.Status400BadRequest, "invalid_request", $"The body is not JSON: {ex.Message}");
                }

                if (json is null)
                {
                    return Error(StatusCodes.Status400BadRequest, "invalid_request", "The body must be a JSON object.");
                }
            }

            try
            {
                return await handle(runId, json, context.RequestAborted).ConfigureAwait(false);
            }
            catch (KeyNotFoundException)
            {
                return Error(StatusCodes.Status404NotFound, "not_found", $"There is no run '{runId}'.");
            }
            catch (InvalidOperationException ex)
            {
                return Error(StatusCodes.Status409Conflict, "run_ended", ex.Message);
            }
            catch (BadRequest ex)
            {
                return Error(StatusCodes.Status400BadRequest, "invalid_request", ex.Message);
            }
        }

        public async Task<IResult> PatchAsync(string runId, JsonObject? body, CancellationToken cancellationToken)
        {
            Known(body!, "status", "statusLabel", "link", "summary");
            var link = body!["link"] switch
            {
                null => null,
                JsonValue value when value.TryGetValue<string>(out var one) => [one],
                JsonArray many when many.All(l => l is JsonValue v && v.TryGetValue<string>(out _)) => many.Select(l => l!.GetValue<string>()).ToList(),
                _ => throw new BadRequest("'/link' must be a string or an array of strings."),
            };
            var run = await actions.UpdateRunAsync(runId, new ActionRunUpdate
            {
                Status = Status(body, "status"),
                StatusLabel = Text(body, "statusLabel"),
                Summary = Text(body, "summary"),
                Link = link,
            }, cancellationToken).ConfigureAwait(false);
            return Ok(new JsonObject { ["ok"] = true, ["run"] = JsonNode.Parse(ActionRunJson.Write(run)) });
        }

        public async Task<IResult> LogAsync(string runId, JsonObject? body, CancellationToken cancellationToken)
        {
            Known(body!, "message", "terminationStatus", "statusLabel");
            var message = Text(body!, "message") ?? throw new BadRequest("'/message' is required.");
            var run = await actions.AddRunLogAsync(runId, message, Status(body!, "terminationStatus"), Text(body!, "statusLabel"), cancellationToken).ConfigureAwait(false);
            var log = run.Logs.Count > 0 ? run.Logs[^1] : null;
            return Results.Text(new JsonObject
            {
                ["ok"] = true,
                ["runLog"] = new JsonObject { ["runId"] = run.Id, ["message"] = log?.Message, ["createdAt"] = log?.At.ToString("O", CultureInfo.InvariantCulture) },
                ["run"] = JsonNode.Parse(ActionRunJson.Write(run)),
            }.ToJsonString(), "application/json", Encoding.UTF8, StatusCodes.Status201Created);
        }

        public async Task<IResult> GetAsync(string runId, JsonObject? body, CancellationToken cancellationToken)
        {
            var run = await actions.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException();
            return Ok(new JsonObject { ["ok"] = true, ["run"] = JsonNode.Parse(ActionRunJson.Write(run)) });
        }

        private bool Authenticated(HttpRequest request, string body)
        {
            if (options.BearerToken is { } token && request.Headers.Authorization.ToString() is { } authorization
                && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[7..].Trim()), Encoding.UTF8.GetBytes(token)))
            {
                return true;
            }

            if (secret is null
                || request.Headers[WebhookSignature.TimestampHeader].ToString() is not { Length: > 0 } timestamp
                || request.Headers[WebhookSignature.SignatureHeader].ToString() is not { Length: > 0 } signature
                || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return false;
            }

            var age = actions.Options.TimeProvider.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799));
            return age.Duration() <= options.SignatureTolerance && WebhookSignature.Verify(secret, timestamp, body, signature);
        }

        private async Task<string?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
        {
            if (request.ContentLength > options.MaxBodySize)
            {
                return null;
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > options.MaxBodySize)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        private static void Known(JsonObject body, params string[] keys)
        {
            foreach (var (key, _) in body)
            {
                if (!keys.Contains(key, StringComparer.Ordinal))
                {
                    throw new BadRequest($"'/{key}' is not a field of this request; expected {string.Join(", ", keys)}.");
                }
            }
        }

        private static string? Text(JsonObject body, string key) => body[key] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            _ => throw new BadRequest($"'/{key}' must be a string."),
        };

        private static ActionRunStatus? Status(JsonObject body, string key) => Text(body, key) switch
        {
            null => null,
            "SUCCESS" => ActionRunStatus.Success,
            "FAILURE" => ActionRunStatus.Failure,
            var other => throw new BadRequest($"'/{key}' must be SUCCESS or FAILURE, not '{other}'."),
        };

        private static IResult Ok(JsonObject body) => Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, StatusCodes.Status200OK);

        private static IResult Error(int status, string error, string message)
            => Results.Text(new JsonObject { ["ok"] = false, ["error"] = error, ["message"] = message }.ToJsonString(), "application/json", Encoding.UTF8, status);
    }

    private sealed class BadRequest(string message) : Exception(message);
}
