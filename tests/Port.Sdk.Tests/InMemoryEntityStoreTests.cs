using Port.Sdk.Testing;

namespace Port.Sdk.Tests;

/// <summary>The in-memory store passes the store conformance suite.</summary>
public sealed class InMemoryEntityStoreTests : EntityStoreConformanceTests
{
    protected override IEntityStore CreateStore() => new InMemoryEntityStore();
}
