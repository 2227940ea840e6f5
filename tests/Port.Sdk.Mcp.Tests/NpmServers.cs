using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Port.Sdk.Tests.Common;

namespace Port.Sdk.Mcp.Tests;

/// <summary>The third-party MCP servers installed from npm into tests/mcp-servers (by <c>npm ci</c>, as .ci/run does).</summary>
internal static class NpmServers
{
    public static string Directory { get; } = Path.Combine(RepositoryPaths.Root, "tests", "mcp-servers");

    public static string Script(string package)
    {
        var script = Path.Combine(Directory, "node_modules", "@modelcontextprotocol", package, "dist", "index.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"'{script}' is missing: run 'npm ci --prefix tests/mcp-servers' (.ci/run does).");
        }

        return script;
    }

    /// <summary>server-everything over stdio, with a marker in its command line so a test can find and kill it.</summary>
    public static McpConnectorOptions Everything(string marker, Action<McpConnectorOptions>? configure = null)
    {
        var options = new McpConnectorOptions { Command = "node", Arguments = { $"--title={marker}", Script("server-everything"), "stdio" } };
        configure?.Invoke(options);
        return options;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The node processes whose command line holds a marker (Linux: /proc/PID/cmdline).</summary>
    public static IReadOnlyList<Process> ProcessesWith(string marker)
    {
        var found = new List<Process>();
        // node's --title rewrites the process name, so every process is looked at, by its command line.
        foreach (var process in Process.GetProcesses())
        {
            try
            {
                if (File.ReadAllText($"/proc/{process.Id}/cmdline").Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(process);
                    continue;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            process.Dispose();
        }

        return found;
    }
}
