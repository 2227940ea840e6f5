using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Port.Sdk.Mcp;

/// <summary>The catalog server's tool definitions: input schemas that state the bounds <see cref="ToolArguments"/> enforces, output schemas, titles and annotations.</summary>
internal static class CatalogTools
{
    public const string SearchEntities = "search_entities";
    public const string GetEntity = "get_entity";
    public const string ListBlueprints = "list_blueprints";
    public const string GetScorecards = "get_scorecards";
    public const string ComposeContext = "compose_context";

    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int DefaultHops = 1;
    public const int MaxHops = 5;

    private const string SearchInput = """
        { "type": "object", "additionalProperties": false, "properties": {
            "blueprint": { "type": "string", "minLength": 1, "description": "The blueprint to search; all blueprints when omitted." },
            "query": { "type": "object", "description": "A Port search query: { \"combinator\": \"and\", \"rules\": [ { \"property\": \"...\", \"operator\": \"=\", \"value\": ... } ] }; every entity when omitted.",
              "properties": { "combinator": { "type": "string", "enum": ["and", "or"] }, "rules": { "type": "array", "items": { "type": "object" } } } },
            "limit": { "type": "integer", "minimum": 1, "maximum": 500, "default": 50, "description": "At most this many entities in one page (default 50)." },
            "cursor": { "type": "string", "minLength": 1, "description": "The nextCursor of a previous page, with the same blueprint and query, to read the next page." } } }
        """;

    private const string EntityInput = """
        { "type": "object", "additionalProperties": false, "required": ["blueprint", "identifier"], "properties": {
            "blueprint": { "type": "string", "minLength": 1, "description": "The entity's blueprint." },
            "identifier": { "type": "string", "minLength": 1, "description": "The entity's identifier." },
            "hops": { "type": "integer", "minimum": 0, "maximum": 5, "default": 1, "description": "How many relations away to include related entities (default 1; 0 for none)." } } }
        """;

    private const string NoInput = """{ "type": "object", "additionalProperties": false, "properties": {} }""";

    private const string ScorecardInput = """
        { "type": "object", "additionalProperties": false, "properties": {
            "scorecard": { "type": "string", "minLength": 1, "description": "One scorecard's identifier; all scorecards when omitted." },
            "identifier": { "type": "string", "minLength": 1, "description": "One entity's identifier; every entity of the scorecard's blueprint when omitted." } } }
        """;

    private const string ComposeInput = """
        { "type": "object", "additionalProperties": false, "required": ["recipe", "blueprint", "identifier"], "properties": {
            "recipe": { "type": "string", "minLength": 1, "description": "The recipe's name." },
            "blueprint": { "type": "string", "minLength": 1, "description": "The entity's blueprint." },
            "identifier": { "type": "string", "minLength": 1, "description": "The entity's identifier." } } }
        """;

    private const string SearchOutput = """
        { "type": "object", "required": ["entities"], "properties": {
            "entities": { "type": "array", "items": { "type": "object" }, "description": "The entities of this page, as Port JSON." },
            "nextCursor": { "type": "string", "description": "Pass as 'cursor' to read the next page; absent on the last page." } } }
        """;

    private const string EntityOutput = """
        { "type": "object", "required": ["entity", "related"], "properties": {
            "entity": { "type": "object" },
            "related": { "type": "array", "items": { "type": "object", "required": ["hops", "path", "entity"], "properties": {
              "hops": { "type": "integer" }, "path": { "type": "array", "items": { "type": "string" } }, "entity": { "type": "object" } } } } } }
        """;

    private const string BlueprintsOutput = """
        { "type": "object", "required": ["blueprints"], "properties": { "blueprints": { "type": "array", "items": { "type": "object" } } } }
        """;

    private const string ScorecardsOutput = """
        { "type": "object", "required": ["results"], "properties": { "results": { "type": "array", "items": { "type": "object",
            "required": ["scorecard", "blueprint", "entity", "level", "rules"], "properties": {
              "scorecard": { "type": "string" }, "blueprint": { "type": "string" }, "entity": { "type": "string" },
              "level": { "type": "string" }, "rules": { "type": "object", "additionalProperties": { "type": "boolean" } } } } } } }
        """;

    private const string ComposeOutput = """{ "type": "object", "description": "The composed context with provenance, as JSON; the text content holds the same as Markdown." }""";

    /// <summary>The tools, in the order clients list them.</summary>
    public static IReadOnlyList<Tool> All { get; } =
    [
        Define(SearchEntities, "Search entities", "Search the catalog's entities with Port's search rules; returns one page of entities as JSON and a cursor for the next page.", SearchInput, SearchOutput, openWorld: false),
        Define(GetEntity, "Get an entity", "Read one entity with its computed properties and the entities related to it, with the relation path to each.", EntityInput, EntityOutput, openWorld: false),
        Define(ListBlueprints, "List blueprints", "List the catalog's blueprints (their properties and relations).", NoInput, BlueprintsOutput, openWorld: false),
        Define(GetScorecards, "Get scorecards", "Evaluate the catalog's scorecards: each entity's level and every rule's outcome.", ScorecardInput, ScorecardsOutput, openWorld: false),
        // compose_context calls the recipe's live connectors (other MCP servers), so it reaches outside the catalog.
        Define(ComposeContext, "Compose a context", "Compose a grounded context for one entity with a named recipe: related entities, scorecards and live connector results, with provenance, as Markdown (and as JSON in structuredContent).", ComposeInput, ComposeOutput, openWorld: true),
    ];

    private static Tool Define(string name, string title, string description, string input, string output, bool openWorld) => new()
    {
        Name = name,
        Title = title,
        Description = description,
        InputSchema = Parse(input),
        OutputSchema = Parse(output),
        Annotations = new ToolAnnotations { Title = title, ReadOnlyHint = true, DestructiveHint = false, IdempotentHint = true, OpenWorldHint = openWorld },
    };

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
