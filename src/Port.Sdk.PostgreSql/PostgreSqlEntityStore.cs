// "await using" of ADO.NET objects cannot take ConfigureAwait without losing their type; every other await here has it.
#pragma warning disable CA2007

using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Port.Sdk.Search;

namespace Port.Sdk.PostgreSql;

/// <summary>
/// A catalog store in PostgreSQL, shared by every instance that opens the same database and schema: entities as
/// <c>jsonb</c>, relations in their own table, one transaction per change set (retried whole after a transient
/// failure), versioned migrations, search rules translated to SQL (re-checked in memory where SQL is not exact),
/// a resync lock per integration (<see cref="IResyncLock"/>, a session advisory lock) and a change feed of every
/// instance's writes (<see cref="IEntityChangeFeed"/>, LISTEN/NOTIFY with a sequence to resume from).
/// </summary>
public sealed partial class PostgreSqlEntityStore : IEntityStore, IResyncLock, IEntityChangeFeed, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgreSqlStoreOptions _options;
    private readonly string _s;
    private readonly Lazy<Task> _migrated;
    private long _position;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlEntityStore"/> class on a connection string; the store owns its data source.</summary>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="options">The schema and behaviour; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty, or the schema name is not a plain lowercase identifier.</exception>
    public PostgreSqlEntityStore(string connectionString, PostgreSqlStoreOptions? options = null)
        : this(NpgsqlDataSource.Create(Validated(connectionString)), options, ownsDataSource: true)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlEntityStore"/> class on a data source that the caller (or DI) owns.</summary>
    /// <param name="dataSource">The data source.</param>
    /// <param name="options">The schema and behaviour; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The schema name is not a plain lowercase identifier.</exception>
    public PostgreSqlEntityStore(NpgsqlDataSource dataSource, PostgreSqlStoreOptions? options = null)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), options, ownsDataSource: false)
    {
    }

    private PostgreSqlEntityStore(NpgsqlDataSource dataSource, PostgreSqlStoreOptions? options, bool ownsDataSource)
    {
        _options = options ?? new PostgreSqlStoreOptions();
        if (!SchemaName().IsMatch(_options.Schema ?? string.Empty))
        {
            if (ownsDataSource)
            {
                dataSource.Dispose();
            }

            throw new ArgumentException($"The schema name '{_options.Schema}' is not valid: use 1 to 63 lowercase letters, digits and underscores, starting with a letter or underscore.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxWriteRetries, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxReadRetries, nameof(options));
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _s = _options.Schema!;
        _migrated = new Lazy<Task>(MigrateAsync);
    }

    /// <summary>Gets the schema version this build migrates a database to.</summary>
    public static int SchemaVersion => PostgreSqlMigrations.For("s").Length;

    /// <summary>Gets the schema that holds the catalog's tables.</summary>
    public string Schema => _s;

    /// <inheritdoc/>
    public long CurrentPosition => Interlocked.Read(ref _position);

    /// <inheritdoc/>
    public async Task<Blueprint?> GetBlueprintAsync(string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return await ReadAsync(
            async connection =>
            {
                await using var command = Command(connection, $"SELECT json::text FROM {_s}.blueprints WHERE identifier = $1", Text(identifier));
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? PortJson.ReadBlueprint(json) : null;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<Blueprint> GetBlueprintsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var blueprint in await ReadBlueprintsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return blueprint;
        }
    }

    /// <inheritdoc/>
    public async Task SaveBlueprintAsync(Blueprint blueprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            $"INSERT INTO {_s}.blueprints (identifier, json) VALUES ($1, $2) ON CONFLICT (identifier) DO UPDATE SET json = EXCLUDED.json",
            Text(blueprint.Identifier),
            new NpgsqlParameter { Value = PortJson.Write(blueprint), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteBlueprintAsync(string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"DELETE FROM {_s}.blueprints WHERE identifier = $1", Text(identifier));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async Task<Entity?> GetEntityAsync(string blueprint, string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        ArgumentNullException.ThrowIfNull(identifier);
        return await ReadAsync(
            async connection =>
            {
                await using var command = Command(connection, $"SELECT json::text FROM {_s}.entities WHERE blueprint = $1 AND identifier = $2", Text(blueprint), Text(identifier));
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? PortJson.ReadEntity(json) : null;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A transient failure before the first entity is read (a dropped connection, a failover) is retried on a new
    /// connection, up to <see cref="PostgreSqlStoreOptions.MaxReadRetries"/> times; one after entities were streamed is
    /// thrown, as a retry would stream them again.
    /// </remarks>
    public async IAsyncEnumerable<Entity> QueryAsync(EntityQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var cursor = await OpenCursorAsync(connection => PrepareQueryAsync(connection, query, stampsOnly: false, cancellationToken), cancellationToken).ConfigureAwait(false);
        for (var more = cursor.HasRow; more; more = await cursor.Reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var entity = PortJson.ReadEntity(cursor.Reader.GetString(0));
            if (cursor.State is not { } recheck || recheck.Matches(entity, query.Filter!))
            {
                yield return entity;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<EntityKey, EntityStamp>> GetStampsAsync(IEnumerable<EntityKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var chunks = keys.Distinct().Chunk(5_000).ToList();
        return await ReadAsync<IReadOnlyDictionary<EntityKey, EntityStamp>>(
            async connection =>
            {
                var stamps = new Dictionary<EntityKey, EntityStamp>();
                foreach (var chunk in chunks)
                {
                    await using var command = Command(
                        connection,
                        $"SELECT e.blueprint, e.identifier, e.created_at, e.source_integration, e.source_kind, e.content_hash FROM {_s}.entities e "
                        + "JOIN unnest($1::text[], $2::text[]) k(bp, id) ON e.blueprint = k.bp AND e.identifier = k.id",
                        TextArray(chunk.Select(k => k.Blueprint)),
                        TextArray(chunk.Select(k => k.Identifier)));
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        stamps[new EntityKey(reader.GetString(0), reader.GetString(1))] = ReadStamp(reader, 2);
                    }
                }

                return stamps;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<KeyValuePair<EntityKey, EntityStamp>> QueryStampsAsync(EntityQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var cursor = await OpenCursorAsync(connection => PrepareQueryAsync(connection, query, stampsOnly: true, cancellationToken), cancellationToken).ConfigureAwait(false);
        for (var more = cursor.HasRow; more; more = await cursor.Reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (cursor.State is { } recheck)
            {
                // The rest of the query needs whole entities: they were read, as QueryAsync reads them.
                var entity = PortJson.ReadEntity(cursor.Reader.GetString(0));
                if (recheck.Matches(entity, query.Filter!))
                {
                    yield return new(new EntityKey(entity.Blueprint, entity.Identifier), EntityStamp.Of(entity));
                }
            }
            else
            {
                yield return new(new EntityKey(cursor.Reader.GetString(0), cursor.Reader.GetString(1)), ReadStamp(cursor.Reader, 2));
            }
        }
    }

    /// <inheritdoc/>
    public async Task<long> CountAsync(string blueprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        return await ReadAsync(
            async connection =>
            {
                await using var command = Command(connection, $"SELECT count(*) FROM {_s}.entities WHERE blueprint = $1", Text(blueprint));
                return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the data source when the store created it.</summary>
    /// <returns>A task that completes when it is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the data source when the store created it.</summary>
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    /// <summary>
    /// The command of a query, and the evaluator that re-checks its rows in memory when SQL is not exact (the rows are
    /// then whole entities; otherwise, with <paramref name="stampsOnly"/>, the stamp columns).
    /// </summary>
    private async Task<(NpgsqlCommand Command, SearchEvaluator? State)> PrepareQueryAsync(NpgsqlConnection connection, EntityQuery query, bool stampsOnly, CancellationToken cancellationToken)
    {
        var (from, parameters, recheck) = await PlanAsync(connection, query, cancellationToken).ConfigureAwait(false);
        if (recheck)
        {
            return (Command(connection, "SELECT e.json::text " + from, [.. parameters]), await EvaluatorAsync(connection, query.Filter!, cancellationToken).ConfigureAwait(false));
        }

        var columns = stampsOnly ? "e.blueprint, e.identifier, e.created_at, e.source_integration, e.source_kind, e.content_hash" : "e.json::text";
        return (Command(connection, $"SELECT {columns} {from}", [.. parameters]), null);
    }

    /// <summary>The SQL of a query from its FROM on, its parameters, and whether the rows must be re-checked in memory.</summary>
    private async Task<(string From, List<NpgsqlParameter> Parameters, bool Recheck)> PlanAsync(NpgsqlConnection connection, EntityQuery query, CancellationToken cancellationToken)
    {
        var relationNames = query.Filter is null ? new HashSet<string>() : await RelationNamesAsync(connection, cancellationToken).ConfigureAwait(false);
        var translator = new PostgreSqlTranslator(_s, relationNames);
        var sql = new StringBuilder($"FROM {_s}.entities e WHERE true");
        if (query.Blueprint is not null)
        {
            sql.Append(" AND e.blueprint = ").Append(translator.Add(query.Blueprint, NpgsqlDbType.Text));
        }

        var recheck = false;
        if (query.Filter is not null)
        {
            var translated = translator.Translate(query.Filter);
            if (translated is { } where)
            {
                sql.Append(" AND ").Append(where.Sql);
            }

            recheck = translated is not { Exact: true };
        }

        return (sql.ToString(), translator.Parameters, recheck);
    }

    private async Task<HashSet<string>> RelationNamesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var command = Command(connection, $"SELECT DISTINCT jsonb_object_keys(json -> 'relations') FROM {_s}.blueprints WHERE jsonb_typeof(json -> 'relations') = 'object'");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private Task<List<Blueprint>> ReadBlueprintsAsync(CancellationToken cancellationToken) => ReadAsync(
        async connection =>
        {
            var blueprints = new List<Blueprint>();
            await using var command = Command(connection, $"SELECT json::text FROM {_s}.blueprints");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                blueprints.Add(PortJson.ReadBlueprint(reader.GetString(0)));
            }

            return blueprints;
        },
        cancellationToken);

    /// <summary>The in-memory evaluator for exact results, with <c>relatedTo</c> rules resolved through the relations table.</summary>
    private async Task<SearchEvaluator> EvaluatorAsync(NpgsqlConnection connection, SearchRule filter, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<RelatedToRule, ISet<EntityKey>>();
        foreach (var rule in Related(filter).Distinct())
        {
            var sql = rule.Direction == RelationDirection.Downstream
                ? $"SELECT source_blueprint, source_identifier FROM {_s}.relations WHERE target_blueprint = $1 AND target_identifier = $2"
                : $"SELECT target_blueprint, target_identifier FROM {_s}.relations WHERE source_blueprint = $1 AND source_identifier = $2";
            var keys = new HashSet<EntityKey>();
            await using var command = Command(connection, sql, Text(rule.Blueprint), Text(rule.Value));
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

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _migrated.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private static EntityStamp ReadStamp(NpgsqlDataReader reader, int first)
    {
        DateTimeOffset? created = reader.IsDBNull(first) ? null : DateTimeOffset.Parse(reader.GetString(first), System.Globalization.CultureInfo.InvariantCulture);
        EntityDataSource? source = reader.IsDBNull(first + 1) ? null : new EntityDataSource(reader.GetString(first + 1), reader.IsDBNull(first + 2) ? string.Empty : reader.GetString(first + 2));
        return new EntityStamp(created, source) { ContentHash = reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3) };
    }


    /// <summary>
    /// Brings the schema to <see cref="SchemaVersion"/> in one transaction, under an advisory lock so that instances
    /// starting together migrate once; the version is recorded in <c>store_info</c>.
    /// </summary>
    private async Task MigrateAsync()
    {
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using (var setup = Command(connection, $"SELECT pg_advisory_xact_lock(hashtext('port.migrate:{_s}')); CREATE SCHEMA IF NOT EXISTS {_s}; "
            + $"CREATE TABLE IF NOT EXISTS {_s}.store_info (schema_version int NOT NULL, pruned_through bigint NOT NULL DEFAULT 0); "
            + $"INSERT INTO {_s}.store_info (schema_version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {_s}.store_info);"))
        {
            await setup.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        int current;
        await using (var version = Command(connection, $"SELECT schema_version FROM {_s}.store_info"))
        {
            current = (int)(await version.ExecuteScalarAsync().ConfigureAwait(false))!;
        }

        var migrations = PostgreSqlMigrations.For(_s);
        if (current > migrations.Length)
        {
            throw new PortException($"The catalog schema '{_s}' has schema version {current}, newer than this build's {migrations.Length}; use a newer Port.Sdk.PostgreSql.");
        }

        for (var v = current; v < migrations.Length; v++)
        {
            await using var migrate = Command(connection, migrations[v] + $"; UPDATE {_s}.store_info SET schema_version = {v + 1};");
            await migrate.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await using (var position = Command(connection, $"SELECT coalesce(max(seq), 0) FROM {_s}.changes"))
        {
            var last = (long)(await position.ExecuteScalarAsync().ConfigureAwait(false))!;
            Advance(last);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
    }

    private void Advance(long position)
    {
        var seen = Interlocked.Read(ref _position);
        while (position > seen)
        {
            var previous = Interlocked.CompareExchange(ref _position, position, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    private static string Validated(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return connectionString;
    }

    private static NpgsqlParameter Text(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter TextArray(IEnumerable<string?> values) => new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return command;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
