// "await using" of ADO.NET objects cannot take ConfigureAwait without losing their type; every other await here has it.
#pragma warning disable CA2007

using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Port.Sdk.PostgreSql;

/// <summary>The change feed of <see cref="PostgreSqlEntityStore"/>: the changes table, woken by LISTEN/NOTIFY.</summary>
public sealed partial class PostgreSqlEntityStore
{
    private const int FeedPage = 1_000;

    /// <inheritdoc/>
    /// <remarks>
    /// Every change set writes its changes, numbered in commit order, to a changes table and notifies listeners at
    /// commit. A watcher listens, then reads what is after its position; after a dropped connection it reconnects and
    /// reads from where it was, so no change is lost or repeated. Changes older than
    /// <see cref="PostgreSqlStoreOptions.ChangeRetention"/> are deleted: resuming from before them is a <see cref="PortException"/>.
    /// </remarks>
    /// <exception cref="PortException">The changes after <paramref name="after"/> were already deleted (older than the retention).</exception>
    public async IAsyncEnumerable<EntityChangeRecord> WatchChangesAsync(long? after = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var position = after ?? CurrentPosition;
        await _migrated.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            NpgsqlConnection? connection = null;
            try
            {
                connection = await ListenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (ex.IsTransient && failures < 100)
            {
                failures++;
            }

            if (connection is null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * failures)), cancellationToken).ConfigureAwait(false);
                continue;
            }

            // A notification that arrives while the changes are read is consumed by that read: remember it, or the
            // wait after the read would sleep through the change it announced.
            var notified = new StrongBox<int>();
            connection.Notification += (_, _) => Volatile.Write(ref notified.Value, 1);
            await using (connection)
            {
                while (true)
                {
                    List<EntityChangeRecord>? page = null;
                    try
                    {
                        Volatile.Write(ref notified.Value, 0);
                        page = await ReadChangesAsync(connection, position, cancellationToken).ConfigureAwait(false);
                    }
                    catch (NpgsqlException ex) when (IsConnectionFailure(ex, connection))
                    {
                        break;
                    }

                    foreach (var change in page)
                    {
                        position = change.Position;
                        Advance(position);
                        yield return change;
                    }

                    if (page.Count == FeedPage || Volatile.Read(ref notified.Value) != 0)
                    {
                        continue;
                    }

                    try
                    {
                        // Nothing more for now: sleep until a commit notifies (or, as a safety net, a minute passes).
                        await connection.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
                    }
                    catch (NpgsqlException ex) when (IsConnectionFailure(ex, connection))
                    {
                        break;
                    }

                    failures = 0;
                }
            }
        }
    }

    private static bool IsConnectionFailure(NpgsqlException ex, NpgsqlConnection connection)
        => ex.IsTransient || connection.FullState.HasFlag(System.Data.ConnectionState.Broken) || connection.State != System.Data.ConnectionState.Open;

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var listen = Command(connection, $"LISTEN {ChannelName}");
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<List<EntityChangeRecord>> ReadChangesAsync(NpgsqlConnection connection, long position, CancellationToken cancellationToken)
    {
        await using (var pruned = Command(connection, $"SELECT pruned_through FROM {_s}.store_info"))
        {
            var through = (long)(await pruned.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            if (position < through)
            {
                throw new PortException($"The changes of catalog schema '{_s}' after position {position} are no longer kept (deleted through {through}, older than the retention); read the catalog again and watch from its current position.");
            }
        }

        var page = new List<EntityChangeRecord>();
        await using var command = Command(
            connection,
            $"SELECT seq, kind, blueprint, identifier, json::text FROM {_s}.changes WHERE seq > $1 ORDER BY seq LIMIT {FeedPage}",
            new NpgsqlParameter { Value = position, NpgsqlDbType = NpgsqlDbType.Bigint });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = new EntityKey(reader.GetString(2), reader.GetString(3));
            var kind = reader.GetInt16(1) switch { Created => EntityChangeKind.Created, Updated => EntityChangeKind.Updated, _ => EntityChangeKind.Deleted };
            var entity = reader.IsDBNull(4) ? null : PortJson.ReadEntity(reader.GetString(4));
            page.Add(new EntityChangeRecord(reader.GetInt64(0), new EntityChange(kind, key, entity)));
        }

        return page;
    }
}
