namespace Port.Sdk.Mcp.Tests;

/// <summary>
/// Self-service actions in Port's JSON for the catalog of <c>CatalogSamples</c>, as a file <c>port mcp serve --actions</c> reads:
/// a CREATE that upserts a service, a DAY-2 synchronous webhook on gold services, a DELETE that needs approval, and one
/// action the tests leave out of the allow-list.
/// </summary>
internal static class ActionSamples
{
    /// <summary>The actions the tests allow; <c>rotate_secrets</c> is defined but not allowed.</summary>
    public static readonly string[] Allowed = ["scaffold_service", "deploy_service", "delete_service"];

    /// <summary>The definitions, with the webhooks sent to <paramref name="webhook"/>.</summary>
    public static string Json(Uri webhook) => $$$"""
        [
          {
            "identifier": "scaffold_service",
            "title": "Scaffold a service",
            "description": "Create a service entity from a name and a language",
            "trigger": {
              "type": "self-service",
              "operation": "CREATE",
              "blueprintIdentifier": "service",
              "userInputs": {
                "properties": {
                  "name": { "type": "string", "title": "Name", "pattern": "^[a-z-]+$" },
                  "language": { "type": "string", "enum": ["csharp", "go", "python"] }
                },
                "required": ["name"]
              }
            },
            "invocationMethod": {
              "type": "UPSERT_ENTITY",
              "blueprintIdentifier": "service",
              "mapping": { "identifier": "{{ .inputs.name }}", "properties": { "url": "https://github.com/acme/{{ .inputs.name }}", "language": "{{ .inputs.language }}" } }
            }
          },
          {
            "identifier": "deploy_service",
            "title": "Deploy a service",
            "trigger": {
              "type": "self-service",
              "operation": "DAY-2",
              "blueprintIdentifier": "service",
              "condition": { "type": "SEARCH", "combinator": "and", "rules": [ { "property": "tier", "operator": "=", "value": "gold" } ] },
              "userInputs": {
                "properties": {
                  "version": { "type": "string", "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+$" },
                  "replicas": { "type": "number", "minimum": 1, "maximum": 10, "default": 2 }
                },
                "required": ["version"]
              }
            },
            "invocationMethod": {
              "type": "WEBHOOK",
              "url": "{{{webhook}}}deploy",
              "synchronized": true,
              "body": { "service": "{{ .entity.identifier }}", "version": "{{ .inputs.version }}", "replicas": "{{ .inputs.replicas }}", "run": "{{ .run.id }}" }
            }
          },
          {
            "identifier": "delete_service",
            "title": "Delete a service",
            "trigger": { "type": "self-service", "operation": "DELETE", "blueprintIdentifier": "service", "userInputs": { "properties": {} } },
            "requiredApproval": true,
            "invocationMethod": { "type": "WEBHOOK", "url": "{{{webhook}}}delete", "synchronized": true }
          },
          {
            "identifier": "rotate_secrets",
            "title": "Rotate every secret",
            "trigger": { "type": "self-service", "operation": "CREATE", "userInputs": { "properties": {} } },
            "invocationMethod": { "type": "WEBHOOK", "url": "{{{webhook}}}rotate", "synchronized": true }
          }
        ]
        """;
}
