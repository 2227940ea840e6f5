using System.Globalization;
using System.Runtime.CompilerServices;

namespace Port.Sdk.Jq;

/// <summary>How <see cref="JqValue.WriteTo(TextWriter, JqJsonWriterOptions?)"/> formats JSON, mirroring jq's output flags.</summary>
public sealed class JqJsonWriterOptions
{
    /// <summary>Gets compact output on one line (<c>jq -c</c>).</summary>
    public static JqJsonWriterOptions Compact { get; } = new() { Indent = 0 };

    /// <summary>Gets jq's default output: two-space indentation.</summary>
    public static JqJsonWriterOptions Pretty { get; } = new() { Indent = 2 };

    /// <summary>Gets or sets the indentation width; 0 for compact output.</summary>
    /// <value>The default value is 2.</value>
    public int Indent { get; set; } = 2;

    /// <summary>Gets or sets a value indicating whether to indent with a tab (<c>--tab</c>).</summary>
    public bool UseTab { get; set; }

    /// <summary>Gets or sets a value indicating whether object keys are written sorted (<c>-S</c>).</summary>
    public bool SortKeys { get; set; }

    /// <summary>Gets or sets a value indicating whether non-ASCII characters are written as <c>\uXXXX</c> escapes (<c>-a</c>).</summary>
    public bool AsciiOutput { get; set; }
}

/// <summary>Writes <see cref="JqValue"/>s as jq prints them.</summary>
internal static class JqJsonWriter
{
    /// <summary>jq's print depth limit: deeper values print as a marker instead of overflowing the stack.</summary>
    public const int MaxPrintDepth = 10_000;

    public static void Write(TextWriter writer, JqValue value, JqJsonWriterOptions options) => Write(writer, value, options, 0);

    /// <summary>The first <paramref name="maxChars"/> characters of the value's compact JSON, without printing the rest.</summary>
    public static string Prefix(JqValue value, int maxChars)
    {
        using var writer = new PrefixWriter(maxChars);
        try
        {
            Write(writer, value, JqJsonWriterOptions.Compact, 0);
        }
        catch (PrefixWriter.FullException)
        {
            // The prefix is complete.
        }

        return writer.ToString();
    }

    /// <summary>A writer that keeps a bounded prefix and stops the writing once it is full.</summary>
    private sealed class PrefixWriter(int maxChars) : TextWriter(CultureInfo.InvariantCulture)
    {
        private readonly System.Text.StringBuilder _text = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.Unicode;

        public override void Write(char value)
        {
            _text.Append(value);
            CheckFull();
        }

        public override void Write(string? value) => Write(value.AsSpan());

        public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

        public override void Write(ReadOnlySpan<char> buffer)
        {
            _text.Append(buffer[..Math.Min(buffer.Length, maxChars + 1 - _text.Length)]);
            CheckFull();
        }

        public override string ToString() => _text.ToString();

        private void CheckFull()
        {
            if (_text.Length > maxChars)
            {
                throw new FullException();
            }
        }

        public sealed class FullException : Exception;
    }

    private static void Write(TextWriter writer, JqValue value, JqJsonWriterOptions options, int depth)
    {
        switch (value.Kind)
        {
            case JqKind.Null:
                writer.Write("null");
                return;
            case JqKind.False:
                writer.Write("false");
                return;
            case JqKind.True:
                writer.Write("true");
                return;
            case JqKind.Number:
                writer.Write(value.NumberLiteral is { } literal ? JqValue.CanonicalLiteral(literal) : JqValue.FormatNumber(value.Number));
                return;
            case JqKind.String:
                WriteString(writer, value.String, options.AsciiOutput);
                return;
        }

        if (depth > MaxPrintDepth)
        {
            writer.Write("<skipped: too deep>");
            return;
        }

        Runtime.Limits.EnsureStack("printing JSON");
        Runtime.Limits.Step();
        if (writer is StringWriter text)
        {
            // tojson, tostring and string interpolation build in memory: a value that shares its parts can print as
            // far more text than it occupies, so the text is bounded as it grows.
            Runtime.Limits.CheckString(text.GetStringBuilder().Length);
        }

        var pretty = options.Indent > 0 || options.UseTab;
        if (value.Kind == JqKind.Array)
        {
            var items = value.Array;
            if (items.Count == 0)
            {
                writer.Write("[]");
                return;
            }

            writer.Write('[');
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0)
                {
                    writer.Write(',');
                }

                NewLine(writer, options, pretty, depth + 1);
                Write(writer, items[i], options, depth + 1);
            }

            NewLine(writer, options, pretty, depth);
            writer.Write(']');
            return;
        }

        var obj = value.Object;
        if (obj.Count == 0)
        {
            writer.Write("{}");
            return;
        }

        writer.Write('{');
        var first = true;
        if (options.SortKeys)
        {
            foreach (var key in obj.SortedKeys())
            {
                obj.TryGetValue(key, out var item);
                WriteMember(writer, key, item, options, pretty, depth, ref first);
            }
        }
        else
        {
            for (var i = 0; i < obj.Count; i++)
            {
                WriteMember(writer, obj.KeyAt(i), obj.ValueAt(i), options, pretty, depth, ref first);
            }
        }

        NewLine(writer, options, pretty, depth);
        writer.Write('}');
    }

    private static void WriteMember(TextWriter writer, string key, JqValue item, JqJsonWriterOptions options, bool pretty, int depth, ref bool first)
    {
        if (!first)
        {
            writer.Write(',');
        }

        first = false;
        NewLine(writer, options, pretty, depth + 1);
        WriteString(writer, key, options.AsciiOutput);
        writer.Write(pretty ? ": " : ":");
        Write(writer, item, options, depth + 1);
    }

    private static void NewLine(TextWriter writer, JqJsonWriterOptions options, bool pretty, int depth)
    {
        if (!pretty)
        {
            return;
        }

        writer.Write('\n');
        if (options.UseTab)
        {
            for (var i = 0; i < depth; i++)
            {
                writer.Write('\t');
            }
        }
        else
        {
            for (var i = 0; i < depth * options.Indent; i++)
            {
                writer.Write(' ');
            }
        }
    }

    public static void WriteString(TextWriter writer, string text, bool ascii)
    {
        writer.Write('"');
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F && (c < 0x80 || !ascii))
            {
                continue;
            }

            if (i > start)
            {
                writer.Write(text.AsSpan(start, i - start));
            }

            start = i + 1;
            switch (c)
            {
                case '"':
                    writer.Write("\\\"");
                    break;
                case '\\':
                    writer.Write("\\\\");
                    break;
                case '\n':
                    writer.Write("\\n");
                    break;
                case '\t':
                    writer.Write("\\t");
                    break;
                case '\r':
                    writer.Write("\\r");
                    break;
                case '\b':
                    writer.Write("\\b");
                    break;
                case '\f':
                    writer.Write("\\f");
                    break;
                default:
                    writer.Write("\\u");
                    writer.Write(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
            }
        }

        if (start < text.Length)
        {
            writer.Write(text.AsSpan(start));
        }

        writer.Write('"');
    }
}
