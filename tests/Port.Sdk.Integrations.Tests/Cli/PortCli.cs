using System.Diagnostics;
using System.Text;

namespace Port.Sdk.Integrations.Tests.Cli;

/// <summary>Runs the real <c>port</c> executable (<c>dotnet port.dll ...</c>) as a child process.</summary>
internal static class PortCli
{
    /// <summary>How long a run may take before it counts as hung: a guard against a test that never ends, not a timing assertion.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    public static (int ExitCode, string Stdout, string Stderr) Run(string? workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "port.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(HangGuard))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'port {string.Join(' ', args)}' did not exit.");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
