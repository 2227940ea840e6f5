// "await using" of ADO.NET objects cannot take ConfigureAwait without losing their type; every other await here has it.
#pragma warning disable CA2007

using Npgsql;

namespace Port.Sdk.PostgreSql;

/// <summary>The resync lock of <see cref="PostgreSqlEntityStore"/>: a session advisory lock per schema and integration.</summary>
public sealed partial class PostgreSqlEntityStore
{
    /// <inheritdoc/>
    /// <remarks>
    /// The lock is a PostgreSQL session advisory lock held by a connection of its own for the whole resync, so it is
    /// released when the holder disposes it, and by the server when the holder's connection ends (its process dies).
    /// With <see cref="PostgreSqlResyncLockMode.Wait"/> this waits for the holder; with
    /// <see cref="PostgreSqlResyncLockMode.Skip"/> it returns <see langword="null"/> at once.
    /// </remarks>
    public async Task<IAsyncDisposable?> AcquireResyncLockAsync(string integration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(integration);
        await _migrated.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var function = _options.ResyncLockMode == PostgreSqlResyncLockMode.Skip ? "pg_try_advisory_lock" : "pg_advisory_lock";
            await using var command = Command(connection, $"SELECT {function}(hashtext('port.resync:{_s}'), hashtext($1))::text", Text(integration));
            var result = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (_options.ResyncLockMode == PostgreSqlResyncLockMode.Skip && result != "true")
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                return null;
            }

            return new ResyncLock(connection, $"SELECT pg_advisory_unlock(hashtext('port.resync:{_s}'), hashtext($1))", integration);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class ResyncLock(NpgsqlConnection connection, string unlock, string integration) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            try
            {
                await using var command = Command(connection, unlock, Text(integration));
                await command.ExecuteScalarAsync().ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // The connection is gone, and with it the lock.
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
