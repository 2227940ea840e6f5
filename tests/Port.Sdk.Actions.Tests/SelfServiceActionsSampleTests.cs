using System.Diagnostics;
using System.Text;

namespace Port.Sdk.Actions.Tests;

/// <summary>samples/SelfServiceActions run as a process with no server and no token, on a SQLite file of its own.</summary>
public sealed class SelfServiceActionsSampleTests
{
    [Fact]
    public async Task Sample_ScaffoldsAServiceAndNotifiesTheTeamOnALevelDrop()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var directory = Directory.CreateTempSubdirectory("port-actions-sample-");
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
            // The sample's own build output, with its own dependency resolution.
            var output = new DirectoryInfo(AppContext.BaseDirectory);
            var sample = Path.Combine(Port.Sdk.Tests.Common.RepositoryPaths.Root, "samples", "SelfServiceActions", "bin", output.Parent!.Name, output.Name, "SelfServiceActions.dll");
            start.ArgumentList.Add(File.Exists(sample) ? sample : Path.Combine(AppContext.BaseDirectory, "SelfServiceActions.dll"));
            start.ArgumentList.Add(Path.Combine(directory.FullName, "catalog.db"));
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var printed = await stdout;
            Assert.True(process.ExitCode == 0, printed + await stderr);
            Assert.Contains("  team: there is no entity 'nobody' of blueprint 'team'", printed, StringComparison.Ordinal);
            Assert.Contains("Scaffold run Success: Upserted entity 'payments-api' of blueprint 'service'.", printed, StringComparison.Ordinal);
            Assert.Contains("Coverage 92%: readiness level Gold", printed, StringComparison.Ordinal);
            Assert.Contains("Coverage 40%: readiness level Bronze", printed, StringComparison.Ordinal);
            Assert.Contains("Automation run Success (automation:notify_team_on_level_drop): Notified #payments-oncall: payments-api dropped from Gold to Bronze", printed, StringComparison.Ordinal);
            Assert.Contains("Runs kept in catalog.db: scaffold_service Success, notify_team_on_level_drop Success", printed, StringComparison.Ordinal);
            Assert.Single(printed.Split('\n'), l => l.StartsWith("Notify ", StringComparison.Ordinal));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }
}
