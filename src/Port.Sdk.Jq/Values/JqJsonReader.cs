using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Port.Sdk.Jq;

/// <summary>Reads JSON text (UTF-8 bytes, never strings) into <see cref="JqValue"/>s without recursion.</summary>
internal sealed class JqJsonReader
{
    /// <summary>jq's own limit: deeper input is a parse error, not a stack overflow.</summary>
    public const int MaxDepth = 10_000;

    private readonly string?[] _names = new string?[512];
    private readonly byte[]?[] _nameBytes = new byte[]?[512];

    public static JqValue ParseSingle(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        var reader = new JqJsonReader();
        var json = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth, AllowMultipleValues = false });
        try
        {
            if (!json.Read())
            {
                throw new JqException("Expected a JSON value, found end of input");
            }

            var value = reader.ReadValue(ref json);
            if (json.Read())
            {
                throw new JqException($"Unexpected extra JSON values (at byte {json.TokenStartIndex})");
            }

            return value;
        }
        catch (JsonException ex)
        {
            throw Translate(ex);
        }
    }

    /// <summary>Reads a sequence of whitespace-separated JSON texts, lazily.</summary>
    public static IEnumerable<JqValue> ParseMany(ReadOnlyMemory<byte> utf8, string? source = null)
    {
        var reader = new JqJsonReader();
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = MaxDepth, AllowMultipleValues = true });
        long offset = 0;
        if (utf8.Span.StartsWith("\uFEFF"u8))
        {
            offset = 3;
        }

        while (true)
        {
            var (done, value, consumed, next) = reader.ReadNext(utf8.Span[(int)offset..], state, source, offset);
            if (done)
            {
                yield break;
            }

            offset += consumed;
            state = next;
            yield return value;
        }
    }

    private (bool Done, JqValue Value, long Consumed, JsonReaderState State) ReadNext(ReadOnlySpan<byte> span, JsonReaderState state, string? source, long offset)
    {
        var json = new Utf8JsonReader(span, isFinalBlock: true, state);
        try
        {
            if (!json.Read())
            {
                return (true, default, 0, state);
            }

            var value = ReadValue(ref json);
            return (false, value, json.BytesConsumed, json.CurrentState);
        }
        catch (JsonException ex)
        {
            var where = source is null ? string.Empty : $" in {source}";
            throw new JqException($"{Translate(ex).Message}{where} (at byte {offset + (ex.BytePositionInLine ?? 0)})", ex);
        }
    }

    private static JqException Translate(JsonException ex)
        => ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
            ? new JqException($"Exceeds depth limit for parsing (line {ex.LineNumber + 1})", ex)
            : new JqException($"Invalid JSON text: {ex.Message}", ex);

    public static JqValue FromElement(JsonElement element)
    {
        var bytes = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element);
        var reader = new JqJsonReader();
        var json = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = int.MaxValue / 2 });
        json.Read();
        return reader.ReadValue(ref json);
    }

    private JqValue ReadValue(ref Utf8JsonReader json)
    {
        // Containers under construction; a string key waits in 'key' until its value is read.
        var stack = new Stack<(List<JqValue>? Array, JqObject? Object, string? Key)>();
        string? key = null;
        while (true)
        {
            JqValue value;
            switch (json.TokenType)
            {
                case JsonTokenType.StartArray:
                    stack.Push((new List<JqValue>(), null, key));
                    key = null;
                    json.Read();
                    continue;
                case JsonTokenType.StartObject:
                    stack.Push((null, new JqObject(), key));
                    key = null;
                    json.Read();
                    continue;
                case JsonTokenType.PropertyName:
                    key = ReadName(ref json);
                    json.Read();
                    continue;
                case JsonTokenType.EndArray:
                    {
                        var (list, _, parentKey) = stack.Pop();
                        value = JqValue.OwnList(list!);
                        key = parentKey;
                        break;
                    }

                case JsonTokenType.EndObject:
                    {
                        var (_, obj, parentKey) = stack.Pop();
                        value = JqValue.FromObject(obj!);
                        key = parentKey;
                        break;
                    }

                case JsonTokenType.String:
                    value = JqValue.FromString(json.GetString()!);
                    break;
                case JsonTokenType.Number:
                    value = ReadNumber(json.HasValueSequence ? json.ValueSequence.ToArray() : json.ValueSpan);
                    break;
                case JsonTokenType.True:
                    value = JqValue.True;
                    break;
                case JsonTokenType.False:
                    value = JqValue.False;
                    break;
                default:
                    value = JqValue.Null;
                    break;
            }

            if (stack.Count == 0)
            {
                return value;
            }

            var top = stack.Peek();
            if (top.Array is not null)
            {
                top.Array.Add(value);
            }
            else
            {
                top.Object!.SetInPlace(key!, value);
                key = null;
            }

            json.Read();
        }
    }

    private string ReadName(ref Utf8JsonReader json)
    {
        if (json.ValueIsEscaped || json.HasValueSequence || json.ValueSpan.Length > 64)
        {
            return json.GetString()!;
        }

        var span = json.ValueSpan;
        var hash = 17;
        foreach (var b in span)
        {
            hash = (hash * 31) + b;
        }

        var slot = hash & (_names.Length - 1);
        if (_nameBytes[slot] is { } cached && span.SequenceEqual(cached))
        {
            return _names[slot]!;
        }

        var name = NameTable.Intern(Encoding.UTF8.GetString(span));
        _names[slot] = name;
        _nameBytes[slot] = span.ToArray();
        return name;
    }

    internal static JqValue ReadNumber(ReadOnlySpan<byte> text)
    {
        // Short integers are exact doubles whose shortest form is their literal: no literal to keep.
        if (text.Length <= 15)
        {
            long integer = 0;
            var i = text[0] == (byte)'-' ? 1 : 0;
            var simple = i < text.Length && (text[i] != (byte)'0' || text.Length == i + 1);
            for (; i < text.Length && simple; i++)
            {
                var d = text[i] - (byte)'0';
                if ((uint)d > 9)
                {
                    simple = false;
                    break;
                }

                integer = (integer * 10) + d;
            }

            if (simple && !(text[0] == (byte)'-' && integer == 0))
            {
                return JqValue.FromNumber(text[0] == (byte)'-' ? -integer : integer);
            }
        }

        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value);
        var shortest = JqValue.FormatNumber(value);
        return Encoding.ASCII.GetByteCount(shortest) == text.Length && AsciiEquals(shortest, text)
            ? JqValue.FromNumber(value)
            : JqValue.FromNumberLiteral(value, Encoding.ASCII.GetString(text));
    }

    private static bool AsciiEquals(string text, ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != bytes[i])
            {
                return false;
            }
        }

        return true;
    }
}
