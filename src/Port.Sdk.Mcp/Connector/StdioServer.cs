using System.Diagnostics;
using System.Text;
using ModelContextProtocol.Client;

namespace Port.Sdk.Mcp.Connector;

/// <summary>
/// A stdio server's process, started by the connector itself (not the SDK's stdio transport) so that its standard
/// output is read through a <see cref="BoundedReadStream"/> and its standard input through a <see cref="CountingWriteStream"/>.
/// The last few kilobytes of its standard error are kept for the error messages.
/// </summary>
internal sealed class StdioServer : IAsyncDisposable
{
    private const int StderrTail = 4_096;
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;

    private StdioServer(Process process)
    {
        _process = process;
        _stderrPump = PumpStderrAsync();
    }

    public Stream Input => _process.StandardInput.BaseStream;

    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>Starts the server; throws <see cref="System.ComponentModel.Win32Exception"/> when the command cannot be started.</summary>
    public static StdioServer Start(McpConnectorOptions options)
    {
        var start = new ProcessStartInfo(options.Command!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = options.WorkingDirectory ?? string.Empty,
        };
        foreach (var argument in options.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Only the few variables a process needs to start, then the configured ones: never the host's secrets.
        start.Environment.Clear();
        foreach (var (name, value) in StdioClientTransportOptions.GetDefaultEnvironmentVariables())
        {
            start.Environment[name] = value;
        }

        foreach (var (name, value) in options.Environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        return new StdioServer(process);
    }

    /// <summary>Describes how the process ended, or that it is still running: its exit code and the end of its standard error.</summary>
    public async Task<string> DescribeAsync()
    {
        try
        {
            // Its output closes a moment before the exit is seen; wait a little for the exit code.
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            await _stderrPump.WaitAsync(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Still running: it only closed its output.
        }

        string stderr;
        lock (_stderr)
        {
            stderr = _stderr.ToString().Trim();
        }

        var state = _process.HasExited ? $"the server exited with code {_process.ExitCode}" : "the server closed its output";
        return stderr.Length == 0 ? state : $"{state}; its standard error ended with: {stderr}";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await _stderrPump.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception or IOException)
        {
            // The process is gone or going; nothing more can be done about it.
        }

        _process.Dispose();
    }

    private async Task PumpStderrAsync()
    {
        var buffer = new char[1_024];
        try
        {
            var reader = _process.StandardError;
            int read;
            while ((read = await reader.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
            {
                lock (_stderr)
                {
                    _stderr.Append(buffer, 0, read);
                    if (_stderr.Length > StderrTail)
                    {
                        _stderr.Remove(0, _stderr.Length - StderrTail);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Standard error closed with the process.
        }
    }
}
