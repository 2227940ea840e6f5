// "await using" of ADO.NET objects cannot take ConfigureAwait without losing their type; every other await here has it.
#pragma warning disable CA2007

using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Port.Sdk.Actions;

namespace Port.Sdk.PostgreSql;

/// <summary>
/// Keeps action runs in PostgreSQL, normally in the catalog's own schema (<c>UsePostgreSqlStore</c> with
/// <c>AddActions()</c> uses it): an <c>action_runs</c> table with its own migrations (recorded in
/// <c>port_sdk_migrations</c> under the component <c>action_runs</c>, apart from the catalog's schema version), one row
/// per run, one idempotency key per row enforced by a unique index, so several instances sharing the database create
/// one run per event.
/// </summary>
public sealed partial class PostgreSqlActionRunStore : IActionRunStore, IAsyncDisposable
{
    private const string Component = "action_runs";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _s;
    private readonly Lazy<Task> _migrated;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlActionRunStore"/> class on a connection string; the store owns its data source.</summary>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="schema">The schema (created if missing); <see langword="null"/> for <c>port</c>, the catalog's default.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty, or <paramref name="schema"/> is not a plain lowercase identifier.</exception>
    public PostgreSqlActionRunStore(string connectionString, string? schema = null)
        : this(NpgsqlDataSource.Create(Validated(connectionString, schema)), schema, ownsDataSource: true)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlActionRunStore"/> class on a data source that the caller (or DI) owns.</summary>
    /// <param name="dataSource">The data source.</param>
    /// <param name="schema">The schema (created if missing); <see langword="null"/> for <c>port</c>, the catalog's default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is not a plain lowercase identifier.</exception>
    public PostgreSqlActionRunStore(NpgsqlDataSource dataSource, string? schema = null)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), Checked(schema), ownsDataSource: false)
    {
    }

    private PostgreSqlActionRunStore(NpgsqlDataSource dataSource, string? schema, bool ownsDataSource)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _s = schema ?? new PostgreSqlStoreOptions().Schema;
        _migrated = new Lazy<Task>(MigrateAsync);
    }

    /// <summary>Gets the schema that holds the <c>action_runs</c> table.</summary>
    public string Schema => _s;

    /// <summary>Gets the version this build migrates the <c>action_runs</c> table to.</summary>
    public static int SchemaVersion => Migrations("s").Length;

    /// <inheritdoc/>
    public async Task<ActionRun> CreateAsync(ActionRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = Command(
            connection,
            $"""
            INSERT INTO {_s}.action_runs (id, action, status, entity, idempotency_key, created_ticks, json)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING
            """,
            Parameters(run));
        if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return run;
        }

        await using var existing = Command(connection, $"SELECT json FROM {_s}.action_runs WHERE idempotency_key = $1", Text(run.IdempotencyKey));
        return ActionRunJson.Read((string)(await existing.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
    }

    /// <inheritdoc/>
    public async Task<ActionRun?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT json FROM {_s}.action_runs WHERE id = $1", Text(id));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? ActionRunJson.Read(json) : null;
    }

    /// <inheritdoc/>
    public async Task UpdateAsync(ActionRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"UPDATE {_s}.action_runs SET status = $2, entity = $3, json = $4 WHERE id = $1", Text(run.Id), Text(run.Status.ToString()), Text(run.Entity), Text(ActionRunJson.Write(run)));
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new KeyNotFoundException($"There is no run '{run.Id}'.");
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ActionRun> ListAsync(ActionRunQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder($"SELECT json FROM {_s}.action_runs WHERE true");
        var parameters = new List<NpgsqlParameter>();
        if (query.Action is not null)
        {
            parameters.Add(Text(query.Action));
            sql.Append(" AND action = $").Append(parameters.Count);
        }

        if (query.Entity is not null)
        {
            parameters.Add(Text(query.Entity));
            sql.Append(" AND entity = $").Append(parameters.Count);
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            parameters.Add(new NpgsqlParameter { Value = statuses.Select(s => s.ToString()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            sql.Append(" AND status = ANY($").Append(parameters.Count).Append(')');
        }

        parameters.Add(new NpgsqlParameter { Value = (long)Math.Max(0, query.Limit), NpgsqlDbType = NpgsqlDbType.Bigint });
        sql.Append(" ORDER BY created_ticks DESC, id DESC LIMIT $").Append(parameters.Count);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql.ToString(), [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ActionRunJson.Read(reader.GetString(0));
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    // The JSON is kept as text, not jsonb, so that a run reads back exactly as written (jsonb reorders keys).
    private static string[] Migrations(string s) =>
    [
        $"""
        CREATE TABLE {s}.action_runs (
            id text PRIMARY KEY, action text NOT NULL, status text NOT NULL, entity text, idempotency_key text UNIQUE,
            created_ticks bigint NOT NULL, json text NOT NULL);
        CREATE INDEX action_runs_by_status ON {s}.action_runs (status, created_ticks);
        CREATE INDEX action_runs_by_action ON {s}.action_runs (action, created_ticks);
        """,
    ];

    private static NpgsqlParameter[] Parameters(ActionRun run) =>
    [
        Text(run.Id),
        Text(run.Action),
        Text(run.Status.ToString()),
        Text(run.Entity),
        Text(run.IdempotencyKey),
        new() { Value = run.CreatedAt.UtcTicks, NpgsqlDbType = NpgsqlDbType.Bigint },
        Text(ActionRunJson.Write(run)),
    ];

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _migrated.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Brings the <c>action_runs</c> table to this build's version in one transaction, under an advisory lock so that instances starting together migrate once.</summary>
    private async Task MigrateAsync()
    {
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using (var setup = Command(connection, $"SELECT pg_advisory_xact_lock(hashtext('port.migrate.{Component}:{_s}')); CREATE SCHEMA IF NOT EXISTS {_s}; "
            + $"CREATE TABLE IF NOT EXISTS {_s}.port_sdk_migrations (component text PRIMARY KEY, version int NOT NULL);"))
        {
            await setup.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        int current;
        await using (var version = Command(connection, $"SELECT version FROM {_s}.port_sdk_migrations WHERE component = $1", Text(Component)))
        {
            current = await version.ExecuteScalarAsync().ConfigureAwait(false) is int v ? v : 0;
        }

        var migrations = Migrations(_s);
        if (current > migrations.Length)
        {
            throw new PortException($"The action runs in schema '{_s}' have schema version {current}, newer than this build's {migrations.Length}; use a newer Port.Sdk.PostgreSql.");
        }

        for (var v = current; v < migrations.Length; v++)
        {
            await using var migrate = Command(connection, migrations[v]);
            await migrate.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await using (var record = Command(connection, $"INSERT INTO {_s}.port_sdk_migrations (component, version) VALUES ($1, $2) ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version", Text(Component), new NpgsqlParameter { Value = migrations.Length, NpgsqlDbType = NpgsqlDbType.Integer }))
        {
            await record.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
    }

    private static string Validated(string connectionString, string? schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Checked(schema);
        return connectionString;
    }

    private static string? Checked(string? schema)
    {
        if (schema is not null && !SchemaName().IsMatch(schema))
        {
            throw new ArgumentException($"The schema name '{schema}' is not valid: use 1 to 63 lowercase letters, digits and underscores, starting with a letter or underscore.", nameof(schema));
        }

        return schema;
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return command;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
