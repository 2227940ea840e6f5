using Microsoft.Data.Sqlite;
using Port.Sdk.Sqlite;
using Port.Sdk.Testing;

namespace Port.Sdk.Actions.Tests;

public sealed class InMemoryActionRunStoreTests : ActionRunStoreConformanceTests
{
    protected override IActionRunStore CreateStore() => new InMemoryActionRunStore();
}

public sealed class SqliteActionRunStoreTests : ActionRunStoreConformanceTests, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-action-runs-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    protected override IActionRunStore CreateStore() => new SqliteActionRunStore(Path.Combine(_directory.FullName, $"{Guid.NewGuid():N}.db"));
}
