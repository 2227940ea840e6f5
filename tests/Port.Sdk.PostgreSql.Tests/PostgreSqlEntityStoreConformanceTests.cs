using Npgsql;
using Port.Sdk.Testing;

namespace Port.Sdk.PostgreSql.Tests;

/// <summary>The PostgreSQL store passes the store conformance suite on a real server; each test gets its own schema.</summary>
public sealed class PostgreSqlEntityStoreConformanceTests : EntityStoreConformanceTests, IDisposable
{
    private static readonly Lazy<NpgsqlDataSource> DataSource = new(() => NpgsqlDataSource.Create(PostgresCluster.Shared.CreateDatabase()));
    private readonly List<PostgreSqlEntityStore> _stores = [];

    protected override IEntityStore CreateStore()
    {
        var store = new PostgreSqlEntityStore(DataSource.Value, new PostgreSqlStoreOptions { Schema = "c_" + Guid.NewGuid().ToString("N") });
        _stores.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            using var connection = DataSource.Value.OpenConnection();
            using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {store.Schema} CASCADE", connection);
            drop.ExecuteNonQuery();
        }
    }
}
