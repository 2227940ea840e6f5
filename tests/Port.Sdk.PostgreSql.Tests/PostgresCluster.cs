using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Port.Sdk.PostgreSql.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run: initdb into a temp folder as an unprivileged user (initdb refuses
/// root), bound to 127.0.0.1 on a free port, unix sockets in the temp folder, fsync off. Started once per test
/// process, stopped and deleted when the process exits. Without the server binaries it fails with what to install.
/// </summary>
internal sealed class PostgresCluster
{
    private static readonly Lazy<PostgresCluster> SharedCluster = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly string _bin;
    private readonly string _data;

    private PostgresCluster(string bin, string root, int port)
    {
        _bin = bin;
        Root = root;
        _data = Path.Combine(root, "data");
        Port = port;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "port",
            Database = "postgres",
            Pooling = true,
            MaxPoolSize = 50,
        }.ToString();
    }

    /// <summary>Gets the cluster of this test process, starting it on first use.</summary>
    public static PostgresCluster Shared => SharedCluster.Value;

    public string Root { get; }

    public int Port { get; }

    public string ConnectionString { get; }

    /// <summary>A connection string to a new, empty database of the cluster.</summary>
    public string CreateDatabase()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ToString();
    }

    private static PostgresCluster Start()
    {
        var bin = FindBinaries();
        var root = Directory.CreateTempSubdirectory("port-pg-").FullName;
        var port = FreePort();
        var cluster = new PostgresCluster(bin, root, port);
        try
        {
            cluster.InitAndStart();
        }
        catch
        {
            cluster.Stop();
            throw;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
        cluster.StartReaper();
        return cluster;
    }

    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("PORT_SDK_PG_BIN") is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "initdb")) ? configured
                : throw new InvalidOperationException($"PORT_SDK_PG_BIN is '{configured}', which holds no 'initdb'.");
        }

        var found = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            "The PostgreSQL tests need the PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/<version>/bin, "
            + "and none were found: install Debian's package ('apt-get install -y postgresql', as .ci/run does) or set PORT_SDK_PG_BIN.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void InitAndStart()
    {
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb refuses to run as root: the cluster belongs to the package's unprivileged 'postgres' user.
            Run("chown", ["-R", "postgres:postgres", Root], asUser: false);
            Run("chmod", ["700", Root], asUser: false);
        }

        Run(Path.Combine(_bin, "initdb"), ["-D", _data, "-U", "port", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asRoot);
        var options = $"-c listen_addresses=127.0.0.1 -p {Port} -k {Root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            + "-c max_connections=200 -c shared_buffers=64MB";
        Run(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-l", Path.Combine(Root, "server.log"), "-o", options, "-w", "-t", "60", "start"], asRoot);
    }

    /// <summary>
    /// A detached shell that stops the server and deletes its folder once this process is gone, however it ended
    /// (the exit handler above may not run, or not finish, when the test host is killed).
    /// </summary>
    private void StartReaper()
    {
        var pgCtl = Path.Combine(_bin, "pg_ctl");
        var stop = Environment.UserName == "root" ? $"runuser -u postgres -- {pgCtl}" : pgCtl;
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; "
            + $"[ -f '{_data}/postmaster.pid' ] && {stop} -D '{_data}' -m immediate -w stop >/dev/null 2>&1; rm -rf '{Root}'";
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["sh", "-c", script])
        {
            start.ArgumentList.Add(argument);
        }

        Process.Start(start)?.Dispose();
    }

    private void Stop()
    {
        try
        {
            if (File.Exists(Path.Combine(_data, "postmaster.pid")))
            {
                Run(Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-m", "immediate", "-w", "stop"], Environment.UserName == "root");
            }
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the folder goes regardless.
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void Run(string file, string[] arguments, bool asUser)
    {
        var start = new ProcessStartInfo(asUser ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asUser)
        {
            foreach (var argument in (string[])["-u", "postgres", "--", file])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {error.Result}{output.Result}");
        }
    }
}
