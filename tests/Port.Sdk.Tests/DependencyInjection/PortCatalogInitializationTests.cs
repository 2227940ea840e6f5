using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Port.Sdk.Tests.DependencyInjection;

/// <summary>
/// The configured blueprints are registered once, asynchronously, on the catalog's first use (no host) or when the
/// host starts; a failed registration is retried on the next use and surfaces with its own exception.
/// </summary>
public sealed class PortCatalogInitializationTests
{
    private static readonly Blueprint Team = new() { Identifier = "team" };
    private static readonly Blueprint Service = new() { Identifier = "service", Relations = new Dictionary<string, BlueprintRelation> { ["team"] = new() { Target = "team" } } };

    [Fact]
    public async Task Resolve_WithoutHost_TouchesNoStore_FirstUseRegistersTheBlueprints()
    {
        var store = new RecordingStore();
        var services = new ServiceCollection();
        services.AddPort().UseStore(_ => store).AddBlueprints(Service, Team);
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var catalog = provider.GetRequiredService<PortCatalog>();
        Assert.Equal(0, store.Saves);

        var blueprint = await catalog.GetBlueprintAsync("service");

        Assert.NotNull(blueprint);
        Assert.Equal(2, store.Saves);
    }

    [Fact]
    public async Task FirstUse_ManyConcurrentCallers_RegisterOnce()
    {
        var store = new RecordingStore { SaveGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var services = new ServiceCollection();
        services.AddPort().UseStore(_ => store).AddBlueprints(Team);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var catalog = provider.GetRequiredService<PortCatalog>();

        var uses = Enumerable.Range(0, 16).Select(_ => catalog.GetBlueprintAsync("team")).ToList();
        store.SaveGate.SetResult();
        var results = await Task.WhenAll(uses);

        Assert.All(results, b => Assert.Equal("team", b?.Identifier));
        Assert.Equal(1, store.Saves);
    }

    [Fact]
    public async Task FirstUse_TransientStoreFailure_SurfacesTheOriginalException_NextUseRetries()
    {
        var store = new RecordingStore { FailingSaves = 1 };
        var services = new ServiceCollection();
        services.AddPort().UseStore(_ => store).AddBlueprints(Team);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var catalog = provider.GetRequiredService<PortCatalog>();

        var first = await Assert.ThrowsAsync<IOException>(() => catalog.GetBlueprintAsync("team"));
        var second = await catalog.GetBlueprintAsync("team");

        Assert.Equal("The disk is busy.", first.Message);
        Assert.Equal("team", second?.Identifier);
    }

    [Fact]
    public async Task FirstUse_InvalidBlueprint_FailsEveryUseWithTheValidationErrors()
    {
        var services = new ServiceCollection();
        services.AddPort().AddBlueprints(Service);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var catalog = provider.GetRequiredService<PortCatalog>();

        for (var use = 0; use < 2; use++)
        {
            var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => catalog.UpsertEntityAsync(new Entity { Identifier = "x", Blueprint = "service" }));
            var error = Assert.Single(ex.Errors);
            Assert.Equal("/relations/team/target", error.Pointer);
            Assert.Equal("there is no blueprint 'team'", error.Message);
        }
    }

    [Fact]
    public async Task HostStart_InvalidBlueprint_FailsTheStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPort().AddBlueprints(Service);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<CatalogValidationException>(() => host.StartAsync());

        Assert.Equal("relation-target", Assert.Single(ex.Errors).Rule);
    }

    [Fact]
    public async Task HostStart_RegistersTheBlueprintsBeforeFirstUse()
    {
        var store = new RecordingStore();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPort().UseStore(_ => store).AddBlueprints(Team);
        using var host = builder.Build();

        await host.StartAsync();

        Assert.Equal(1, store.Saves);
        Assert.NotNull(await host.Services.GetRequiredService<PortCatalog>().GetBlueprintAsync("team"));
        Assert.Equal(1, store.Saves);
        await host.StopAsync();
    }

    /// <summary>The in-memory store, counting blueprint saves, able to hold them back or fail the first ones.</summary>
    private sealed class RecordingStore : IEntityStore
    {
        private readonly InMemoryEntityStore _inner = new();
        private int _saves;

        public int Saves => Volatile.Read(ref _saves);

        public int FailingSaves { get; set; }

        public TaskCompletionSource? SaveGate { get; init; }

        public Task<Blueprint?> GetBlueprintAsync(string identifier, CancellationToken cancellationToken = default) => _inner.GetBlueprintAsync(identifier, cancellationToken);

        public IAsyncEnumerable<Blueprint> GetBlueprintsAsync(CancellationToken cancellationToken = default) => _inner.GetBlueprintsAsync(cancellationToken);

        public async Task SaveBlueprintAsync(Blueprint blueprint, CancellationToken cancellationToken = default)
        {
            if (SaveGate is not null)
            {
                await SaveGate.Task.WaitAsync(cancellationToken);
            }

            if (FailingSaves > 0)
            {
                FailingSaves--;
                throw new IOException("The disk is busy.");
            }

            Interlocked.Increment(ref _saves);
            await _inner.SaveBlueprintAsync(blueprint, cancellationToken);
        }

        public Task<bool> DeleteBlueprintAsync(string identifier, CancellationToken cancellationToken = default) => _inner.DeleteBlueprintAsync(identifier, cancellationToken);

        public Task<Entity?> GetEntityAsync(string blueprint, string identifier, CancellationToken cancellationToken = default) => _inner.GetEntityAsync(blueprint, identifier, cancellationToken);

        public IAsyncEnumerable<Entity> QueryAsync(EntityQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);

        public Task<long> CountAsync(string blueprint, CancellationToken cancellationToken = default) => _inner.CountAsync(blueprint, cancellationToken);

        public Task ApplyAsync(EntityChangeSet changes, CancellationToken cancellationToken = default) => _inner.ApplyAsync(changes, cancellationToken);
    }
}
