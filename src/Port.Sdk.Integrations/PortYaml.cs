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
    /// <summary>Reads YAML as a JSON value, within the default <see cref="PortYamlOptions"/>.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <returns>The first document as JSON; <c>null</c> for an empty text.</returns>
    /// <exception cref="YamlException">The text is not YAML, exceeds a limit of <see cref="PortYamlOptions"/>, or has a key that is a collection; the exception has the line and column.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="yaml"/> is <see langword="null"/>.</exception>
    public static JsonElement Parse(string yaml) => Parse(yaml, null);

    /// <summary>Reads YAML as a JSON value, within the given limits.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="options">The limits; <see langword="null"/> for the defaults.</param>
    /// <returns>The first document as JSON; <c>null</c> for an empty text.</returns>
    /// <exception cref="YamlException">The text is not YAML, exceeds a limit of <paramref name="options"/>, or has a key that is a collection; the exception has the line and column.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="yaml"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit of <paramref name="options"/> is out of its range.</exception>
    public static JsonElement Parse(string yaml, PortYamlOptions? options)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = Load(yaml, options);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = PortYamlOptions.DepthCeiling + 1 }))
        {
            if (stream.Documents.Count == 0)
            {
                writer.WriteNullValue();
            }
            else
            {
                Write(writer, stream.Documents[0].RootNode);
            }
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan, new JsonReaderOptions { MaxDepth = PortYamlOptions.DepthCeiling + 1 });
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>
    /// Loads YAML within <paramref name="options"/> (checked on the event stream first, so nothing recurses or expands
    /// past a limit), reporting every malformed text as a <see cref="YamlException"/> with a position: YamlDotNet throws
    /// <see cref="InvalidOperationException"/> for some texts cut short (an unclosed <c>[</c> or <c>{</c> at the end).
    /// </summary>
    internal static YamlStream Load(string text, PortYamlOptions? options = null)
    {
        options ??= PortYamlOptions.Default;
        options.Validate();
        var stream = new YamlStream();
        try
        {
            YamlLimitScanner.Check(text, options);
            stream.Load(new StringReader(text));
        }
        catch (InvalidOperationException ex)
        {
            var end = End(text);
            throw new YamlException(end, end, "the text ends inside a flow collection (an unclosed '[' or '{')", ex);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or InvalidCastException)
        {
            // The representation model's own checks (a duplicate key, say) surface as BCL exceptions without a position.
            var end = End(text);
            throw new YamlException(end, end, $"the YAML cannot be read: {ex.Message}", ex);
        }

        return stream;
    }

    /// <summary>A loaded node as JSON, with the same scalar rules as <see cref="Parse(string)"/>.</summary>
    internal static JsonElement ToJson(YamlNode node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }

    private static Mark End(string text)
    {
        var lines = text.Split('\n');
        return new Mark(0, lines.Length, lines[^1].Length + 1);
    }

    /// <summary>Writes a node; the depth and the nodes that aliases repeat were bounded by <see cref="YamlLimitScanner"/>.</summary>
    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value ?? string.Empty);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var child in sequence.Children)
                {
                    Write(writer, child);
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
