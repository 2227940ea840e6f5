// "await using" of ADO.NET objects cannot take ConfigureAwait without losing their type; every other await here has it.
#pragma warning disable CA2007

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Port.Sdk.Search;

namespace Port.Sdk.Sqlite;

/// <summary>
/// A catalog store in one SQLite file: write-ahead logging, one transaction per change set (all or nothing, also when
/// the process dies mid-write), versioned schema migrations, and search rules translated to SQL where SQLite can
/// evaluate them (the rest is evaluated in memory on the rows SQL narrowed down, so results are always exact).
/// Safe for concurrent use, also by several processes on one file (writers wait up to <c>BusyTimeout</c>).
/// </summary>
public sealed class SqliteEntityStore : IEntityStore
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE blueprints (identifier TEXT PRIMARY KEY, json TEXT NOT NULL);
        CREATE TABLE entities (blueprint TEXT NOT NULL, identifier TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (blueprint, identifier)) WITHOUT ROWID;
        CREATE TABLE relations (
            source_blueprint TEXT NOT NULL, source_identifier TEXT NOT NULL, relation TEXT NOT NULL,
            target_blueprint TEXT NOT NULL, target_identifier TEXT NOT NULL);
        CREATE INDEX relations_by_target ON relations (target_blueprint, target_identifier);
        CREATE INDEX relations_by_source ON relations (source_blueprint, source_identifier);
        """,

        // What a sync reads of each entity (its EntityStamp), as columns written with it, so it is read without the JSON.
        // Rows written before keep a null content_hash: a sync rewrites them once.
        """
        ALTER TABLE entities ADD COLUMN created_at TEXT;
        ALTER TABLE entities ADD COLUMN source_integration TEXT;
        ALTER TABLE entities ADD COLUMN source_kind TEXT;
        ALTER TABLE entities ADD COLUMN content_hash TEXT;
        UPDATE entities SET created_at = json_extract(json, '$.createdAt'), source_integration = json_extract(json, '$.dataSource.integration'),
            source_kind = json_extract(json, '$.dataSource.kind');
        """,

        // What a resync's stale-entity sweep reads (QueryKeysBySourceSql): the index holds the primary key too, so the
        // sweep reads one integration's keys from it alone, never the rows (whose JSON comes before these columns).
        """
        CREATE INDEX entities_by_source ON entities (source_integration, source_kind);
        """,
    ];

    /// <summary>
    /// The entities relating to some targets of one blueprint (<c>$bp</c>, identifiers in the JSON array <c>$ids</c>),
    /// searched through <c>relations_by_target</c>, never by scanning a table. DISTINCT: an entity relating to one
    /// target through two relations comes once, as a <c>relatedTo</c> query finds it.
    /// </summary>
    internal const string RelatingSql = "SELECT t.target_identifier, e.json FROM (SELECT DISTINCT target_identifier, source_blueprint, source_identifier FROM relations "
        + "WHERE target_blueprint = $bp AND target_identifier IN (SELECT value FROM json_each($ids))) t "
        + "JOIN entities e ON e.blueprint = t.source_blueprint AND e.identifier = t.source_identifier";

    /// <summary>Deletes the entities of one blueprint (<c>$bp</c>) whose identifiers are in the JSON array <c>$ids</c>, by primary key.</summary>
    internal const string DeleteEntitiesSql = "DELETE FROM entities WHERE blueprint = $bp AND identifier IN (SELECT value FROM json_each($ids))";

    /// <summary>Deletes the relation rows of those entities, through <c>relations_by_source</c>.</summary>
    internal const string DeleteRelationsSql = "DELETE FROM relations WHERE source_blueprint = $bp AND source_identifier IN (SELECT value FROM json_each($ids))";

    /// <summary>The keys and kinds of one integration's entities (<c>$integration</c>), from <c>entities_by_source</c> alone.</summary>
    internal const string QueryKeysBySourceSql = "SELECT blueprint, identifier, source_kind FROM entities WHERE source_integration = $integration";

    private readonly string _connectionString;
    private readonly TimeSpan _busyTimeout;
    private readonly Lazy<Task> _migrated;

    /// <summary>Initializes a new instance of the <see cref="SqliteEntityStore"/> class on a database file, created if missing.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="busyTimeout">How long a writer waits for another writer of the same file; <see langword="null"/> for 30 seconds.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public SqliteEntityStore(string path, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _busyTimeout = busyTimeout ?? TimeSpan.FromSeconds(30);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)_busyTimeout.TotalSeconds),
        }.ToString();
        _migrated = new Lazy<Task>(MigrateAsync);
    }

    /// <summary>Gets the full path of the database file.</summary>
    public string Path { get; }

    /// <summary>Gets the schema version this build migrates a database to.</summary>
    public static int SchemaVersion => Migrations.Length;

    /// <inheritdoc/>
    public async Task<Blueprint?> GetBlueprintAsync(string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT json FROM blueprints WHERE identifier = $id", ("$id", identifier));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? PortJson.ReadBlueprint(json) : null;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<Blueprint> GetBlueprintsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT json FROM blueprints");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return PortJson.ReadBlueprint(reader.GetString(0));
        }
    }

    /// <inheritdoc/>
    public async Task SaveBlueprintAsync(Blueprint blueprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "INSERT OR REPLACE INTO blueprints (identifier, json) VALUES ($id, $json)", ("$id", blueprint.Identifier), ("$json", PortJson.Write(blueprint)));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteBlueprintAsync(string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "DELETE FROM blueprints WHERE identifier = $id", ("$id", identifier));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async Task<Entity?> GetEntityAsync(string blueprint, string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        ArgumentNullException.ThrowIfNull(identifier);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT json FROM entities WHERE blueprint = $bp AND identifier = $id", ("$bp", blueprint), ("$id", identifier));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? PortJson.ReadEntity(json) : null;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<Entity> QueryAsync(EntityQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var sql = new StringBuilder("SELECT e.json FROM entities e WHERE 1 = 1");
        var parameters = new List<(string, object)>();
        if (query.Blueprint is not null)
        {
            sql.Append(" AND e.blueprint = $bp");
            parameters.Add(("$bp", query.Blueprint));
        }

        SearchEvaluator? evaluator = null;
        if (query.Filter is not null)
        {
            if (SqlTranslator.Translate(query.Filter, parameters) is { } where)
            {
                sql.Append(" AND ").Append(where);
            }

            evaluator = await EvaluatorAsync(connection, query.Filter, cancellationToken).ConfigureAwait(false);
        }

        await using var command = Command(connection, sql.ToString(), [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var entity = PortJson.ReadEntity(reader.GetString(0));
            if (evaluator is null || evaluator.Matches(entity, query.Filter!))
            {
                yield return entity;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<EntityKey, EntityStamp>> GetStampsAsync(IEnumerable<EntityKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var stamps = new Dictionary<EntityKey, EntityStamp>();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var group in keys.Distinct().GroupBy(k => k.Blueprint))
        {
            // One statement text for every lookup (the identifiers travel as one JSON array parameter), so SQLite
            // parses it once per connection rather than once per batch of a different size.
            foreach (var chunk in group.Chunk(1_000))
            {
                var sql = "SELECT identifier, created_at, source_integration, source_kind, content_hash "
                    + "FROM entities WHERE blueprint = $bp AND identifier IN (SELECT value FROM json_each($ids))";
                await using var command = Command(connection, sql, ("$bp", group.Key), ("$ids", JsonArray(chunk.Select(k => k.Identifier))));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    stamps[new EntityKey(group.Key, reader.GetString(0))] = ReadStamp(reader, 1);
                }
            }
        }

        return stamps;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<KeyValuePair<EntityKey, EntityStamp>> QueryStampsAsync(EntityQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Filter is not null)
        {
            // Rules may need the in-memory evaluator: read whole entities, as QueryAsync does.
            await foreach (var entity in QueryAsync(query, cancellationToken).ConfigureAwait(false))
            {
                yield return new(new EntityKey(entity.Blueprint, entity.Identifier), EntityStamp.Of(entity));
            }

            yield break;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var sql = "SELECT blueprint, identifier, created_at, source_integration, source_kind, content_hash FROM entities"
            + (query.Blueprint is null ? string.Empty : " WHERE blueprint = $bp");
        await using var command = query.Blueprint is null ? Command(connection, sql) : Command(connection, sql, ("$bp", query.Blueprint));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new(new EntityKey(reader.GetString(0), reader.GetString(1)), ReadStamp(reader, 2));
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<KeyValuePair<EntityKey, string>> QueryKeysBySourceAsync(string integration, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(integration);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, QueryKeysBySourceSql, ("$integration", integration));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        string? blueprint = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Rows come grouped by kind and mostly by blueprint: the keys a sweep keeps share one blueprint string.
            var read = reader.GetString(0);
            blueprint = read == blueprint ? blueprint : read;
            yield return new(new EntityKey(blueprint, reader.GetString(1)), reader.IsDBNull(2) ? string.Empty : reader.GetString(2));
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<KeyValuePair<EntityKey, Entity>> QueryRelatingAsync(IEnumerable<EntityKey> targets, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        foreach (var group in targets.Distinct().GroupBy(k => k.Blueprint))
        {
            foreach (var chunk in group.Chunk(1_000))
            {
                await using var command = Command(connection, RelatingSql, ("$bp", group.Key), ("$ids", JsonArray(chunk.Select(k => k.Identifier))));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return new(new EntityKey(group.Key, reader.GetString(0)), PortJson.ReadEntity(reader.GetString(1)));
                }
            }
        }
    }

    private static string JsonArray(IEnumerable<string> values)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads createdAt, dataSource.integration, dataSource.kind and content_hash from four columns.</summary>
    private static EntityStamp ReadStamp(SqliteDataReader reader, int first)
    {
        DateTimeOffset? created = reader.IsDBNull(first) ? null : DateTimeOffset.Parse(reader.GetString(first), CultureInfo.InvariantCulture);
        EntityDataSource? source = reader.IsDBNull(first + 1) ? null : new EntityDataSource(reader.GetString(first + 1), reader.IsDBNull(first + 2) ? string.Empty : reader.GetString(first + 2));
        return new EntityStamp(created, source) { ContentHash = reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3) };
    }

    /// <inheritdoc/>
    public async Task<long> CountAsync(string blueprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT COUNT(*) FROM entities WHERE blueprint = $bp", ("$bp", blueprint));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc/>
    /// <exception cref="PortException">Another writer held the file longer than the busy timeout; nothing was written.</exception>
    public async Task ApplyAsync(EntityChangeSet changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        try
        {
            await ApplyCoreAsync(changes, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            throw new PortException($"The catalog file '{Path}' was locked by another writer for longer than the busy timeout ({_busyTimeout.TotalSeconds:0} s); nothing was written.", ex);
        }
    }

    private async Task ApplyCoreAsync(EntityChangeSet changes, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var blueprints = new Dictionary<string, Blueprint>(StringComparer.Ordinal);
        await using (var read = Command(connection, "SELECT json FROM blueprints"))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var blueprint = PortJson.ReadBlueprint(reader.GetString(0));
                blueprints[blueprint.Identifier] = blueprint;
            }
        }

        // BEGIN IMMEDIATE takes the write lock at once: a second writer waits (busy timeout) instead of failing mid-batch.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);
        await using var deleteEntities = Command(connection, DeleteEntitiesSql, ("$bp", string.Empty), ("$ids", string.Empty));
        await using var deleteRelations = Command(connection, DeleteRelationsSql, ("$bp", string.Empty), ("$ids", string.Empty));
        await using var upsert = Command(connection, "INSERT OR REPLACE INTO entities (blueprint, identifier, json, content_hash, created_at, source_integration, source_kind) VALUES ($bp, $id, $json, $hash, $created, $integration, $kind)",
            ("$bp", string.Empty), ("$id", string.Empty), ("$json", string.Empty), ("$hash", string.Empty), ("$created", string.Empty), ("$integration", string.Empty), ("$kind", string.Empty));
        await using var relate = Command(connection, "INSERT INTO relations VALUES ($sbp, $sid, $rel, $tbp, $tid)", ("$sbp", string.Empty), ("$sid", string.Empty), ("$rel", string.Empty), ("$tbp", string.Empty), ("$tid", string.Empty));
        foreach (var command in new[] { deleteEntities, deleteRelations, upsert, relate })
        {
            command.Transaction = transaction;
            command.Prepare();
        }

        // Set-based: one statement per blueprint and 1,000 keys (the identifiers as one JSON array, so the statement
        // text, and SQLite's plan of it, is the same for every batch), each a primary-key or index search per key.
        foreach (var group in changes.Deletes.GroupBy(k => k.Blueprint))
        {
            foreach (var chunk in group.Chunk(1_000))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ids = JsonArray(chunk.Select(k => k.Identifier));
                await Run(deleteEntities, cancellationToken, group.Key, ids).ConfigureAwait(false);
                await Run(deleteRelations, cancellationToken, group.Key, ids).ConfigureAwait(false);
            }
        }

        // The old relation rows of every upserted entity go in a few set-based deletes rather than one per entity.
        foreach (var group in changes.Upserts.GroupBy(e => e.Blueprint))
        {
            foreach (var chunk in group.Chunk(500))
            {
                var parameters = new List<(string, object)> { ("$bp", group.Key) };
                var names = string.Join(", ", chunk.Select((e, i) =>
                {
                    parameters.Add(($"$i{i}", e.Identifier));
                    return $"$i{i}";
                }));
                await using var clear = Command(connection, $"DELETE FROM relations WHERE source_blueprint = $bp AND source_identifier IN ({names})", [.. parameters]);
                clear.Transaction = transaction;
                await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var entity in changes.Upserts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Run(
                upsert,
                cancellationToken,
                entity.Blueprint,
                entity.Identifier,
                PortJson.Write(entity),
                EntityContentHash.Compute(entity),
                entity.CreatedAt?.ToString("O", CultureInfo.InvariantCulture),
                entity.DataSource?.Integration,
                entity.DataSource?.Kind).ConfigureAwait(false);
            if (!blueprints.TryGetValue(entity.Blueprint, out var blueprint))
            {
                continue;
            }

            foreach (var (name, relation) in entity.Relations)
            {
                if (blueprint.Relations.TryGetValue(name, out var definition))
                {
                    foreach (var target in relation.Targets)
                    {
                        await Run(relate, cancellationToken, entity.Blueprint, entity.Identifier, name, definition.Target, target).ConfigureAwait(false);
                    }
                }
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task Run(SqliteCommand command, CancellationToken cancellationToken, params string?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = (object?)values[i] ?? DBNull.Value;
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The in-memory evaluator for exact results, with <c>relatedTo</c> rules resolved through the relations table.</summary>
    private static async Task<SearchEvaluator> EvaluatorAsync(SqliteConnection connection, SearchRule filter, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<RelatedToRule, ISet<EntityKey>>();
        foreach (var rule in Related(filter).Distinct())
        {
            var sql = rule.Direction == RelationDirection.Downstream
                ? "SELECT source_blueprint, source_identifier FROM relations WHERE target_blueprint = $bp AND target_identifier = $id"
                : "SELECT target_blueprint, target_identifier FROM relations WHERE source_blueprint = $bp AND source_identifier = $id";
            var keys = new HashSet<EntityKey>();
            await using var command = Command(connection, sql, ("$bp", rule.Blueprint), ("$id", rule.Value));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keys.Add(new EntityKey(reader.GetString(0), reader.GetString(1)));
            }

            resolved[rule] = keys;
        }

        return new SearchEvaluator(rule => resolved.TryGetValue(rule, out var keys) ? keys : new HashSet<EntityKey>());

        static IEnumerable<RelatedToRule> Related(SearchRule rule) => rule switch
        {
            SearchQuery group => group.Rules.SelectMany(Related),
            RelatedToRule related => [related],
            _ => [],
        };
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _migrated.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await OpenRawAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // journal_mode is recorded in the file (set once by the migration); synchronous and the page cache are per
        // connection. A batch of 500 entities or a deletion run of 1,000 dirties more pages than the default 2 MB cache
        // holds, so SQLite spilled them to the WAL mid-transaction and read them back; 32 MB is an upper bound, used as needed.
        await using var pragmas = Command(connection, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768;");
        await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Brings the file's schema to <see cref="SchemaVersion"/>, one migration per transaction, recorded in <c>user_version</c>.</summary>
    private async Task MigrateAsync()
    {
        await using var connection = await OpenRawAsync(CancellationToken.None).ConfigureAwait(false);
        await using (var wal = Command(connection, "PRAGMA journal_mode = WAL"))
        {
            await wal.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await using var version = Command(connection, "PRAGMA user_version");
        var current = Convert.ToInt32(await version.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (current > Migrations.Length)
        {
            throw new PortException($"The catalog file '{Path}' has schema version {current}, newer than this build's {Migrations.Length}; use a newer Port.Sdk.Sqlite.");
        }

        for (var v = current; v < Migrations.Length; v++)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using var migrate = Command(connection, Migrations[v] + $"; PRAGMA user_version = {v + 1};");
            migrate.Transaction = transaction;
            await migrate.ExecuteNonQueryAsync().ConfigureAwait(false);
            await transaction.CommitAsync().ConfigureAwait(false);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
