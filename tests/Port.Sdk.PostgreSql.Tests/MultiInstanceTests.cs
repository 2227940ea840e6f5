using System.Diagnostics;
using Npgsql;

namespace Port.Sdk.PostgreSql.Tests;

/// <summary>Several instances on one database, as real processes (tests/Port.Sdk.PostgreSql.Worker).</summary>
#pragma warning disable CA1001 // xunit disposes the store through IAsyncLifetime.DisposeAsync.
public sealed class MultiInstanceTests : IAsyncLifetime
{
    private static readonly Lazy<string> Database = new(() => PostgresCluster.Shared.CreateDatabase());
    private readonly string _schema = "m_" + Guid.NewGuid().ToString("N");
    private readonly List<Process> _processes = [];
    private readonly CancellationToken _timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token;
    private PostgreSqlEntityStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new PostgreSqlEntityStore(Database.Value, new PostgreSqlStoreOptions { Schema = _schema });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        await using (var connection = new NpgsqlConnection(Database.Value))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        await _store.DisposeAsync();
    }

    [Theory]
    [InlineData("skip")]
    [InlineData("wait")]
    public async Task TwoProcessesResync_OneHoldsTheLock_TheOtherSkipsOrWaits(string mode)
    {
        var holder = Start("resync", Database.Value, _schema, "wait", "2000", "500", "hold");
        await ReadUntilAsync(holder, "holding");

        var other = Start("resync", Database.Value, _schema, mode, "2000", "500");
        if (mode == "skip")
        {
            Assert.Equal("report completed=False skipped=True created=0", await ReadUntilAsync(other, "report"));
        }
        else
        {
            await WaitForAsync("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
            Assert.False(other.HasExited);
        }

        await holder.StandardInput.WriteLineAsync();
        Assert.Equal("report completed=True skipped=False created=2000", await ReadUntilAsync(holder, "report"));
        if (mode == "wait")
        {
            // It ran after the holder: everything was already there.
            Assert.Equal("report completed=True skipped=False created=0", await ReadUntilAsync(other, "report"));
        }

        Assert.Equal(2000, await _store.CountAsync("item", _timeout));
    }

    [Fact]
    public async Task ProcessKilledMidBatch_NothingHalfWritten_AndTheNextResyncCompletes()
    {
        var victim = Start("resync", Database.Value, _schema, "wait", "6000", "500");
        await ReadUntilAsync(victim, "page 3");
        victim.Kill(entireProcessTree: true);
        await victim.WaitForExitAsync(_timeout);

        var count = await _store.CountAsync("item", _timeout);
        Assert.True(count % 500 == 0, $"Only whole batches of 500 may be there, found {count} entities.");
        await using (var check = new NpgsqlConnection(Database.Value))
        {
            await check.OpenAsync(_timeout);
            await using var changes = new NpgsqlCommand($"SELECT count(*) FROM {_schema}.changes", check);
            Assert.Equal(count, (long)(await changes.ExecuteScalarAsync(_timeout))!);
        }

        var next = Start("resync", Database.Value, _schema, "wait", "6000", "500");
        Assert.Equal($"report completed=True skipped=False created={6000 - count}", await ReadUntilAsync(next, "report"));
        Assert.Equal(6000, await _store.CountAsync("item", _timeout));
    }

    [Fact]
    public async Task ChangeWrittenByOneProcess_IsSeenByTheOthersWatch()
    {
        using var catalog = new PortCatalog(_store);
        await catalog.RegisterBlueprintAsync(new Blueprint { Identifier = "item" }, _timeout);
        var watcher = Start("watch", Database.Value, _schema, "2");
        await ReadUntilAsync(watcher, "watching");

        await catalog.UpsertEntityAsync(new Entity { Identifier = "a", Blueprint = "item", Title = "First" }, cancellationToken: _timeout);
        await catalog.DeleteEntityAsync("item", "a", cancellationToken: _timeout);

        Assert.Equal("change Created item/a First", await ReadUntilAsync(watcher, "change"));
        Assert.Equal("change Deleted item/a ", await ReadUntilAsync(watcher, "change"));
    }

    /// <summary>
    /// Two processes merge different properties into one entity at the same time, one merge per property: every
    /// property of both is there at the end (a read-merge-write without the store's check loses some).
    /// </summary>
    [Fact]
    public async Task TwoProcessesMergeDifferentPropertiesOfOneEntity_NoneIsLost()
    {
        const int Merges = 25;
        using var catalog = new PortCatalog(_store);
        var properties = string.Join(", ", Enumerable.Range(0, Merges).SelectMany(i => (string[])[$"\"a{i}\": {{ \"type\": \"number\" }}", $"\"b{i}\": {{ \"type\": \"number\" }}"]));
        await catalog.RegisterBlueprintAsync(PortJson.ReadBlueprint($$"""{ "identifier": "thing", "schema": { "properties": { {{properties}} } } }"""), _timeout);
        await catalog.UpsertEntityAsync(new Entity { Identifier = "shared", Blueprint = "thing" }, cancellationToken: _timeout);

        var first = Start("merge", Database.Value, _schema, "a", Merges.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var second = Start("merge", Database.Value, _schema, "b", Merges.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ReadUntilAsync(first, "ready");
        await ReadUntilAsync(second, "ready");
        await first.StandardInput.WriteLineAsync();
        await second.StandardInput.WriteLineAsync();
        Assert.Equal($"merged {Merges}", await ReadUntilAsync(first, "merged"));
        Assert.Equal($"merged {Merges}", await ReadUntilAsync(second, "merged"));

        var shared = await _store.GetEntityAsync("thing", "shared", _timeout);
        Assert.NotNull(shared);
        var expected = Enumerable.Range(0, Merges).SelectMany(i => (string[])[$"a{i}={i}", $"b{i}={i}"]).Order(StringComparer.Ordinal);
        Assert.Equal(expected, shared.Properties.Select(p => $"{p.Key}={p.Value.GetRawText()}").Order(StringComparer.Ordinal));
    }

    private Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Port.Sdk.PostgreSql.Worker.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        _processes.Add(process);
        return process;
    }

    private async Task<string> ReadUntilAsync(Process process, string prefix)
    {
        while (await process.StandardOutput.ReadLineAsync(_timeout) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"The worker ended (exit code {(process.HasExited ? process.ExitCode : -1)}) before printing '{prefix}'.");
    }

    private async Task WaitForAsync(string countSql)
    {
        await using var connection = new NpgsqlConnection(Database.Value);
        await connection.OpenAsync(_timeout);
        while (true)
        {
            await using var command = new NpgsqlCommand(countSql, connection);
            if ((long)(await command.ExecuteScalarAsync(_timeout))! > 0)
            {
                return;
            }

            await Task.Delay(20, _timeout);
        }
    }
}
