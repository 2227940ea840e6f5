using System.Diagnostics;
using System.Text;

namespace Port.Sdk.Mcp.Tests;

/// <summary>The README's main job, samples/PullRequestReview, run as a process with no token (fixture server, our GitHub MCP server over stdio).</summary>
public sealed class PullRequestReviewSampleTests
{
    [Fact]
    public async Task Sample_WithNoToken_PrintsOwnerStandardsAndTheLiveDiff()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
        // The sample's own build output, with its own dependency resolution: a copy in this test's folder would run
        // with the sample's deps.json against the assemblies this test project resolved.
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var sample = Path.Combine(Port.Sdk.Tests.Common.RepositoryPaths.Root, "samples", "PullRequestReview", "bin", output.Parent!.Name, output.Name, "PullRequestReview.dll");
        start.ArgumentList.Add(File.Exists(sample) ? sample : Path.Combine(AppContext.BaseDirectory, "PullRequestReview.dll"));
        start.Environment.Remove("GITHUB_TOKEN");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        var printed = await stdout;
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Contains("# githubPullRequest `ledger-worker-13-2`", printed, StringComparison.Ordinal);
        Assert.Contains("### githubTeam `team-1` (via service → team)", printed, StringComparison.Ordinal);
        Assert.Contains("| service-standards | service `ledger-worker-13` | Gold |", printed, StringComparison.Ordinal);
        Assert.Contains("## Diff (live: connector 'github', tool 'get_pull_request_diff'", printed, StringComparison.Ordinal);
        Assert.Contains("diff --git a/src/Service13/Handler.cs", printed, StringComparison.Ordinal);
        Assert.Contains("3/3 connector results", await stderr, StringComparison.Ordinal);
    }
}
