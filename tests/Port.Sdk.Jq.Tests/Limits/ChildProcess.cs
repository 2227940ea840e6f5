using System.Diagnostics;
using System.Text;

namespace Port.Sdk.Jq.Tests.Limits;

/// <summary>
/// Runs a program of the test output folder (<c>dotnet X.dll ...</c>) in its own process under a 1 GB heap cap, for the
/// cases where a crash is what is tested: a stack overflow or an out-of-memory cannot be caught in the test host.
/// </summary>
internal static class ChildProcess
{
    /// <summary>A bound on a child's run, not a timed assertion: a child still running after it is killed and fails the test.</summary>
    private static readonly TimeSpan KillAfter = TimeSpan.FromMinutes(5);

    public static (int ExitCode, string Stdout, string Stderr) Run(string dll, string? stdin, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_GCHeapHardLimit"] = "0x40000000";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin ?? string.Empty);
        process.StandardInput.Close();
        if (!process.WaitForExit(KillAfter))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"'{dll} {string.Join(' ', args.Select(a => a.Length > 80 ? a[..80] + "..." : a))}' was still running after {KillAfter} and was killed.");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs <c>port jq</c> with the given arguments and standard input.</summary>
    public static (int ExitCode, string Stdout, string Stderr) PortJq(string? stdin, params string[] args)
        => Run("port.dll", stdin, null, ["jq", .. args]);
}
