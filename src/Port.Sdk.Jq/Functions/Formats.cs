using System.Globalization;
using System.Text;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq.Functions;

/// <summary>jq's <c>@format</c> strings: <c>@text @json @csv @tsv @html @uri @sh @base64 @base64d @base32 @base32d</c>.</summary>
internal static class Formats
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "text", "json", "csv", "tsv", "html", "uri", "urid", "sh", "base64", "base64d", "base32", "base32d",
    };

    public static bool IsKnown(string name) => Known.Contains(name);

    public static string Apply(string format, JqValue value)
    {
        switch (format)
        {
            case "text":
                return ValueOps.ToText(value);
            case "json":
                return value.ToJson();
            case "html":
                {
                    var text = ValueOps.ToText(value);
                    var builder = new StringBuilder(text.Length);
                    foreach (var c in text)
                    {
                        builder.Append(c switch
                        {
                            '<' => "&lt;",
                            '>' => "&gt;",
                            '&' => "&amp;",
                            '\'' => "&apos;",
                            '"' => "&quot;",
                            _ => c.ToString(),
                        });
                    }

                    return builder.ToString();
                }

            case "uri":
                {
                    var bytes = Encoding.UTF8.GetBytes(ValueOps.ToText(value));
                    var builder = new StringBuilder(bytes.Length);
                    foreach (var b in bytes)
                    {
                        if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
                        {
                            builder.Append((char)b);
                        }
                        else
                        {
                            builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                        }
                    }

                    return builder.ToString();
                }

            case "urid":
                return UriDecode(ValueOps.ToText(value));
            case "csv":
            case "tsv":
                {
                    if (value.Kind != JqKind.Array)
                    {
                        throw new JqException($"{value.TypeName} ({ValueOps.ErrorText(value)}) cannot be {format}-formatted, only an array can be");
                    }

                    var builder = new StringBuilder();
                    var first = true;
                    foreach (var item in value.Array)
                    {
                        if (!first)
                        {
                            builder.Append(format == "csv" ? ',' : '\t');
                        }

                        first = false;
                        switch (item.Kind)
                        {
                            case JqKind.Number:
                                builder.Append(item.NumberLiteral is { } literal ? JqValue.CanonicalLiteral(literal) : JqValue.FormatNumber(item.Number));
                                break;
                            case JqKind.True:
                                builder.Append("true");
                                break;
                            case JqKind.False:
                                builder.Append("false");
                                break;
                            case JqKind.Null:
                                break;
                            case JqKind.String when format == "csv":
                                builder.Append('"').Append(item.String.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
                                break;
                            case JqKind.String:
                                builder.Append(item.String.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)
                                    .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal));
                                break;
                            default:
                                throw new JqException($"{item.TypeName} ({ValueOps.ErrorText(item)}) is not valid in a csv row");
                        }
                    }

                    return builder.ToString();
                }

            case "sh":
                {
                    IEnumerable<JqValue> items = value.Kind == JqKind.Array ? value.Array : [value];
                    return string.Join(' ', items.Select(item => item.Kind switch
                    {
                        JqKind.String => "'" + item.String.Replace("'", "'\\''", StringComparison.Ordinal) + "'",
                        JqKind.Array or JqKind.Object => throw new JqException($"{item.TypeName} ({ValueOps.ErrorText(item)}) can not be escaped for shell"),
                        _ => item.ToJson(),
                    }));
                }

            case "base64":
                return Convert.ToBase64String(Encoding.UTF8.GetBytes(ValueOps.ToText(value)));
            case "base64d":
                return DecodeBase64(ValueOps.ToText(value));
            case "base32":
                return Base32Encode(Encoding.UTF8.GetBytes(ValueOps.ToText(value)));
            case "base32d":
                return Base32Decode(ValueOps.ToText(value));
            default:
                throw new JqException($"{format} is not a valid format");
        }
    }

    private static string UriDecode(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else if (text[i] == '%')
            {
                throw new JqException($"string ({ValueOps.ErrorText(JqValue.FromString(text))}) is not a valid uri encoding");
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            throw new JqException($"string ({ValueOps.ErrorText(JqValue.FromString(text))}) is not a valid uri encoding");
        }
    }

    private static string DecodeBase64(string text)
    {
        var trimmed = text.TrimEnd('=');
        var bytes = new List<byte>(trimmed.Length * 3 / 4);
        int buffer = 0, bits = 0;
        foreach (var c in trimmed)
        {
            var v = c switch
            {
                >= 'A' and <= 'Z' => c - 'A',
                >= 'a' and <= 'z' => c - 'a' + 26,
                >= '0' and <= '9' => c - '0' + 52,
                '+' => 62,
                '/' => 63,
                _ => -1,
            };
            if (v < 0)
            {
                throw new JqException($"string ({ValueOps.ErrorText(JqValue.FromString(text))}) is not valid base64 data");
            }

            buffer = (buffer << 6) | v;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }

        if (trimmed.Length % 4 == 1)
        {
            throw new JqException($"string ({ValueOps.ErrorText(JqValue.FromString(text))}) trailing base64 byte found");
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private static string Base32Encode(byte[] data)
    {
        var builder = new StringBuilder((data.Length + 4) / 5 * 8);
        for (var i = 0; i < data.Length; i += 5)
        {
            var chunk = data.AsSpan(i, Math.Min(5, data.Length - i));
            ulong buffer = 0;
            for (var j = 0; j < 5; j++)
            {
                buffer = (buffer << 8) | (j < chunk.Length ? chunk[j] : 0u);
            }

            var chars = (chunk.Length * 8 + 4) / 5;
            for (var j = 0; j < 8; j++)
            {
                builder.Append(j < chars ? Base32Alphabet[(int)((buffer >> (35 - (j * 5))) & 31)] : '=');
            }
        }

        return builder.ToString();
    }

    private static string Base32Decode(string text)
    {
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('='))
        {
            var v = Base32Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (v < 0)
            {
                throw new JqException($"string ({ValueOps.ErrorText(JqValue.FromString(text))}) is not valid base32 data");
            }

            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}
