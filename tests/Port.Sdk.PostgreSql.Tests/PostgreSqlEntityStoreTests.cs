using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Port.Sdk.Search;
using Port.Sdk.Testing;

namespace Port.Sdk.PostgreSql.Tests;

/// <summary>What the PostgreSQL store adds to the conformance suite: migrations, translation, concurrency, the feed, retries.</summary>
public sealed class PostgreSqlEntityStoreTests : IAsyncLifetime
{
    private static readonly Lazy<string> Database = new(() => PostgresCluster.Shared.CreateDatabase());
    private readonly List<PostgreSqlEntityStore> _stores = [];
    private readonly string _schema = "s_" + Guid.NewGuid().ToString("N");
    private NpgsqlDataSource _dataSource = null!;

    public Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(Database.Value);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await using (var drop = _dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await _dataSource.DisposeAsync();
    }

    /// <summary>A store of its own (its own data source, as another instance would have) on this test's schema.</summary>
    private PostgreSqlEntityStore Instance(Action<PostgreSqlStoreOptions>? configure = null, string? applicationName = null)
    {
        var options = new PostgreSqlStoreOptions { Schema = _schema };
        configure?.Invoke(options);
        var connection = new NpgsqlConnectionStringBuilder(Database.Value) { ApplicationName = applicationName ?? "port-test" }.ToString();
        var store = new PostgreSqlEntityStore(connection, options);
        _stores.Add(store);
        return store;
    }

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task NewerSchemaVersion_IsAClearError_AndCurrentIsRecorded()
    {
        var store = Instance();
        Assert.Equal(0, await store.CountAsync("x"));
        await using (var version = _dataSource.CreateCommand($"SELECT schema_version FROM {_schema}.store_info"))
        {
            Assert.Equal(PostgreSqlEntityStore.SchemaVersion, (int)(await version.ExecuteScalarAsync())!);
        }

        await using (var bump = _dataSource.CreateCommand($"UPDATE {_schema}.store_info SET schema_version = 99"))
        {
            await bump.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<PortException>(() => Instance().CountAsync("x"));
        Assert.Equal($"The catalog schema '{_schema}' has schema version 99, newer than this build's {PostgreSqlEntityStore.SchemaVersion}; use a newer Port.Sdk.PostgreSql.", ex.Message);
    }

    [Fact]
    public void Constructor_BadSchemaName_Throws()
    {
        var ex = Assert.Throws<ArgumentException>("options", () => new PostgreSqlEntityStore(Database.Value, new PostgreSqlStoreOptions { Schema = "Bad; DROP" }));
        Assert.StartsWith("The schema name 'Bad; DROP' is not valid", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Every operator on values of every JSON type finds what the in-memory evaluator (the reference) finds.</summary>
    [Fact]
    public async Task Query_EveryOperatorOnEveryValueType_EqualsTheInMemoryEvaluator()
    {
        var blueprint = new Blueprint { Identifier = "thing" };
        var values = new[] { "\"gold\"", "\"Gold\"", "\"gold-plated\"", "\"\"", "7", "7.0", "9007199254740993", "-1.5", "true", "false", "null", "[\"gold\",\"api\"]", "[7]", "[]", "{}", "{\"gold\":1}", "\"2026-11-15T00:00:00Z\"", "\"x\\u00e9y\"" };
        var entities = values.Select((v, i) => PortJson.ReadEntity($$"""{ "identifier": "e{{i}}", "blueprint": "thing", "title": {{(v.StartsWith('"') ? v : "null")}}, "properties": { "p": {{v}} } }"""))
            .Append(PortJson.ReadEntity("""{ "identifier": "missing", "blueprint": "thing" }""")).ToList();
        var postgres = Instance();
        await postgres.SaveBlueprintAsync(blueprint, Timeout);
        await postgres.ApplyAsync(new EntityChangeSet { Upserts = entities }, Timeout);

        var operands = new[] { "\"gold\"", "7", "9007199254740992", "true", "null", "\"2026-01-01T00:00:00Z\"", "[\"gold\",\"x\"]", "[7]", "[]", "{ \"from\": 0, \"to\": 8 }", "{ \"from\": \"a\", \"to\": \"h\" }", "\"\"", "\"é\"" };
        string[] operators = ["=", "!=", ">", ">=", "<", "<=", "between", "notBetween", "contains", "doesNotContains", "containsAny", "beginsWith", "endsWith", "in", "notIn", "isEmpty", "isNotEmpty"];
        var checkedRules = 0;
        foreach (var property in new[] { "p", "$title", "$identifier" })
        {
            foreach (var op in operators)
            {
                foreach (var operand in op.StartsWith("is", StringComparison.Ordinal) ? [string.Empty] : operands)
                {
                    var value = operand.Length == 0 ? string.Empty : $", \"value\": {operand}";
                    var query = SearchQuery.Parse($$"""{ "combinator": "and", "rules": [ { "property": "{{property}}", "operator": "{{op}}"{{value}} } ] }""");
                    var evaluator = new SearchEvaluator(_ => new HashSet<EntityKey>());
                    var expected = string.Join(',', entities.Where(e => evaluator.Matches(e, query)).Select(e => e.Identifier).Order(StringComparer.Ordinal));
                    var actual = await IdentifiersAsync(postgres, query);
                    Assert.True(expected == actual, $"{property} {op} {operand}: PostgreSQL found [{actual}], the evaluator [{expected}]");
                    checkedRules++;
                }
            }
        }

        Assert.Equal(3 * ((15 * operands.Length) + 2), checkedRules);
    }

    private static async Task<string> IdentifiersAsync(PostgreSqlEntityStore store, SearchQuery query)
    {
        var found = new List<string>();
        await foreach (var entity in store.QueryAsync(new EntityQuery { Blueprint = "thing", Filter = query }, Timeout))
        {
            found.Add(entity.Identifier);
        }

        return string.Join(',', found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Apply_EntityWithNulCharacter_ClearErrorAndNothingWritten()
    {
        var store = Instance();
        var entities = new[] { new Entity { Identifier = "ok", Blueprint = "item" }, new Entity { Identifier = "bad", Blueprint = "item", Title = "a\0b" } };

        var ex = await Assert.ThrowsAsync<PortException>(() => store.ApplyAsync(new EntityChangeSet { Upserts = entities }, Timeout));

        Assert.Equal("Entity 'bad' of blueprint 'item' holds the character U+0000, which PostgreSQL's jsonb cannot store; nothing was written.", ex.Message);
        Assert.Equal(0, await store.CountAsync("item", Timeout));
    }

    /// <summary>Two instances write the same entities at once, each batch relating them to its own team: every entity ends whole, from one batch.</summary>
    [Fact]
    public async Task ConcurrentBatches_OfTheSameEntities_EndInOneConsistentState()
    {
        var first = new PortCatalog(Instance());
        var second = new PortCatalog(Instance());
        await first.RegisterBlueprintsAsync([PortJson.ReadBlueprint(CatalogSamples.Team), PortJson.ReadBlueprint("""{ "identifier": "item", "relations": { "team": { "target": "team", "required": false, "many": false } } }""")], Timeout);
        await first.UpsertEntitiesAsync([new Entity { Identifier = "a", Blueprint = "team" }, new Entity { Identifier = "b", Blueprint = "team" }], cancellationToken: Timeout);

        List<Entity> Batch(string team, int round) => [.. Enumerable.Range(0, 300).Select(i => new Entity
        {
            Identifier = $"item-{i}",
            Blueprint = "item",
            Title = $"{team}-{round}",
            Relations = new Dictionary<string, EntityRelation> { ["team"] = new() { Targets = [team] } },
        })];
        for (var round = 0; round < 5; round++)
        {
            await Task.WhenAll(
                Task.Run(() => first.UpsertEntitiesAsync(Batch("a", round), cancellationToken: Timeout)),
                Task.Run(() => second.UpsertEntitiesAsync(Batch("b", round), cancellationToken: Timeout)));
        }

        Assert.Equal(300, await first.Store.CountAsync("item", Timeout));
        await using var check = _dataSource.CreateCommand(
            $"SELECT count(*) FROM {_schema}.entities e WHERE e.blueprint = 'item' AND ("
            + $"(SELECT count(*) FROM {_schema}.relations r WHERE r.source_blueprint = 'item' AND r.source_identifier = e.identifier) <> 1 "
            + $"OR NOT EXISTS (SELECT 1 FROM {_schema}.relations r WHERE r.source_identifier = e.identifier AND r.target_identifier = left(e.json ->> 'title', 1)))");
        Assert.Equal(0L, (long)(await check.ExecuteScalarAsync(Timeout))!);
    }

    /// <summary>A change by one instance reaches another instance's WatchAsync; a watcher resumes after a position without loss or repeat.</summary>
    [Fact]
    public async Task Watch_SeesOtherInstancesChanges_AndResumesAfterAPosition()
    {
        var writer = new PortCatalog(Instance());
        await writer.RegisterBlueprintAsync(new Blueprint { Identifier = "item" }, Timeout);
        using var reader = new PortCatalog(Instance());
        var token = Timeout;
        await using var changes = reader.WatchAsync(token).GetAsyncEnumerator(token);
        var first = changes.MoveNextAsync();

        await writer.UpsertEntityAsync(new Entity { Identifier = "one", Blueprint = "item" }, cancellationToken: token);
        await writer.UpsertEntityAsync(new Entity { Identifier = "one", Blueprint = "item", Title = "One" }, cancellationToken: token);

        Assert.True(await first);
        Assert.Equal(new EntityKey("item", "one"), changes.Current.Key);
        Assert.Equal(EntityChangeKind.Created, changes.Current.Kind);
        Assert.True(await changes.MoveNextAsync());
        Assert.Equal("One", changes.Current.Entity!.Title);

        // Resuming after the first change gives the second and what follows, each once.
        var feed = (IEntityChangeFeed)writer.Store;
        var positions = new List<long>();
        await foreach (var record in feed.WatchChangesAsync(0, token))
        {
            positions.Add(record.Position);
            if (positions.Count == 2)
            {
                break;
            }
        }

        await writer.DeleteEntityAsync("item", "one", cancellationToken: token);
        var resumed = new List<EntityChangeRecord>();
        await foreach (var record in feed.WatchChangesAsync(positions[0], token))
        {
            resumed.Add(record);
            if (resumed.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(positions[1], resumed[0].Position);
        Assert.Equal(EntityChangeKind.Updated, resumed[0].Change.Kind);
        Assert.Equal(new EntityChange(EntityChangeKind.Deleted, new EntityKey("item", "one"), null), resumed[1].Change);
    }

    /// <summary>The watcher's connection is cut: it reconnects and reads on from where it was.</summary>
    [Fact]
    public async Task Watch_ListenerConnectionCut_ReconnectsWithoutLosingAChange()
    {
        var writer = Instance();
        var catalog = new PortCatalog(writer);
        await catalog.RegisterBlueprintAsync(new Blueprint { Identifier = "item" }, Timeout);
        var watcher = Instance(applicationName: "port-watcher");
        var token = Timeout;
        await using var changes = watcher.WatchChangesAsync(null, token).GetAsyncEnumerator(token);
        var first = changes.MoveNextAsync();
        await catalog.UpsertEntityAsync(new Entity { Identifier = "before", Blueprint = "item" }, cancellationToken: token);
        Assert.True(await first);

        Assert.True(await TerminateAsync("port-watcher", token) >= 1);
        await catalog.UpsertEntitiesAsync([.. Enumerable.Range(0, 3).Select(i => new Entity { Identifier = $"after-{i}", Blueprint = "item" })], cancellationToken: token);

        var seen = new List<string>();
        while (seen.Count < 3 && await changes.MoveNextAsync())
        {
            seen.Add(changes.Current.Change.Key.Identifier);
        }

        Assert.Equal(["after-0", "after-1", "after-2"], seen);
    }

    /// <summary>The writer's connection is cut mid-transaction: the change set is written again, whole; without retries it is a clear error and nothing is written.</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    public async Task Apply_ConnectionCutMidTransaction_RetriedWhole_OrClearErrorAndNothingWritten(int retries)
    {
        var name = "port-victim-" + retries;
        var store = Instance(o => o.MaxWriteRetries = retries, applicationName: name);
        var catalog = new PortCatalog(store);
        await catalog.RegisterBlueprintAsync(new Blueprint { Identifier = "item" }, Timeout);
        var token = Timeout;

        // A trigger holds the first attempt's transaction open after its first row, until the test has cut it.
        await using (var setup = _dataSource.CreateCommand(
            $"CREATE TABLE {_schema}.gate (n int); INSERT INTO {_schema}.gate VALUES (0); "
            + $"CREATE FUNCTION {_schema}.hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + $"IF (SELECT n FROM {_schema}.gate) = 0 THEN PERFORM pg_sleep(120); END IF; RETURN NEW; END $$; "
            + $"CREATE TRIGGER hold AFTER INSERT ON {_schema}.entities FOR EACH STATEMENT EXECUTE FUNCTION {_schema}.hold();"))
        {
            await setup.ExecuteNonQueryAsync(token);
        }

        var write = catalog.UpsertEntitiesAsync([.. Enumerable.Range(0, 1_000).Select(i => new Entity { Identifier = $"item-{i}", Blueprint = "item" })], cancellationToken: token);
        await WaitForAsync($"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{name}' AND query LIKE 'WITH up AS (INSERT INTO {_schema}.entities%' AND state = 'active'", token);
        await using (var open = _dataSource.CreateCommand($"UPDATE {_schema}.gate SET n = 1"))
        {
            await open.ExecuteNonQueryAsync(token);
        }

        Assert.Equal(1, await TerminateAsync(name, token, onlyActive: true));

        if (retries > 0)
        {
            await write;
            Assert.Equal(1_000, await store.CountAsync("item", token));
        }
        else
        {
            var ex = await Assert.ThrowsAsync<PortException>(() => write);
            Assert.StartsWith($"Writing 1000 upserts and 0 deletes to the catalog schema '{_schema}' failed 1 times with transient errors", ex.Message, StringComparison.Ordinal);
            Assert.Equal(0, await store.CountAsync("item", token));
        }
    }

    /// <summary>A change set whose expected content hashes no longer hold writes nothing and names the entities that changed.</summary>
    [Fact]
    public async Task Apply_ExpectedContentChanged_ConflictNamesTheEntities_AndNothingIsWritten()
    {
        var store = Instance();
        var catalog = new PortCatalog(store);
        await catalog.RegisterBlueprintAsync(new Blueprint { Identifier = "item" }, Timeout);
        var a = await catalog.UpsertEntityAsync(new Entity { Identifier = "a", Blueprint = "item", Title = "A" }, cancellationToken: Timeout);
        await catalog.UpsertEntityAsync(new Entity { Identifier = "b", Blueprint = "item", Title = "B" }, cancellationToken: Timeout);
        var read = EntityContentHash.Compute(a);
        await catalog.UpsertEntityAsync(a with { Title = "A, changed by another instance" }, cancellationToken: Timeout);

        var stale = new EntityChangeSet
        {
            Upserts = [a with { Title = "A2" }, new Entity { Identifier = "b", Blueprint = "item", Title = "B2" }, new Entity { Identifier = "c", Blueprint = "item" }],
            ExpectedContentHashes = new Dictionary<EntityKey, string?> { [new("item", "a")] = read, [new("item", "c")] = null },
        };
        var ex = await Assert.ThrowsAsync<EntityConflictException>(() => store.ApplyAsync(stale, Timeout));
        Assert.Equal([new EntityKey("item", "a")], ex.Keys);
        Assert.Equal("The change set was not written: 1 entity changed since it was decided ('item/a'); read again and retry.", ex.Message);
        Assert.Equal("B", (await store.GetEntityAsync("item", "b", Timeout))!.Title);
        Assert.Null(await store.GetEntityAsync("item", "c", Timeout));

        // Expected absent, but created meanwhile.
        var created = new EntityChangeSet
        {
            Upserts = [new Entity { Identifier = "b", Blueprint = "item", Title = "B3" }],
            ExpectedContentHashes = new Dictionary<EntityKey, string?> { [new("item", "b")] = null },
        };
        Assert.Equal([new EntityKey("item", "b")], (await Assert.ThrowsAsync<EntityConflictException>(() => store.ApplyAsync(created, Timeout))).Keys);
        Assert.Equal("B", (await store.GetEntityAsync("item", "b", Timeout))!.Title);
    }

    /// <summary>
    /// The connection of a read is cut while the read waits (on a lock the test holds): the read runs again on a new
    /// connection and succeeds; without retries it is a clear error.
    /// </summary>
    [Theory]
    [InlineData("get", 3)]
    [InlineData("query", 3)]
    [InlineData("walk", 3)]
    [InlineData("get", 0)]
    public async Task Read_ConnectionCutUnderTheRead_RunsAgainAndSucceeds_OrClearError(string read, int retries)
    {
        var name = $"port-reader-{read}-{retries}";
        var store = Instance(o => o.MaxReadRetries = retries, applicationName: name);
        var catalog = new PortCatalog(store);
        await catalog.RegisterBlueprintsAsync([new Blueprint { Identifier = "team" }, PortJson.ReadBlueprint("""{ "identifier": "item", "relations": { "team": { "target": "team" } } }""")], Timeout);
        await catalog.UpsertEntitiesAsync(
            [new Entity { Identifier = "t", Blueprint = "team" }, new Entity { Identifier = "a", Blueprint = "item", Title = "A", Relations = new Dictionary<string, EntityRelation> { ["team"] = EntityRelation.To("t") } }],
            cancellationToken: Timeout);
        var token = Timeout;

        await using var locker = await _dataSource.OpenConnectionAsync(token);
        await using var transaction = await locker.BeginTransactionAsync(token);
        await using (var hold = new NpgsqlCommand($"LOCK TABLE {_schema}.entities IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await hold.ExecuteNonQueryAsync(token);
        }

        Task<string> reading = read switch
        {
            "get" => Task.Run(async () => (await store.GetEntityAsync("item", "a", token))!.Title!, token),
            "query" => Task.Run(async () => string.Join(",", await store.QueryAsync(new EntityQuery { Blueprint = "item" }, token).Select(e => e.Title).ToListAsync(token)), token),
            _ => Task.Run(async () => string.Join(",", await store.WalkRelationsAsync(new EntityKey("team", "t"), 2, null, token).Select(r => r.Entity.Title).ToListAsync(token)), token),
        };
        await WaitForAsync($"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{name}' AND wait_event_type = 'Lock'", token);
        Assert.Equal(1, await TerminateAsync(name, token, onlyActive: true));
        await transaction.RollbackAsync(token);

        if (retries > 0)
        {
            Assert.Equal("A", await reading);
        }
        else
        {
            var ex = await Assert.ThrowsAsync<PortException>(() => reading);
            Assert.StartsWith($"Reading from the catalog schema '{_schema}' failed 1 times with transient errors (the last: ", ex.Message, StringComparison.Ordinal);
            Assert.EndsWith("); set PostgreSqlStoreOptions.MaxReadRetries to retry more.", ex.Message, StringComparison.Ordinal);
            Assert.IsAssignableFrom<NpgsqlException>(ex.InnerException);
        }
    }

    [Fact]
    public async Task ResyncLock_Skip_ReturnsNullWhileHeld_AndIsFreeAfterRelease()
    {
        var holder = Instance();
        var other = Instance(o => o.ResyncLockMode = PostgreSqlResyncLockMode.Skip);

        var held = await holder.AcquireResyncLockAsync("github", Timeout);
        Assert.NotNull(held);
        Assert.Null(await other.AcquireResyncLockAsync("github", Timeout));
        var otherIntegration = await other.AcquireResyncLockAsync("gitlab", Timeout);
        Assert.NotNull(otherIntegration);
        await otherIntegration.DisposeAsync();
        await held.DisposeAsync();

        var after = await other.AcquireResyncLockAsync("github", Timeout);
        Assert.NotNull(after);
        await after.DisposeAsync();
    }

    [Fact]
    public async Task ResyncLock_Wait_WaitsForTheHolder()
    {
        var holder = Instance();
        var waiter = Instance(applicationName: "port-lock-waiter");
        var held = (await holder.AcquireResyncLockAsync("github", Timeout))!;

        var waiting = waiter.AcquireResyncLockAsync("github", Timeout);
        await WaitForAsync("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = 'port-lock-waiter'", Timeout);
        Assert.False(waiting.IsCompleted);
        await held.DisposeAsync();

        await using var acquired = await waiting;
        Assert.NotNull(acquired);
    }

    [Fact]
    public async Task AddPort_UsePostgreSqlStore_RegistersTheStore_WithAConnectionStringOrTheContainersDataSource()
    {
        var services = new ServiceCollection();
        services.AddPort().UsePostgreSqlStore(Database.Value, o => o.Schema = _schema).AddBlueprints(PortJson.ReadBlueprint(CatalogSamples.Team));
        await using (var provider = services.BuildServiceProvider(validateScopes: true))
        {
            var catalog = provider.GetRequiredService<PortCatalog>();
            Assert.Equal(_schema, Assert.IsType<PostgreSqlEntityStore>(catalog.Store).Schema);
            Assert.NotNull(await catalog.GetBlueprintAsync("team", Timeout));
        }

        var keyed = new ServiceCollection();
        keyed.AddKeyedSingleton("catalog", (_, _) => NpgsqlDataSource.Create(Database.Value));
        keyed.AddPort().UsePostgreSqlStore(o => o.Schema = _schema, serviceKey: "catalog");
        await using (var provider = keyed.BuildServiceProvider(validateScopes: true))
        {
            var catalog = provider.GetRequiredService<PortCatalog>();
            Assert.NotNull(await catalog.GetBlueprintAsync("team", Timeout));
        }
    }

    private async Task<int> TerminateAsync(string applicationName, CancellationToken token, bool onlyActive = false)
    {
        await using var kill = _dataSource.CreateCommand(
            $"SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE application_name = '{applicationName}'"
            + (onlyActive ? " AND state = 'active'" : string.Empty));
        return (int)(await kill.ExecuteScalarAsync(token))!;
    }

    /// <summary>Polls a count until it is positive (bounded by the token, not a timed assertion).</summary>
    private async Task WaitForAsync(string countSql, CancellationToken token)
    {
        while (true)
        {
            await using var command = _dataSource.CreateCommand(countSql);
            if (Convert.ToInt64(await command.ExecuteScalarAsync(token), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return;
            }

            await Task.Delay(20, token);
        }
    }
}
