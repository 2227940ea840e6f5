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
    private const int UpsertChunk = 5_000;
    private long _lastPrune;

    /// <inheritdoc/>
    /// <remarks>
    /// The rows of the change set are locked in key order, so concurrent change sets touching the same entities wait for
    /// each other instead of deadlocking, and one ends up whole. <see cref="EntityChangeSet.ExpectedContentHashes"/> are
    /// checked under those locks (a compare-and-swap on the <c>content_hash</c> column): when another instance changed an
    /// entity since it was read, nothing is written and an <see cref="EntityConflictException"/> says which.
    /// </remarks>
    /// <exception cref="EntityConflictException">An entity no longer has the content hash the change set expected; nothing was written.</exception>
    /// <exception cref="PortException">
    /// An entity holds what PostgreSQL cannot store (the character U+0000), or the database failed in a way that is not
    /// transient, or stayed failing after <see cref="PostgreSqlStoreOptions.MaxWriteRetries"/> retries; nothing was written.
    /// </exception>
    public async Task ApplyAsync(EntityChangeSet changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);

        // The last write of an entity in a change set wins.
        var upserts = changes.Upserts
            .GroupBy(e => new EntityKey(e.Blueprint, e.Identifier)).Select(g => g.Last())
            .OrderBy(e => e.Blueprint, StringComparer.Ordinal).ThenBy(e => e.Identifier, StringComparer.Ordinal).ToList();
        var rows = new UpsertRows(upserts.Count);
        foreach (var entity in upserts)
        {
            var json = PortJson.Write(entity);
            if (HoldsNul(json))
            {
                throw new PortException($"Entity '{entity.Identifier}' of blueprint '{entity.Blueprint}' holds the character U+0000, which PostgreSQL's jsonb cannot store; nothing was written.");
            }

            rows.Add(entity, json);
        }

        var deletes = changes.Deletes.Distinct()
            .OrderBy(k => k.Blueprint, StringComparer.Ordinal).ThenBy(k => k.Identifier, StringComparer.Ordinal).ToList();
        await _migrated.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await ApplyOnceAsync(upserts, rows, deletes, changes.ExpectedContentHashes, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (NpgsqlException ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= _options.MaxWriteRetries)
                {
                    throw new PortException($"Writing {upserts.Count} upserts and {deletes.Count} deletes to the catalog schema '{_s}' failed {attempt + 1} times with transient errors (the last: {ex.Message}); nothing was written.", ex);
                }

                OnTransientFailure(ex);
                await Task.Delay(TimeSpan.FromMilliseconds(50 << attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex)
            {
                throw new PortException($"Writing to the catalog schema '{_s}' failed ({ex.SqlState}: {ex.MessageText}); nothing was written.", ex);
            }
        }

        await PruneAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyOnceAsync(List<Entity> upserts, UpsertRows rows, List<EntityKey> deletes, IReadOnlyDictionary<EntityKey, string?> expected, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var targets = await RelationTargetsAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var conflicts = await CheckExpectedAsync(connection, expected, cancellationToken).ConfigureAwait(false);
        if (conflicts.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            throw new EntityConflictException(conflicts);
        }

        var kinds = new List<short>(upserts.Count + deletes.Count);
        var changedKeys = new List<EntityKey>(upserts.Count + deletes.Count);
        var replaced = new List<EntityKey>();

        for (var start = 0; start < upserts.Count; start += UpsertChunk)
        {
            var count = Math.Min(UpsertChunk, upserts.Count - start);
            await using var upsert = Command(
                connection,
                $"INSERT INTO {_s}.entities AS e (blueprint, identifier, json, created_at, source_integration, source_kind, content_hash) "
                + "SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::text[], $7::text[]) "
                + "ON CONFLICT (blueprint, identifier) DO UPDATE SET json = EXCLUDED.json, created_at = EXCLUDED.created_at, "
                + "source_integration = EXCLUDED.source_integration, source_kind = EXCLUDED.source_kind, content_hash = EXCLUDED.content_hash "
                + "RETURNING (xmax = 0)",
                rows.Parameters(start, count));
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var i = start;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // RETURNING gives the rows in the order of the input.
                var key = new EntityKey(upserts[i].Blueprint, upserts[i].Identifier);
                var created = reader.GetBoolean(0);
                if (!created)
                {
                    replaced.Add(key);
                    if (expected.TryGetValue(key, out var hash) && hash is null)
                    {
                        // Expected not to exist: another instance created it after this change set was decided.
                        conflicts.Add(key);
                    }
                }

                kinds.Add(created ? Created : Updated);
                changedKeys.Add(key);
                i++;
            }
        }

        if (conflicts.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            throw new EntityConflictException([.. conflicts.Distinct()]);
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
                var key = new EntityKey(reader.GetString(0), reader.GetString(1));
                kinds.Add(Deleted);
                changedKeys.Add(key);
                replaced.Add(key);
            }
        }

        await using var batch = new NpgsqlBatch(connection, transaction);

        // The entity rows are locked above, so the relations of each are replaced by one change set at a time. An entity
        // this change set created has no relation rows yet: only those it replaced or deleted are cleared.
        if (replaced.Count > 0)
        {
            batch.BatchCommands.Add(BatchCommand(
                $"DELETE FROM {_s}.relations r WHERE (r.source_blueprint, r.source_identifier) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
                TextArray(replaced.Select(k => k.Blueprint)),
                TextArray(replaced.Select(k => k.Identifier))));
        }

        var relations = new HashSet<(string Bp, string Id, string Name, string TargetBp, string TargetId)>();
        foreach (var entity in upserts)
        {
            foreach (var (name, relation) in entity.Relations)
            {
                if (targets.TryGetValue((entity.Blueprint, name), out var target))
                {
                    foreach (var t in relation.Targets)
                    {
                        relations.Add((entity.Blueprint, entity.Identifier, name, target, t));
                    }
                }
            }
        }

        if (relations.Count > 0)
        {
            // Distinct rows, and none left for these sources: a plain INSERT, no conflict handling needed.
            batch.BatchCommands.Add(BatchCommand(
                $"INSERT INTO {_s}.relations SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])",
                TextArray(relations.Select(r => r.Bp)),
                TextArray(relations.Select(r => r.Id)),
                TextArray(relations.Select(r => r.Name)),
                TextArray(relations.Select(r => r.TargetBp)),
                TextArray(relations.Select(r => r.TargetId))));
        }

        if (kinds.Count > 0)
        {
            // Change sequence numbers are taken under one lock held to the commit, so they are committed in order
            // and a watcher that has read up to N never later finds a change below N. The entity is copied from its
            // row (already jsonb), not sent and parsed a second time.
            batch.BatchCommands.Add(BatchCommand($"SELECT pg_advisory_xact_lock(hashtext('port.changes:{_s}'))"));
            batch.BatchCommands.Add(BatchCommand(
                $"WITH c AS (INSERT INTO {_s}.changes (kind, blueprint, identifier, json) "
                + $"SELECT k.kind, k.bp, k.id, e.json FROM unnest($1::smallint[], $2::text[], $3::text[]) WITH ORDINALITY k(kind, bp, id, n) "
                + $"LEFT JOIN {_s}.entities e ON k.kind <> {Deleted} AND e.blueprint = k.bp AND e.identifier = k.id ORDER BY k.n RETURNING seq) "
                + $"SELECT m, pg_notify('{ChannelName}', m::text) FROM (SELECT max(seq) AS m FROM c) x",
                new NpgsqlParameter { Value = kinds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint },
                TextArray(changedKeys.Select(k => k.Blueprint)),
                TextArray(changedKeys.Select(k => k.Identifier))));
        }

        long last = 0;
        if (batch.BatchCommands.Count > 0)
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            do
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (reader.FieldCount == 2 && !reader.IsDBNull(0))
                    {
                        last = reader.GetInt64(0);
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Advance(last);
    }

    /// <summary>
    /// Locks the rows of the entities the change set expects (in key order) and returns those whose content hash
    /// differs; an entity expected absent is checked by the upsert, which reports whether it created the row.
    /// </summary>
    private async Task<List<EntityKey>> CheckExpectedAsync(NpgsqlConnection connection, IReadOnlyDictionary<EntityKey, string?> expected, CancellationToken cancellationToken)
    {
        var conflicts = new List<EntityKey>();
        var present = expected.Where(e => e.Value is not null)
            .OrderBy(e => e.Key.Blueprint, StringComparer.Ordinal).ThenBy(e => e.Key.Identifier, StringComparer.Ordinal).ToList();
        if (present.Count == 0)
        {
            return conflicts;
        }

        var stored = new Dictionary<EntityKey, string?>();
        await using (var command = Command(
            connection,
            $"SELECT blueprint, identifier, content_hash FROM {_s}.entities WHERE (blueprint, identifier) IN (SELECT * FROM unnest($1::text[], $2::text[])) "
            + "ORDER BY blueprint COLLATE \"C\", identifier COLLATE \"C\" FOR UPDATE",
            TextArray(present.Select(e => e.Key.Blueprint)),
            TextArray(present.Select(e => e.Key.Identifier))))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stored[new EntityKey(reader.GetString(0), reader.GetString(1))] = reader.IsDBNull(2) ? null : reader.GetString(2);
            }
        }

        foreach (var (key, hash) in present)
        {
            if (!stored.TryGetValue(key, out var actual) || actual != hash)
            {
                conflicts.Add(key);
            }
        }

        return conflicts;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>The columns of the upserted rows, computed once for every attempt of a change set.</summary>
    private sealed class UpsertRows(int capacity)
    {
        private readonly List<string> _blueprints = new(capacity);
        private readonly List<string> _identifiers = new(capacity);
        private readonly List<string> _json = new(capacity);
        private readonly List<string?> _created = new(capacity);
        private readonly List<string?> _integrations = new(capacity);
        private readonly List<string?> _kinds = new(capacity);
        private readonly List<string> _hashes = new(capacity);

        public void Add(Entity entity, string json)
        {
            _blueprints.Add(entity.Blueprint);
            _identifiers.Add(entity.Identifier);
            _json.Add(json);
            _created.Add(entity.CreatedAt?.ToString("O", CultureInfo.InvariantCulture));
            _integrations.Add(entity.DataSource?.Integration);
            _kinds.Add(entity.DataSource?.Kind);
            _hashes.Add(EntityContentHash.Compute(entity));
        }

        public NpgsqlParameter[] Parameters(int start, int count) =>
        [
            TextArray(_blueprints.GetRange(start, count)),
            TextArray(_identifiers.GetRange(start, count)),
            new NpgsqlParameter { Value = _json.GetRange(start, count).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
            TextArray(_created.GetRange(start, count)),
            TextArray(_integrations.GetRange(start, count)),
            TextArray(_kinds.GetRange(start, count)),
            TextArray(_hashes.GetRange(start, count)),
        ];
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
