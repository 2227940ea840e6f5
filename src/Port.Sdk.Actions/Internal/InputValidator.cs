using System.Text.Json;
using System.Text.Json.Nodes;
using Port.Sdk.Jq;
using Port.Sdk.JsonSchema;

namespace Port.Sdk.Actions.Internal;

/// <summary>
/// Checks an invocation's inputs as Port's form does: hidden inputs (<c>visible</c>) are dropped, defaults applied,
/// required inputs (an array or a <c>jqQuery</c>) checked, each value checked by the JSON Schema validator, dynamic
/// enums checked, and entity inputs looked up in the catalog (templates then see the entities, as in Port).
/// </summary>
internal sealed class InputValidator
{
    private readonly PortAction _action;
    private readonly JsonSchema.JsonSchema _schema;

    public InputValidator(PortAction action)
    {
        _action = action;
        // Required inputs and unknown inputs are checked here (required can be a jqQuery; unknown names get a suggestion).
        var schema = action.BuildInputSchema(includeRequired: false);
        schema.Remove("additionalProperties");
        _schema = JsonSchema.JsonSchema.FromNode(schema, new JsonSchemaOptions { FormatAssertion = true });
    }

    public async Task<(JsonObject Inputs, JsonObject Expanded)> ValidateAsync(JsonElement? given, JsonNode? entity, JsonNode? user, PortCatalog catalog, JqRunOptions jq, CancellationToken cancellationToken)
    {
        var errors = new List<ActionInputError>();
        JsonObject inputs;
        if (given is null || given.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            inputs = [];
        }
        else if (given.Value.ValueKind != JsonValueKind.Object)
        {
            throw new ActionInputException(_action.Identifier, [new ActionInputError(string.Empty, string.Empty, "type", $"the inputs must be a JSON object, found {given.Value.ValueKind.ToString().ToLowerInvariant()}")]);
        }
        else
        {
            inputs = JsonNode.Parse(given.Value.GetRawText())!.AsObject();
        }

        var queries = _action.Compiled.InputQueries;
        JsonObject Form() => new() { ["form"] = inputs.DeepClone(), ["entity"] = entity?.DeepClone(), ["user"] = user?.DeepClone() };

        var hidden = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in _action.Trigger.UserInputs.Properties)
        {
            var visible = input.Definition.TryGetProperty("visible", out var v) && v.ValueKind == JsonValueKind.False ? false
                : queries.TryGetValue((input.Name, "visible"), out var query) ? Truthy(Run(query, Form(), jq, input.Name, "visible", errors)) : true;
            if (!visible)
            {
                hidden.Add(input.Name);
                inputs.Remove(input.Name);
                continue;
            }

            if (!inputs.ContainsKey(input.Name))
            {
                if (queries.TryGetValue((input.Name, "default"), out var defaultQuery))
                {
                    if (Run(defaultQuery, Form(), jq, input.Name, "default", errors) is { } computed)
                    {
                        inputs[input.Name] = computed;
                    }
                }
                else if (input.Definition.TryGetProperty("default", out var value))
                {
                    inputs[input.Name] = JsonNode.Parse(value.GetRawText());
                }
            }
        }

        var required = new HashSet<string>(_action.Trigger.UserInputs.Required, StringComparer.Ordinal);
        if (_action.Compiled.RequiredJq is { } requiredQuery)
        {
            switch (Run(requiredQuery, Form(), jq, string.Empty, "required", errors))
            {
                case JsonArray names:
                    required.UnionWith(names.OfType<JsonValue>().Where(n => n.GetValueKind() == JsonValueKind.String).Select(n => n.GetValue<string>()));
                    break;
                case null:
                    break;
                case var other:
                    errors.Add(new ActionInputError(string.Empty, string.Empty, "jq", $"the 'required' jqQuery must produce an array of input names, produced {other.ToJsonString()}"));
                    break;
            }
        }

        foreach (var name in required.Where(r => !hidden.Contains(r) && (!inputs.TryGetPropertyValue(r, out var value) || value is null)).Order(StringComparer.Ordinal))
        {
            errors.Add(new ActionInputError(name, "/" + JsonPositions.Escape(name), "required", $"the input '{name}' is required"));
        }

        var result = _schema.Validate(JsonDocument.Parse(inputs.ToJsonString()).RootElement, cancellationToken);
        foreach (var error in result.Errors)
        {
            var input = error.InstanceLocation.Length > 1 ? error.InstanceLocation[1..].Split('/')[0].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal) : string.Empty;
            errors.Add(new ActionInputError(input, error.InstanceLocation, error.Keyword, error.Message));
        }

        foreach (var unknown in inputs.Select(p => p.Key).Where(k => _action.Trigger.UserInputs.Properties.All(i => i.Name != k)))
        {
            errors.Add(new ActionInputError(unknown, "/" + JsonPositions.Escape(unknown), "additionalProperties", $"'{unknown}' is not an input of this action{ActionParser.DidYouMean(unknown, _action.Trigger.UserInputs.Properties.Select(i => i.Name))}"));
        }

        foreach (var input in _action.Trigger.UserInputs.Properties)
        {
            if (queries.TryGetValue((input.Name, "enum"), out var enumQuery) && inputs.TryGetPropertyValue(input.Name, out var value) && value is not null)
            {
                if (Run(enumQuery, Form(), jq, input.Name, "enum", errors) is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
                {
                    errors.Add(new ActionInputError(input.Name, "/" + JsonPositions.Escape(input.Name), "enum", $"{value.ToJsonString()} is not one of {allowed.ToJsonString()}"));
                }
            }
        }

        var expanded = inputs.DeepClone().AsObject();
        foreach (var input in _action.Trigger.UserInputs.Properties.Where(i => i.IsEntity && i.Blueprint is not null))
        {
            if (!inputs.TryGetPropertyValue(input.Name, out var value) || value is null)
            {
                continue;
            }

            var pointer = "/" + JsonPositions.Escape(input.Name);
            if (input.IsEntityArray && value is JsonArray identifiers)
            {
                var entities = new JsonArray();
                for (var i = 0; i < identifiers.Count; i++)
                {
                    entities.Add(await EntityAsync(catalog, input, identifiers[i], $"{pointer}/{i}", errors, cancellationToken).ConfigureAwait(false));
                }

                expanded[input.Name] = entities;
            }
            else if (!input.IsEntityArray)
            {
                expanded[input.Name] = await EntityAsync(catalog, input, value, pointer, errors, cancellationToken).ConfigureAwait(false);
            }
        }

        if (errors.Count > 0)
        {
            throw new ActionInputException(_action.Identifier, errors);
        }

        return (inputs, expanded);
    }

    private static async Task<JsonNode?> EntityAsync(PortCatalog catalog, ActionUserInput input, JsonNode? value, string pointer, List<ActionInputError> errors, CancellationToken cancellationToken)
    {
        if (value is not JsonValue text || text.GetValueKind() != JsonValueKind.String)
        {
            return value?.DeepClone();
        }

        var identifier = text.GetValue<string>();
        var entity = await catalog.GetEntityAsync(input.Blueprint!, identifier, cancellationToken).ConfigureAwait(false);
        if (entity is null)
        {
            errors.Add(new ActionInputError(input.Name, pointer, "entity", $"there is no entity '{identifier}' of blueprint '{input.Blueprint}'"));
            return null;
        }

        return JsonNode.Parse(PortJson.Write(entity));
    }

    private JsonNode? Run(JqFilter filter, JsonObject context, JqRunOptions jq, string input, string key, List<ActionInputError> errors)
    {
        try
        {
            foreach (var output in filter.Run(context, jq))
            {
                return output;
            }

            return null;
        }
        catch (JqException ex)
        {
            errors.Add(new ActionInputError(input, input.Length == 0 ? string.Empty : "/" + JsonPositions.Escape(input), "jq", $"the '{key}' jqQuery of action '{_action.Identifier}' failed: {ex.Message}"));
            return null;
        }
    }

    internal static bool Truthy(JsonNode? value) => value is not null && !(value is JsonValue v && v.GetValueKind() == JsonValueKind.False);
}
