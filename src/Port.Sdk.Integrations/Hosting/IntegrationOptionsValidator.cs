using Microsoft.Extensions.Options;

namespace Port.Sdk.Integrations;

/// <summary>Checks each registered integration's <see cref="IntegrationOptions"/>: a mapping that can be read, a positive schedule.</summary>
internal sealed class IntegrationOptionsValidator(IntegrationRegistrations registrations) : IValidateOptions<IntegrationOptions>
{
    public ValidateOptionsResult Validate(string? name, IntegrationOptions options)
    {
        if (name is null || !registrations.Contains(name))
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (options.ResyncInterval is { } interval && interval <= TimeSpan.Zero)
        {
            failures.Add($"The field ResyncInterval must be positive, was '{interval}'.");
        }

        if (options.Mapping is null)
        {
            if (string.IsNullOrWhiteSpace(options.MappingFile))
            {
                failures.Add("The field Mapping or MappingFile is required: the integration has no mapping.");
            }
            else if (!File.Exists(options.MappingFile))
            {
                failures.Add($"The field MappingFile names a file that does not exist: '{options.MappingFile}'.");
            }
            else
            {
                try
                {
                    _ = PortAppConfig.Load(options.MappingFile);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failures.Add($"The field MappingFile names a mapping that cannot be read: {ex.Message}");
                }
            }
        }

        return failures.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(failures.Select(f => $"IntegrationOptions of integration '{name}': {f}"));
    }
}
