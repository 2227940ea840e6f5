// "await using" of ADO.NET objects cannot take ConfigureAwait without losing their type; every other await here has it.
#pragma warning disable CA2007

using Npgsql;

namespace Port.Sdk.PostgreSql;

/// <summary>The retries of <see cref="PostgreSqlEntityStore"/>'s reads after a transient failure.</summary>
public sealed partial class PostgreSqlEntityStore
{
    /// <summary>
    /// Whether a failure may pass on a new connection: what Npgsql calls transient, plus the server ending the session
    /// (an administrator's or a failover's shutdown, <c>57P01</c> to <c>57P03</c>), which it reports as a server error.
    /// </summary>
    private static bool IsTransient(NpgsqlException ex)
        => ex.IsTransient || ex is PostgresException { SqlState: "57P01" or "57P02" or "57P03" };

    /// <summary>After a dropped connection the pool's idle connections are likely dead too (a restart, a failover): drop them.</summary>
    private void OnTransientFailure(NpgsqlException ex)
    {
        if (ex is not PostgresException { SqlState: "40001" or "40P01" })
        {
            _dataSource.Clear();
        }
    }

    /// <summary>Runs a read on a connection of its own, again on a new one after a transient failure (reads change nothing).</summary>
    private async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        await _migrated.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                return await read(connection).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                OnTransientFailure(ex);
                ThrowIfExhausted(ex, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(50 << attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Opens a reader and reads its first row, again on a new connection after a transient failure; the rest of the rows
    /// are streamed without retries (a retry would stream the first ones again).
    /// </summary>
    private async Task<Cursor<TState>> OpenCursorAsync<TState>(Func<NpgsqlConnection, Task<(NpgsqlCommand Command, TState State)>> prepare, CancellationToken cancellationToken)
    {
        await _migrated.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            NpgsqlConnection? connection = null;
            NpgsqlCommand? command = null;
            NpgsqlDataReader? reader = null;
            try
            {
                connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                (command, var state) = await prepare(connection).ConfigureAwait(false);
                reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var hasRow = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return new Cursor<TState>(connection, command, reader, hasRow, state);
            }
            catch (Exception ex)
            {
                if (reader is not null)
                {
                    await reader.DisposeAsync().ConfigureAwait(false);
                }

                if (command is not null)
                {
                    await command.DisposeAsync().ConfigureAwait(false);
                }

                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }

                if (ex is not NpgsqlException npgsql || !IsTransient(npgsql) || cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                OnTransientFailure(npgsql);
                ThrowIfExhausted(npgsql, attempt);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50 << attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    private void ThrowIfExhausted(NpgsqlException ex, int attempt)
    {
        if (attempt >= _options.MaxReadRetries)
        {
            throw new PortException($"Reading from the catalog schema '{_s}' failed {attempt + 1} times with transient errors (the last: {ex.Message}); set PostgreSqlStoreOptions.MaxReadRetries to retry more.", ex);
        }
    }

    /// <summary>An open reader on its first row, with what its caller prepared along with the command.</summary>
    private sealed class Cursor<TState>(NpgsqlConnection connection, NpgsqlCommand command, NpgsqlDataReader reader, bool hasRow, TState state) : IAsyncDisposable
    {
        public NpgsqlDataReader Reader => reader;

        public bool HasRow => hasRow;

        public TState State => state;

        public async ValueTask DisposeAsync()
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            await command.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
