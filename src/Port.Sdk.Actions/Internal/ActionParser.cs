using System.Text;
using System.Text.Json;
using Port.Sdk.Jq;

namespace Port.Sdk.Actions.Internal;

/// <summary>
/// Reads Port's action and automation JSON as Port's API accepts it: keys Port does not know are errors (with the
/// nearest known key), values of the wrong type or outside their enum are errors, each with its JSON Pointer and
/// position; templates and jq queries are compiled here, so a definition that parses runs.
/// </summary>
internal sealed partial class ActionParser
{
    private static readonly string[] RootKeys = ["identifier", "title", "icon", "description", "trigger", "invocationMethod", "requiredApproval", "approvalNotification", "publish", "allowAnyoneToViewRuns"];

    // What Port's API adds to an action it returns: accepted, so an action fetched from Port parses unchanged.
    private static readonly string[] ApiKeys = ["id", "createdAt", "createdBy", "updatedAt", "updatedBy"];
    private static readonly string[] SelfServiceKeys = ["type", "operation", "blueprintIdentifier", "userInputs", "condition", "actionCardButtonText", "executeActionButtonText"];
    private static readonly string[] AutomationKeys = ["type", "event", "condition"];
    private static readonly string[] EventKeys = ["type", "blueprintIdentifier", "actionIdentifier", "propertyIdentifier"];
    private static readonly string[] ConditionKeys = ["type", "expressions", "combinator"];
    private static readonly string[] UserInputsKeys = ["properties", "required", "order", "steps", "titles"];

    // Input definitions are open (any JSON Schema keyword); only near misses of these are errors.
    private static readonly string[] InputKeys =
    [
        "type", "title", "icon", "description", "default", "format", "blueprint", "dependsOn", "visible", "disabled", "dataset", "sort",
        "enum", "enumColors", "items", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "properties", "required",
    ];

    private static readonly Dictionary<string, string[]> InvocationKeys = new(StringComparer.Ordinal)
    {
        ["WEBHOOK"] = ["type", "url", "agent", "synchronized", "method", "headers", "body"],
        ["UPSERT_ENTITY"] = ["type", "blueprintIdentifier", "mapping"],
        ["GITHUB"] = ["type", "org", "repo", "workflow", "workflowInputs", "reportWorkflowStatus"],
        ["KAFKA"] = ["type", "payload"],
        ["GITLAB"] = ["type", "projectName", "groupName", "defaultRef", "pipelineVariables"],
        ["AZURE_DEVOPS"] = ["type", "webhook", "org", "payload"],
        ["INTEGRATION_ACTION"] = ["type", "installationId", "integrationActionType", "integrationActionExecutionProperties"],
    };

    private static readonly string[] InputTypes = ["string", "number", "boolean", "object", "array"];
    private static readonly string[] HttpMethods = ["POST", "PUT", "PATCH", "GET", "DELETE"];

    private readonly List<ActionDefinitionError> _errors = [];
    private readonly JsonPositions? _positions;
    private readonly string? _file;
    private string? _action;

    private ActionParser(JsonPositions? positions, string? file)
    {
        _positions = positions;
        _file = file;
    }

    public static IReadOnlyList<PortAction> ParseText(string json, string? file, bool allowArray)
    {
        ArgumentNullException.ThrowIfNull(json);
        var utf8 = Encoding.UTF8.GetBytes(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw new ActionDefinitionException(
                [new ActionDefinitionError(null, string.Empty, "json", $"the text is not valid JSON: {ex.Message}") { File = file, Line = ex.LineNumber + 1, Column = ex.BytePositionInLine + 1 }],
                ex);
        }

        using (document)
        {
            var parser = new ActionParser(JsonPositions.Index(utf8), file);
            var root = document.RootElement;
            var actions = new List<PortAction>();
            if (root.ValueKind == JsonValueKind.Array && allowArray)
            {
                var i = 0;
                foreach (var item in root.EnumerateArray())
                {
                    if (parser.Action(item, $"/{i++}") is { } action)
                    {
                        actions.Add(action);
                    }
                }
            }
            else if (parser.Action(root, string.Empty) is { } action)
            {
                actions.Add(action);
            }

            if (parser._errors.Count > 0)
            {
                throw new ActionDefinitionException(parser._errors);
            }

            return actions;
        }
    }

    public static PortAction ParseElement(JsonElement element)
    {
        var parser = new ActionParser(null, null);
        var action = parser.Action(element, string.Empty);
        if (parser._errors.Count > 0 || action is null)
        {
            throw new ActionDefinitionException(parser._errors);
        }

        return action;
    }

    private PortAction? Action(JsonElement root, string at)
    {
        var start = _errors.Count;
        _action = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            Error(at, "type", $"an action must be a JSON object, found {Kind(root)}");
            return null;
        }

        _action = String(root, "identifier", at, required: true);
        Keys(root, at, [.. RootKeys, .. ApiKeys], strict: true);
        if (_action is not null && CheckIdentifier(_action) is { } problem)
        {
            Error($"{at}/identifier", "identifier", problem);
        }

        var compiled = new CompiledParts();
        var trigger = Trigger(root, at, compiled);
        var invocation = Invocation(root, at, compiled);
        var approval = false;
        string? approvalType = null;
        if (root.TryGetProperty("requiredApproval", out var required))
        {
            switch (required.ValueKind)
            {
                case JsonValueKind.True or JsonValueKind.False:
                    approval = required.GetBoolean();
                    break;
                case JsonValueKind.Object:
                    Keys(required, $"{at}/requiredApproval", ["type"], strict: true);
                    approvalType = Enum(required, "type", $"{at}/requiredApproval", ["ANY", "ALL"], requiredKey: true);
                    approval = true;
                    break;
                default:
                    Error($"{at}/requiredApproval", "type", $"'requiredApproval' must be a boolean or an object with 'type' ANY or ALL, found {Kind(required)}");
                    break;
            }
        }

        ActionApprovalNotification? notification = null;
        if (root.TryGetProperty("approvalNotification", out var notify) && notify.ValueKind != JsonValueKind.Null)
        {
            notification = ApprovalNotification(notify, $"{at}/approvalNotification");
        }

        var publish = true;
        if (root.TryGetProperty("publish", out var publishValue))
        {
            if (publishValue.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                publish = publishValue.GetBoolean();
            }
            else
            {
                Error($"{at}/publish", "type", $"'publish' must be a boolean, found {Kind(publishValue)}");
            }
        }

        if (_errors.Count > start || trigger is null || invocation is null || _action is null)
        {
            return null;
        }

        return new PortAction(compiled)
        {
            Identifier = _action,
            Title = String(root, "title", at),
            Icon = String(root, "icon", at),
            Description = String(root, "description", at),
            Trigger = trigger,
            InvocationMethod = invocation,
            RequiredApproval = approval,
            ApprovalType = approvalType,
            ApprovalNotification = notification,
            Publish = publish,
            Json = root.Clone(),
            File = _file,
        };
    }

    private ActionApprovalNotification? ApprovalNotification(JsonElement value, string pointer)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(pointer, "type", $"'approvalNotification' must be an object with 'type', 'format' and 'url', found {Kind(value)}");
            return null;
        }

        Keys(value, pointer, ["type", "format", "url"], strict: true);
        var type = Enum(value, "type", pointer, ["webhook", "email"], requiredKey: false) ?? "webhook";
        var format = Enum(value, "format", pointer, ["json", "slack"], requiredKey: false) ?? "json";
        var url = String(value, "url", pointer, required: type == "webhook");
        if (type != "webhook")
        {
            return null;
        }

        if (url is null)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            Error($"{pointer}/url", "format", $"'{url}' is not an absolute http or https URL");
            return null;
        }

        return new ActionApprovalNotification(type, format, uri);
    }

    private ActionTrigger? Trigger(JsonElement root, string at, CompiledParts compiled)
    {
        var pointer = $"{at}/trigger";
        if (!root.TryGetProperty("trigger", out var trigger))
        {
            Error(at, "required", "the action has no 'trigger'");
            return null;
        }

        if (trigger.ValueKind != JsonValueKind.Object)
        {
            Error(pointer, "type", $"'trigger' must be an object, found {Kind(trigger)}");
            return null;
        }

        var type = Enum(trigger, "type", pointer, ["self-service", "automation"], requiredKey: true);
        if (type == "automation")
        {
            Keys(trigger, pointer, AutomationKeys, strict: true);
            var automationEvent = Event(trigger, pointer);
            var jqCondition = Condition(trigger, pointer, compiled);
            return automationEvent is null ? null : new ActionTrigger { Type = ActionTriggerType.Automation, Event = automationEvent, Condition = jqCondition };
        }

        if (type != "self-service")
        {
            return null;
        }

        Keys(trigger, pointer, SelfServiceKeys, strict: true);
        var operation = Enum(trigger, "operation", pointer, ["CREATE", "DAY-2", "DELETE"], requiredKey: true) switch
        {
            "CREATE" => ActionOperation.Create,
            "DAY-2" => ActionOperation.DayTwo,
            "DELETE" => ActionOperation.Delete,
            _ => (ActionOperation?)null,
        };
        var blueprint = String(trigger, "blueprintIdentifier", pointer);
        JsonElement? entityCondition = null;
        if (trigger.TryGetProperty("condition", out var condition))
        {
            if (operation == ActionOperation.Create)
            {
                Error($"{pointer}/condition", "condition", "a CREATE action cannot have a 'condition': conditions choose the entities a DAY-2 or DELETE action is available on");
            }
            else if (condition.ValueKind != JsonValueKind.Object)
            {
                Error($"{pointer}/condition", "type", $"'condition' must be a search query object, found {Kind(condition)}");
            }
            else
            {
                entityCondition = condition.Clone();
            }
        }

        if (operation is ActionOperation.DayTwo or ActionOperation.Delete && blueprint is null)
        {
            Error(pointer, "required", $"a {(operation == ActionOperation.Delete ? "DELETE" : "DAY-2")} action acts on an entity, so it needs 'blueprintIdentifier'");
        }

        var inputs = UserInputs(trigger, pointer, compiled);
        return operation is null || inputs is null
            ? null
            : new ActionTrigger { Type = ActionTriggerType.SelfService, Operation = operation, BlueprintIdentifier = blueprint, EntityCondition = entityCondition, UserInputs = inputs };
    }

    private AutomationEvent? Event(JsonElement trigger, string at)
    {
        var pointer = $"{at}/event";
        if (!trigger.TryGetProperty("event", out var value) || value.ValueKind != JsonValueKind.Object)
        {
            Error(at, "required", "an automation needs an 'event' object ({ \"type\": \"ENTITY_UPDATED\", \"blueprintIdentifier\": \"service\" }, say)");
            return null;
        }

        Keys(value, pointer, EventKeys, strict: true);
        AutomationEventType? type = Enum(value, "type", pointer, ["ENTITY_CREATED", "ENTITY_UPDATED", "ENTITY_DELETED", "ANY_ENTITY_CHANGE", "TIMER_PROPERTY_EXPIRED", "RUN_CREATED", "RUN_UPDATED", "ANY_RUN_CHANGE"], requiredKey: true) switch
        {
            "ENTITY_CREATED" => AutomationEventType.EntityCreated,
            "ENTITY_UPDATED" => AutomationEventType.EntityUpdated,
            "ENTITY_DELETED" => AutomationEventType.EntityDeleted,
            "ANY_ENTITY_CHANGE" => AutomationEventType.AnyEntityChange,
            "TIMER_PROPERTY_EXPIRED" => AutomationEventType.TimerPropertyExpired,
            "RUN_CREATED" => AutomationEventType.RunCreated,
            "RUN_UPDATED" => AutomationEventType.RunUpdated,
            "ANY_RUN_CHANGE" => AutomationEventType.AnyRunChange,
            _ => null,
        };
        if (type is null)
        {
            return null;
        }

        var runEvent = type is AutomationEventType.RunCreated or AutomationEventType.RunUpdated or AutomationEventType.AnyRunChange;
        var blueprint = String(value, "blueprintIdentifier", pointer, required: !runEvent);
        var action = String(value, "actionIdentifier", pointer, required: runEvent);
        var property = String(value, "propertyIdentifier", pointer, required: type == AutomationEventType.TimerPropertyExpired);
        if (runEvent && blueprint is not null)
        {
            Error($"{pointer}/blueprintIdentifier", "unknown-key", "a run event names an 'actionIdentifier', not a 'blueprintIdentifier'");
        }

        if (!runEvent && action is not null)
        {
            Error($"{pointer}/actionIdentifier", "unknown-key", "an entity event names a 'blueprintIdentifier', not an 'actionIdentifier'");
        }

        return new AutomationEvent(type.Value, blueprint, action, property);
    }

    private AutomationCondition? Condition(JsonElement trigger, string at, CompiledParts compiled)
    {
        var pointer = $"{at}/condition";
        if (!trigger.TryGetProperty("condition", out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(pointer, "type", $"'condition' must be an object, found {Kind(value)}");
            return null;
        }

        Keys(value, pointer, ConditionKeys, strict: true);
        Enum(value, "type", pointer, ["JQ"], requiredKey: true);
        var combinator = Enum(value, "combinator", pointer, ["and", "or"], requiredKey: false) ?? "and";
        var expressions = new List<string>();
        if (!value.TryGetProperty("expressions", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            Error(pointer, "required", "a JQ condition needs 'expressions', an array of jq expressions");
            return null;
        }

        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var itemPointer = $"{pointer}/expressions/{i++}";
            if (item.ValueKind != JsonValueKind.String)
            {
                Error(itemPointer, "type", $"an expression must be a string, found {Kind(item)}");
                continue;
            }

            if (Jq(item.GetString()!, itemPointer) is { } filter)
            {
                expressions.Add(item.GetString()!);
                compiled.Conditions.Add(filter);
            }
        }

        return new AutomationCondition(expressions, combinator);
    }

    private ActionUserInputs? UserInputs(JsonElement trigger, string at, CompiledParts compiled)
    {
        var pointer = $"{at}/userInputs";
        if (!trigger.TryGetProperty("userInputs", out var value))
        {
            return new ActionUserInputs([], [], null, []);
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(pointer, "type", $"'userInputs' must be an object, found {Kind(value)}");
            return null;
        }

        Keys(value, pointer, UserInputsKeys, strict: true);
        var inputs = new List<ActionUserInput>();
        if (value.TryGetProperty("properties", out var properties))
        {
            if (properties.ValueKind != JsonValueKind.Object)
            {
                Error($"{pointer}/properties", "type", $"'properties' must be an object, found {Kind(properties)}");
                return null;
            }

            foreach (var property in properties.EnumerateObject())
            {
                if (Input(property.Name, property.Value, $"{pointer}/properties/{JsonPositions.Escape(property.Name)}", compiled) is { } input)
                {
                    inputs.Add(input);
                }
            }
        }

        var names = inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var required = new List<string>();
        string? requiredJq = null;
        if (value.TryGetProperty("required", out var requiredValue))
        {
            if (requiredValue.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in requiredValue.EnumerateArray())
                {
                    var itemPointer = $"{pointer}/required/{i++}";
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        Error(itemPointer, "type", $"a required input must be named by a string, found {Kind(item)}");
                    }
                    else if (!names.Contains(item.GetString()!))
                    {
                        Error(itemPointer, "required", $"the required input '{item.GetString()}' is not defined in 'properties'{DidYouMean(item.GetString()!, names)}");
                    }
                    else
                    {
                        required.Add(item.GetString()!);
                    }
                }
            }
            else if (JqQuery(requiredValue, $"{pointer}/required") is { } query)
            {
                requiredJq = query.Program;
                compiled.RequiredJq = query;
            }
            else
            {
                Error($"{pointer}/required", "type", $"'required' must be an array of input names or a {{ \"jqQuery\": … }} object, found {Kind(requiredValue)}");
            }
        }

        var order = new List<string>();
        if (value.TryGetProperty("order", out var orderValue) && orderValue.ValueKind == JsonValueKind.Array)
        {
            order.AddRange(orderValue.EnumerateArray().Where(o => o.ValueKind == JsonValueKind.String).Select(o => o.GetString()!));
        }

        return new ActionUserInputs(inputs, required, requiredJq, order);
    }

    private ActionUserInput? Input(string name, JsonElement value, string pointer, CompiledParts compiled)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(pointer, "type", $"the input '{name}' must be an object, found {Kind(value)}");
            return null;
        }

        Keys(value, pointer, InputKeys, strict: false);
        var type = Enum(value, "type", pointer, InputTypes, requiredKey: true);
        var format = String(value, "format", pointer);
        var blueprint = String(value, "blueprint", pointer);
        var isArray = false;
        if (type == "array" && value.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object
            && items.TryGetProperty("format", out var itemFormat) && itemFormat.ValueKind == JsonValueKind.String && itemFormat.GetString() == "entity")
        {
            format = "entity";
            isArray = true;
            blueprint = items.TryGetProperty("blueprint", out var itemBlueprint) && itemBlueprint.ValueKind == JsonValueKind.String ? itemBlueprint.GetString() : null;
        }

        if (format == "entity" && blueprint is null)
        {
            Error(pointer, "required", $"the entity input '{name}' needs 'blueprint', the blueprint whose entities it selects");
        }

        foreach (var key in (string[])["visible", "disabled", "enum", "default"])
        {
            if (value.TryGetProperty(key, out var dynamic) && dynamic.ValueKind == JsonValueKind.Object && JqQuery(dynamic, $"{pointer}/{key}") is { } filter)
            {
                compiled.InputQueries[(name, key)] = filter;
            }
        }

        return type is null ? null : new ActionUserInput(name, type, format, blueprint, value.Clone()) { IsEntityArray = isArray };
    }

    private ActionInvocationMethod? Invocation(JsonElement root, string at, CompiledParts compiled)
    {
        var pointer = $"{at}/invocationMethod";
        if (!root.TryGetProperty("invocationMethod", out var value))
        {
            Error(at, "required", "the action has no 'invocationMethod'");
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(pointer, "type", $"'invocationMethod' must be an object, found {Kind(value)}");
            return null;
        }

        var type = Enum(value, "type", pointer, [.. InvocationKeys.Keys], requiredKey: true);
        if (type is null)
        {
            return null;
        }

        Keys(value, pointer, InvocationKeys[type], strict: true);
        var templates = new TemplateCompilation(_action, _positions, _file, _errors);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var method = "POST";
        var synchronized = false;
        var reportWorkflowStatus = true;
        switch (type)
        {
            case "WEBHOOK":
                var url = String(value, "url", pointer, required: true);
                if (url is not null)
                {
                    compiled.Url = PayloadTemplate.CompileString(url, $"{pointer}/url", templates);
                }

                method = Enum(value, "method", pointer, HttpMethods, requiredKey: false) ?? "POST";
                synchronized = Flag(value, "synchronized", pointer);
                Flag(value, "agent", pointer);
                if (value.TryGetProperty("headers", out var headerValues))
                {
                    if (headerValues.ValueKind != JsonValueKind.Object)
                    {
                        Error($"{pointer}/headers", "type", $"'headers' must be an object of strings, found {Kind(headerValues)}");
                    }
                    else
                    {
                        foreach (var header in headerValues.EnumerateObject())
                        {
                            var headerPointer = $"{pointer}/headers/{JsonPositions.Escape(header.Name)}";
                            if (header.Value.ValueKind != JsonValueKind.String)
                            {
                                Error(headerPointer, "type", $"the header '{header.Name}' must be a string, found {Kind(header.Value)}");
                                continue;
                            }

                            headers[header.Name] = header.Value.GetString()!;
                            compiled.Headers[header.Name] = PayloadTemplate.CompileString(header.Value.GetString()!, headerPointer, templates);
                        }
                    }
                }

                if (value.TryGetProperty("body", out var body))
                {
                    compiled.Body = PayloadTemplate.Compile(body, $"{pointer}/body", templates);
                }

                break;
            case "UPSERT_ENTITY":
                String(value, "blueprintIdentifier", pointer, required: true);
                if (!value.TryGetProperty("mapping", out var mapping) || mapping.ValueKind != JsonValueKind.Object)
                {
                    Error(pointer, "required", "an UPSERT_ENTITY invocation needs 'mapping', the entity to write");
                }
                else
                {
                    Keys(mapping, $"{pointer}/mapping", ["identifier", "title", "team", "icon", "properties", "relations"], strict: true);
                    compiled.Mapping = PayloadTemplate.Compile(mapping, $"{pointer}/mapping", templates);
                }

                break;
            case "GITHUB":
                String(value, "org", pointer, required: true);
                String(value, "repo", pointer, required: true);
                String(value, "workflow", pointer, required: true);
                reportWorkflowStatus = !value.TryGetProperty("reportWorkflowStatus", out _) || Flag(value, "reportWorkflowStatus", pointer);
                if (value.TryGetProperty("workflowInputs", out var workflowInputs))
                {
                    if (workflowInputs.ValueKind != JsonValueKind.Object)
                    {
                        Error($"{pointer}/workflowInputs", "type", $"'workflowInputs' must be an object (the workflow's inputs by name), found {Kind(workflowInputs)}");
                    }
                    else
                    {
                        compiled.WorkflowInputs = PayloadTemplate.Compile(workflowInputs, $"{pointer}/workflowInputs", templates);
                    }
                }

                break;
            default:
                if (value.TryGetProperty("payload", out var payload))
                {
                    compiled.Body = PayloadTemplate.Compile(payload, $"{pointer}/payload", templates);
                }

                break;
        }

        return new ActionInvocationMethod
        {
            Type = type,
            Url = String(value, "url", pointer),
            Method = method,
            Synchronized = synchronized,
            Headers = headers,
            Body = value.TryGetProperty("body", out var b) ? b.Clone() : value.TryGetProperty("payload", out var p) ? p.Clone() : null,
            BlueprintIdentifier = String(value, "blueprintIdentifier", pointer),
            Mapping = value.TryGetProperty("mapping", out var m) ? m.Clone() : null,
            Org = String(value, "org", pointer),
            Repo = String(value, "repo", pointer),
            Workflow = String(value, "workflow", pointer),
            WorkflowInputs = value.TryGetProperty("workflowInputs", out var w) ? w.Clone() : null,
            ReportWorkflowStatus = reportWorkflowStatus,
            Definition = value.Clone(),
        };
    }

    private JqFilter? JqQuery(JsonElement value, string pointer)
    {
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("jqQuery", out var query))
        {
            return null;
        }

        Keys(value, pointer, ["jqQuery"], strict: true);
        if (query.ValueKind != JsonValueKind.String)
        {
            Error($"{pointer}/jqQuery", "type", $"'jqQuery' must be a string, found {Kind(query)}");
            return null;
        }

        return Jq(query.GetString()!, $"{pointer}/jqQuery");
    }

    private JqFilter? Jq(string program, string pointer)
    {
        if (JqFilter.TryCompile(program, out var filter, out var error))
        {
            return filter;
        }

        var at = _positions?.Of(pointer);
        _errors.Add(new ActionDefinitionError(_action, pointer, "jq", $"the jq expression '{program}' does not compile: {error.Reason} at character {error.Position + 1} of the expression")
        {
            File = _file,
            Line = at?.Line,
            Column = at is null ? null : at.Value.Column + 1 + error.Position,
        });
        return null;
    }

    private void Keys(JsonElement value, string pointer, string[] known, bool strict)
    {
        foreach (var property in value.EnumerateObject())
        {
            if (known.Contains(property.Name, StringComparer.Ordinal))
            {
                continue;
            }

            var suggestion = DidYouMean(property.Name, known);
            if (strict || suggestion.Length > 0)
            {
                var keyPointer = $"{pointer}/{JsonPositions.Escape(property.Name)}";
                var at = _positions?.Of(keyPointer, key: true);
                _errors.Add(new ActionDefinitionError(_action, keyPointer, "unknown-key", $"'{property.Name}' is not a key Port knows here{(suggestion.Length > 0 ? suggestion : $"; expected one of {string.Join(", ", known)}")}")
                {
                    File = _file,
                    Line = at?.Line,
                    Column = at?.Column,
                });
            }
        }
    }

    private string? String(JsonElement value, string name, string pointer, bool required = false)
    {
        if (!value.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Error(pointer, "required", $"'{name}' is required");
            }

            return null;
        }

        if (property.ValueKind != JsonValueKind.String)
        {
            Error($"{pointer}/{name}", "type", $"'{name}' must be a string, found {Kind(property)}");
            return null;
        }

        return property.GetString();
    }

    private string? Enum(JsonElement value, string name, string pointer, string[] allowed, bool requiredKey)
    {
        var text = String(value, name, pointer, requiredKey);
        if (text is null || allowed.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }

        Error($"{pointer}/{name}", "enum", $"'{text}' is not a valid '{name}'{DidYouMean(text, allowed)}; expected one of {string.Join(", ", allowed)}");
        return null;
    }

    private bool Flag(JsonElement value, string name, string pointer)
    {
        if (!value.TryGetProperty(name, out var property))
        {
            return false;
        }

        // Port's schema also accepts the strings "true" and "false" here.
        return property.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(property.GetString(), out var parsed) => parsed,
            _ => ErrorFalse($"{pointer}/{name}", $"'{name}' must be a boolean, found {Kind(property)}"),
        };
    }

    private bool ErrorFalse(string pointer, string message)
    {
        Error(pointer, "type", message);
        return false;
    }

    private void Error(string pointer, string rule, string message)
    {
        var at = _positions?.Of(pointer);
        _errors.Add(new ActionDefinitionError(_action, pointer, rule, message) { File = _file, Line = at?.Line, Column = at?.Column });
    }

    private static string? CheckIdentifier(string identifier)
        => identifier is "." or ".." || !ActionIdentifier().IsMatch(identifier)
            ? $"'{identifier}' is not a valid action identifier: use letters, digits and @ _ . + : = - only"
            : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"^[\p{L}0-9@_.+:=-]+$")]
    private static partial System.Text.RegularExpressions.Regex ActionIdentifier();

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        _ => "null",
    };

    internal static string DidYouMean(string key, IEnumerable<string> known)
    {
        var best = known
            .Select(k => (Key: k, Distance: EditDistance(key.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(k => k.Distance <= Math.Max(1, k.Key.Length / 4))
            .OrderBy(k => k.Distance)
            .FirstOrDefault();
        return best.Key is null ? string.Empty : $"; did you mean '{best.Key}'?";
    }

    /// <summary>The optimal string alignment distance: edits, with a swap of two neighbours as one edit (<c>nmae</c> → <c>name</c>).</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}

/// <summary>What parsing compiled of an action: its templates and jq queries.</summary>
internal sealed class CompiledParts
{
    public PayloadTemplate? Url { get; set; }

    public Dictionary<string, PayloadTemplate> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public PayloadTemplate? Body { get; set; }

    public PayloadTemplate? Mapping { get; set; }

    public PayloadTemplate? WorkflowInputs { get; set; }

    public List<JqFilter> Conditions { get; } = [];

    public JqFilter? RequiredJq { get; set; }

    public Dictionary<(string Input, string Key), JqFilter> InputQueries { get; } = [];
}
