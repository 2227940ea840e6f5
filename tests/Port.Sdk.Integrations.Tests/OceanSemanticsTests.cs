using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Port.Sdk.Sqlite;

namespace Port.Sdk.Integrations.Tests;

/// <summary>The mapping semantics of Ocean's entity processor, rule by rule (issue 11).</summary>
public sealed class OceanSemanticsTests : IDisposable
{
    private static readonly MappingContext Context = new("ocean-test");
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-ocean-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void FailingField_IsNullAndReported_TheEntityStands()
    {
        var config = PortAppConfig.Parse("""
            resources:
              - kind: build
                selector:
                  query: 'true'
                port:
                  entity:
                    mappings:
                      identifier: .id
                      blueprint: '"build"'
                      properties:
                        status: .result
                      relations:
                        previousBuild: .previousBuild.url | split("/") | last
            """);

        var result = new JqSemanticMapper(config).Map("build", Json("""{ "id": "b1", "result": "SUCCESS", "previousBuild": null }"""), Context);

        var entity = Assert.Single(result.Entities);
        Assert.Equal("SUCCESS", entity.Properties["status"].GetString());
        Assert.Equal(EntityRelation.None, entity.Relations["previousBuild"]);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(("resources[0].port.entity.mappings.relations.previousBuild", "relations.previousBuild"), (failure.Field, failure.Member));
        Assert.Equal(new EntityKey("build", "b1"), failure.Entity);
        Assert.Equal(0, result.Unidentified);
    }

    [Fact]
    public void PropertyTooDeepToStore_IsThatFieldsFailure_TheEntityStands()
    {
        var config = PortAppConfig.Parse("""
            resources:
              - kind: x
                selector:
                  query: 'true'
                port:
                  entity:
                    mappings:
                      identifier: .id
                      blueprint: '"x"'
                      properties:
                        name: .id
                        deep: .deep
            """);
        var deep = new string('[', 1_500) + new string(']', 1_500);
        var item = JsonDocument.Parse($$"""{ "id": "a", "deep": {{deep}} }""", new JsonDocumentOptions { MaxDepth = 5_000 }).RootElement.Clone();

        var result = new JqSemanticMapper(config).Map("x", item, Context);

        var entity = Assert.Single(result.Entities);
        Assert.Equal("a", entity.Properties["name"].GetString());
        Assert.Equal(JsonValueKind.Null, entity.Properties["deep"].ValueKind);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("properties.deep", failure.Member);
        Assert.StartsWith("the value cannot be stored", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpressionWithoutOutput_IsNull()
    {
        var config = PortAppConfig.Parse("""
            resources:
              - kind: x
                selector:
                  query: 'true'
                port:
                  entity:
                    mappings:
                      identifier: .id
                      blueprint: '"x"'
                      properties:
                        none: empty
            """);

        var entity = Assert.Single(new JqSemanticMapper(config).Map("x", Json("""{ "id": "a" }"""), Context).Entities);

        Assert.Equal(JsonValueKind.Null, entity.Properties["none"].ValueKind);
    }

    [Fact]
    public void ItemsToParse_SelectorPerElement_ArrayRemovedFromTheParent_CustomName()
    {
        var config = PortAppConfig.Parse("""
            resources:
              - kind: group
                selector:
                  query: .member.active
                port:
                  itemsToParse: .members
                  itemsToParseName: member
                  entity:
                    mappings:
                      identifier: .member.login
                      blueprint: '"user"'
                      properties:
                        group: .name
                        siblings: .members | length
            """);

        var result = new JqSemanticMapper(config).Map("group", Json("""
            { "name": "core", "members": [ { "login": "ann", "active": true }, { "login": "bob", "active": false }, { "login": "cy", "active": true } ] }
            """), Context);

        Assert.Equal(["ann", "cy"], result.Entities.Select(e => e.Identifier));
        Assert.All(result.Entities, e => Assert.Equal("core", e.Properties["group"].GetString()));

        // Ocean removes the parsed array from what each element is mapped with (itemsToParseTopLevelTransform).
        Assert.All(result.Entities, e => Assert.Equal(0, e.Properties["siblings"].GetInt32()));
        Assert.Empty(result.Failures);
    }

    [Fact]
    public void ItemsToParse_TopLevelTransformOff_KeepsTheArray()
    {
        var config = PortAppConfig.Parse("""
            resources:
              - kind: group
                selector:
                  query: 'true'
                port:
                  itemsToParse: .members
                  itemsToParseTopLevelTransform: false
                  entity:
                    mappings:
                      identifier: .item
                      blueprint: '"user"'
                      properties:
                        siblings: .members | length
            """);

        var result = new JqSemanticMapper(config).Map("group", Json("""{ "members": ["a", "b"] }"""), Context);

        Assert.All(result.Entities, e => Assert.Equal(2, e.Properties["siblings"].GetInt32()));
    }

    [Fact]
    public void Selector_MustGiveABoolean()
    {
        var config = PortAppConfig.Parse("""
            resources:
              - kind: x
                selector:
                  query: .flag
                port:
                  entity:
                    mappings:
                      identifier: .id
                      blueprint: '"x"'
            """);
        var mapper = new JqSemanticMapper(config);

        var truthy = mapper.Map("x", Json("""{ "id": "a", "flag": 1 }"""), Context);

        Assert.Empty(truthy.Entities);
        Assert.Equal("must give true or false, gave number 1", Assert.Single(truthy.Failures).Message);
        Assert.Equal([new EntityKey("x", "a")], truthy.Retained);
        Assert.Single(mapper.Map("x", Json("""{ "id": "a", "flag": true }"""), Context).Entities);
        Assert.Empty(mapper.Map("x", Json("""{ "id": "a", "flag": false }"""), Context).Failures);
    }

    [Fact]
    public void SingleQuotedJqStrings_AreDoubleQuoted_AsOceanDoes()
    {
        var config = PortAppConfig.Parse("""
            resources:
              - kind: x
                selector:
                  query: 'true'
                port:
                  entity:
                    mappings:
                      identifier: .id
                      blueprint: '"x"'
                      properties:
                        description: .fields."System.Description" // ''
                        branch: .branch // 'main'
            """);

        var entity = Assert.Single(new JqSemanticMapper(config).Map("x", Json("""{ "id": "a", "fields": {} }"""), Context).Entities);

        Assert.Equal(("", "main"), (entity.Properties["description"].GetString(), entity.Properties["branch"].GetString()));
    }

    [Fact]
    public void UnknownTopLevelKeys_AreTheIntegrationsSettings_AndMisspellingsAreErrors()
    {
        var config = PortAppConfig.Parse("""
            repositoryType: 'all'
            useDefaultBranch: true
            resources:
              - kind: x
                selector:
                  query: 'true'
                  includedFiles: [README.md]
                port:
                  entity:
                    mappings:
                      identifier: .id
                      blueprint: '"x"'
            """);

        Assert.Equal("all", config.Settings["repositoryType"].GetString());
        Assert.True(config.Settings["useDefaultBranch"].GetBoolean());
        Assert.Equal("README.md", config.Resources[0].SelectorSettings["includedFiles"][0].GetString());

        var ex = Assert.Throws<PortAppConfigException>(() => PortAppConfig.Parse("enableMergeEntitiy: true\nresources: []\n", "typo.yml"));
        Assert.Equal("typo.yml:1:1: enableMergeEntitiy: unknown key; did you mean 'enableMergeEntity'?", Assert.Single(ex.Errors));
    }

    [Fact]
    public void IntegrationPattern_LoadsAndIsResolvedByTheIntegration()
    {
        var config = PortAppConfig.Parse("""
            resources:
              - kind: project
                selector:
                  query: 'true'
                port:
                  entity:
                    mappings:
                      identifier: .id
                      blueprint: '"x"'
                      properties:
                        readme: file://README.md
            """);

        Assert.Equal("file", config.Resources[0].Mappings[0].Properties["readme"].Scheme);
        Assert.Contains(config.Warnings, w => w.Contains("'file://README.md' is an integration pattern", StringComparison.Ordinal));
        var item = Json("""{ "id": "p1" }""");
        Assert.Equal(JsonValueKind.Null, Assert.Single(new JqSemanticMapper(config).Map("project", item, Context).Entities).Properties["readme"].ValueKind);

        var resolvers = new Dictionary<string, MappingPatternResolver> { ["file"] = (i, pattern) => JsonSerializer.SerializeToElement($"{i.GetProperty("id").GetString()}:{pattern}") };
        var resolved = Assert.Single(new JqSemanticMapper(config, resolvers).Map("project", item, Context).Entities);
        Assert.Equal("p1:file://README.md", resolved.Properties["readme"].GetString());
    }

    private const string MergeConfig = """
        resources:
          - kind: incident
            selector:
              query: .status != "resolved"
            port:
              entity:
                mappings:
                  identifier: .id
                  blueprint: '"incident"'
                  properties:
                    status: .status
                    assignees: .assignees
          - kind: incident
            selector:
              query: 'true'
            port:
              entity:
                mappings:
                  identifier: .id
                  blueprint: '"incident"'
                  properties:
                    status: .status
                    urgency: .urgency
        """;

    private sealed class ListIntegration(params string[] items) : IIntegration
    {
        public List<string> Items { get; } = [.. items];

        public string Identifier => "merge-test";

        public IReadOnlyList<string> Kinds => ["incident"];

        public async IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return [.. Items.Select(Json)];
        }

        public async IAsyncEnumerable<IntegrationEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield break;
        }
    }

    private async Task<PortCatalog> CatalogAsync(string name)
    {
        var catalog = new PortCatalog(new SqliteEntityStore(Path.Combine(_directory.FullName, name)));
        await catalog.RegisterBlueprintAsync(PortJson.ReadBlueprint("""
            { "identifier": "incident", "schema": { "properties": { "status": { "type": "string" }, "urgency": { "type": "string" }, "assignees": { "type": "array" } } } }
            """));
        return catalog;
    }

    [Fact]
    public async Task TwoResourcesOfOneKind_MergeIntoOneEntity_AndThePlanAgrees()
    {
        using var catalog = await CatalogAsync("merge.db");
        var config = PortAppConfig.Parse(MergeConfig);
        var integration = new ListIntegration("""{ "id": "P1", "status": "triggered", "urgency": "high", "assignees": ["ann"] }""", """{ "id": "P2", "status": "resolved", "urgency": "low", "assignees": [] }""");
        using var engine = new ResyncEngine(catalog, integration, new JqSemanticMapper(config), config);

        var plan = Assert.Single((await engine.PlanAsync()).Kinds);
        var kind = Assert.Single((await engine.ResyncAsync()).Kinds);

        Assert.Empty(kind.Failures);
        Assert.Equal((3, 2), (kind.Mapped, kind.Created));
        Assert.Equal([new EntityKey("incident", "P1"), new EntityKey("incident", "P2")], plan.Create);
        var p1 = (await catalog.GetEntityAsync("incident", "P1"))!;
        Assert.Equal(("triggered", "high", "ann"), (p1.Properties["status"].GetString(), p1.Properties["urgency"].GetString(), p1.Properties["assignees"][0].GetString()));
        Assert.False((await catalog.GetEntityAsync("incident", "P2"))!.Properties.ContainsKey("assignees"));

        // Unchanged on a rerun, merged or not: nothing is rewritten, and the plan says so too.
        var again = Assert.Single((await engine.ResyncAsync()).Kinds);
        Assert.Equal((0, 0, 2), (again.Created, again.Updated, again.Unchanged));
        var replan = Assert.Single((await engine.PlanAsync()).Kinds);
        Assert.Empty(replan.Create);
        Assert.Empty(replan.Update);

        // The incident resolves: the first resource no longer selects it; a merge keeps what it wrote.
        integration.Items[0] = """{ "id": "P1", "status": "resolved", "urgency": "high", "assignees": ["ann"] }""";
        var resolvedPlan = Assert.Single((await engine.PlanAsync()).Kinds);
        var resolved = Assert.Single((await engine.ResyncAsync()).Kinds);
        Assert.Equal([new EntityKey("incident", "P1")], resolvedPlan.Update);
        Assert.Equal(1, resolved.Updated);
        p1 = (await catalog.GetEntityAsync("incident", "P1"))!;
        Assert.Equal(("resolved", "ann"), (p1.Properties["status"].GetString(), p1.Properties["assignees"][0].GetString()));
    }

    [Fact]
    public async Task MergeOff_TheLastResourceWins()
    {
        using var catalog = await CatalogAsync("replace.db");
        var config = PortAppConfig.Parse("enableMergeEntity: false\n" + MergeConfig);
        using var engine = new ResyncEngine(catalog, new ListIntegration("""{ "id": "P1", "status": "triggered", "urgency": "high", "assignees": ["ann"] }"""), new JqSemanticMapper(config), config);

        var kind = Assert.Single((await engine.ResyncAsync()).Kinds);

        Assert.Equal(1, kind.Created);
        var p1 = (await catalog.GetEntityAsync("incident", "P1"))!;
        Assert.Equal("high", p1.Properties["urgency"].GetString());
        Assert.False(p1.Properties.ContainsKey("assignees"));
    }
}
