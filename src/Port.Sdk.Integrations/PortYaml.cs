using System.Buffers;
using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Port.Sdk.Integrations;

/// <summary>
/// YAML (the first document) as JSON, with YAML 1.2 core-schema scalars: null, booleans, numbers, strings (quoted and
/// block scalars stay strings). For catalog-as-code files and context recipes written in YAML.
/// </summary>
public static class PortYaml
{
    /// <summary>Reads YAML as a JSON value.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <returns>The first document as JSON; <c>null</c> for an empty text.</returns>
    /// <exception cref="YamlException">The text is not YAML, or is nested more than 64 levels; the exception has the line and column.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="yaml"/> is <see langword="null"/>.</exception>
    public static JsonElement Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = Load(yaml);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (stream.Documents.Count == 0)
            {
                writer.WriteNullValue();
            }
            else
            {
                Write(writer, stream.Documents[0].RootNode, 0);
            }
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>
    /// Loads YAML, reporting every malformed text as a <see cref="YamlException"/> with a position: YamlDotNet throws
    /// <see cref="InvalidOperationException"/> for some texts cut short (an unclosed <c>[</c> or <c>{</c> at the end).
    /// </summary>
    internal static YamlStream Load(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (InvalidOperationException ex)
        {
            var lines = text.Split('\n');
            var end = new Mark(0, lines.Length, lines[^1].Length + 1);
            throw new YamlException(end, end, "the text ends inside a flow collection (an unclosed '[' or '{')", ex);
        }

        return stream;
    }

    /// <summary>A loaded node as JSON, with the same scalar rules as <see cref="Parse"/>.</summary>
    internal static JsonElement ToJson(YamlNode node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node, 0);
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node, int depth)
    {
        if (depth > 64)
        {
            throw new YamlException(node.Start, node.End, "The YAML is nested more than 64 levels deep.");
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode scalarKey ? scalarKey.Value ?? string.Empty : key.ToString());
                    Write(writer, value, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var child in sequence.Children)
                {
                    Write(writer, child, depth + 1);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            writer.WriteStringValue(text);
        }
        else if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            writer.WriteNullValue();
        }
        else if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            writer.WriteBooleanValue(text[0] is 't' or 'T');
        }
        else if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }
}
