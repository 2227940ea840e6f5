// "await using" of ADO.NET objects cannot take ConfigureAwait without losing their type; every other await here has it.
#pragma warning disable CA2007

using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Port.Sdk.PostgreSql;

/// <summary>The writes of <see cref="PostgreSqlEntityStore"/>: one transaction per change set.</summary>
public sealed partial class PostgreSqlEntityStore
{
    private const short Created = 0;
    private const short Updated = 1;
    private const short Deleted = 2;
    private long _lastPrune;

    /// <inheritdoc/>
    /// <exception cref="PortException">
    /// An entity holds what PostgreSQL cannot store (the character U+0000), or the database failed in a way that is not
    /// transient, or stayed failing after <see cref="PostgreSqlStoreOptions.MaxWriteRetries"/> retries; nothing was written.
    /// </exception>
    public async Task ApplyAsync(EntityChangeSet changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var entity in changes.Upserts)
        {
            if (HoldsNul(PortJson.Write(entity)))
            {
                throw new PortException($"Entity '{entity.Identifier}' of blueprint '{entity.Blueprint}' holds the character U+0000, which PostgreSQL's jsonb cannot store; nothing was written.");
            }
        }

        // The last write of an entity in a change set wins; rows are locked in key order, so concurrent change sets
        // touching the same entities wait for each other instead of deadlocking, and one ends up whole.
        var upserts = changes.Upserts
            .GroupBy(e => new EntityKey(e.Blueprint, e.Identifier)).Select(g => g.Last())
            .OrderBy(e => e.Blueprint, StringComparer.Ordinal).ThenBy(e => e.Identifier, StringComparer.Ordinal).ToList();
        var deletes = changes.Deletes.Distinct()
            .OrderBy(k => k.Blueprint, StringComparer.Ordinal).ThenBy(k => k.Identifier, StringComparer.Ordinal).ToList();
        await _migrated.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await ApplyOnceAsync(upserts, deletes, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= _options.MaxWriteRetries)
                {
                    throw new PortException($"Writing {upserts.Count} upserts and {deletes.Count} deletes to the catalog schema '{_s}' failed {attempt + 1} times with transient errors (the last: {ex.Message}); nothing was written.", ex);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50 << attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex)
            {
                throw new PortException($"Writing to the catalog schema '{_s}' failed ({ex.SqlState}: {ex.MessageText}); nothing was written.", ex);
            }
        }

        await PruneAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyOnceAsync(List<Entity> upserts, List<EntityKey> deletes, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var targets = await RelationTargetsAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var kinds = new List<short>();
        var changedKeys = new List<EntityKey>();
        var changedJson = new List<string?>();
        var json = upserts.Select(PortJson.Write).ToList();

        for (var start = 0; start < upserts.Count; start += 2_000)
        {
            var chunk = upserts.GetRange(start, Math.Min(2_000, upserts.Count - start));
            var chunkJson = json.GetRange(start, chunk.Count);
            await using var upsert = Command(
                connection,
                $"INSERT INTO {_s}.entities AS e (blueprint, identifier, json, created_at, source_integration, source_kind, content_hash) "
                + "SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::text[], $7::text[]) "
                + "ON CONFLICT (blueprint, identifier) DO UPDATE SET json = EXCLUDED.json, created_at = EXCLUDED.created_at, "
                + "source_integration = EXCLUDED.source_integration, source_kind = EXCLUDED.source_kind, content_hash = EXCLUDED.content_hash "
                + "RETURNING (xmax = 0)",
                TextArray(chunk.Select(e => e.Blueprint)),
                TextArray(chunk.Select(e => e.Identifier)),
                new NpgsqlParameter { Value = chunkJson.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
                TextArray(chunk.Select(e => e.CreatedAt?.ToString("O", CultureInfo.InvariantCulture))),
                TextArray(chunk.Select(e => e.DataSource?.Integration)),
                TextArray(chunk.Select(e => e.DataSource?.Kind)),
                TextArray(chunk.Select(EntityContentHash.Compute)));
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var i = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // RETURNING gives the rows in the order of the input.
                kinds.Add(reader.GetBoolean(0) ? Created : Updated);
                changedKeys.Add(new EntityKey(chunk[i].Blueprint, chunk[i].Identifier));
                changedJson.Add(chunkJson[i]);
                i++;
            }
        }

        if (deletes.Count > 0)
        {
            await using var delete = Command(
                connection,
                $"DELETE FROM {_s}.entities e USING unnest($1::text[], $2::text[]) k(bp, id) WHERE e.blueprint = k.bp AND e.identifier = k.id RETURNING e.blueprint, e.identifier",
                TextArray(deletes.Select(k => k.Blueprint)),
                TextArray(deletes.Select(k => k.Identifier)));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                kinds.Add(Deleted);
                changedKeys.Add(new EntityKey(reader.GetString(0), reader.GetString(1)));
                changedJson.Add(null);
            }
        }

        // The entity rows are locked above, so the relations of each are replaced by one change set at a time.
        var sources = upserts.Select(e => new EntityKey(e.Blueprint, e.Identifier)).Concat(deletes).ToList();
        if (sources.Count > 0)
        {
            await using var clear = Command(
                connection,
                $"DELETE FROM {_s}.relations r USING unnest($1::text[], $2::text[]) k(bp, id) WHERE r.source_blueprint = k.bp AND r.source_identifier = k.id",
                TextArray(sources.Select(k => k.Blueprint)),
                TextArray(sources.Select(k => k.Identifier)));
            await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var relations = new List<(string Bp, string Id, string Name, string TargetBp, string TargetId)>();
        foreach (var entity in upserts)
        {
            foreach (var (name, relation) in entity.Relations)
            {
                if (targets.TryGetValue((entity.Blueprint, name), out var target))
                {
                    relations.AddRange(relation.Targets.Select(t => (entity.Blueprint, entity.Identifier, name, target, t)));
                }
            }
        }

        if (relations.Count > 0)
        {
            await using var relate = Command(
                connection,
                $"INSERT INTO {_s}.relations SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) ON CONFLICT DO NOTHING",
                TextArray(relations.Select(r => r.Bp)),
                TextArray(relations.Select(r => r.Id)),
                TextArray(relations.Select(r => r.Name)),
                TextArray(relations.Select(r => r.TargetBp)),
                TextArray(relations.Select(r => r.TargetId)));
            await relate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long last = 0;
        if (kinds.Count > 0)
        {
            // Change sequence numbers are taken under one lock held to the commit, so they are committed in order
            // and a watcher that has read up to N never later finds a change below N.
            await using (var lockChanges = Command(connection, $"SELECT pg_advisory_xact_lock(hashtext('port.changes:{_s}'))"))
            {
                await lockChanges.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var log = Command(
                connection,
                $"WITH c AS (INSERT INTO {_s}.changes (kind, blueprint, identifier, json) SELECT * FROM unnest($1::smallint[], $2::text[], $3::text[], $4::jsonb[]) RETURNING seq) "
                + $"SELECT max(seq) FROM c",
                new NpgsqlParameter { Value = kinds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint },
                TextArray(changedKeys.Select(k => k.Blueprint)),
                TextArray(changedKeys.Select(k => k.Identifier)),
                new NpgsqlParameter { Value = changedJson.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            last = (long)(await log.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            await using var notify = Command(connection, $"SELECT pg_notify('{ChannelName}', $1)", Text(last.ToString(CultureInfo.InvariantCulture)));
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Advance(last);
    }

    private string ChannelName => "port_changes_" + _s;

    /// <summary>Where each blueprint's relations point: (blueprint, relation) to the target blueprint.</summary>
    private async Task<Dictionary<(string, string), string>> RelationTargetsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var targets = new Dictionary<(string, string), string>();
        await using var command = Command(
            connection,
            $"SELECT b.identifier, r.key, r.value ->> 'target' FROM {_s}.blueprints b, jsonb_each(CASE WHEN jsonb_typeof(b.json -> 'relations') = 'object' THEN b.json -> 'relations' ELSE '{{}}'::jsonb END) r");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!reader.IsDBNull(2))
            {
                targets[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
            }
        }

        return targets;
    }

    /// <summary>Deletes changes older than the retention, at most once a minute per store instance.</summary>
    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastPrune);
        if (now - last < 60_000 && last != 0 || Interlocked.CompareExchange(ref _lastPrune, now, last) != last)
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var prune = Command(
            connection,
            $"WITH d AS (DELETE FROM {_s}.changes WHERE at < now() - $1 RETURNING seq) "
            + $"UPDATE {_s}.store_info SET pruned_through = GREATEST(pruned_through, (SELECT max(seq) FROM d)) WHERE EXISTS (SELECT 1 FROM d)",
            new NpgsqlParameter { Value = _options.ChangeRetention, NpgsqlDbType = NpgsqlDbType.Interval });
        await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether JSON text holds the escape <c>\u0000</c> (a backslash that is not itself escaped, then u0000).</summary>
    private static bool HoldsNul(string json)
    {
        for (var i = json.IndexOf("u0000", StringComparison.Ordinal); i > 0; i = json.IndexOf("u0000", i + 1, StringComparison.Ordinal))
        {
            var backslashes = 0;
            for (var j = i - 1; j >= 0 && json[j] == '\\'; j--)
            {
                backslashes++;
            }

            if (backslashes % 2 == 1)
            {
                return true;
            }
        }

        return false;
    }
}
