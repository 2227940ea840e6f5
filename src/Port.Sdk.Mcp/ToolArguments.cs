using System.Globalization;
using System.Text.Json;

namespace Port.Sdk.Mcp;

/// <summary>
/// Reads a tool call's arguments strictly, as the tool's input schema states them: unknown arguments, wrong types and values
/// out of bounds throw a <see cref="ToolArgumentException"/> whose message names the argument, the rule and the value.
/// </summary>
internal sealed class ToolArguments
{
    private const int MaxQuotedValue = 60;

    private readonly string _tool;
    private readonly IDictionary<string, JsonElement> _arguments;

    private ToolArguments(string tool, IDictionary<string, JsonElement> arguments)
    {
        _tool = tool;
        _arguments = arguments;
    }

    /// <summary>Checks that every argument is one of <paramref name="known"/> (the schemas say <c>additionalProperties: false</c>).</summary>
    public static ToolArguments Of(string tool, IDictionary<string, JsonElement>? arguments, params string[] known)
    {
        arguments ??= new Dictionary<string, JsonElement>();
        foreach (var name in arguments.Keys.Order(StringComparer.Ordinal))
        {
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                throw new ToolArgumentException(name, known.Length == 0
                    ? $"The tool '{tool}' takes no arguments; '{name}' was given."
                    : $"The tool '{tool}' has no argument '{name}'; its arguments are {string.Join(", ", known.Select(k => $"'{k}'"))}.");
            }
        }

        return new ToolArguments(tool, arguments);
    }

    public string? String(string name)
    {
        if (!_arguments.TryGetValue(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new ToolArgumentException(name, $"The argument '{name}' must be a string; it was {Describe(value)}.");
        }

        var text = value.GetString()!;
        return text.Length == 0 ? throw new ToolArgumentException(name, $"The argument '{name}' must be a non-empty string; it was \"\".") : text;
    }

    public string RequiredString(string name)
        => String(name) ?? throw new ToolArgumentException(name, $"The argument '{name}' is required by '{_tool}' and must be a non-empty string.");

    public int Integer(string name, int minimum, int maximum, int fallback)
    {
        if (!_arguments.TryGetValue(name, out var value))
        {
            return fallback;
        }

        var rule = $"The argument '{name}' must be an integer from {minimum.ToString(CultureInfo.InvariantCulture)} to {maximum.ToString(CultureInfo.InvariantCulture)}";
        if (value.ValueKind != JsonValueKind.Number)
        {
            throw new ToolArgumentException(name, $"{rule}; it was {Describe(value)}.");
        }

        // JSON Schema's 'integer' admits 10.0; 2.5 and 1e400 are not integers (or not finite).
        if (!value.TryGetDouble(out var number) || !double.IsFinite(number) || Math.Floor(number) != number)
        {
            throw new ToolArgumentException(name, $"{rule}; it was {Describe(value)}, which is not an integer.");
        }

        return number < minimum || number > maximum
            ? throw new ToolArgumentException(name, $"{rule}; it was {Describe(value)}.")
            : (int)number;
    }

    public bool Boolean(string name, bool fallback)
    {
        if (!_arguments.TryGetValue(name, out var value))
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ToolArgumentException(name, $"The argument '{name}' must be a boolean; it was {Describe(value)}."),
        };
    }

    public JsonElement RequiredObject(string name, string what)
        => Object(name, what) ?? throw new ToolArgumentException(name, $"The argument '{name}' is required by '{_tool}' and must be an object ({what}).");

    public JsonElement? Object(string name, string what)
    {
        if (!_arguments.TryGetValue(name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value
            : throw new ToolArgumentException(name, $"The argument '{name}' must be an object ({what}); it was {Describe(value)}.");
    }

    /// <summary>The value as a message shows it: its JSON kind and (shortened) text, so "10" and 10 read differently.</summary>
    internal static string Describe(JsonElement value)
    {
        var raw = value.GetRawText();
        if (raw.Length > MaxQuotedValue)
        {
            raw = string.Concat(raw.AsSpan(0, MaxQuotedValue), "...");
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => $"the string {raw}",
            JsonValueKind.Number => raw,
            JsonValueKind.True or JsonValueKind.False => $"the boolean {raw}",
            JsonValueKind.Null => "null",
            JsonValueKind.Array => $"an array {raw}",
            _ => $"an object {raw}",
        };
    }
}
