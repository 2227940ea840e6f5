using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Port.Sdk.Actions;

namespace Port.Sdk.Mcp;

/// <summary>
/// The action tools (<see cref="PortCatalogMcpServerOptions.ExposeActions"/>): <c>list_actions</c>, <c>get_action_run</c>,
/// and one <c>run_{identifier}</c> tool per allowed self-service action, whose input schema is the action's <c>userInputs</c>
/// (plus the entity a DAY-2 or DELETE action acts on).
/// </summary>
internal static class ActionTools
{
    public const string ListActions = "list_actions";
    public const string GetActionRun = "get_action_run";
    public const string RunPrefix = "run_";

    private const int MaxToolName = 128;

    private const string ListInput = """
        { "type": "object", "additionalProperties": false, "properties": {
            "blueprint": { "type": "string", "minLength": 1, "description": "Only the actions of this blueprint." },
            "entity": { "type": "string", "minLength": 1, "description": "An entity's identifier (with 'blueprint'): only the DAY-2 and DELETE actions available on it (its blueprint's, whose condition it matches)." } } }
        """;

    private const string ListOutput = """
        { "type": "object", "required": ["actions"], "properties": { "actions": { "type": "array", "items": { "type": "object",
            "required": ["identifier", "tool", "operation", "requiresApproval", "destructive"], "properties": {
              "identifier": { "type": "string" }, "tool": { "type": "string", "description": "The tool that invokes the action." },
              "title": { "type": ["string", "null"] }, "description": { "type": ["string", "null"] },
              "operation": { "type": "string", "enum": ["CREATE", "DAY-2", "DELETE"] }, "blueprint": { "type": ["string", "null"] },
              "requiresApproval": { "type": "boolean" }, "destructive": { "type": "boolean" } } } } } }
        """;

    private const string RunInput = """
        { "type": "object", "additionalProperties": false, "required": ["run"], "properties": {
            "run": { "type": "string", "minLength": 1, "description": "The run's identifier (r_...), as the action's tool returned it." },
            "wait": { "type": "boolean", "default": false, "description": "Wait (a bounded time) until the run ends, or until it waits on someone else: an approval, or an asynchronous backend's report." } } }
        """;

    // Refused inputs are a tool error whose structured content lists them; the TypeScript SDK checks even an error's structured
    // content against the output schema, so the schema admits the run or the errors.
    private const string RunOutput = """
        { "type": "object", "anyOf": [ { "required": ["run"] }, { "required": ["errors"] } ], "properties": {
            "run": { "type": "object", "required": ["id", "action", "status"], "description": "The run: status (WAITING_FOR_APPROVAL, IN_PROGRESS, SUCCESS, FAILURE, DECLINED), statusLabel, summary, links, logs, inputs, timestamps.", "properties": {
              "id": { "type": "string" }, "action": { "type": "string" },
              "status": { "type": "string", "enum": ["WAITING_FOR_APPROVAL", "IN_PROGRESS", "SUCCESS", "FAILURE", "DECLINED"] },
              "links": { "type": "array", "items": { "type": "string" } },
              "logs": { "type": "array", "items": { "type": "object", "properties": { "message": { "type": "string" }, "at": { "type": "string" } } } } } },
            "errors": { "type": "array", "description": "Why the invocation was refused (the result has isError; no run was created): one per input at fault.", "items": { "type": "object",
              "required": ["input", "pointer", "rule", "message"], "properties": {
                "input": { "type": "string" }, "pointer": { "type": "string", "description": "The JSON Pointer of the argument at fault, such as /replicas." },
                "rule": { "type": "string" }, "message": { "type": "string" } } } } } }
        """;

    private static readonly JsonElement RunOutputSchema = Parse(RunOutput);

    /// <summary>The tools every server with actions offers, before the actions' own tools.</summary>
    public static IReadOnlyList<Tool> Fixed { get; } =
    [
        new Tool
        {
            Name = ListActions,
            Title = "List actions",
            Description = "List the self-service actions this server may invoke, each with the tool that invokes it; with 'blueprint' and 'entity', the actions available on that entity.",
            InputSchema = Parse(ListInput),
            OutputSchema = Parse(ListOutput),
            Annotations = new ToolAnnotations { Title = "List actions", ReadOnlyHint = true, DestructiveHint = false, IdempotentHint = true, OpenWorldHint = false },
        },
        new Tool
        {
            Name = GetActionRun,
            Title = "Get an action run",
            Description = "Read an action run: its status, status label, summary, logs and links; with 'wait', wait until it ends or waits on someone else.",
            InputSchema = Parse(RunInput),
            OutputSchema = RunOutputSchema,
            Annotations = new ToolAnnotations { Title = "Get an action run", ReadOnlyHint = true, DestructiveHint = false, IdempotentHint = true, OpenWorldHint = false },
        },
    ];

    /// <summary>The argument a DAY-2 or DELETE action's tool takes the entity in: <c>entity</c>, unless an input has that name.</summary>
    public static string? EntityArgument(PortAction action)
    {
        if (action.Trigger.Operation is not (ActionOperation.DayTwo or ActionOperation.Delete))
        {
            return null;
        }

        return action.Trigger.UserInputs.Properties.Any(p => p.Name == "entity") ? "entity_identifier" : "entity";
    }

    /// <summary>The tool names of the actions, in order: <c>run_</c> and the identifier with characters MCP does not allow in a name as <c>_</c>; a name taken gets a number.</summary>
    public static IReadOnlyList<(string Name, PortAction Action)> Name(IEnumerable<PortAction> actions)
    {
        var names = new List<(string, PortAction)>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var action in actions)
        {
            var name = new StringBuilder(RunPrefix);
            foreach (var c in action.Identifier)
            {
                name.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_');
            }

            var baseName = name.Length > MaxToolName - 4 ? name.ToString(0, MaxToolName - 4) : name.ToString();
            var unique = baseName;
            for (var i = 2; !taken.Add(unique); i++)
            {
                unique = $"{baseName}_{i}";
            }

            names.Add((unique, action));
        }

        return names;
    }

    /// <summary>The tool of one action.</summary>
    public static Tool Define(string name, PortAction action)
    {
        var schema = JsonNode.Parse(action.GetInputSchema().GetRawText())!.AsObject();
        var operation = Operation(action);
        if (EntityArgument(action) is { } entity)
        {
            var properties = schema["properties"]!.AsObject();
            properties[entity] = new JsonObject
            {
                ["type"] = "string",
                ["minLength"] = 1,
                ["description"] = $"The identifier of the '{action.Trigger.BlueprintIdentifier}' entity the {operation} action acts on (list_actions with 'blueprint' and 'entity' says which actions an entity has).",
            };
            var required = schema["required"] as JsonArray ?? [];
            required.Insert(0, entity);
            schema["required"] = required;
        }

        var title = action.Title ?? action.Identifier;
        var description = new StringBuilder(action.Description ?? title);
        if (description.Length > 0 && description[^1] != '.')
        {
            description.Append('.');
        }

        description.Append(CultureInfo.InvariantCulture, $" Invokes the {operation} action '{action.Identifier}'");
        if (action.Trigger.BlueprintIdentifier is { } blueprint)
        {
            description.Append(CultureInfo.InvariantCulture, $" of blueprint '{blueprint}'");
        }

        description.Append(action.RequiredApproval
            ? "; its run waits for an approval (WAITING_FOR_APPROVAL) before anything runs."
            : "; returns its run, which get_action_run tracks.");
        return new Tool
        {
            Name = name,
            Title = title,
            Description = description.ToString(),
            InputSchema = Parse(schema.ToJsonString()),
            OutputSchema = RunOutputSchema,
            Annotations = new ToolAnnotations
            {
                Title = title,
                ReadOnlyHint = false,
                DestructiveHint = action.IsDestructive,
                IdempotentHint = false,
                // UPSERT_ENTITY writes this catalog only; a webhook, a workflow or a handler reaches outside it.
                OpenWorldHint = action.InvocationMethod.Type != "UPSERT_ENTITY",
            },
        };
    }

    public static string Operation(PortAction action) => action.Trigger.Operation switch
    {
        ActionOperation.Delete => "DELETE",
        ActionOperation.DayTwo => "DAY-2",
        _ => "CREATE",
    };

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
