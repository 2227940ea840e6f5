using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

// MCP logging (logging/setLevel, notifications/message) is deprecated by the 2026-07-28 specification (SEP-2577), but the
// 2025 versions that clients speak today have it, and clients show these messages: it stays until the SDK drops it.
#pragma warning disable MCP9005

namespace Port.Sdk.Mcp;

/// <summary>The write tools' implementations: each reads its arguments strictly, then writes through the catalog, whose validation errors come back as a tool error with a JSON Pointer per fault.</summary>
public sealed partial class PortCatalogMcpServer
{
    private const string EntityShape = "a Port entity with 'identifier' and 'blueprint'";
    private const string BlueprintShape = "a Port blueprint with 'identifier'";

    private async Task<CallToolResult> CreateEntityAsync(RequestContext<CallToolRequestParams> request, IDictionary<string, JsonElement>? raw, CancellationToken cancellationToken)
    {
        var arguments = ToolArguments.Of(CatalogWriteTools.CreateEntity, raw, "entity", "createMissingRelated");
        var entity = ReadEntity(arguments);
        var options = new EntityWriteOptions { CreateMissingRelatedEntities = arguments.Boolean("createMissingRelated", false) };
        return await WriteAsync(request, $"created entity {entity.Blueprint}/{entity.Identifier}", async () => EntityResult(await _catalog.CreateEntityAsync(entity, options, cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
    }

    private async Task<CallToolResult> UpdateEntityAsync(RequestContext<CallToolRequestParams> request, IDictionary<string, JsonElement>? raw, CancellationToken cancellationToken)
    {
        var arguments = ToolArguments.Of(CatalogWriteTools.UpdateEntity, raw, "entity", "merge", "createMissingRelated");
        var entity = ReadEntity(arguments);
        var merge = arguments.Boolean("merge", false);
        var options = new EntityWriteOptions { CreateMissingRelatedEntities = arguments.Boolean("createMissingRelated", false) };
        return await WriteAsync(request, $"{(merge ? "merged into" : "replaced")} entity {entity.Blueprint}/{entity.Identifier}", async () => EntityResult(merge
            ? await _catalog.MergeEntityAsync(entity, options, cancellationToken).ConfigureAwait(false)
            : await _catalog.UpsertEntityAsync(entity, options, cancellationToken).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
    }

    private async Task<CallToolResult> DeleteEntityAsync(RequestContext<CallToolRequestParams> request, IDictionary<string, JsonElement>? raw, CancellationToken cancellationToken)
    {
        var arguments = ToolArguments.Of(CatalogWriteTools.DeleteEntity, raw, "blueprint", "identifier", "deleteDependents");
        var blueprint = arguments.RequiredString("blueprint");
        var identifier = arguments.RequiredString("identifier");
        var dependents = arguments.Boolean("deleteDependents", false);
        return await WriteAsync(request, $"deleted entity {blueprint}/{identifier}", async () =>
        {
            var deleted = await _catalog.DeleteEntityAsync(blueprint, identifier, dependents, cancellationToken).ConfigureAwait(false);
            return Json(deleted ? """{"deleted":true}""" : """{"deleted":false}""");
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CallToolResult> RegisterBlueprintAsync(RequestContext<CallToolRequestParams> request, IDictionary<string, JsonElement>? raw, CancellationToken cancellationToken)
    {
        var arguments = ToolArguments.Of(CatalogWriteTools.RegisterBlueprint, raw, "blueprint");
        var element = arguments.RequiredObject("blueprint", BlueprintShape);
        Blueprint blueprint;
        try
        {
            blueprint = PortJson.ReadBlueprint(element.GetRawText());
        }
        catch (JsonException ex)
        {
            throw new ToolArgumentException("blueprint", $"The argument 'blueprint' must be {BlueprintShape}: {ex.Message}");
        }

        return await WriteAsync(request, $"registered blueprint {blueprint.Identifier}", async () =>
        {
            var registered = await _catalog.RegisterBlueprintAsync(blueprint, cancellationToken).ConfigureAwait(false);
            return Json($"{{\"blueprint\":{PortJson.Write(registered)}}}");
        }, cancellationToken).ConfigureAwait(false);
    }

    private static Entity ReadEntity(ToolArguments arguments)
    {
        var element = arguments.RequiredObject("entity", EntityShape);
        try
        {
            return PortJson.ReadEntity(element.GetRawText());
        }
        catch (JsonException ex)
        {
            throw new ToolArgumentException("entity", $"The argument 'entity' must be {EntityShape}: {ex.Message}");
        }
    }

    private static CallToolResult EntityResult(Entity entity) => Json($"{{\"entity\":{PortJson.Write(entity)}}}");

    /// <summary>Runs a write; a rejection is a tool error listing each fault (JSON Pointer, rule, message) as text and as structured content.</summary>
    private static async Task<CallToolResult> WriteAsync(RequestContext<CallToolRequestParams> request, string done, Func<Task<CallToolResult>> write, CancellationToken cancellationToken)
    {
        try
        {
            var result = await write().ConfigureAwait(false);
            await ClientLog.WriteAsync(request.Server, LoggingLevel.Notice, $"{request.Params?.Name}: {done}.", cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (CatalogValidationException ex)
        {
            await ClientLog.WriteAsync(request.Server, LoggingLevel.Warning, $"{request.Params?.Name}: refused ({ex.Errors.Count} faults); nothing was written.", cancellationToken).ConfigureAwait(false);
            return Rejected(ex);
        }
    }

    private static CallToolResult Rejected(CatalogValidationException ex)
    {
        if (ex.Errors.Count == 0)
        {
            return Error($"The write was refused; nothing was written: {ex.Message}");
        }

        var text = new StringBuilder("The write was refused; nothing was written:");
        var json = new StringBuilder("{\"errors\":[");
        for (var i = 0; i < ex.Errors.Count; i++)
        {
            var error = ex.Errors[i];
            text.Append("\n- ").Append(error.ToString());
            json.Append(i == 0 ? "" : ",")
                .Append("{\"blueprint\":").Append(Quote(error.Blueprint))
                .Append(",\"entity\":").Append(error.Entity is null ? "null" : Quote(error.Entity))
                .Append(",\"pointer\":").Append(Quote(error.Pointer))
                .Append(",\"rule\":").Append(Quote(error.Rule))
                .Append(",\"message\":").Append(Quote(error.Message)).Append('}');
        }

        using var document = JsonDocument.Parse(json.Append("]}").ToString());
        return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = text.ToString() }], StructuredContent = document.RootElement.Clone() };
    }
}
