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
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not standard JSON: jq's own grammar accepts NaN and Infinity, and words its errors as jq does.
            return JqLenientJsonParser.Parse(utf8);
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

    internal static JqException Translate(JsonException ex)
        => ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
            ? new JqException($"Exceeds depth limit for parsing (line {ex.LineNumber + 1})", ex)
            : new JqException($"Invalid JSON text: {ex.Message}", ex);

    public static JqValue FromElement(JsonElement element)
    {
        var bytes = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element);

        // One reader per thread: its name cache then spans calls, so the keys of items of one shape are decoded once.
        var reader = t_elementReader ??= new JqJsonReader();
        var json = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = int.MaxValue / 2 });
        json.Read();
        return reader.ReadValue(ref json);
    }

    [ThreadStatic]
    private static JqJsonReader? t_elementReader;

    /// <summary>Gets this thread's reader, whose name cache spans calls.</summary>
    internal static JqJsonReader ForThread => t_elementReader ??= new JqJsonReader();

    /// <summary>Reads the value at the reader's current token; the reader is left on the value's last token.</summary>
    internal JqValue ReadCurrent(ref Utf8JsonReader json) => ReadValue(ref json);

    private readonly Stack<List<KeyValuePair<string, JqValue>>> _memberLists = new();
    private bool _lastNameShared;

    /// <summary>Whether the name <see cref="ReadName"/> returned last is shared (interned), so duplicates compare by reference.</summary>
    internal bool LastNameShared => _lastNameShared;

    internal JqValue ReadValue(ref Utf8JsonReader json)
    {
        // Containers under construction, without recursion. Object members gather in pooled lists and become an
        // object of exactly their size at the closing brace.
        var stack = new Stack<(List<JqValue>? Array, List<KeyValuePair<string, JqValue>>? Members, bool Shared, string? Key)>();
        string? key = null;
        while (true)
        {
            JqValue value;
            switch (json.TokenType)
            {
                case JsonTokenType.StartArray:
                    stack.Push((new List<JqValue>(), null, true, key));
                    key = null;
                    json.Read();
                    continue;
                case JsonTokenType.StartObject:
                    stack.Push((null, _memberLists.Count > 0 ? _memberLists.Pop() : new List<KeyValuePair<string, JqValue>>(32), true, key));
                    key = null;
                    json.Read();
                    continue;
                case JsonTokenType.PropertyName:
                    key = ReadName(ref json);
                    if (!_lastNameShared)
                    {
                        var top = stack.Pop();
                        stack.Push(top with { Shared = false });
                    }

                    json.Read();
                    continue;
                case JsonTokenType.EndArray:
                    {
                        var (list, _, _, parentKey) = stack.Pop();
                        value = JqValue.OwnList(list!);
                        key = parentKey;
                        break;
                    }

                case JsonTokenType.EndObject:
                    {
                        var (_, members, shared, parentKey) = stack.Pop();
                        value = JqValue.FromObject(JqObject.FromMembers(members!, shared));
                        members!.Clear();
                        _memberLists.Push(members);
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

            var parent = stack.Peek();
            if (parent.Array is not null)
            {
                parent.Array.Add(value);
            }
            else
            {
                parent.Members!.Add(new KeyValuePair<string, JqValue>(key!, value));
                key = null;
            }

            json.Read();
        }
    }

    internal string ReadName(ref Utf8JsonReader json)
    {
        if (json.ValueIsEscaped || json.HasValueSequence || json.ValueSpan.Length > 64)
        {
            _lastNameShared = false;
            return json.GetString()!;
        }

        _lastNameShared = true;

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

        var decoded = Encoding.UTF8.GetString(span);
        var name = NameTable.Intern(decoded);
        if (!ReferenceEquals(name, decoded) || NameTable.IsShared(name))
        {
            _names[slot] = name;
            _nameBytes[slot] = span.ToArray();
            return name;
        }

        // The shared table is full: this name is not shared, so duplicates must be compared by value.
        _lastNameShared = false;
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
                return JqValue.FromShortestLiteral(text[0] == (byte)'-' ? -integer : integer);
            }
        }

        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value);
        var shortest = JqValue.FormatNumber(value);
        return Encoding.ASCII.GetByteCount(shortest) == text.Length && AsciiEquals(shortest, text)
            ? JqValue.FromShortestLiteral(value)
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
