using System.Diagnostics;
using System.Globalization;

namespace Port.Sdk.Mcp.Tests;

/// <summary>
/// tests/mcp-servers/scripted-server.mjs (raw JSON-RPC over stdio or Streamable HTTP on Node's own modules, no npm
/// package; a missing <c>node</c> fails each test with a connector error naming it): a state directory of its
/// own where the server records every method it received and every tool it ran, and the processes it started.
/// </summary>
internal sealed class ScriptedServer : IDisposable
{
    private readonly string _marker = $"port-mcp-scripted-{Guid.NewGuid():N}";
    private readonly List<Process> _http = [];

    public ScriptedServer()
    {
        State = Directory.CreateTempSubdirectory("port-mcp-scripted-").FullName;
    }

    public static string Script { get; } = Path.Combine(NpmServers.Directory, "scripted-server.mjs");

    public string State { get; }

    public IReadOnlyList<string> Arguments(params string[] more) => [$"--title={_marker}", Script, "--state", State, .. more];

    public McpConnectorOptions Stdio(Action<McpConnectorOptions>? configure = null, params string[] more)
    {
        var options = new McpConnectorOptions { Command = "node", ReconnectDelay = TimeSpan.FromMilliseconds(10) };
        foreach (var argument in Arguments(more))
        {
            options.Arguments.Add(argument);
        }

        configure?.Invoke(options);
        return options;
    }

    /// <summary>Starts the server over HTTP on a port and waits until it listens.</summary>
    public async Task<Process> StartHttpAsync(int port, CancellationToken cancellationToken, params string[] more)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in Arguments(["--http", port.ToString(CultureInfo.InvariantCulture), .. more]))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        _http.Add(process);
        var listening = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("listening", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        await listening.Task.WaitAsync(cancellationToken);
        return process;
    }

    /// <summary>The lines of one of the server's records (methods.log, executions.log), empty when it was never written.</summary>
    public IReadOnlyList<string> Lines(string file)
        => File.Exists(Path.Combine(State, file)) ? File.ReadAllLines(Path.Combine(State, file)) : [];

    public int Executions(string tool) => Lines("executions.log").Count(l => l == tool);

    public void Touch(string file) => File.WriteAllText(Path.Combine(State, file), string.Empty);

    public long BlobBytesWritten()
        => long.Parse(File.ReadAllText(Path.Combine(State, "blob.written")), CultureInfo.InvariantCulture);

    public IReadOnlyList<Process> StdioProcesses() => NpmServers.ProcessesWith(_marker);

    public void Dispose()
    {
        foreach (var process in NpmServers.ProcessesWith(_marker))
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
        }

        foreach (var process in _http)
        {
            process.Dispose();
        }

        Directory.Delete(State, recursive: true);
    }
}
