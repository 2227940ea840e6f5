using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Port.Sdk.Integrations;

namespace Port.Sdk.GitHub.AspNetCore;

/// <summary>Maps the GitHub webhook endpoint onto an ASP.NET Core application.</summary>
public static class GitHubWebhookEndpointRouteBuilderExtensions
{
    /// <summary>GitHub caps a delivery at 25 MB: the default of <see cref="GitHubIntegrationOptions.MaxWebhookBodySize"/>.</summary>
    public const long MaxBodySize = 25 * 1024 * 1024;

    /// <summary>The route parameter that names the integration, as in <c>/webhooks/github/{integration}</c>.</summary>
    public const string IntegrationRouteParameter = "integration";

    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c> to a GitHub integration registered with <c>AddGitHubIntegration</c>:
    /// the one named by the route's <c>{integration}</c> value if the pattern has it, else <paramref name="integration"/>,
    /// else the only one registered. The body streams into <see cref="GitHubWebhookHandler.HandleAsync"/> (the signature
    /// is checked as it is read; an unsigned delivery is refused before it is read; reading stops past the integration's
    /// <see cref="GitHubIntegrationOptions.MaxWebhookBodySize"/>). The answer is 202 (accepted), 200 (ignored, or a
    /// delivery id already accepted), 401 (bad or missing signature), 404 (no such integration), 413 (too large),
    /// 429 (the event queue is full) or 503 (shutting down), with the reason as text.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">The route; include <c>{integration}</c> to serve several GitHub integrations from one route.</param>
    /// <param name="integration">The integration's name, for a pattern without <c>{integration}</c>; <see langword="null"/> for the only one registered.</param>
    /// <returns>The endpoint's convention builder, to add authorization, rate limiting and the like.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The pattern names no integration and not exactly one GitHub integration is registered.</exception>
    public static RouteHandlerBuilder MapGitHubWebhook(this IEndpointRouteBuilder endpoints, string pattern = "/webhooks/github", string? integration = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var routed = pattern.Contains('{' + IntegrationRouteParameter + '}', StringComparison.Ordinal);
        var fixedName = routed ? null : integration ?? OnlyName(endpoints.ServiceProvider);
        return endpoints.MapPost(pattern, async (HttpContext context) =>
        {
            var name = fixedName ?? context.GetRouteValue(IntegrationRouteParameter) as string ?? string.Empty;
            var github = context.RequestServices.GetKeyedService<GitHubIntegration>(name);
            if (github is null)
            {
                return Results.Text($"No GitHub integration is named '{name}'.", statusCode: StatusCodes.Status404NotFound);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                // The server stops reading past the cap too; the handler then answers 413 itself.
                limit.MaxRequestBodySize = github.Webhooks.MaxBodySize + 1;
            }

            GitHubWebhookResult result;
            try
            {
                result = await github.Webhooks.HandleAsync(
                    context.Request.Body,
                    context.Request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())),
                    context.Request.ContentLength,
                    context.RequestAborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Results.Text($"The delivery is larger than the {github.Webhooks.MaxBodySize} bytes accepted (MaxWebhookBodySize).", statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            if (result.Outcome == GitHubWebhookOutcome.QueueFull)
            {
                context.Response.Headers.RetryAfter = "10";
            }

            return Results.Text(result.Reason, statusCode: result.StatusCode);
        });
    }

    private static string OnlyName(IServiceProvider services)
    {
        var keyed = services.GetService<IServiceProviderIsKeyedService>();
        var names = (services.GetService<IntegrationRegistry>()?.Names ?? []).Where(n => keyed?.IsKeyedService(typeof(GitHubIntegration), n) == true).ToList();
        return names.Count switch
        {
            1 => names[0],
            0 => throw new InvalidOperationException("No GitHub integration is registered: call AddGitHubIntegration(name, …) before MapGitHubWebhook()."),
            _ => throw new InvalidOperationException($"Several GitHub integrations are registered ({string.Join(", ", names.Select(n => $"'{n}'"))}): map each with MapGitHubWebhook(pattern, integration: name), or use one pattern with '{{{IntegrationRouteParameter}}}'."),
        };
    }
}
