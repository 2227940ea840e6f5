using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Integrations.Tests.RealWorld;

/// <summary>
/// Issue 11: a resync of each of the six Ocean integrations (its configuration, its <c>blueprints.json</c>, its sample
/// items) into a real SQLite file rejects nothing Port accepts, and what lands is what Ocean gives.
/// </summary>
public sealed class OceanSyncTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-ocean-sync-");

    public static TheoryData<string> Integrations() => [.. OceanFiles.Integrations()];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private sealed class SampleIntegration(string integration) : IIntegration
    {
        public string Identifier => "ocean-" + integration;

        public IReadOnlyList<string> Kinds { get; } = [.. OceanFiles.Kinds(integration)];

        public async IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return OceanFiles.Items(integration, kind);
        }

        public async IAsyncEnumerable<IntegrationEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield break;
        }
    }

    private static EntityKey Key(JsonElement entity) => new(entity.GetProperty("blueprint").GetString()!, entity.GetProperty("identifier").GetString()!);

    [Fact]
    public void EveryBlueprintsFile_Loads()
    {
        foreach (var integration in OceanFiles.Integrations())
        {
            var path = Path.Combine(OceanFiles.Root, integration, "blueprints.json");
            var expected = JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetArrayLength();
            Assert.Equal(expected, BlueprintFile.Load(path).Count);
        }
    }

    [Theory]
    [MemberData(nameof(Integrations))]
    public async Task Resync_IntoSqlite_RejectsNothing_AndLandsWhatOceanGives(string integration)
    {
        using var catalog = new PortCatalog(new SqliteEntityStore(Path.Combine(_directory.FullName, integration + ".db")));
        await catalog.RegisterBlueprintsAsync(BlueprintFile.Load(Path.Combine(OceanFiles.Root, integration, "blueprints.json")));
        var config = PortAppConfig.Load(OceanFiles.Config(integration));
        using var engine = new ResyncEngine(catalog, new SampleIntegration(integration), new JqSemanticMapper(config), config);

        var plan = await engine.PlanAsync();
        var report = await engine.ResyncAsync();

        Assert.True(report.Completed);

        // What the catalog rejects is exactly what Port rejects, by Port's own rules applied to Ocean's entities.
        var blueprints = JsonDocument.Parse(File.ReadAllText(Path.Combine(OceanFiles.Root, integration, "blueprints.json"))).RootElement.EnumerateArray()
            .ToDictionary(b => b.GetProperty("identifier").GetString()!, b => b.Clone());
        var expected = report.Kinds.SelectMany(k => OceanFiles.Expected(integration, k.Kind)).ToList();
        var portRejects = expected.Where(e => PortRules.Rejects(e, blueprints)).Select(Key).ToHashSet();
        var rejected = report.Kinds.SelectMany(k => k.Failures).Where(f => f.Stage == ResyncFailureStage.Validation).ToList();
        Assert.True(
            rejected.Select(f => f.Entity!.Value).ToHashSet().SetEquals(portRejects),
            $"rejected: {string.Join(Environment.NewLine, rejected)}{Environment.NewLine}Port rejects: {string.Join(", ", portRejects)}");
        Assert.DoesNotContain(report.Kinds.SelectMany(k => k.Failures), f => f.Stage is ResyncFailureStage.Source or ResyncFailureStage.Deletion);

        foreach (var key in expected.Select(Key).Distinct())
        {
            var stored = await catalog.GetEntityAsync(key.Blueprint, key.Identifier);
            Assert.True(portRejects.Contains(key) ? stored is null : stored is not null, $"{key}: {(stored is null ? "missing" : "stored, yet Port rejects it")}");
        }

        // The plan writes nothing, so an entity two kinds write is planned by both: compare the sets, not the counts.
        var planned = plan.Kinds.SelectMany(p => p.Create.Concat(p.Update)).ToHashSet();
        Assert.True(planned.SetEquals(expected.Select(Key).Where(k => !portRejects.Contains(k))), $"planned: {string.Join(", ", planned)}");

        // Unchanged on the second run: the merge and the stored entity agree.
        var again = await engine.ResyncAsync();
        Assert.All(again.Kinds, k => Assert.Equal((0, 0, 0), (k.Created, k.Updated, k.Deleted)));
    }
}
