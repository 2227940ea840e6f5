using System.Text;
using System.Text.Json;

namespace Port.Sdk.Actions.Internal;

/// <summary>Where each value of a JSON text starts (line and column, 1-based), by JSON Pointer: what errors point at.</summary>
internal sealed class JsonPositions
{
    private readonly Dictionary<string, (long Line, long Column)> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Line, long Column)> _keys = new(StringComparer.Ordinal);

    private JsonPositions()
    {
    }

    public static JsonPositions Index(byte[] utf8)
    {
        var positions = new JsonPositions();
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        (long, long) At(long offset)
        {
            var line = lineStarts.BinarySearch((int)offset);
            line = line >= 0 ? line : ~line - 1;
            return (line + 1, Encoding.UTF8.GetCharCount(utf8, lineStarts[line], (int)offset - lineStarts[line]) + 1);
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 });
        var path = new List<string>();
        var indexes = new Stack<int>();
        var inArray = new Stack<bool>();
        string? pendingKey = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    pendingKey = reader.GetString()!;
                    positions._keys[Pointer(path, pendingKey)] = At(reader.TokenStartIndex);
                    continue;
                }

                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    inArray.Pop();
                    indexes.Pop();
                    if (path.Count > 0 && inArray.Count > 0)
                    {
                        path.RemoveAt(path.Count - 1);
                    }

                    continue;
                }

                string segment;
                if (inArray.Count == 0)
                {
                    segment = string.Empty;
                }
                else if (inArray.Peek())
                {
                    var index = indexes.Pop();
                    indexes.Push(index + 1);
                    segment = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                else
                {
                    segment = pendingKey ?? string.Empty;
                }

                var pointer = inArray.Count == 0 ? string.Empty : Pointer(path, segment);
                positions._values[pointer] = At(reader.TokenStartIndex);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    if (inArray.Count > 0)
                    {
                        path.Add(segment);
                    }

                    inArray.Push(reader.TokenType == JsonTokenType.StartArray);
                    indexes.Push(0);
                }
            }
        }
        catch (JsonException)
        {
            // The text is parsed again by JsonDocument, which reports the syntax error with its position.
        }

        return positions;
    }

    /// <summary>The position of a value, or of the key that names it, or of the nearest enclosing value.</summary>
    public (long Line, long Column)? Of(string pointer, bool key = false)
    {
        while (true)
        {
            if (key && _keys.TryGetValue(pointer, out var k))
            {
                return k;
            }

            if (_values.TryGetValue(pointer, out var v))
            {
                return v;
            }

            if (pointer.Length == 0)
            {
                return null;
            }

            pointer = pointer[..pointer.LastIndexOf('/')];
            key = false;
        }
    }

    public static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Pointer(List<string> path, string last)
    {
        var builder = new StringBuilder();
        foreach (var segment in path)
        {
            builder.Append('/').Append(Escape(segment));
        }

        return builder.Append('/').Append(Escape(last)).ToString();
    }
}
