using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Port.Sdk.Jq;

namespace Port.Sdk.Actions.Internal;

/// <summary>
/// A JSON value whose strings may hold Port's <c>{{ jq }}</c> templates, compiled once. A string that is one template
/// and nothing else takes the jq result's JSON type (<c>"{{ .inputs.count }}"</c> is a number); a string with text
/// around templates is text, each result written as jq's <c>tostring</c> does.
/// </summary>
internal abstract class PayloadTemplate
{
    public abstract JsonNode? Render(JsonNode context, JqRunOptions options, string pointer);

    public static PayloadTemplate Compile(JsonElement value, string pointer, TemplateCompilation compilation)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                {
                    var members = new List<(string, string, PayloadTemplate)>();
                    foreach (var property in value.EnumerateObject())
                    {
                        var childPointer = pointer + "/" + JsonPositions.Escape(property.Name);
                        members.Add((property.Name, childPointer, Compile(property.Value, childPointer, compilation)));
                    }

                    return new ObjectTemplate(members);
                }

            case JsonValueKind.Array:
                {
                    var items = new List<PayloadTemplate>();
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        items.Add(Compile(item, $"{pointer}/{i++}", compilation));
                    }

                    return new ArrayTemplate(items);
                }

            case JsonValueKind.String:
                return CompileString(value.GetString()!, pointer, compilation);
            default:
                return new LiteralTemplate(JsonNode.Parse(value.GetRawText()));
        }
    }

    public static PayloadTemplate CompileString(string text, string pointer, TemplateCompilation compilation)
    {
        var parts = new List<object>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                literal.Append(text, i, text.Length - i);
                break;
            }

            literal.Append(text, i, open - i);
            var close = FindClose(text, open + 2);
            if (close < 0)
            {
                compilation.Error(pointer, open, $"the template at character {open + 1} has '{{{{' without a closing '}}}}'");
                return new LiteralTemplate(JsonValue.Create(text));
            }

            var program = text[(open + 2)..close];
            if (program.Trim().Length == 0)
            {
                compilation.Error(pointer, open, $"the template at character {open + 1} is empty");
                return new LiteralTemplate(JsonValue.Create(text));
            }

            if (!JqFilter.TryCompile(program, out var filter, out var error))
            {
                compilation.Error(pointer, open + 2 + error.Position, $"the jq expression '{program.Trim()}' does not compile: {error.Reason} at character {error.Position + 1} of the expression");
                return new LiteralTemplate(JsonValue.Create(text));
            }

            if (literal.Length > 0)
            {
                parts.Add(literal.ToString());
                literal.Clear();
            }

            parts.Add(filter);
            i = close + 2;
        }

        if (literal.Length > 0)
        {
            parts.Add(literal.ToString());
        }

        return parts switch
        {
            [] => new LiteralTemplate(JsonValue.Create(string.Empty)),
            [string only] => new LiteralTemplate(JsonValue.Create(only)),
            [JqFilter only] => new ExpressionTemplate(only),
            _ => new InterpolationTemplate(parts),
        };
    }

    /// <summary>The <c>}}</c> that ends a template, skipping jq string literals and object braces inside it.</summary>
    private static int FindClose(string text, int start)
    {
        var depth = 0;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\')
                    {
                        i++;
                    }
                }
            }
            else if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                if (depth == 0 && i + 1 < text.Length && text[i + 1] == '}')
                {
                    return i;
                }

                depth = Math.Max(0, depth - 1);
            }
        }

        return -1;
    }

    protected static JsonNode? First(JqFilter filter, JsonNode context, JqRunOptions options, string pointer)
    {
        try
        {
            foreach (var output in filter.Run(context, options))
            {
                return output;
            }

            return null;
        }
        catch (JqException ex)
        {
            throw new ActionTemplateException(pointer, filter.Program.Trim(), ex.Message, ex);
        }
    }

    private sealed class LiteralTemplate(JsonNode? value) : PayloadTemplate
    {
        public override JsonNode? Render(JsonNode context, JqRunOptions options, string pointer) => value?.DeepClone();
    }

    private sealed class ExpressionTemplate(JqFilter filter) : PayloadTemplate
    {
        public override JsonNode? Render(JsonNode context, JqRunOptions options, string pointer) => First(filter, context, options, pointer);
    }

    private sealed class InterpolationTemplate(List<object> parts) : PayloadTemplate
    {
        public override JsonNode? Render(JsonNode context, JqRunOptions options, string pointer)
        {
            var text = new StringBuilder();
            foreach (var part in parts)
            {
                if (part is string literal)
                {
                    text.Append(literal);
                }
                else
                {
                    var value = First((JqFilter)part, context, options, pointer);
                    text.Append(value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value?.ToJsonString() ?? "null");
                }
            }

            return JsonValue.Create(text.ToString());
        }
    }

    private sealed class ObjectTemplate(List<(string Name, string Pointer, PayloadTemplate Value)> members) : PayloadTemplate
    {
        public override JsonNode? Render(JsonNode context, JqRunOptions options, string pointer)
        {
            var result = new JsonObject();
            foreach (var (name, childPointer, value) in members)
            {
                result[name] = value.Render(context, options, childPointer);
            }

            return result;
        }
    }

    private sealed class ArrayTemplate(List<PayloadTemplate> items) : PayloadTemplate
    {
        public override JsonNode? Render(JsonNode context, JqRunOptions options, string pointer)
        {
            var result = new JsonArray();
            for (var i = 0; i < items.Count; i++)
            {
                result.Add(items[i].Render(context, options, $"{pointer}/{i}"));
            }

            return result;
        }
    }
}

/// <summary>Collects template compilation errors with their position in the definition's text.</summary>
internal sealed class TemplateCompilation(string? action, JsonPositions? positions, string? file, List<ActionDefinitionError> errors)
{
    public void Error(string pointer, int offsetInString, string message)
    {
        var at = positions?.Of(pointer);
        errors.Add(new ActionDefinitionError(action, pointer, "jq", message)
        {
            File = file,
            Line = at?.Line,

            // The string's opening quote, then the offset (exact for strings without escapes on one line).
            Column = at is null ? null : at.Value.Column + 1 + offsetInString,
        });
    }
}
