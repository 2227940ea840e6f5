using System.Text.Json;
using System.Text.Json.Nodes;
using Port.Sdk.Actions.Internal;

namespace Port.Sdk.Actions;

/// <summary>
/// A self-service action or an automation in Port's JSON (Port's automations are actions whose trigger type is
/// <c>automation</c>). Read one with <see cref="Parse"/>: the definition is checked as Port's API checks it, and its
/// <c>{{ jq }}</c> templates, conditions and input queries are compiled then, so errors come with their position.
/// </summary>
public sealed class PortAction
{
    private static readonly string[] PortOnlyInputKeys = ["icon", "blueprint", "dependsOn", "visible", "disabled", "dataset", "sort", "enumColors", "jqQuery", "spec", "specAuthentication", "encryption"];

    internal PortAction(CompiledParts compiled)
    {
        Compiled = compiled;
    }

    /// <summary>Gets the action's identifier.</summary>
    public required string Identifier { get; init; }

    /// <summary>Gets the title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the icon.</summary>
    public string? Icon { get; init; }

    /// <summary>Gets the description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets what starts the action.</summary>
    public required ActionTrigger Trigger { get; init; }

    /// <summary>Gets the backend the action invokes.</summary>
    public required ActionInvocationMethod InvocationMethod { get; init; }

    /// <summary>Gets a value indicating whether a run waits for an approval before it is invoked.</summary>
    public bool RequiredApproval { get; init; }

    /// <summary>Gets the approval type (<c>ANY</c> or <c>ALL</c>) when <c>requiredApproval</c> is an object.</summary>
    public string? ApprovalType { get; init; }

    /// <summary>Gets where a run waiting for approval is announced (<c>approvalNotification</c>), if anywhere.</summary>
    public ActionApprovalNotification? ApprovalNotification { get; init; }

    /// <summary>Gets a value indicating whether an automation is active (<c>publish</c>; <see langword="true"/> when absent).</summary>
    public bool Publish { get; init; } = true;

    /// <summary>Gets the definition as given.</summary>
    public JsonElement Json { get; init; }

    /// <summary>Gets the file the definition was read from, if any.</summary>
    public string? File { get; init; }

    /// <summary>Gets a value indicating whether this is an automation.</summary>
    public bool IsAutomation => Trigger.Type == ActionTriggerType.Automation;

    /// <summary>
    /// Gets a value indicating whether running the action may destroy or overwrite data: a <c>DELETE</c> action, or an
    /// action that upserts entities. What an AI client is told before it calls the action as a tool.
    /// </summary>
    public bool IsDestructive => Trigger.Operation == ActionOperation.Delete || InvocationMethod.Type == "UPSERT_ENTITY";

    internal CompiledParts Compiled { get; }

    /// <summary>Reads an action or automation from Port's JSON.</summary>
    /// <param name="json">The JSON text (comments are allowed, as in Port's documentation examples).</param>
    /// <param name="file">The file the text came from, named in errors.</param>
    /// <returns>The action.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="ActionDefinitionException">The definition is invalid; every error has its pointer, line and column.</exception>
    public static PortAction Parse(string json, string? file = null) => ActionParser.ParseText(json, file, allowArray: false)[0];

    /// <summary>Reads actions and automations: one definition, or an array of them (an export of Port's actions).</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="file">The file the text came from, named in errors.</param>
    /// <returns>The actions, in the order written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="ActionDefinitionException">A definition is invalid; every error of every definition is listed.</exception>
    public static IReadOnlyList<PortAction> ParseMany(string json, string? file = null) => ActionParser.ParseText(json, file, allowArray: true);

    /// <summary>Reads the actions and automations of a JSON file (one definition or an array).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The actions.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ActionDefinitionException">A definition is invalid; errors name the file, line and column.</exception>
    public static IReadOnlyList<PortAction> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return ParseMany(System.IO.File.ReadAllText(path), path);
    }

    /// <summary>
    /// Gets the JSON Schema of the action's inputs: an object whose properties are the user inputs (entity inputs as
    /// entity identifiers), with the statically required ones required. What a tool's input schema is built from.
    /// </summary>
    /// <returns>The schema (draft 2020-12).</returns>
    public JsonElement GetInputSchema() => JsonDocument.Parse(BuildInputSchema(includeRequired: true).ToJsonString()).RootElement.Clone();

    internal JsonObject BuildInputSchema(bool includeRequired)
    {
        var properties = new JsonObject();
        foreach (var input in Trigger.UserInputs.Properties)
        {
            properties[input.Name] = CleanInput(input);
        }

        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
        if (includeRequired && Trigger.UserInputs.Required.Count > 0)
        {
            schema["required"] = new JsonArray([.. Trigger.UserInputs.Required.Select(r => (JsonNode?)JsonValue.Create(r))]);
        }

        return schema;
    }

    private static JsonObject CleanInput(ActionUserInput input)
    {
        var node = JsonNode.Parse(input.Definition.GetRawText())!.AsObject();
        Clean(node);
        if (input.IsEntity)
        {
            var description = $"The identifier of an entity of blueprint '{input.Blueprint}'.";
            if (input.IsEntityArray)
            {
                node["items"] = new JsonObject { ["type"] = "string", ["description"] = description };
            }
            else
            {
                node["description"] ??= description;
            }
        }

        return node;
    }

    private static void Clean(JsonObject node)
    {
        foreach (var key in PortOnlyInputKeys)
        {
            node.Remove(key);
        }

        // A value computed by a jqQuery is checked when the action runs; the static schema leaves it out.
        foreach (var key in node.Where(p => p.Value is JsonObject o && o.ContainsKey("jqQuery")).Select(p => p.Key).ToList())
        {
            node.Remove(key);
        }

        if (node["format"] is JsonValue format && format.TryGetValue<string>(out var formatName) && formatName is "entity" or "user" or "team" or "yaml" or "markdown" or "multi-line" or "proto" or "labeled-url" or "timer")
        {
            node.Remove("format");
        }

        if (node["items"] is JsonObject items)
        {
            Clean(items);
        }

        if (node["properties"] is JsonObject properties && node["type"] is JsonValue type && type.TryGetValue<string>(out var typeName) && typeName == "object")
        {
            foreach (var property in properties.Select(p => p.Value).OfType<JsonObject>())
            {
                Clean(property);
            }
        }
    }
}
