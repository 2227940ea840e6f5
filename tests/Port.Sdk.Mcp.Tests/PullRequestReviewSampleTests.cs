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
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PullRequestReview.dll"));
        start.Environment.Remove("GITHUB_TOKEN");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        var output = await stdout;
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Contains("# githubPullRequest `ledger-worker-13-2`", output, StringComparison.Ordinal);
        Assert.Contains("### githubTeam `team-1` (via service → team)", output, StringComparison.Ordinal);
        Assert.Contains("| service-standards | service `ledger-worker-13` | Gold |", output, StringComparison.Ordinal);
        Assert.Contains("## Diff (live: connector 'github', tool 'get_pull_request_diff'", output, StringComparison.Ordinal);
        Assert.Contains("diff --git a/src/Service13/Handler.cs", output, StringComparison.Ordinal);
        Assert.Contains("3/3 connector results", await stderr, StringComparison.Ordinal);
    }
}
