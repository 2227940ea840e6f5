using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Port.Sdk.Testing;

/// <summary>
/// An <see cref="IIntegration"/> that streams <see cref="Count"/> generated GitHub repositories (kind
/// <c>repository</c>) a page at a time, generating each page when it is asked for: nothing is buffered, so it can
/// serve any number of items in constant memory. For runtime tests and benchmarks.
/// </summary>
public sealed class SampleGitHubIntegration : IIntegration
{
    /// <summary>Gets or sets how many repositories the organisation has.</summary>
    /// <value>The default value is 1,000.</value>
    public int Count { get; set; } = 1_000;

    /// <summary>Gets or sets the page size.</summary>
    /// <value>The default value is 100, GitHub's maximum.</value>
    public int PageSize { get; set; } = 100;

    /// <summary>Gets or sets the revision of the data: a new revision changes every repository.</summary>
    /// <value>The default value is 0.</value>
    public int Revision { get; set; }

    /// <summary>Gets or sets the organisation's login.</summary>
    /// <value>The default value is <c>acme</c>.</value>
    public string Organization { get; set; } = "acme";

    /// <inheritdoc/>
    public string Identifier { get; init; } = "github-sample";

    /// <inheritdoc/>
    public IReadOnlyList<string> Kinds { get; } = ["repository"];

    /// <inheritdoc/>
    public async IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (kind != "repository")
        {
            throw new ArgumentException($"The kind '{kind}' is not served; the only kind is 'repository'.", nameof(kind));
        }

        for (var start = 0; start < Count; start += PageSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return GitHubSamples.Repositories(start, Math.Min(PageSize, Count - start), Organization, Revision);
            await Task.Yield();
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<IntegrationEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }
}
