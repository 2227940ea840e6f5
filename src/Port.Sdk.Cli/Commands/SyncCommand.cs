using System.Text.Json;
using Port.Sdk.Integrations;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Cli.Commands;

/// <summary><c>port sync</c>: a full resync of items read from files into a SQLite catalog, or with <c>--plan</c>, what it would do.</summary>
internal static class SyncCommand
{
    public const string Help = """
        Usage: port sync --config FILE --db FILE --input KIND=FILE [--input KIND=FILE ...]
                         [--blueprints PATH] [--integration ID] [--plan [--list]]

        Runs a full resync of the items in the files (one file per kind) into the catalog in a SQLite file:
        entities created, changed ones rewritten, and the ones this integration wrote before and no longer
        has deleted (within the configuration's entityDeletionThreshold). With --plan, writes nothing and
        prints, per kind, how many entities the resync would create, update and delete, and a summary line;
        with --list too, each of them: created (+), updated (~) and deleted (-). On a terminal, standard error
        shows the items read, mapped and written per kind as they go (nothing when it is redirected).

        Options:
          --config FILE        the mapping configuration (Port's port-app-config format)
          --db FILE            the catalog's SQLite file, relative to the current directory (created when
                               missing; its folder must exist)
          --input KIND=FILE    the raw items of a kind: a JSON array, or JSON texts one after another; the kind
                               must be one of the configuration's resources[].kind
          --blueprints PATH    register the blueprints of a file, or of every *.json file of a directory, first
                               (each file one blueprint or an array of them, as Ocean's blueprints.json;
                               with --plan: on a copy of the catalog file)
          --integration ID     the integration whose entities these are (default: cli)
          --plan               print what would change; write nothing
          --list, --verbose    with --plan: list every entity to create, update or delete
          -h, --help           this help

        Exit status: 0 on success, 1 when items or entities failed or stale entities were not deleted,
        2 on usage errors (an unknown option, a missing file or folder, a kind not in the configuration),
        3 when the configuration or a blueprint is invalid, 5 when the catalog file cannot be used.
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (!CommandLine.TryParse(args, ["--config", "--db", "--input", "--blueprints", "--integration"], ["--plan", "--list", "--verbose"], out var options, out var error))
        {
            return CommandLine.Usage(stderr, "sync", error, Help);
        }

        if (options.ContainsKey("--help"))
        {
            stdout.WriteLine(Help);
            return 0;
        }

        if (!options.TryGetValue("--config", out var configPath) || !options.TryGetValue("--db", out var db) || !options.TryGetValue("--input", out var inputs))
        {
            return CommandLine.Usage(stderr, "sync", "--config, --db and at least one --input are required.", Help);
        }

        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in inputs.Split('\n'))
        {
            var split = input.IndexOf('=', StringComparison.Ordinal);
            if (split <= 0 || split == input.Length - 1)
            {
                return CommandLine.Usage(stderr, "sync", $"'--input {input}' must be KIND=FILE.", Help);
            }

            files[input[..split]] = input[(split + 1)..];
            if (!File.Exists(files[input[..split]]))
            {
                stderr.WriteLine($"port sync: the items file '{input[(split + 1)..]}' of '--input {input}' does not exist.");
                return 2;
            }
        }

        if (!CommandLine.TryResolveCatalog(db, mustExist: false, stderr, "sync", out var catalogPath))
        {
            return 2;
        }

        db = catalogPath;
        if (!CommandLine.CheckCatalogFile(db, stderr, "sync"))
        {
            return 5;
        }

        if (!CommandLine.TryLoadConfig(configPath, stderr, "sync", out var config))
        {
            return 3;
        }

        var unknown = files.Keys.Where(kind => config.Resources.All(r => r.Kind != kind)).ToList();
        if (unknown.Count > 0)
        {
            stderr.WriteLine($"port sync: the configuration has no resource of kind {string.Join(", ", unknown.Select(k => $"'{k}'"))}; its kinds are {string.Join(", ", config.Resources.Select(r => $"'{r.Kind}'").Distinct())}.");
            return 2;
        }

        var plan = options.ContainsKey("--plan");
        var path = db;
        if (plan && options.ContainsKey("--blueprints"))
        {
            // Registering blueprints writes: a plan registers them on a copy, so the catalog file stays as it was.
            path = Path.Combine(Path.GetTempPath(), $"port-plan-{Guid.NewGuid():N}.db");
            if (File.Exists(db))
            {
                using var source = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Mode=ReadOnly");
                source.Open();
                using var backup = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
                backup.Open();
                source.BackupDatabase(backup);
            }
        }

        try
        {
            return RunAsync(config, files, path, options, plan, stdout, stderr).GetAwaiter().GetResult();
        }
        finally
        {
            if (!ReferenceEquals(path, db))
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"))
                {
                    File.Delete(file);
                }
            }
        }
    }

    private static async Task<int> RunAsync(PortAppConfig config, Dictionary<string, string> files, string path, Dictionary<string, string> options, bool plan, TextWriter stdout, TextWriter stderr)
    {
        using var catalog = new PortCatalog(new SqliteEntityStore(path));
        if (options.TryGetValue("--blueprints", out var blueprintPath))
        {
            IReadOnlyList<BlueprintSource> sources = [];
            try
            {
                sources = BlueprintFile.LoadSources(blueprintPath);
                await catalog.RegisterBlueprintsAsync(sources.Select(s => s.Blueprint)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is CatalogValidationException or BlueprintFileException or IOException or UnauthorizedAccessException)
            {
                var errors = ex switch
                {
                    CatalogValidationException invalid => BlueprintFile.Locate(invalid.Errors, sources),
                    BlueprintFileException unreadable => unreadable.Errors,
                    _ => null,
                };
                stderr.WriteLine(errors is null
                    ? $"port sync: the blueprints at '{blueprintPath}' cannot be read: {ex.Message}"
                    : $"port sync: the blueprints at '{blueprintPath}' are invalid ({errors.Count} errors):");
                foreach (var error in errors ?? [])
                {
                    stderr.WriteLine($"  {error}");
                }

                return 3;
            }
        }

        using var progress = SyncProgress.ForTerminal(stderr, [.. files.Keys]);
        using var stopWatching = new CancellationTokenSource();
        var watching = progress is null ? Task.CompletedTask : CountWritesAsync(catalog, progress, stopWatching.Token);
        var integration = new FileIntegration(options.GetValueOrDefault("--integration", "cli"), files, progress is null ? null : progress.Read);
        ISemanticMapper mapper = new JqSemanticMapper(config);
        using var engine = new ResyncEngine(catalog, integration, progress is null ? mapper : new ProgressMapper(mapper, progress), config);
        if (plan)
        {
            var result = await engine.PlanAsync().ConfigureAwait(false);
            await StopAsync(stopWatching, watching, progress).ConfigureAwait(false);
            var list = options.ContainsKey("--list") || options.ContainsKey("--verbose");
            foreach (var kind in result.Kinds)
            {
                var r = kind.Report;
                stdout.WriteLine($"{kind.Kind}: {r.Fetched} fetched, {r.Selected} selected, {r.Mapped} mapped: {kind.Create.Count} to create, {kind.Update.Count} to update, {r.Unchanged} unchanged, {kind.Delete.Count} to delete, {r.Failures.Count} failed");
                foreach (var key in list ? kind.Create : Enumerable.Empty<EntityKey>())
                {
                    stdout.WriteLine($"  + {key}");
                }

                foreach (var key in list ? kind.Update : Enumerable.Empty<EntityKey>())
                {
                    stdout.WriteLine($"  ~ {key}");
                }

                foreach (var key in list ? kind.Delete : Enumerable.Empty<EntityKey>())
                {
                    stdout.WriteLine($"  - {key}");
                }

                foreach (var failure in r.Failures)
                {
                    stderr.WriteLine($"port sync: {failure}");
                }

                if (r.DeletionSkippedReason is { } kindReason)
                {
                    stdout.WriteLine($"  stale entities kept: {kindReason}");
                }
            }

            stdout.WriteLine($"Plan: {result.Kinds.Sum(k => k.Create.Count)} to create, {result.Kinds.Sum(k => k.Update.Count)} to update, {result.Kinds.Sum(k => k.Delete.Count)} to delete, {result.Kinds.Sum(k => k.Report.Failures.Count)} failed{(list ? string.Empty : " (--list for the entities)")}.");
            return Finish(result.DeletionSkippedReason, result.Kinds.Sum(k => k.Report.Failures.Count), stdout, "Plan only: nothing was written.");
        }

        var report = await engine.ResyncAsync().ConfigureAwait(false);
        await StopAsync(stopWatching, watching, progress).ConfigureAwait(false);
        foreach (var kind in report.Kinds)
        {
            stdout.WriteLine($"{kind.Kind}: {kind.Fetched} fetched, {kind.Selected} selected, {kind.Mapped} mapped: {kind.Created} created, {kind.Updated} updated, {kind.Unchanged} unchanged, {kind.Deleted} deleted, {kind.Failures.Count} failed in {kind.Duration.TotalSeconds:0.###} s");
            foreach (var failure in kind.Failures)
            {
                stderr.WriteLine($"port sync: {failure}");
            }

            if (kind.DeletionSkippedReason is { } kindReason)
            {
                stdout.WriteLine($"  stale entities kept: {kindReason}");
            }
        }

        return Finish(report.DeletionSkippedReason, report.Kinds.Sum(k => k.Failures.Count), stdout, null);
    }

    private static async Task CountWritesAsync(PortCatalog catalog, SyncProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in catalog.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                progress.Written(change.Key);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stops counting writes and erases the progress line before the report is printed.</summary>
    private static async Task StopAsync(CancellationTokenSource stopWatching, Task watching, SyncProgress? progress)
    {
        await stopWatching.CancelAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(false);
        progress?.Dispose();
    }

    private static int Finish(string? deletionSkipped, int failures, TextWriter stdout, string? footer)
    {
        if (deletionSkipped is not null)
        {
            stdout.WriteLine($"Stale entities not deleted: {deletionSkipped}.");
        }

        if (footer is not null)
        {
            stdout.WriteLine(footer);
        }

        return failures > 0 || deletionSkipped is not null ? 1 : 0;
    }
}
