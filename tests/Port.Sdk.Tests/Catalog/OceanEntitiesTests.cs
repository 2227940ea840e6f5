namespace Port.Sdk.Tests.Catalog;

/// <summary>The entities Ocean's semantics give for the shared sample items, written against Ocean's own blueprints.</summary>
public sealed class OceanEntitiesTests
{
    private static readonly EntityWriteOptions CreateMissing = new() { CreateMissingRelatedEntities = true };

    /// <summary>
    /// Port mode refuses only what Port refuses too: a value outside its enum (a Jira team of type EXTERNAL) and a
    /// malformed url (a GitLab project path with a space). Everything else is written, and Port mode never refuses
    /// what strict mode accepts.
    /// </summary>
    [Theory]
    [InlineData("github", "")]
    [InlineData("gitlab-v2", "platform/webapp /properties/url format")]
    [InlineData("jenkins", "")]
    [InlineData("jira", "a1b2c3d4-0000-4000-8000-000000000003 /properties/teamType enum")]
    [InlineData("pagerduty", "")]
    [InlineData("snyk", "")]
    public async Task UpsertEntities_OceanExpectedEntities_PortModeRefusesOnlyWhatPortRefuses(string integration, string refused)
    {
        using var catalog = new PortCatalog(new InMemoryEntityStore());
        using var strict = new PortCatalog(new InMemoryEntityStore(), new CatalogValidationOptions { Mode = CatalogValidationMode.Strict });
        var blueprints = BlueprintFile.Load(OceanData.BlueprintsFile(integration));
        await catalog.RegisterBlueprintsAsync(blueprints);
        await strict.RegisterBlueprintsAsync(blueprints);
        var entities = OceanData.ExpectedEntities(integration).Where(OceanData.HasPortIdentifiers).ToList();

        var errors = await catalog.ValidateEntitiesAsync(entities, CreateMissing);
        var strictErrors = await strict.ValidateEntitiesAsync(entities, CreateMissing);
        var accepted = entities.Where(e => !errors.Any(r => r.Entity == e.Identifier && r.Blueprint == e.Blueprint)).ToList();
        var written = await catalog.UpsertEntitiesAsync(accepted, CreateMissing);

        Assert.Equal(refused, string.Join("; ", errors.Select(e => $"{e.Entity} {e.Pointer} {e.Rule}")));
        Assert.All(errors, e => Assert.Contains(e, strictErrors));
        Assert.NotEmpty(written);
        Assert.Equal(accepted.Select(e => new EntityKey(e.Blueprint, e.Identifier)).Distinct(), written.Select(e => new EntityKey(e.Blueprint, e.Identifier)));
    }

    [Fact]
    public async Task UpsertEntities_JiraIssues_StrictModeRefusesWhatPortAccepts()
    {
        using var catalog = new PortCatalog(new InMemoryEntityStore(), new CatalogValidationOptions { Mode = CatalogValidationMode.Strict });
        await catalog.RegisterBlueprintsAsync(BlueprintFile.Load(OceanData.BlueprintsFile("jira")));
        var issues = OceanData.ExpectedEntities("jira").Where(e => e.Blueprint == "jiraIssue").ToList();

        var errors = await catalog.ValidateEntitiesAsync(issues, CreateMissing);

        // Jira's "+0200" offsets and an open issue's null resolutionDate.
        Assert.Contains(errors, e => e.Pointer == "/properties/created" && e.Rule == "format");
        Assert.Contains(errors, e => e.Pointer == "/properties/resolutionDate" && e.Rule == "type");
    }

    [Fact]
    public async Task UpsertEntities_PagerDutyOncalls_SingleScheduleBecomesArray()
    {
        using var catalog = new PortCatalog(new InMemoryEntityStore());
        await catalog.RegisterBlueprintsAsync(BlueprintFile.Load(OceanData.BlueprintsFile("pagerduty")));
        var oncalls = OceanData.ExpectedEntities("pagerduty").Where(e => e.Blueprint == "pagerdutyOncall" && e.Relations.TryGetValue("pagerdutySchedule", out var r) && !r.IsMany && r.Targets.Count == 1).ToList();

        var written = await catalog.UpsertEntitiesAsync(oncalls, CreateMissing);

        Assert.NotEmpty(oncalls);
        Assert.All(written, e => Assert.True(e.Relations["pagerdutySchedule"].IsMany));
    }
}
