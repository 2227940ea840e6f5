using System.Text.Json;

namespace Port.Sdk.Testing;

/// <summary>A small catalog in Port's JSON shape, as it would be copied from Port: teams, services, pull requests.</summary>
public static class CatalogSamples
{
    /// <summary>The <c>team</c> blueprint.</summary>
    public const string Team = """
        { "identifier": "team", "title": "Team", "schema": { "properties": { "slack": { "type": "string", "pattern": "^#" } } } }
        """;

    /// <summary>The <c>service</c> blueprint, with a relation to <c>team</c>, mirror, calculation and aggregation properties.</summary>
    public const string Service = """
        {
          "identifier": "service",
          "title": "Service",
          "icon": "Microservice",
          "schema": {
            "properties": {
              "url": { "title": "Repository", "type": "string", "format": "url" },
              "language": { "type": "string", "enum": ["csharp", "go", "python"] },
              "tier": { "type": "string", "enum": ["gold", "silver", "bronze"] },
              "stars": { "type": "number" },
              "topics": { "type": "array", "items": { "type": "string" } },
              "lastDeploy": { "type": "string", "format": "date-time" }
            },
            "required": ["url"]
          },
          "relations": { "team": { "title": "Owner", "target": "team", "required": false, "many": false } },
          "mirrorProperties": { "teamSlack": { "title": "Slack", "path": "team.slack" }, "teamName": { "path": "team.$title" } },
          "calculationProperties": { "pulls": { "title": "Pull requests", "calculation": ".properties.url + \"/pulls\"", "type": "string", "format": "url" } },
          "aggregationProperties": {
            "openPullRequests": { "target": "pullRequest", "calculationSpec": { "func": "count", "calculationBy": "entities" },
              "query": { "combinator": "and", "rules": [ { "property": "status", "operator": "=", "value": "open" } ] } },
            "averageAdditions": { "target": "pullRequest", "calculationSpec": { "func": "average", "property": "additions", "calculationBy": "property" } }
          }
        }
        """;

    /// <summary>The <c>pullRequest</c> blueprint, with a required relation to <c>service</c> and a many relation to <c>team</c>.</summary>
    public const string PullRequest = """
        {
          "identifier": "pullRequest",
          "schema": { "properties": { "status": { "type": "string", "enum": ["open", "merged", "closed"] }, "additions": { "type": "number" } } },
          "relations": { "service": { "target": "service", "required": true, "many": false }, "reviewers": { "target": "team", "many": true } }
        }
        """;

    /// <summary>Creates a catalog over a store (in memory when none is given) with the three blueprints registered.</summary>
    /// <param name="store">The store.</param>
    /// <returns>The catalog.</returns>
    public static Task<PortCatalog> CreateAsync(IEntityStore? store = null) => CreateAsync(store, CatalogValidationMode.Port);

    /// <summary>Creates a catalog over a store (in memory when none is given) that validates in the given mode, with the three blueprints registered.</summary>
    /// <param name="store">The store.</param>
    /// <param name="mode">How strictly entities are validated.</param>
    /// <returns>The catalog.</returns>
    public static async Task<PortCatalog> CreateAsync(IEntityStore? store, CatalogValidationMode mode)
    {
        var catalog = new PortCatalog(store ?? new InMemoryEntityStore(), new CatalogValidationOptions { Mode = mode });
        await catalog.RegisterBlueprintsAsync([PortJson.ReadBlueprint(Team), PortJson.ReadBlueprint(Service), PortJson.ReadBlueprint(PullRequest)]).ConfigureAwait(false);
        return catalog;
    }

    /// <summary>Reads an entity from Port's JSON.</summary>
    /// <param name="json">The entity JSON.</param>
    /// <returns>The entity.</returns>
    public static Entity Entity(string json) => PortJson.ReadEntity(json);

    /// <summary>Writes two teams, three services and three pull requests.</summary>
    /// <param name="catalog">The catalog.</param>
    /// <returns>A task that completes when the entities are written.</returns>
    public static async Task SeedAsync(PortCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        await catalog.UpsertEntitiesAsync(
            [
                Entity("""{ "identifier": "platform", "title": "Platform Team", "blueprint": "team", "properties": { "slack": "#platform" } }"""),
                Entity("""{ "identifier": "payments", "title": "Payments Team", "blueprint": "team", "properties": { "slack": "#payments" } }"""),
            ]).ConfigureAwait(false);
        await catalog.UpsertEntitiesAsync(
            [
                Entity("""{ "identifier": "payments-api", "title": "Payments API", "blueprint": "service", "team": ["payments"], "properties": { "url": "https://github.com/acme/payments-api", "language": "csharp", "tier": "gold", "stars": 42, "topics": ["pci", "api"], "lastDeploy": "2026-11-20T10:00:00Z" }, "relations": { "team": "payments" } }"""),
                Entity("""{ "identifier": "search", "title": "Search", "blueprint": "service", "team": ["platform"], "properties": { "url": "https://github.com/acme/search", "language": "go", "tier": "silver", "stars": 7, "topics": [] , "lastDeploy": "2026-10-01T10:00:00Z"}, "relations": { "team": "platform" } }"""),
                Entity("""{ "identifier": "legacy", "blueprint": "service", "properties": { "url": "https://github.com/acme/legacy", "language": "python", "stars": 0 } }"""),
            ]).ConfigureAwait(false);
        await catalog.UpsertEntitiesAsync(
            [
                Entity("""{ "identifier": "pr-1", "blueprint": "pullRequest", "properties": { "status": "open", "additions": 10 }, "relations": { "service": "payments-api", "reviewers": ["platform"] } }"""),
                Entity("""{ "identifier": "pr-2", "blueprint": "pullRequest", "properties": { "status": "open", "additions": 30 }, "relations": { "service": "payments-api", "reviewers": [] } }"""),
                Entity("""{ "identifier": "pr-3", "blueprint": "pullRequest", "properties": { "status": "merged", "additions": 5 }, "relations": { "service": "search", "reviewers": ["payments", "platform"] } }"""),
            ]).ConfigureAwait(false);
    }

    /// <summary>Parses a JSON value.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The value.</returns>
    public static JsonElement Value(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
