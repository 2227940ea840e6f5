using System.Text.Json;

namespace Port.Sdk.Integrations.Tests;

public sealed class JqSemanticMapperTests
{
    // In the shape of the port-app-config.yml Port installs for its GitHub app.
    private const string GitHubConfig = """
        deleteDependentEntities: true
        createMissingRelatedEntities: true
        enableMergeEntity: true
        resources:
          - kind: repository
            selector:
              query: 'true'
            port:
              entity:
                mappings:
                  identifier: .name
                  title: .name
                  blueprint: '"service"'
                  properties:
                    readme: .description // ""
                    url: .html_url
                    defaultBranch: .default_branch
                    language: .language
                  relations:
                    team: .owner.login | ascii_downcase
          - kind: pull-request
            selector:
              query: .state == "open"
            port:
              entity:
                mappings:
                  identifier: .head.repo.name + (.id | tostring)
                  title: .title
                  blueprint: '"githubPullRequest"'
                  team: '[.requested_teams[].slug]'
                  properties:
                    creator: .user.login
                    status: .state
                    link: .html_url
                  relations:
                    repository: .head.repo.name
        """;

    // In the shape of Port's Jira integration config.
    private const string JiraConfig = """
        createMissingRelatedEntities: false
        entityDeletionThreshold: 0.5
        resources:
          - kind: issue
            selector:
              query: .fields.status.name != "Closed"
            port:
              entity:
                mappings:
                  identifier: .key
                  title: .fields.summary
                  blueprint: '"jiraIssue"'
                  properties:
                    status: .fields.status.name
                    priority: .fields.priority.name // "None"
                    labels: .fields.labels
                  relations:
                    project: .fields.project.key
                    assignee:
                      combinator: '"and"'
                      rules:
                        - property: '"$identifier"'
                          operator: '"="'
                          value: .fields.assignee.emailAddress
        """;

    // In the shape of Port's PagerDuty integration config, as JSON (YAML's superset).
    private const string PagerDutyConfig = """
        {
          "resources": [
            {
              "kind": "services",
              "selector": { "query": "true" },
              "port": {
                "itemsToParse": ".escalation_policies",
                "entity": {
                  "mappings": {
                    "identifier": ".id + \"-\" + .item.id",
                    "title": ".name + \" / \" + .item.summary",
                    "blueprint": "\"pagerdutyEscalation\"",
                    "properties": { "service": ".name", "policyUrl": ".item.html_url" }
                  }
                }
              }
            }
          ]
        }
        """;

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static readonly MappingContext Context = new("test-integration");

    [Fact]
    public void GitHubConfig_MapsRepositoryAndPullRequest()
    {
        var config = PortAppConfig.Parse(GitHubConfig);
        var mapper = new JqSemanticMapper(config);

        var repository = mapper.Map("repository", Json("""{ "name": "payments-api", "html_url": "https://github.com/acme/payments-api", "default_branch": "main", "language": "C#", "description": null, "owner": { "login": "ACME" } }"""), Context);
        var pull = mapper.Map("pull-request", Json("""{ "id": 17, "title": "Fix refunds", "state": "open", "html_url": "https://github.com/acme/payments-api/pull/17", "user": { "login": "jane" }, "requested_teams": [ { "slug": "payments" } ], "head": { "repo": { "name": "payments-api" } } }"""), Context);
        var closed = mapper.Map("pull-request", Json("""{ "id": 18, "state": "closed", "head": { "repo": { "name": "x" } } }"""), Context);

        var service = Assert.Single(repository.Entities);
        Assert.Empty(repository.Failures);
        Assert.Equal("""{"identifier":"payments-api","title":"payments-api","blueprint":"service","team":[],"properties":{"readme":"","url":"https://github.com/acme/payments-api","defaultBranch":"main","language":"C#"},"relations":{"team":"acme"},"dataSource":{"integration":"test-integration","kind":"repository"}}""", PortJson.Write(service));
        var pr = Assert.Single(pull.Entities);
        Assert.Equal("payments-api17", pr.Identifier);
        Assert.Equal(["payments"], pr.Team);
        Assert.Equal("payments-api", pr.Relations["repository"].Targets[0]);
        Assert.Empty(closed.Entities);
        Assert.Empty(closed.Failures);
        Assert.True(config.DeleteDependentEntities);
        Assert.Equal(0.9, config.EntityDeletionThreshold);
    }

    [Fact]
    public void JiraConfig_RelationAsSearchQuery_IsReturnedForTheRuntime()
    {
        var config = PortAppConfig.Parse(JiraConfig, "jira.yml");
        var result = new JqSemanticMapper(config).Map("issue", Json("""{ "key": "PAY-12", "fields": { "summary": "Refunds fail", "status": { "name": "In Progress" }, "labels": ["bug"], "project": { "key": "PAY" }, "assignee": { "emailAddress": "jane@acme.com" } } }"""), Context);

        var issue = Assert.Single(result.Entities);
        Assert.Equal("None", issue.Properties["priority"].GetString());
        Assert.Equal("PAY", issue.Relations["project"].Targets[0]);
        var query = Assert.Single(result.RelationQueries);
        Assert.Equal(new EntityKey("jiraIssue", "PAY-12"), query.Entity);
        Assert.Equal("assignee", query.Relation);
        var rule = Assert.IsType<PropertyRule>(Assert.Single(query.Query.Rules));
        Assert.Equal("$identifier", rule.Property);
        Assert.Equal("jane@acme.com", rule.Value!.Value.GetString());
        Assert.False(config.CreateMissingRelatedEntities);
        Assert.Equal(0.5, config.EntityDeletionThreshold);
    }

    [Fact]
    public void PagerDutyJsonConfig_ItemsToParse_ExposesEachElementAsItem()
    {
        var result = new JqSemanticMapper(PortAppConfig.Parse(PagerDutyConfig, "pagerduty.json")).Map(
            "services",
            Json("""{ "id": "P1", "name": "Payments", "escalation_policies": [ { "id": "E1", "summary": "Primary", "html_url": "https://pd/E1" }, { "id": "E2", "summary": "Backup", "html_url": "https://pd/E2" } ] }"""),
            Context);

        Assert.Equal(["P1-E1", "P1-E2"], result.Entities.Select(e => e.Identifier));
        Assert.Equal("Payments / Backup", result.Entities[1].Title);
        Assert.Equal("https://pd/E2", result.Entities[1].Properties["policyUrl"].GetString());
    }

    [Fact]
    public void Map_BadItem_ReportsKindIndexFieldAndLocation_OthersGoOn()
    {
        var mapper = new JqSemanticMapper(PortAppConfig.Parse(PagerDutyConfig, "pagerduty.json"));

        var result = mapper.Map("services", Json("""{ "id": "P1", "name": "Payments", "escalation_policies": [ { "id": "E1", "summary": "Primary" }, { "id": 7, "summary": "Broken" } ] }"""), Context);

        Assert.Equal(["P1-E1"], result.Entities.Select(e => e.Identifier));
        var failure = Assert.Single(result.Failures);
        Assert.Equal("services", failure.Kind);
        Assert.Equal(1, failure.Index);
        Assert.Equal("resources[0].port.entity.mappings.identifier", failure.Field);
        Assert.Contains("string (\"P1-\") and number (7) cannot be added", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("pagerduty.json:10:", failure.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_IdentifierNotAString_IsAFailureOfThatItem()
    {
        var mapper = new JqSemanticMapper(PortAppConfig.Parse(GitHubConfig));

        var result = mapper.Map("repository", Json("""{ "name": 42, "owner": { "login": "acme" } }"""), Context);

        Assert.Empty(result.Entities);
        Assert.Contains(result.Failures, f => f.Field == "resources[0].port.entity.mappings.identifier" && f.Message == "must give a non-empty string, gave number 42");
    }

    [Fact]
    public void Parse_BadConfig_ReportsEveryErrorWithLineAndColumn()
    {
        const string Config = """
            entityDeletionThreshold: 2
            resources:
              - kind: repository
                selectr:
                  query: 'true'
                port:
                  entity:
                    mappings:
                      identifier: .name |
                      blueprint: '"service"'
                      properties:
                        url: .html_url[
              - selector:
                  query: .x
                port:
                  entity:
                    mappings:
                      blueprint: '"x"'
            """;

        var ex = Assert.Throws<PortAppConfigException>(() => PortAppConfig.Parse(Config, "bad.yml"));

        Assert.Equal(
            [
                "bad.yml:1:26: entityDeletionThreshold: must be a number from 0 to 1, was '2'",
                "bad.yml:4:5: resources[0].selectr: unknown key; did you mean 'selector'?",
                "bad.yml:9:30: resources[0].port.entity.mappings.identifier: the jq expression '.name |' does not compile: unexpected end of program, expected a term (jq line 1, column 8)",
                "bad.yml:12:28: resources[0].port.entity.mappings.properties.url: the jq expression '.html_url[' does not compile: unexpected end of program, expected a term (jq line 1, column 11)",
                "bad.yml:3:5: resources[0]: 'selector.query' is missing",
                "bad.yml:18:11: resources[1].port.entity.mappings: 'identifier' is missing",
                "bad.yml:13:5: resources[1]: 'kind' is missing",
            ],
            ex.Errors);
    }

    [Fact]
    public void Parse_NotYaml_SaysWhere()
    {
        var ex = Assert.Throws<PortAppConfigException>(() => PortAppConfig.Parse("resources:\n  - kind: [unclosed\n", "broken.yml"));

        Assert.StartsWith("broken.yml:", Assert.Single(ex.Errors), StringComparison.Ordinal);
        Assert.Contains("not valid YAML", ex.Message, StringComparison.Ordinal);
    }
}
