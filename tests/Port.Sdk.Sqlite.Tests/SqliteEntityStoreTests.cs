using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Port.Sdk.Testing;

namespace Port.Sdk.Sqlite.Tests;

/// <summary>The SQLite store passes the store conformance suite on a real file, and keeps the file consistent.</summary>
public sealed class SqliteEntityStoreTests : EntityStoreConformanceTests, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-sqlite-");

    protected override IEntityStore CreateStore() => new SqliteEntityStore(Path.Combine(_directory.FullName, $"{Guid.NewGuid():N}.db"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Store_Reopened_KeepsBlueprintsAndEntities_AndRecordsSchemaVersion()
    {
        var path = Path.Combine(_directory.FullName, "catalog.db");
        using (var catalog = await CatalogSamples.CreateAsync(new SqliteEntityStore(path)))
        {
            await CatalogSamples.SeedAsync(catalog);
        }

        using var reopened = new PortCatalog(new SqliteEntityStore(path));
        var service = await reopened.GetEntityAsync("service", "payments-api");

        Assert.Equal("Payments Team", service!.Properties["teamName"].GetString());
        Assert.Equal(3, await reopened.Store.CountAsync("pullRequest"));
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version; ";
        Assert.Equal((long)SqliteEntityStore.SchemaVersion, (long)(await command.ExecuteScalarAsync())!);
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task NewerSchemaVersion_IsAClearError()
    {
        var path = Path.Combine(_directory.FullName, "future.db");
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            await command.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<PortException>(() => new SqliteEntityStore(path).CountAsync("x"));
        Assert.Contains("has schema version 99, newer than this build's", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentWriters_OnOneFile_AreSerialisedAndAllLand()
    {
        var path = Path.Combine(_directory.FullName, "shared.db");
        using var setup = new PortCatalog(new SqliteEntityStore(path));
        await setup.RegisterBlueprintAsync(new Blueprint { Identifier = "item" });

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            using var catalog = new PortCatalog(new SqliteEntityStore(path));
            for (var batch = 0; batch < 5; batch++)
            {
                await catalog.UpsertEntitiesAsync([.. Enumerable.Range(0, 50).Select(i => new Entity { Identifier = $"w{w}-b{batch}-{i}", Blueprint = "item" })]);
            }
        }));
        await Task.WhenAll(writers);

        Assert.Equal(4 * 5 * 50, await setup.Store.CountAsync("item"));
    }

    [Fact]
    public async Task ProcessKilledMidBatch_LeavesFileConsistent()
    {
        var path = Path.Combine(_directory.FullName, "crash.db");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Port.Sdk.Sqlite.CrashWriter.dll"));
        start.ArgumentList.Add(path);
        using var writer = Process.Start(start)!;
        var committed = 0;
        while (committed < 3 && await writer.StandardOutput.ReadLineAsync() is { } line)
        {
            committed = int.Parse(line["committed ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        }

        writer.Kill(entireProcessTree: true);
        await writer.WaitForExitAsync();

        var store = new SqliteEntityStore(path);
        var count = await store.CountAsync("item");
        Assert.True(count >= 3 * 500, $"At least the 3 reported batches must be there, found {count} entities.");
        Assert.Equal(0, count % 500);
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", (string)(await check.ExecuteScalarAsync())!);
        await foreach (var entity in store.QueryAsync(new EntityQuery { Blueprint = "item" }))
        {
            Assert.Equal(200, entity.Title!.Length);
        }
    }

    [Fact]
    public async Task AddPort_UseSqliteStore_RegistersTheStore()
    {
        var path = Path.Combine(_directory.FullName, "di.db");
        var services = new ServiceCollection();
        services.AddPort().UseSqliteStore(path).AddBlueprints(PortJson.ReadBlueprint(CatalogSamples.Team));
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var catalog = provider.GetRequiredService<PortCatalog>();

        Assert.IsType<SqliteEntityStore>(catalog.Store);
        Assert.NotNull(await catalog.GetBlueprintAsync("team"));
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task WriterHeldOffPastBusyTimeout_ClearErrorAndNothingWritten()
    {
        var path = Path.Combine(_directory.FullName, "locked.db");
        using var catalog = new PortCatalog(new SqliteEntityStore(path, busyTimeout: TimeSpan.FromSeconds(1)));
        await catalog.RegisterBlueprintAsync(new Blueprint { Identifier = "item" });
        await using var holder = new SqliteConnection($"Data Source={path};Pooling=False");
        await holder.OpenAsync();
        await using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<PortException>(() => catalog.UpsertEntityAsync(new Entity { Identifier = "a", Blueprint = "item" }));

        Assert.Contains("was locked by another writer for longer than the busy timeout (1 s); nothing was written", ex.Message, StringComparison.Ordinal);
        await using (var rollback = holder.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        Assert.Equal(0, await catalog.Store.CountAsync("item"));
    }

    [Theory]
    [InlineData("relating", "relations_by_target")]
    [InlineData("downstream", "relations_by_target")]
    [InlineData("upstream", "relations_by_source")]
    [InlineData("delete-relations", "relations_by_source")]
    [InlineData("delete-entities", "PRIMARY KEY")]
    [InlineData("keys-by-source", "entities_by_source")]
    public async Task RelationLookups_SearchTheRelationIndex_NeverScanATable(string lookup, string index)
    {
        var path = Path.Combine(_directory.FullName, "plans.db");
        using (var catalog = await CatalogSamples.CreateAsync(new SqliteEntityStore(path)))
        {
            await CatalogSamples.SeedAsync(catalog);
        }

        var parameters = new List<(string Name, object Value)>();
        var sql = lookup switch
        {
            "relating" => SqliteEntityStore.RelatingSql,
            "delete-relations" => SqliteEntityStore.DeleteRelationsSql,
            "delete-entities" => SqliteEntityStore.DeleteEntitiesSql,
            "keys-by-source" => SqliteEntityStore.QueryKeysBySourceSql,
            _ => "SELECT e.json FROM entities e WHERE 1 = 1 AND " + SqlTranslator.Translate(
                new RelatedToRule { Blueprint = "service", Value = "payments-api", Direction = lookup == "downstream" ? RelationDirection.Downstream : RelationDirection.Upstream },
                parameters),
        };
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        command.Parameters.AddWithValue("$bp", "service");
        command.Parameters.AddWithValue("$ids", """["payments-api"]""");
        command.Parameters.AddWithValue("$integration", "github");
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        var text = string.Join(Environment.NewLine, plan);
        Assert.Matches(index == "PRIMARY KEY" ? "USING PRIMARY KEY" : $"USING (COVERING )?INDEX {index}", text);
        if (lookup == "keys-by-source")
        {
            // The sweep's read of every key an integration wrote touches the index alone, never the rows' JSON.
            Assert.Contains($"USING COVERING INDEX {index}", text, StringComparison.Ordinal);
        }
        // "SCAN t" reads the subquery's own few rows and json_each the given identifiers; the tables are only searched.
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN ", StringComparison.Ordinal) && step.Split(' ')[1] is "e" or "r" or "entities" or "relations");
    }
}
