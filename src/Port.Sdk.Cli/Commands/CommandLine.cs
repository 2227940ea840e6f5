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

    /// <summary>
    /// Resolves a <c>--db</c> path against the current directory and checks it: its folder must exist, and with
    /// <paramref name="mustExist"/> the file too. On failure, writes one error line.
    /// </summary>
    public static bool TryResolveCatalog(string db, bool mustExist, TextWriter stderr, string command, [NotNullWhen(true)] out string? path)
    {
        path = null;
        string full;
        try
        {
            full = Path.GetFullPath(db, Directory.GetCurrentDirectory());
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            stderr.WriteLine($"port {command}: '--db {db}' is not a valid path: {ex.Message}");
            return false;
        }

        if (Directory.Exists(full))
        {
            stderr.WriteLine($"port {command}: '--db {db}' is a folder ('{full}'); give the catalog's file.");
            return false;
        }

        var folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            stderr.WriteLine($"port {command}: the folder of '--db {db}' does not exist ('{folder}').");
            return false;
        }

        if (mustExist && !File.Exists(full))
        {
            stderr.WriteLine($"port {command}: the catalog '{full}' does not exist; pass --create to start an empty one.");
            return false;
        }

        path = full;
        return true;
    }

    /// <summary>
    /// Checks that an existing catalog file is a SQLite database before a command works on it, so that a wrong
    /// file is one error line before anything starts. On failure, writes the line.
    /// </summary>
    public static bool CheckCatalogFile(string path, TextWriter stderr, string command)
    {
        if (!File.Exists(path))
        {
            return true;
        }

        try
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = path, Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var query = connection.CreateCommand();
            query.CommandText = "SELECT count(*) FROM sqlite_master";
            query.ExecuteScalar();
            return true;
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            stderr.WriteLine($"port {command}: the catalog '{path}' cannot be used: {ex.Message}");
            return false;
        }
    }

    /// <summary>Describes an exception in one line: its message, and the type only for the unforeseen ones.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        IOException or UnauthorizedAccessException or PortException or JsonException => ex.Message,
        Microsoft.Data.Sqlite.SqliteException sqlite => $"the catalog file cannot be used: {sqlite.Message}",
        _ => $"unexpected error ({ex.GetType().Name}): {ex.Message}",
    };

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
