using System.Diagnostics;
using System.Text;

namespace Port.Sdk.Limits.Child;

/// <summary>What a child run ended with.</summary>
/// <param name="ExitCode">The exit code; -1 when it was killed.</param>
/// <param name="Stdout">Its standard output.</param>
/// <param name="Stderr">Its standard error.</param>
/// <param name="Killed">Whether it was still running at the kill timeout.</param>
public sealed record ChildResult(int ExitCode, string Stdout, string Stderr, bool Killed)
{
    /// <inheritdoc/>
    public override string ToString() => $"exit {ExitCode}{(Killed ? " (killed at the timeout)" : "")}{Environment.NewLine}stdout: {Stdout}{Environment.NewLine}stderr: {Stderr}";
}

/// <summary>Runs this program as a child process with a 1 GiB heap cap and a kill timeout (a bound, not an assertion).</summary>
public static class ChildProcess
{
    /// <summary>The heap cap of every child: 1 GiB.</summary>
    public const string HeapHardLimit = "0x40000000";

    /// <summary>Runs the child with the arguments and waits for it, killing it at <paramref name="killAfter"/>.</summary>
    /// <param name="killAfter">How long it may run.</param>
    /// <param name="args">The mode and its arguments.</param>
    /// <returns>How it ended.</returns>
    public static ChildResult Run(TimeSpan killAfter, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Port.Sdk.Limits.Child.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_GCHeapHardLimit"] = HeapHardLimit;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var killed = !process.WaitForExit(killAfter);
        if (killed)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        return new ChildResult(killed ? -1 : process.ExitCode, stdout.Result, stderr.Result, killed);
    }
}
