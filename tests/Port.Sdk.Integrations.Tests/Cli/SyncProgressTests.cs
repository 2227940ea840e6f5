using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Port.Sdk.Integrations.Tests.Cli;

/// <summary>
/// <c>port sync</c>'s progress line: shown on a terminal (the command run under <c>script</c>, which gives it a
/// pseudo-terminal) and erased before the report; absent when standard error is redirected, as in CI and pipes.
/// </summary>
public sealed class SyncProgressTests : IDisposable
{
    private const string Config = """
        resources:
          - kind: repository
            selector:
              query: "true"
            port:
              entity:
                mappings:
                  identifier: .name
                  blueprint: '"service"'
                  properties:
                    stars: .stars
        """;

    private const string Blueprints = """{ "identifier": "service", "schema": { "properties": { "stars": { "type": "number" } } } }""";

    private const string EraseLine = "\r\u001b[K";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-cli-progress-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string[] SyncArguments(params string[] extra)
    {
        var items = string.Join(",\n", Enumerable.Range(0, 500).Select(i => $$"""{ "name": "repo-{{i}}", "stars": {{i}} }"""));
        return
        [
            "sync", "--config", Write("port-app-config.yml", Config), "--db", Path.Combine(_directory.FullName, "catalog.db"),
            "--blueprints", Write("blueprints.json", Blueprints), "--input", $"repository={Write("repos.json", $"[{items}]")}", .. extra,
        ];
    }

    [Fact]
    public void Sync_OnATerminal_ShowsProgressPerKind_ThenErasesItBeforeTheReport()
    {
        var (code, transcript) = RunOnPseudoTerminal(SyncArguments());

        Assert.True(code == 0, transcript);
        Assert.Contains(EraseLine + "repository: ", transcript, StringComparison.Ordinal);
        Assert.Matches(@"repository: [\d,]+ read, [\d,]+ mapped, [\d,]+ written", transcript);
        var report = transcript.IndexOf("repository: 500 fetched", StringComparison.Ordinal);
        Assert.True(report > transcript.LastIndexOf(EraseLine, StringComparison.Ordinal), $"The report is not after the erased progress line:\n{transcript}");
        Assert.Contains("500 created, 0 updated, 0 unchanged, 0 deleted, 0 failed", transcript, StringComparison.Ordinal);
    }

    [Fact]
    public void Sync_StandardErrorRedirected_PrintsNoProgress()
    {
        var (code, stdout, stderr) = PortCli.Run(null, SyncArguments());

        Assert.True(code == 0, stderr);
        Assert.Empty(stderr);
        Assert.DoesNotContain('\r', stdout);
        Assert.DoesNotContain('\u001b', stdout);
        Assert.Contains("repository: 500 fetched, 500 selected, 500 mapped: 500 created", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_StandardErrorRedirected_PrintsTheSummaryLine_AndTheListOnRequest()
    {
        var (code, stdout, stderr) = PortCli.Run(null, SyncArguments("--plan"));
        var (listCode, listed, listErrors) = PortCli.Run(null, SyncArguments("--plan", "--list"));

        Assert.True(code == 0, stderr);
        Assert.True(listCode == 0, listErrors);
        Assert.Contains("Plan: 500 to create, 0 to update, 0 to delete, 0 failed (--list for the entities).", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("  + ", stdout, StringComparison.Ordinal);
        Assert.Equal(500, listed.Split('\n').Count(l => l.StartsWith("  + ", StringComparison.Ordinal)));
        Assert.Contains("Plan: 500 to create, 0 to update, 0 to delete, 0 failed.", listed, StringComparison.Ordinal);
        Assert.Empty(stderr + listErrors);
    }

    /// <summary>Runs <c>port</c> under <c>script</c> (util-linux), so that its standard streams are a pseudo-terminal; returns what the terminal showed.</summary>
    private static (int ExitCode, string Transcript) RunOnPseudoTerminal(string[] args)
    {
        const string Script = "/usr/bin/script";
        Assert.True(File.Exists(Script), $"'{Script}' (Debian's bsdutils, util-linux) is needed to run 'port' on a pseudo-terminal; .ci/run installs it.");
        var command = new StringBuilder("dotnet ").Append(Quote(Path.Combine(AppContext.BaseDirectory, "port.dll")));
        foreach (var arg in args)
        {
            command.Append(' ').Append(Quote(arg));
        }

        var start = new ProcessStartInfo(Script) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
        foreach (var arg in new[] { "-q", "-f", "-e", "-c", command.ToString(), "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["TERM"] = "xterm";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            // A guard against a run that never ends, not a timing assertion.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("'port sync' on a pseudo-terminal did not exit.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
