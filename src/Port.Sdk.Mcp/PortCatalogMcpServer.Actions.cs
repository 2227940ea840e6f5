using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Port.Sdk.Actions;

// MCP logging (logging/setLevel, notifications/message) is deprecated by the 2026-07-28 specification (SEP-2577), but the
// 2025 versions that clients speak today have it, and clients show these messages: it stays until the SDK drops it.
#pragma warning disable MCP9005

namespace Port.Sdk.Mcp;

/// <summary>The action tools: list the allowed actions, invoke one (its inputs checked per input), and track a run.</summary>
public sealed partial class PortCatalogMcpServer
{
    private static readonly string[] HiddenRunFields = ["context", "owner", "idempotencyKey", "depth", "attempts"];

    private bool ActionsOffered => _options.ExposeActions && _options.Actions is not null;

    /// <summary>The allowed self-service actions with their tool names, in the order registered.</summary>
    private IReadOnlyList<(string Name, PortAction Action)> ActionToolNames()
        => ActionsOffered ? ActionTools.Name(_options.Actions!.Actions.Where(IsAllowed)) : [];

    private bool IsAllowed(PortAction action)
        => !action.IsAutomation && (_options.AllowedActions.Count == 0 || _options.AllowedActions.Contains(action.Identifier));

    private IEnumerable<Tool> ActionToolList()
        => ActionsOffered ? [.. ActionTools.Fixed, .. ActionToolNames().Select(t => ActionTools.Define(t.Name, t.Action))] : [];

    private async Task<CallToolResult?> TryCallActionToolAsync(McpServer server, string name, IDictionary<string, JsonElement>? raw, CancellationToken cancellationToken)
    {
        if (!ActionsOffered)
        {
            return null;
        }

        switch (name)
        {
            case ActionTools.ListActions:
                return await ListActionsAsync(raw, cancellationToken).ConfigureAwait(false);
            case ActionTools.GetActionRun:
                return await GetActionRunAsync(raw, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (tool, action) in ActionToolNames())
        {
            if (tool == name)
            {
                return await RunActionAsync(server, tool, action, raw, cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    private async Task<CallToolResult> ListActionsAsync(IDictionary<string, JsonElement>? raw, CancellationToken cancellationToken)
    {
        var arguments = ToolArguments.Of(ActionTools.ListActions, raw, "blueprint", "entity");
        var blueprint = arguments.String("blueprint");
        var entity = arguments.String("entity");
        if (entity is not null && blueprint is null)
        {
            throw new ToolArgumentException("entity", "The argument 'entity' needs 'blueprint': give the entity's blueprint too.");
        }

        var tools = ActionToolNames();
        IEnumerable<(string Name, PortAction Action)> listed = tools.Where(t => blueprint is null || t.Action.Trigger.BlueprintIdentifier == blueprint);
        if (entity is not null)
        {
            if (await _catalog.GetEntityAsync(blueprint!, entity, cancellationToken).ConfigureAwait(false) is null)
            {
                return Error($"There is no entity '{entity}' of blueprint '{blueprint}'.");
            }

            var available = (await _options.Actions!.GetAvailableActionsAsync(blueprint!, entity, cancellationToken).ConfigureAwait(false)).Select(a => a.Identifier).ToHashSet(StringComparer.Ordinal);
            listed = listed.Where(t => available.Contains(t.Action.Identifier));
        }

        var actions = new JsonArray();
        foreach (var (tool, action) in listed)
        {
            actions.Add((JsonNode)new JsonObject
            {
                ["identifier"] = action.Identifier,
                ["tool"] = tool,
                ["title"] = action.Title,
                ["description"] = action.Description,
                ["operation"] = ActionTools.Operation(action),
                ["blueprint"] = action.Trigger.BlueprintIdentifier,
                ["requiresApproval"] = action.RequiredApproval,
                ["destructive"] = action.IsDestructive,
            });
        }

        return Json(new JsonObject { ["actions"] = actions }.ToJsonString());
    }

    private async Task<CallToolResult> GetActionRunAsync(IDictionary<string, JsonElement>? raw, CancellationToken cancellationToken)
    {
        var arguments = ToolArguments.Of(ActionTools.GetActionRun, raw, "run", "wait");
        var id = arguments.RequiredString("run");
        var wait = arguments.Boolean("wait", false);
        var actions = _options.Actions!;
        var run = await actions.GetRunAsync(id, cancellationToken).ConfigureAwait(false);
        // A run of an action this server does not offer is not shown: the allow-list is what the client may see.
        if (run is null || actions.GetAction(run.Action) is not { } action || !IsAllowed(action))
        {
            return Error($"There is no run '{id}'.");
        }

        if (wait && !run.IsTerminal && run.Owner is not null)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(_options.MaxRunWait);
            try
            {
                run = await actions.WaitForRunAsync(id, untilIdle: true, limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                run = await actions.GetRunAsync(id, cancellationToken).ConfigureAwait(false) ?? run;
            }
        }

        return RunResult(run, Describe(run));
    }

    private async Task<CallToolResult> RunActionAsync(McpServer server, string tool, PortAction action, IDictionary<string, JsonElement>? raw, CancellationToken cancellationToken)
    {
        var entityArgument = ActionTools.EntityArgument(action);
        string? entity = null;
        var inputs = new JsonObject();
        foreach (var (name, value) in raw ?? new Dictionary<string, JsonElement>())
        {
            if (name == entityArgument)
            {
                entity = value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } given ? given
                    : throw new ToolArgumentException(name, $"The argument '{name}' must be the identifier of a '{action.Trigger.BlueprintIdentifier}' entity (a non-empty string); it was {ToolArguments.Describe(value)}.");
            }
            else
            {
                inputs[name] = JsonNode.Parse(value.GetRawText());
            }
        }

        ActionRun run;
        try
        {
            using var document = JsonDocument.Parse(inputs.ToJsonString());
            run = await _options.Actions!.InvokeAsync(action.Identifier, new ActionInvocation
            {
                Inputs = document.RootElement.Clone(),
                Entity = entity,
                Caller = server.ClientInfo?.Name is { } client ? $"mcp:{client}" : "mcp",
                Source = "MCP",
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ActionInputException ex)
        {
            await ClientLog.WriteAsync(server, LoggingLevel.Debug, $"{tool}: refused.", cancellationToken).ConfigureAwait(false);
            return InputErrors(ex, entityArgument);
        }

        await ClientLog.WriteAsync(server, LoggingLevel.Info, $"{tool}: run '{run.Id}' of action '{action.Identifier}' created ({Status(run)}).", cancellationToken).ConfigureAwait(false);
        return RunResult(run, run.Status == ActionRunStatus.WaitingForApproval
            ? $"The run '{run.Id}' of action '{action.Identifier}' is WAITING_FOR_APPROVAL: nothing runs until someone approves it. Track it with get_action_run."
            : $"The run '{run.Id}' of action '{action.Identifier}' is {Status(run)}. Track it with get_action_run (wait: true waits until it ends).");
    }

    private static CallToolResult InputErrors(ActionInputException exception, string? entityArgument)
    {
        var errors = new JsonArray();
        foreach (var error in exception.Errors)
        {
            // The run API names the entity '/entity'; the tool takes it in its entity argument.
            var pointer = error.Pointer == "/entity" && entityArgument is not null ? "/" + entityArgument : error.Pointer;
            errors.Add((JsonNode)new JsonObject { ["input"] = error.Input, ["pointer"] = pointer, ["rule"] = error.Rule, ["message"] = error.Message });
        }

        using var document = JsonDocument.Parse(new JsonObject { ["errors"] = errors }.ToJsonString());
        return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = exception.Message }], StructuredContent = document.RootElement.Clone() };
    }

    private static CallToolResult RunResult(ActionRun run, string text)
    {
        var node = JsonNode.Parse(ActionRunJson.Write(run))!.AsObject();
        foreach (var field in HiddenRunFields)
        {
            node.Remove(field);
        }

        var json = new JsonObject { ["run"] = node }.ToJsonString();
        using var document = JsonDocument.Parse(json);
        return new CallToolResult { Content = [new TextContentBlock { Text = text + "\n" + json }], StructuredContent = document.RootElement.Clone() };
    }

    private static string Describe(ActionRun run)
    {
        var text = new StringBuilder($"The run '{run.Id}' of action '{run.Action}' is {Status(run)}");
        if (run.StatusLabel is { Length: > 0 } label)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({label})");
        }

        text.Append(run.Status switch
        {
            ActionRunStatus.WaitingForApproval => ": nothing runs until someone approves it.",
            ActionRunStatus.InProgress when run.Owner is null => ": its backend has it and reports when done.",
            ActionRunStatus.InProgress => ".",
            _ => $"; it ended at {run.EndedAt?.ToString("O", CultureInfo.InvariantCulture)}.",
        });
        return text.ToString();
    }

    private static string Status(ActionRun run) => run.Status switch
    {
        ActionRunStatus.WaitingForApproval => "WAITING_FOR_APPROVAL",
        ActionRunStatus.InProgress => "IN_PROGRESS",
        ActionRunStatus.Success => "SUCCESS",
        ActionRunStatus.Failure => "FAILURE",
        _ => "DECLINED",
    };
}
