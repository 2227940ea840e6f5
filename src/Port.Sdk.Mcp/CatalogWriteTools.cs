using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Port.Sdk.Mcp;

/// <summary>
/// The write tools (<see cref="PortCatalogMcpServerOptions.AllowWrites"/>): each goes through the catalog, so its validation
/// applies, and each is annotated: creating adds and so is not destructive; replacing, merging, deleting and registering
/// over an existing blueprint change what was there, so they are.
/// </summary>
internal static class CatalogWriteTools
{
    public const string CreateEntity = "create_entity";
    public const string UpdateEntity = "update_entity";
    public const string DeleteEntity = "delete_entity";
    public const string RegisterBlueprint = "register_blueprint";

    private const string EntityDescription = "The entity as Port JSON: { 'identifier', 'blueprint', 'title'?, 'team'?, 'properties': { ... }, 'relations': { ... } }.";

    private static readonly string CreateInput = $$"""
        { "type": "object", "additionalProperties": false, "required": ["entity"], "properties": {
            "entity": { "type": "object", "required": ["identifier", "blueprint"], "description": "{{EntityDescription}}" },
            "createMissingRelated": { "type": "boolean", "default": false, "description": "Create (empty) the entities its relations point to when they do not exist, instead of refusing the write." } } }
        """;

    private static readonly string UpdateInput = $$"""
        { "type": "object", "additionalProperties": false, "required": ["entity"], "properties": {
            "entity": { "type": "object", "required": ["identifier", "blueprint"], "description": "{{EntityDescription}} Without 'merge', it replaces the stored entity entirely (or creates it)." },
            "merge": { "type": "boolean", "default": false, "description": "Merge into the stored entity (which must exist): the given properties and relations replace those of the same name; others stay." },
            "createMissingRelated": { "type": "boolean", "default": false, "description": "Create (empty) the entities its relations point to when they do not exist, instead of refusing the write." } } }
        """;

    private const string DeleteInput = """
        { "type": "object", "additionalProperties": false, "required": ["blueprint", "identifier"], "properties": {
            "blueprint": { "type": "string", "minLength": 1, "description": "The entity's blueprint." },
            "identifier": { "type": "string", "minLength": 1, "description": "The entity's identifier." },
            "deleteDependents": { "type": "boolean", "default": false, "description": "Also delete, recursively, the entities whose required relations point to it; otherwise such a delete is refused." } } }
        """;

    private const string BlueprintInput = """
        { "type": "object", "additionalProperties": false, "required": ["blueprint"], "properties": {
            "blueprint": { "type": "object", "required": ["identifier"], "description": "The blueprint as Port JSON: { \"identifier\", \"title\"?, \"schema\": { \"properties\": { ... }, \"required\": [...] }, \"relations\": { ... } }. It replaces a blueprint of the same identifier." } } }
        """;

    // A refused write is a tool error whose structured content lists the faults; the TypeScript SDK checks even an error's
    // structured content against the output schema, so each schema admits the result or the faults.
    private const string Faults = """
        "errors": { "type": "array", "description": "Why the write was refused (the result has isError): one fault per entry.", "items": { "type": "object",
          "required": ["blueprint", "pointer", "rule", "message"], "properties": {
            "blueprint": { "type": "string" }, "entity": { "type": ["string", "null"] }, "pointer": { "type": "string", "description": "The JSON Pointer of the value at fault." },
            "rule": { "type": "string" }, "message": { "type": "string" } } } }
        """;

    private static readonly string EntityOutput = $$"""
        { "type": "object", "anyOf": [ { "required": ["entity"] }, { "required": ["errors"] } ], "properties": {
            "entity": { "type": "object", "description": "The entity as stored." }, {{Faults}} } }
        """;

    private static readonly string DeleteOutput = $$"""
        { "type": "object", "anyOf": [ { "required": ["deleted"] }, { "required": ["errors"] } ], "properties": {
            "deleted": { "type": "boolean", "description": "Whether there was such an entity to delete." }, {{Faults}} } }
        """;

    private static readonly string BlueprintOutput = $$"""
        { "type": "object", "anyOf": [ { "required": ["blueprint"] }, { "required": ["errors"] } ], "properties": {
            "blueprint": { "type": "object", "description": "The blueprint as registered." }, {{Faults}} } }
        """;

    /// <summary>The write tools, in the order clients list them (after the read tools).</summary>
    public static IReadOnlyList<Tool> All { get; } =
    [
        Define(CreateEntity, "Create an entity", "Create one entity; refused (nothing written) when it exists or breaks its blueprint's schema or relations, with a JSON Pointer to each fault.", CreateInput, EntityOutput, destructive: false, idempotent: false),
        Define(UpdateEntity, "Update an entity", "Replace one entity entirely (creating it if needed), or with 'merge' change only the given properties and relations; refused (nothing written) when the result breaks its blueprint, with a JSON Pointer to each fault.", UpdateInput, EntityOutput, destructive: true, idempotent: true),
        Define(DeleteEntity, "Delete an entity", "Delete one entity; refused while other entities' required relations point to it, unless 'deleteDependents' is true.", DeleteInput, DeleteOutput, destructive: true, idempotent: true),
        Define(RegisterBlueprint, "Register a blueprint", "Create a blueprint or replace the one of the same identifier; refused (nothing changed) when it is invalid, with a JSON Pointer to each fault.", BlueprintInput, BlueprintOutput, destructive: true, idempotent: true),
    ];

    private static Tool Define(string name, string title, string description, string input, string output, bool destructive, bool idempotent) => new()
    {
        Name = name,
        Title = title,
        Description = description,
        InputSchema = Parse(input),
        OutputSchema = Parse(output),
        Annotations = new ToolAnnotations { Title = title, ReadOnlyHint = false, DestructiveHint = destructive, IdempotentHint = idempotent, OpenWorldHint = false },
    };

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
