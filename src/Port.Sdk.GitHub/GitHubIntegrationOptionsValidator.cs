using Microsoft.Extensions.Options;

namespace Port.Sdk.GitHub;

/// <summary>Checks the named <see cref="GitHubIntegrationOptions"/> of each GitHub integration when the host starts.</summary>
internal sealed class GitHubIntegrationOptionsValidator(GitHubIntegrationNames names) : IValidateOptions<GitHubIntegrationOptions>
{
    public ValidateOptionsResult Validate(string? name, GitHubIntegrationOptions options)
    {
        if (name is null || !names.Contains(name))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = options.Errors();
        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors.Select(e => $"GitHubIntegrationOptions of integration '{name}': {e}"));
    }
}

/// <summary>The names of the GitHub integrations registered in a service collection (an instance in it).</summary>
internal sealed class GitHubIntegrationNames
{
    private readonly List<string> _names = [];

    public IReadOnlyList<string> Names => _names;

    public bool Contains(string name) => _names.Contains(name, StringComparer.Ordinal);

    public void Add(string name) => _names.Add(name);
}
