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
    /// A change set is one transaction sent as one batch. Change sets of one schema commit one at a time (they take the
    /// change feed's order lock first), so concurrent change sets on the same entities end in one of them, whole, and
    /// never deadlock on each other. <see cref="EntityChangeSet.ExpectedContentHashes"/> are checked under row locks
    /// (a compare-and-swap on the <c>content_hash</c> column): when another instance changed an entity since it was
    /// read, nothing is written and an <see cref="EntityConflictException"/> says which.
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

    /// <summary>
    /// Writes a change set in one batch (one round trip, then the commit): the feed's order lock, the expected hashes
    /// checked under row locks, the upserts with their change rows, the deletes with theirs, the relation rows, and the
    /// notification. Conflicts are found in the results and roll the whole transaction back.
    /// </summary>
    private async Task ApplyOnceAsync(List<Entity> upserts, UpsertRows rows, List<EntityKey> deletes, IReadOnlyDictionary<EntityKey, string?> expected, CancellationToken cancellationToken)
    {
        if (upserts.Count == 0 && deletes.Count == 0)
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);

        // Change sequence numbers are taken under one lock held to the commit, so they are committed in order and a
        // watcher that has read up to N never later finds a change below N. It is taken first, before any row lock, so
        // change sets of one schema commit one at a time and never deadlock on each other.
        batch.BatchCommands.Add(BatchCommand($"SELECT pg_advisory_xact_lock(hashtext('port.changes:{_s}'))"));

        var present = expected.Where(e => e.Value is not null)
            .OrderBy(e => e.Key.Blueprint, StringComparer.Ordinal).ThenBy(e => e.Key.Identifier, StringComparer.Ordinal).ToList();
        var checkIndex = -1;
        if (present.Count > 0)
        {
            checkIndex = batch.BatchCommands.Count;
            batch.BatchCommands.Add(BatchCommand(
                $"SELECT blueprint, identifier, content_hash FROM {_s}.entities WHERE (blueprint, identifier) IN (SELECT * FROM unnest($1::text[], $2::text[])) "
                + "ORDER BY blueprint COLLATE \"C\", identifier COLLATE \"C\" FOR UPDATE",
                TextArray(present.Select(e => e.Key.Blueprint)),
                TextArray(present.Select(e => e.Key.Identifier))));
        }

        var absent = expected.Where(e => e.Value is null).Select(e => e.Key).ToList();
        var upsertIndexes = new List<int>();
        for (var start = 0; start < upserts.Count; start += UpsertChunk)
        {
            // The rows are upserted in key order (the row locks with them), and each change row copies its entity from
            // the row (already jsonb) rather than receiving and parsing it a second time. The statement answers with the
            // entities expected absent that it found.
            var count = Math.Min(UpsertChunk, upserts.Count - start);
            upsertIndexes.Add(batch.BatchCommands.Count);
            batch.BatchCommands.Add(BatchCommand(
                $"WITH up AS (INSERT INTO {_s}.entities AS e (blueprint, identifier, json, created_at, source_integration, source_kind, content_hash) "
                + "SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::text[], $7::text[]) "
                + "ON CONFLICT (blueprint, identifier) DO UPDATE SET json = EXCLUDED.json, created_at = EXCLUDED.created_at, "
                + "source_integration = EXCLUDED.source_integration, source_kind = EXCLUDED.source_kind, content_hash = EXCLUDED.content_hash "
                + "RETURNING e.blueprint, e.identifier, e.json, (xmax = 0) AS created), "
                + $"c AS (INSERT INTO {_s}.changes (kind, blueprint, identifier, json) SELECT CASE WHEN created THEN {Created} ELSE {Updated} END, blueprint, identifier, json FROM up) "
                + "SELECT up.blueprint, up.identifier FROM up JOIN unnest($8::text[], $9::text[]) x(bp, id) ON up.blueprint = x.bp AND up.identifier = x.id WHERE NOT up.created",
                [.. rows.Parameters(start, count), TextArray(absent.Select(k => k.Blueprint)), TextArray(absent.Select(k => k.Identifier))]));
        }

        if (deletes.Count > 0)
        {
            batch.BatchCommands.Add(BatchCommand(
                $"WITH d AS (DELETE FROM {_s}.entities e USING unnest($1::text[], $2::text[]) k(bp, id) WHERE e.blueprint = k.bp AND e.identifier = k.id RETURNING e.blueprint, e.identifier) "
                + $"INSERT INTO {_s}.changes (kind, blueprint, identifier) SELECT {Deleted}, blueprint, identifier FROM d",
                TextArray(deletes.Select(k => k.Blueprint)),
                TextArray(deletes.Select(k => k.Identifier))));
        }

        // The entity rows are locked above, so the relations of each are replaced by one change set at a time.
        var sources = upserts.Select(e => new EntityKey(e.Blueprint, e.Identifier)).Concat(deletes).ToList();
        batch.BatchCommands.Add(BatchCommand(
            $"DELETE FROM {_s}.relations r WHERE (r.source_blueprint, r.source_identifier) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
            TextArray(sources.Select(k => k.Blueprint)),
            TextArray(sources.Select(k => k.Identifier))));

        var relations = new HashSet<(string Bp, string Id, string Name, string Target)>();
        foreach (var entity in upserts)
        {
            foreach (var (name, relation) in entity.Relations)
            {
                foreach (var target in relation.Targets)
                {
                    relations.Add((entity.Blueprint, entity.Identifier, name, target));
                }
            }
        }

        if (relations.Count > 0)
        {
            // Distinct rows, and none left for these sources: a plain INSERT. The target blueprint is the blueprint's, as
            // it is in this transaction; relations the blueprint does not define are not kept.
            batch.BatchCommands.Add(BatchCommand(
                $"INSERT INTO {_s}.relations SELECT r.bp, r.id, r.name, b.json -> 'relations' -> r.name ->> 'target', r.target "
                + $"FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) r(bp, id, name, target) JOIN {_s}.blueprints b ON b.identifier = r.bp "
                + "WHERE (b.json -> 'relations' -> r.name ->> 'target') IS NOT NULL",
                TextArray(relations.Select(r => r.Bp)),
                TextArray(relations.Select(r => r.Id)),
                TextArray(relations.Select(r => r.Name)),
                TextArray(relations.Select(r => r.Target))));
        }

        var notifyIndex = batch.BatchCommands.Count;
        batch.BatchCommands.Add(BatchCommand($"SELECT m, pg_notify('{ChannelName}', m::text) FROM (SELECT coalesce(max(seq), 0) AS m FROM {_s}.changes) x"));

        var conflicts = new List<EntityKey>();
        var stored = new Dictionary<EntityKey, string?>();
        long last = 0;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            var index = 0;
            do
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (index == checkIndex)
                    {
                        stored[new EntityKey(reader.GetString(0), reader.GetString(1))] = reader.IsDBNull(2) ? null : reader.GetString(2);
                    }
                    else if (upsertIndexes.Contains(index))
                    {
                        // Expected not to exist: another instance created it after this change set was decided.
                        conflicts.Add(new EntityKey(reader.GetString(0), reader.GetString(1)));
                    }
                    else if (index == notifyIndex)
                    {
                        last = reader.GetInt64(0);
                    }
                }

                index++;
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }

        conflicts.InsertRange(0, present.Where(e => !stored.TryGetValue(e.Key, out var hash) || hash != e.Value).Select(e => e.Key));
        if (conflicts.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            throw new EntityConflictException([.. conflicts.Distinct()]);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Advance(last);
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
