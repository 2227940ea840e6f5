// "await using" of ADO.NET objects cannot take ConfigureAwait without losing their type; every other await here has it.
#pragma warning disable CA2007

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Port.Sdk.Actions;

namespace Port.Sdk.Sqlite;

/// <summary>
/// Keeps action runs in a SQLite file, normally the catalog's own (<c>UseSqliteStore</c> registers it on the same
/// file): a separate <c>action_runs</c> table with its own migrations (recorded in <c>port_sdk_migrations</c>, not in
/// the catalog's <c>user_version</c>), one row per run, each write durable before it returns.
/// </summary>
public sealed class SqliteActionRunStore : IActionRunStore
{
    private const string Component = "action_runs";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE action_runs (
            id TEXT PRIMARY KEY, action TEXT NOT NULL, status TEXT NOT NULL, entity TEXT, idempotency_key TEXT UNIQUE,
            created_ticks INTEGER NOT NULL, json TEXT NOT NULL);
        CREATE INDEX action_runs_by_status ON action_runs (status, created_ticks);
        CREATE INDEX action_runs_by_action ON action_runs (action, created_ticks);
        """,
    ];

    private readonly string _connectionString;
    private readonly Lazy<Task> _migrated;

    /// <summary>Initializes a new instance of the <see cref="SqliteActionRunStore"/> class on a database file, created if missing.</summary>
    /// <param name="path">The database file (the catalog's, to keep runs with the entities).</param>
    /// <param name="busyTimeout">How long a writer waits for another writer of the same file; <see langword="null"/> for 30 seconds.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public SqliteActionRunStore(string path, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)(busyTimeout ?? TimeSpan.FromSeconds(30)).TotalSeconds),
        }.ToString();
        _migrated = new Lazy<Task>(MigrateAsync);
    }

    /// <summary>Gets the full path of the database file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public async Task<ActionRun> CreateAsync(ActionRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = Command(
            connection,
            """
            INSERT INTO action_runs (id, action, status, entity, idempotency_key, created_ticks, json)
            VALUES ($id, $action, $status, $entity, $key, $created, $json) ON CONFLICT (idempotency_key) DO NOTHING
            """,
            Parameters(run));
        if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return run;
        }

        await using var existing = Command(connection, "SELECT json FROM action_runs WHERE idempotency_key = $key", ("$key", run.IdempotencyKey!));
        return ActionRunJson.Read((string)(await existing.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
    }

    /// <inheritdoc/>
    public async Task<ActionRun?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT json FROM action_runs WHERE id = $id", ("$id", id));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? ActionRunJson.Read(json) : null;
    }

    /// <inheritdoc/>
    public async Task UpdateAsync(ActionRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "UPDATE action_runs SET status = $status, entity = $entity, json = $json WHERE id = $id", Parameters(run));
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new KeyNotFoundException($"There is no run '{run.Id}'.");
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ActionRun> ListAsync(ActionRunQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder("SELECT json FROM action_runs WHERE 1 = 1");
        var parameters = new List<(string, object)>();
        if (query.Action is not null)
        {
            sql.Append(" AND action = $action");
            parameters.Add(("$action", query.Action));
        }

        if (query.Entity is not null)
        {
            sql.Append(" AND entity = $entity");
            parameters.Add(("$entity", query.Entity));
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            sql.Append(" AND status IN (").AppendJoin(", ", statuses.Select((_, i) => $"$s{i}")).Append(')');
            parameters.AddRange(statuses.Select((s, i) => ($"$s{i}", (object)Status(s))));
        }

        sql.Append(" ORDER BY created_ticks DESC, id DESC LIMIT $limit");
        parameters.Add(("$limit", Math.Max(0, query.Limit)));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql.ToString(), [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ActionRunJson.Read(reader.GetString(0));
        }
    }

    private static (string, object)[] Parameters(ActionRun run) =>
    [
        ("$id", run.Id),
        ("$action", run.Action),
        ("$status", Status(run.Status)),
        ("$entity", (object?)run.Entity ?? DBNull.Value),
        ("$key", (object?)run.IdempotencyKey ?? DBNull.Value),
        ("$created", run.CreatedAt.UtcTicks),
        ("$json", ActionRunJson.Write(run)),
    ];

    private static string Status(ActionRunStatus status) => status.ToString();

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _migrated.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Brings the <c>action_runs</c> table to this build's version, one migration per transaction.</summary>
    private async Task MigrateAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using (var wal = Command(connection, "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS port_sdk_migrations (component TEXT PRIMARY KEY, version INTEGER NOT NULL);"))
        {
            await wal.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var version = Command(connection, "SELECT version FROM port_sdk_migrations WHERE component = $c", ("$c", Component));
        version.Transaction = transaction;
        var current = Convert.ToInt32(await version.ExecuteScalarAsync().ConfigureAwait(false) ?? 0, CultureInfo.InvariantCulture);
        if (current > Migrations.Length)
        {
            throw new PortException($"The action runs in '{Path}' have schema version {current}, newer than this build's {Migrations.Length}; use a newer Port.Sdk.Sqlite.");
        }

        for (var v = current; v < Migrations.Length; v++)
        {
            await using var migrate = Command(connection, Migrations[v] + "; INSERT OR REPLACE INTO port_sdk_migrations (component, version) VALUES ($c, $v);", ("$c", Component), ("$v", v + 1));
            migrate.Transaction = transaction;
            await migrate.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
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
