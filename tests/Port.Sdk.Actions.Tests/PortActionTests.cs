using System.Text.Json;

namespace Port.Sdk.Actions.Tests;

public sealed class PortActionTests
{
    // The action JSON structure of Port's docs (create-self-service-experiences, "Action JSON structure").
    internal const string DocsStructure = """
        {
          "identifier": "unique_id",
          "title": "Title",
          "icon": "iconIdentifier",
          "description": "Action description",
          "trigger": {
            "type": "self-service",
            "operation": "CREATE",
            "userInputs": {
              "properties": {
                "property1": {
                  "type": "string",
                  "title": "Property title",
                  "default": "default value"
                },
                "property2": {
                  "type": "number",
                  "title": "property title",
                  "default": 5
                }
              }
            }
          },
          "invocationMethod": {
            "type": "WEBHOOK",
            "url": "https://example.com",
            "agent": false,
            "synchronized": false,
            "method": "POST",
            "headers": {
              "RUN_ID": "{{ .run.id }}"
            },
            "body": {
              "property1": "{{ .inputs.property1 }}",
              "property2": "{{ .inputs.property2 }}"
            }
          }
        }
        """;

    // The automation of Port's webhook docs ("Trigger Port API"), with a comment as Port's examples have them.
    internal const string DocsAutomation = """
        {
          "identifier": "slack_notify_on_service_failure",
          "title": "Notify via Slack on service failure",
          "trigger": {
            "type": "automation",
            "event": {
              "type": "ENTITY_UPDATED",
              "blueprintIdentifier": "service"
            },
            "condition": {
              "type": "JQ",
              "expressions": [
                ".diff.before.properties.passed == \"Passed\"",
                ".diff.after.properties.passed == \"Not passed\""
              ],
              "combinator": "and"
            }
          },
          "invocationMethod": {
            "type": "WEBHOOK",
            "url": "https://api.getport.io/v1/actions/slack_notify/runs?run_as=user-email@gmail.com",
            "synchronized": true,
            "method": "POST",
            // The action's user inputs
            "body": {
              "properties": {
                "message": "Service {{ .event.diff.before.title }} has degraded from `Passed` to `Not passed`."
              }
            }
          },
          "publish": true
        }
        """;

    [Fact]
    public void Parse_DocsActionStructure_ReadsEveryPart()
    {
        var action = PortAction.Parse(DocsStructure);

        Assert.Equal(("unique_id", "Title", "iconIdentifier", "Action description"), (action.Identifier, action.Title, action.Icon, action.Description));
        Assert.Equal(ActionTriggerType.SelfService, action.Trigger.Type);
        Assert.Equal(ActionOperation.Create, action.Trigger.Operation);
        Assert.Equal(["property1", "property2"], action.Trigger.UserInputs.Properties.Select(p => p.Name));
        Assert.Equal(["string", "number"], action.Trigger.UserInputs.Properties.Select(p => p.Type));
        Assert.Equal(("WEBHOOK", "https://example.com", "POST", false), (action.InvocationMethod.Type, action.InvocationMethod.Url, action.InvocationMethod.Method, action.InvocationMethod.Synchronized));
        Assert.Equal("{{ .run.id }}", action.InvocationMethod.Headers["RUN_ID"]);
        Assert.False(action.RequiredApproval);
        Assert.False(action.IsDestructive);
        Assert.Equal("unique_id", action.Json.GetProperty("identifier").GetString());
    }

    [Fact]
    public void Parse_DocsAutomationWithComment_ReadsEventAndCondition()
    {
        var automation = PortAction.Parse(DocsAutomation);

        Assert.True(automation.IsAutomation);
        Assert.Equal(new AutomationEvent(AutomationEventType.EntityUpdated, "service", null, null), automation.Trigger.Event);
        Assert.Equal("and", automation.Trigger.Condition!.Combinator);
        Assert.Equal(2, automation.Trigger.Condition.Expressions.Count);
        Assert.True(automation.InvocationMethod.Synchronized);
    }

    [Fact]
    public void Parse_NearMissKey_ErrorNamesKeyPositionAndSuggestion()
    {
        var json = DocsStructure.Replace("\"operation\": \"CREATE\"", "\"operaton\": \"CREATE\"");

        var error = Assert.Throws<ActionDefinitionException>(() => PortAction.Parse(json, "actions/scaffold.json"));

        var unknown = Assert.Single(error.Errors, e => e.Rule == "unknown-key");
        Assert.Equal("/trigger/operaton", unknown.Pointer);
        Assert.Equal("'operaton' is not a key Port knows here; did you mean 'operation'?", unknown.Message);
        Assert.Equal((8L, 5L), (unknown.Line!.Value, unknown.Column!.Value));
        Assert.Equal("actions/scaffold.json", unknown.File);
        Assert.Contains(error.Errors, e => e is { Pointer: "/trigger", Rule: "required", Message: "'operation' is required" });
    }

    [Fact]
    public void Parse_NearMissInInputDefinition_IsAnError_UnknownInputKeyIsNot()
    {
        var json = DocsStructure.Replace("\"default\": 5", "\"defult\": 5").Replace("\"default\": \"default value\"", "\"x-ui\": true");

        var error = Assert.Throws<ActionDefinitionException>(() => PortAction.Parse(json));

        var only = Assert.Single(error.Errors);
        Assert.Equal("/trigger/userInputs/properties/property2/defult", only.Pointer);
        Assert.EndsWith("did you mean 'default'?", only.Message);
    }

    [Fact]
    public void Parse_TemplateThatDoesNotCompile_ErrorHasPointerAndJqPosition()
    {
        var json = DocsStructure.Replace("{{ .inputs.property2 }}", "{{ .inputs.property2 | }}");

        var error = Assert.Throws<ActionDefinitionException>(() => PortAction.Parse(json));

        var jq = Assert.Single(error.Errors);
        Assert.Equal(("/invocationMethod/body/property2", "jq"), (jq.Pointer, jq.Rule));
        Assert.StartsWith("the jq expression '.inputs.property2 |' does not compile:", jq.Message);
        Assert.Equal(35L, jq.Line);
        Assert.True(jq.Column > 25, $"The column points into the template, was {jq.Column}.");
        Assert.Equal($"line 35, column {jq.Column}: action 'unique_id' /invocationMethod/body/property2: {jq.Message} (jq)", jq.ToString());
    }

    [Fact]
    public void Parse_WrongEnumAndTypes_EveryErrorListed()
    {
        var json = """
            {
              "identifier": "restart",
              "trigger": { "type": "self-service", "operation": "DAY2", "userInputs": { "properties": { "n": { "type": "integer" } }, "required": ["m"] } },
              "invocationMethod": { "type": "WEBHOK", "url": "https://example.com" },
              "requiredApproval": "yes"
            }
            """;

        var error = Assert.Throws<ActionDefinitionException>(() => PortAction.Parse(json));

        Assert.Equal(
            [
                "/trigger/operation: 'DAY2' is not a valid 'operation'; did you mean 'DAY-2'?; expected one of CREATE, DAY-2, DELETE",
                "/trigger/userInputs/properties/n/type: 'integer' is not a valid 'type'; expected one of string, number, boolean, object, array",
                "/trigger/userInputs/required/0: the required input 'm' is not defined in 'properties'",
                "/invocationMethod/type: 'WEBHOK' is not a valid 'type'; did you mean 'WEBHOOK'?; expected one of WEBHOOK, UPSERT_ENTITY, GITHUB, KAFKA, GITLAB, AZURE_DEVOPS, INTEGRATION_ACTION",
                "/requiredApproval: 'requiredApproval' must be a boolean or an object with 'type' ANY or ALL, found the string \"yes\"",
            ],
            error.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
    }

    [Fact]
    public void Parse_MalformedJson_ErrorHasLine()
    {
        var error = Assert.Throws<ActionDefinitionException>(() => PortAction.Parse("{\n  \"identifier\": \"x\",\n  \"title\": }"));

        var json = Assert.Single(error.Errors);
        Assert.Equal(("json", 3L), (json.Rule, json.Line));
    }

    [Fact]
    public void GetInputSchema_EntityInputsAreIdentifiers_PortOnlyKeysDropped()
    {
        var action = PortAction.Parse("""
            {
              "identifier": "deploy",
              "trigger": {
                "type": "self-service", "operation": "DAY-2", "blueprintIdentifier": "service",
                "userInputs": {
                  "properties": {
                    "team": { "type": "string", "format": "entity", "blueprint": "team", "icon": "Team" },
                    "reviewers": { "type": "array", "items": { "type": "string", "format": "entity", "blueprint": "team" } },
                    "version": { "type": "string", "visible": { "jqQuery": ".form.team != null" }, "maxLength": 10 }
                  },
                  "required": ["team"]
                }
              },
              "invocationMethod": { "type": "WEBHOOK", "url": "https://example.com" }
            }
            """);

        var schema = action.GetInputSchema();

        Assert.Equal(
            """{"type":"object","properties":{"team":{"type":"string","description":"The identifier of an entity of blueprint \u0027team\u0027."},"reviewers":{"type":"array","items":{"type":"string","description":"The identifier of an entity of blueprint \u0027team\u0027."}},"version":{"type":"string","maxLength":10}},"additionalProperties":false,"required":["team"]}""",
            JsonSerializer.Serialize(schema));
        Assert.True(action.Trigger.UserInputs.Properties[1].IsEntityArray);
    }
}
