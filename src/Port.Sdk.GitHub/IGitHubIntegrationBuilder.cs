using Microsoft.Extensions.DependencyInjection;
using Port.Sdk.Integrations;

namespace Port.Sdk.GitHub;

/// <summary>The builder <c>AddGitHubIntegration</c> returns: the catalog's builder, with the integration's name and its HTTP client.</summary>
public interface IGitHubIntegrationBuilder : IIntegrationBuilder
{
    /// <summary>
    /// Gets the builder of the named <see cref="HttpClient"/> (of <c>IHttpClientFactory</c>) the integration sends its
    /// requests through: add handlers, or a resilience pipeline with
    /// <see cref="GitHubPortBuilderExtensions.UseStandardResilience"/>.
    /// </summary>
    IHttpClientBuilder HttpClient { get; }
}
