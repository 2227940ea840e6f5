using System.Text.Json;

namespace Port.Sdk.Testing;

/// <summary>A <c>workflow_dispatch</c> the <see cref="GitHubFixtureServer"/> received, and the workflow run it started.</summary>
/// <param name="Repository">The repository's name.</param>
/// <param name="Workflow">The workflow file name (or identifier) of the request's path.</param>
/// <param name="Ref">The <c>ref</c> of the request's body.</param>
/// <param name="Inputs">The <c>inputs</c> of the request's body, as sent (an empty object when there were none).</param>
/// <param name="RunId">The identifier of the workflow run the dispatch started.</param>
public sealed record GitHubFixtureDispatch(string Repository, string Workflow, string Ref, JsonElement Inputs, long RunId);
