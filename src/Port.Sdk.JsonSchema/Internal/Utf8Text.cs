using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Port.Sdk.JsonSchema.Internal;

/// <summary>Reads string values and property names from a <see cref="JsonElement"/> without allocating when it can.</summary>
internal static class Utf8Text
{
    public const int StackBufferSize = 256;

    public static ReadOnlySpan<byte> RawStringContent(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        return raw.Length >= 2 && raw[0] == (byte)'"' && raw[^1] == (byte)'"' ? raw[1..^1] : raw;
    }

    public static int CodePointCount(JsonElement element)
    {
        var raw = RawStringContent(element);
        if (raw.IndexOf((byte)'\\') < 0)
        {
            var count = 0;
            foreach (var b in raw)
            {
                if ((b & 0xC0) != 0x80)
                {
                    count++;
                }
            }

            return count;
        }

        var text = element.GetString()!;
        var runes = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            runes++;
        }

        return runes;
    }

    /// <summary>Decodes a string value into <paramref name="buffer"/> when it fits and has no escapes, else allocates.</summary>
    public static ReadOnlySpan<char> GetChars(JsonElement element, Span<char> buffer)
    {
        var raw = RawStringContent(element);
        if (raw.Length <= buffer.Length && raw.IndexOf((byte)'\\') < 0)
        {
            var written = Encoding.UTF8.GetChars(raw, buffer);
            return buffer[..written];
        }

        return element.GetString();
    }

    /// <summary>Decodes a property name into <paramref name="buffer"/> when it fits and has no escapes, else allocates.</summary>
    public static ReadOnlySpan<char> GetName(JsonProperty property, Span<char> buffer)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.Length <= buffer.Length && raw.IndexOf((byte)'\\') < 0)
        {
            var written = Encoding.UTF8.GetChars(raw, buffer);
            return buffer[..written];
        }

        return property.Name;
    }
}
