using Port.Sdk.Testing;

namespace Port.Sdk.Tests;

/// <summary>
/// A store that implements only the members <see cref="IEntityStore"/> requires passes the conformance suite on the
/// interface's default implementations (stamps, keys by source, relating entities), as a third-party store would.
/// </summary>
public sealed class DefaultStoreMembersTests : EntityStoreConformanceTests
{
    protected override IEntityStore CreateStore() => new RequiredMembersOnly(new InMemoryEntityStore());

    /// <summary>Forwards the required members only, so every optional one runs its default implementation.</summary>
    private sealed class RequiredMembersOnly(IEntityStore inner) : IEntityStore
    {
        public Task<Blueprint?> GetBlueprintAsync(string identifier, CancellationToken cancellationToken = default) => inner.GetBlueprintAsync(identifier, cancellationToken);

        public IAsyncEnumerable<Blueprint> GetBlueprintsAsync(CancellationToken cancellationToken = default) => inner.GetBlueprintsAsync(cancellationToken);

        public Task SaveBlueprintAsync(Blueprint blueprint, CancellationToken cancellationToken = default) => inner.SaveBlueprintAsync(blueprint, cancellationToken);

        public Task<bool> DeleteBlueprintAsync(string identifier, CancellationToken cancellationToken = default) => inner.DeleteBlueprintAsync(identifier, cancellationToken);

        public Task<Entity?> GetEntityAsync(string blueprint, string identifier, CancellationToken cancellationToken = default) => inner.GetEntityAsync(blueprint, identifier, cancellationToken);

        public IAsyncEnumerable<Entity> QueryAsync(EntityQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

        public Task<long> CountAsync(string blueprint, CancellationToken cancellationToken = default) => inner.CountAsync(blueprint, cancellationToken);

        public Task ApplyAsync(EntityChangeSet changes, CancellationToken cancellationToken = default) => inner.ApplyAsync(changes, cancellationToken);
    }
}
