using System.Buffers;
using System.Globalization;
using System.Text;

namespace Port.Sdk.Jq.Streaming;

/// <summary>
/// Writes jq values as jq prints them, straight to UTF-8 bytes in a growable buffer (pooled), with no intermediate
/// strings or text writer: the same bytes <see cref="JqJsonWriter"/> gives through a UTF-8 <see cref="StreamWriter"/>
/// (a lone surrogate becomes U+FFFD, as that encoder does), with the same depth marker, stack guard and step count.
/// </summary>
internal sealed class Utf8JqWriter : IDisposable
{
    private static readonly SearchValues<char> Escaped = SearchValues.Create(Chars(0, 0x20) + "\"\\\u007F");
    private static readonly SearchValues<char> EscapedAscii = SearchValues.Create(Chars(0, 0x20) + "\"\\" + Chars(0x7F, 0x10000 - 0x7F));

    private byte[] _buffer;
    private int _length;

    public Utf8JqWriter(int capacity = 1 << 16) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));

    /// <summary>Gets the number of bytes written.</summary>
    public int Length => _length;

    /// <summary>Gets the bytes written.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>Forgets what was written (after it was copied out), keeping the buffer.</summary>
    public void Clear() => _length = 0;

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteAscii(ReadOnlySpan<byte> utf8)
    {
        Ensure(utf8.Length);
        utf8.CopyTo(_buffer.AsSpan(_length));
        _length += utf8.Length;
    }

    /// <summary>Writes text as UTF-8 without quotes or escapes (<c>-r</c>).</summary>
    public void WriteText(ReadOnlySpan<char> text)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
    }

    /// <summary>Writes a value as JSON, formatted as <see cref="JqValue.WriteTo(TextWriter, JqJsonWriterOptions?)"/> does.</summary>
    public void Write(JqValue value, JqJsonWriterOptions options) => Write(value, options, options.Indent > 0 || options.UseTab, 0);

    private void Write(JqValue value, JqJsonWriterOptions options, bool pretty, int depth)
    {
        switch (value.Kind)
        {
            case JqKind.Null:
                WriteAscii("null"u8);
                return;
            case JqKind.False:
                WriteAscii("false"u8);
                return;
            case JqKind.True:
                WriteAscii("true"u8);
                return;
            case JqKind.Number:
                WriteNumber(value);
                return;
            case JqKind.String:
                WriteString(value.String, options.AsciiOutput);
                return;
        }

        if (depth > JqJsonWriter.MaxPrintDepth)
        {
            WriteAscii("<skipped: too deep>"u8);
            return;
        }

        Runtime.Limits.EnsureStack("printing JSON");
        Runtime.Limits.Step();
        if (value.Kind == JqKind.Array)
        {
            var items = value.Array;
            if (items.Count == 0)
            {
                WriteAscii("[]"u8);
                return;
            }

            WriteByte((byte)'[');
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0)
                {
                    WriteByte((byte)',');
                }

                NewLine(options, pretty, depth + 1);
                Write(items[i], options, pretty, depth + 1);
            }

            NewLine(options, pretty, depth);
            WriteByte((byte)']');
            return;
        }

        var obj = value.Object;
        if (obj.Count == 0)
        {
            WriteAscii("{}"u8);
            return;
        }

        WriteByte((byte)'{');
        if (options.SortKeys)
        {
            var first = true;
            foreach (var key in obj.SortedKeys())
            {
                obj.TryGetValue(key, out var item);
                WriteMember(key, item, options, pretty, depth, first);
                first = false;
            }
        }
        else
        {
            for (var i = 0; i < obj.Count; i++)
            {
                WriteMember(obj.KeyAt(i), obj.ValueAt(i), options, pretty, depth, i == 0);
            }
        }

        NewLine(options, pretty, depth);
        WriteByte((byte)'}');
    }

    private void WriteMember(string key, JqValue item, JqJsonWriterOptions options, bool pretty, int depth, bool first)
    {
        if (!first)
        {
            WriteByte((byte)',');
        }

        NewLine(options, pretty, depth + 1);
        WriteString(key, options.AsciiOutput);
        if (pretty)
        {
            WriteAscii(": "u8);
        }
        else
        {
            WriteByte((byte)':');
        }

        Write(item, options, pretty, depth + 1);
    }

    private void NewLine(JqJsonWriterOptions options, bool pretty, int depth)
    {
        if (!pretty)
        {
            return;
        }

        var width = options.UseTab ? depth : depth * options.Indent;
        Ensure(width + 1);
        _buffer[_length++] = (byte)'\n';
        _buffer.AsSpan(_length, width).Fill(options.UseTab ? (byte)'\t' : (byte)' ');
        _length += width;
    }

    private void WriteNumber(JqValue value)
    {
        if (value.NumberLiteral is { } literal)
        {
            WriteText(JqValue.CanonicalLiteral(literal));
            return;
        }

        var number = value.Number;

        // JqValue.FormatNumber's integer case, without the string.
        if (number == Math.Floor(number) && Math.Abs(number) < 1e15 && !(number == 0 && double.IsNegative(number)))
        {
            Ensure(20);
            ((long)number).TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
            _length += written;
            return;
        }

        WriteText(JqValue.FormatNumber(number));
    }

    private void WriteString(string text, bool ascii)
    {
        WriteByte((byte)'"');
        var rest = text.AsSpan();
        var special = ascii ? EscapedAscii : Escaped;
        while (true)
        {
            var i = rest.IndexOfAny(special);
            if (i < 0)
            {
                WriteText(rest);
                break;
            }

            WriteText(rest[..i]);
            var c = rest[i];
            switch (c)
            {
                case '"':
                    WriteAscii("\\\""u8);
                    break;
                case '\\':
                    WriteAscii("\\\\"u8);
                    break;
                case '\n':
                    WriteAscii("\\n"u8);
                    break;
                case '\t':
                    WriteAscii("\\t"u8);
                    break;
                case '\r':
                    WriteAscii("\\r"u8);
                    break;
                case '\b':
                    WriteAscii("\\b"u8);
                    break;
                case '\f':
                    WriteAscii("\\f"u8);
                    break;
                default:
                    Ensure(6);
                    _buffer[_length++] = (byte)'\\';
                    _buffer[_length++] = (byte)'u';
                    ((int)c).TryFormat(_buffer.AsSpan(_length), out var written, "x4", CultureInfo.InvariantCulture);
                    _length += written;
                    break;
            }

            rest = rest[(i + 1)..];
        }

        WriteByte((byte)'"');
    }

    private void Ensure(int count)
    {
        if (_length + count <= _buffer.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    private static string Chars(int first, int count) => string.Create(count, first, (span, start) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (char)(start + i);
        }
    });
}
