using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Port.Sdk.GitHub.AspNetCore;

/// <summary>Maps the GitHub webhook endpoint onto an ASP.NET Core application.</summary>
public static class GitHubWebhookEndpointRouteBuilderExtensions
{
    /// <summary>GitHub caps a delivery at 25 MB; a larger body is refused before it is read.</summary>
    public const long MaxBodySize = 25 * 1024 * 1024;

    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c> to the <see cref="GitHubIntegration"/> registered with
    /// <c>AddGitHubIntegration</c>: the body and headers go to <see cref="GitHubIntegration.Webhooks"/>, and the answer
    /// is 202 (accepted), 200 (ignored), 401 (bad or missing signature) or 413 (too large), with the reason as text.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">The route.</param>
    /// <returns>The endpoint's convention builder, to add authorization, rate limiting and the like.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    public static RouteHandlerBuilder MapGitHubWebhook(this IEndpointRouteBuilder endpoints, string pattern = "/webhooks/github")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        return endpoints.MapPost(pattern, async (HttpContext context) =>
        {
            var integration = context.RequestServices.GetRequiredService<GitHubIntegration>();
            if (context.Request.ContentLength > MaxBodySize)
            {
                return Results.Text("The delivery is larger than GitHub's 25 MB limit.", statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxBodySize;
            }

            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
            var result = integration.Webhooks.Handle(body.GetBuffer().AsSpan(0, (int)body.Length), context.Request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())));
            return Results.Text(result.Reason, statusCode: result.StatusCode);
        });
    }
}
