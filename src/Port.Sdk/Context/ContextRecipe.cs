using System.Globalization;
using System.Text.Json;
using Port.Sdk.Jq;

namespace Port.Sdk;

/// <summary>
/// What the <see cref="ContextComposer"/> gathers about a subject: which relations to walk and how far, which
/// scorecards to include, which connector calls to make (with arguments built by jq from the subject entity), and the
/// size budget. Defined in code, or read from JSON (<see cref="Parse"/>) or YAML (<c>Port.Sdk.Integrations</c>'
/// <c>ContextRecipeYaml</c>).
/// </summary>
public sealed class ContextRecipe
{
    /// <summary>Gets or sets the recipe's name, such as <c>review-pull-request</c>.</summary>
    public string Name { get; set; } = "context";

    /// <summary>Gets the relation walks from the subject.</summary>
    public IList<ContextRelationWalk> Relations { get; init; } = [];

    /// <summary>Gets the scorecards whose results for the subject and the related entities are included.</summary>
    public IList<Scorecard> Scorecards { get; init; } = [];

    /// <summary>Gets the connector calls, made in parallel with the catalog reads.</summary>
    public IList<ContextConnectorCall> Calls { get; init; } = [];

    /// <summary>Gets or sets the most characters the composed context may take (its Markdown rendering); <see langword="null"/> for no limit.</summary>
    public int? MaxLength { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the context lists the self-service actions available on each subject (JSON
    /// <c>"actions": true</c>), as <see cref="ContextComposerOptions.Actions"/> tells them.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IncludeActions { get; set; }

    /// <summary>Gets or sets how many entities a search subject may give.</summary>
    /// <value>The default value is 10.</value>
    public int MaxSubjects { get; set; } = 10;

    /// <summary>Reads a recipe from JSON.</summary>
    /// <param name="json">The recipe: <c>{ "name", "relations": [{ "direction", "hops", "blueprints" }], "scorecards": [...], "calls": [{ "connector", "tool", "arguments", "label", "priority", "timeoutSeconds" }], "actions", "maxLength", "maxSubjects" }</c>.</param>
    /// <param name="source">The file name used in error messages.</param>
    /// <returns>The recipe, with every jq expression compiled.</returns>
    /// <exception cref="PortException">The recipe is not valid; every error is listed with its JSON pointer.</exception>
    public static ContextRecipe Parse(string json, string source = "recipe")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new PortException($"The context recipe '{source}' is not JSON: {ex.Message}", ex);
        }

        var errors = new List<string>();
        var recipe = new ContextRecipe();
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new PortException($"The context recipe '{source}' must be an object, was {root.ValueKind}.");
        }

        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "name" when value.ValueKind == JsonValueKind.String:
                    recipe.Name = value.GetString()!;
                    break;
                case "maxLength" when value.TryGetInt32(out var max) && max > 0:
                    recipe.MaxLength = max;
                    break;
                case "actions" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    recipe.IncludeActions = value.GetBoolean();
                    break;
                case "maxSubjects" when value.TryGetInt32(out var subjects) && subjects > 0:
                    recipe.MaxSubjects = subjects;
                    break;
                case "relations" when value.ValueKind == JsonValueKind.Array:
                    var r = 0;
                    foreach (var walk in value.EnumerateArray())
                    {
                        if (ReadWalk(walk, $"/relations/{r++}", errors) is { } read)
                        {
                            recipe.Relations.Add(read);
                        }
                    }

                    break;
                case "scorecards" when value.ValueKind == JsonValueKind.Array:
                    var s = 0;
                    foreach (var scorecard in value.EnumerateArray())
                    {
                        try
                        {
                            recipe.Scorecards.Add(PortJson.ReadScorecard(scorecard.GetRawText()));
                        }
                        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException)
                        {
                            errors.Add($"/scorecards/{s}: not a scorecard: {ex.Message}");
                        }

                        s++;
                    }

                    break;
                case "calls" when value.ValueKind == JsonValueKind.Array:
                    var c = 0;
                    foreach (var call in value.EnumerateArray())
                    {
                        if (ReadCall(call, $"/calls/{c++}", errors) is { } read)
                        {
                            recipe.Calls.Add(read);
                        }
                    }

                    break;
                default:
                    errors.Add($"/{property.Name}: {(property.Name is "name" or "maxLength" or "maxSubjects" or "relations" or "scorecards" or "calls" or "actions" ? "has the wrong type" : "is not a recipe field; the fields are name, relations, scorecards, calls, actions, maxLength, maxSubjects")}");
                    break;
            }
        }

        if (errors.Count > 0)
        {
            throw new PortException($"The context recipe '{source}' is not valid ({errors.Count} errors):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", errors)}");
        }

        return recipe;
    }

    private static ContextRelationWalk? ReadWalk(JsonElement walk, string pointer, List<string> errors)
    {
        if (walk.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{pointer}: must be an object");
            return null;
        }

        var result = new ContextRelationWalk();
        foreach (var property in walk.EnumerateObject())
        {
            switch (property.Name)
            {
                case "hops" when property.Value.TryGetInt32(out var hops) && hops is >= 1 and <= 10:
                    result.Hops = hops;
                    break;
                case "direction" when property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is "upstream" or "downstream" or "both":
                    result.Direction = property.Value.GetString() switch { "upstream" => RelationDirection.Upstream, "downstream" => RelationDirection.Downstream, _ => null };
                    break;
                case "blueprints" when property.Value.ValueKind == JsonValueKind.Array && property.Value.EnumerateArray().All(b => b.ValueKind == JsonValueKind.String):
                    foreach (var blueprint in property.Value.EnumerateArray())
                    {
                        result.Blueprints.Add(blueprint.GetString()!);
                    }

                    break;
                case "priority" when property.Value.TryGetInt32(out var priority):
                    result.Priority = priority;
                    break;
                default:
                    errors.Add($"{pointer}/{property.Name}: {(property.Name is "hops" ? "must be a whole number from 1 to 10" : property.Name is "direction" ? "must be 'upstream', 'downstream' or 'both'" : property.Name is "blueprints" ? "must be an array of blueprint identifiers" : "is not a relation walk field; the fields are direction, hops, blueprints, priority")}");
                    break;
            }
        }

        return result;
    }

    private static ContextConnectorCall? ReadCall(JsonElement call, string pointer, List<string> errors)
    {
        if (call.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{pointer}: must be an object");
            return null;
        }

        string? connector = null, tool = null, arguments = null, label = null;
        int priority = 50;
        double? timeout = null;
        foreach (var property in call.EnumerateObject())
        {
            switch (property.Name)
            {
                case "connector" when property.Value.ValueKind == JsonValueKind.String:
                    connector = property.Value.GetString();
                    break;
                case "tool" when property.Value.ValueKind == JsonValueKind.String:
                    tool = property.Value.GetString();
                    break;
                case "arguments" when property.Value.ValueKind == JsonValueKind.String:
                    arguments = property.Value.GetString();
                    break;
                case "label" when property.Value.ValueKind == JsonValueKind.String:
                    label = property.Value.GetString();
                    break;
                case "priority" when property.Value.TryGetInt32(out var p):
                    priority = p;
                    break;
                case "timeoutSeconds" when property.Value.TryGetDouble(out var t) && t > 0:
                    timeout = t;
                    break;
                default:
                    errors.Add($"{pointer}/{property.Name}: is not a call field or has the wrong type; the fields are connector, tool, arguments (a jq expression), label, priority, timeoutSeconds");
                    break;
            }
        }

        if (connector is null || tool is null)
        {
            errors.Add($"{pointer}: 'connector' and 'tool' are required");
            return null;
        }

        try
        {
            return new ContextConnectorCall(connector, tool, arguments ?? "{}")
            {
                Label = label,
                Priority = priority,
                Timeout = timeout is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            };
        }
        catch (Exception ex) when (ex is JqException or JqParseException)
        {
            errors.Add($"{pointer}/arguments: the jq expression '{arguments}' does not compile: {ex.Message.ReplaceLineEndings(" ")}");
            return null;
        }
    }
}

/// <summary>A relation walk: from the subject, along relations in one direction or both, up to a number of hops.</summary>
public sealed class ContextRelationWalk
{
    /// <summary>Gets or sets the direction: upstream (what the subject points to), downstream (what points to it), or <see langword="null"/> for both.</summary>
    public RelationDirection? Direction { get; set; }

    /// <summary>Gets or sets how many hops to walk.</summary>
    /// <value>The default value is 1.</value>
    public int Hops { get; set; } = 1;

    /// <summary>Gets the blueprints of the related entities to keep; empty for every blueprint.</summary>
    public ISet<string> Blueprints { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the priority of the entities found (minus 10 per hop): when the budget is short, the lowest go first.</summary>
    /// <value>The default value is 80.</value>
    public int Priority { get; set; } = 80;
}

/// <summary>A connector call of a recipe: a tool, and a jq expression that builds its arguments from the subject entity (in Port's JSON shape).</summary>
public sealed class ContextConnectorCall
{
    /// <summary>Initializes a new instance of the <see cref="ContextConnectorCall"/> class.</summary>
    /// <param name="connector">The connector's name.</param>
    /// <param name="tool">The tool to call.</param>
    /// <param name="arguments">A jq expression giving the arguments object from the subject entity, such as <c>{owner: .properties.org, pullNumber: .properties.number}</c>.</param>
    /// <exception cref="ArgumentException">An argument is empty.</exception>
    /// <exception cref="JqParseException">The arguments expression does not compile.</exception>
    public ContextConnectorCall(string connector, string tool, string arguments = "{}")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connector);
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        ArgumentException.ThrowIfNullOrWhiteSpace(arguments);
        Connector = connector;
        Tool = tool;
        Arguments = arguments;
        ArgumentsFilter = JqFilter.Compile(arguments);
    }

    /// <summary>Gets the connector's name.</summary>
    public string Connector { get; }

    /// <summary>Gets the tool.</summary>
    public string Tool { get; }

    /// <summary>Gets the arguments expression.</summary>
    public string Arguments { get; }

    internal JqFilter ArgumentsFilter { get; }

    /// <summary>Gets or sets the part's title in the composed context; <see langword="null"/> for <c>connector/tool</c>.</summary>
    public string? Label { get; set; }

    /// <summary>Gets or sets the part's priority: when the budget is short, the lowest (then the largest) is cut first.</summary>
    /// <value>The default value is 50.</value>
    public int Priority { get; set; } = 50;

    /// <summary>Gets or sets how long the call may take before its part is given up; <see langword="null"/> for the composer's default.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Returns <c>connector/tool</c>.</summary>
    /// <returns>The call as text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Connector}/{Tool}");
}
