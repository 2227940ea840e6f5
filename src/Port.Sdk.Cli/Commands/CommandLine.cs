using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Port.Sdk.Integrations;

namespace Port.Sdk.Cli.Commands;

/// <summary>What the catalog commands share: option parsing, loading a configuration, usage errors.</summary>
internal static class CommandLine
{
    public static JsonSerializerOptions Indented { get; } = new(PortJson.Options) { WriteIndented = true };

    /// <summary>Parses <c>--name value</c> options (some repeatable, collected as <c>name=value;...</c>) and flags.</summary>
    public static bool TryParse(string[] args, string[] valued, string[] flags, out Dictionary<string, string> options, [NotNullWhen(false)] out string? error)
    {
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                options["--help"] = string.Empty;
            }
            else if (flags.Contains(arg))
            {
                options[arg] = string.Empty;
            }
            else if (valued.Contains(arg))
            {
                if (i + 1 >= args.Length)
                {
                    error = $"'{arg}' needs a value.";
                    return false;
                }

                var value = args[++i];
                options[arg] = options.TryGetValue(arg, out var earlier) ? earlier + "\n" + value : value;
            }
            else
            {
                error = $"unknown option '{arg}'.";
                return false;
            }
        }

        return true;
    }

    public static int Usage(TextWriter stderr, string command, string message, string help)
    {
        stderr.WriteLine($"port {command}: {message}");
        stderr.WriteLine(help);
        return 2;
    }

    public static bool TryLoadConfig(string path, TextWriter stderr, string command, [NotNullWhen(true)] out PortAppConfig? config)
    {
        try
        {
            config = PortAppConfig.Load(path);
            return true;
        }
        catch (PortAppConfigException ex)
        {
            stderr.WriteLine($"port {command}: the configuration is invalid ({ex.Errors.Count} errors):");
            foreach (var error in ex.Errors)
            {
                stderr.WriteLine($"  {error}");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"port {command}: cannot read '{path}': {ex.Message}");
        }

        config = null;
        return false;
    }
}
