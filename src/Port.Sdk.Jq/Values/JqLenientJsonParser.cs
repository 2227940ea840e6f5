using System.Globalization;
using System.Text;

namespace Port.Sdk.Jq;

/// <summary>
/// jq's own grammar for one JSON text, used when System.Text.Json rejects the text: it accepts the literals jq 1.8
/// accepts beyond standard JSON (<c>nan</c>, <c>NaN</c>, <c>-NaN</c>, <c>Infinity</c>, <c>-Infinity</c>, any case), and
/// reports errors with jq's wording and its line and column (<c>Invalid numeric literal at EOF at line 1, column 4</c>).
/// Like jq's parser it reads byte by byte: literals gather until a structural character, whitespace or a quote.
/// </summary>
internal sealed class JqLenientJsonParser
{
    private readonly List<Frame> _stack = [];
    private readonly List<byte> _token = [];
    private JqValue? _next;
    private int _line = 1;
    private int _column;

    private JqLenientJsonParser()
    {
    }

    /// <summary>Parses exactly one JSON text, or throws a <see cref="JqException"/> with jq's message.</summary>
    public static JqValue Parse(ReadOnlySpan<byte> utf8) => new JqLenientJsonParser().Run(utf8);

    private JqValue Run(ReadOnlySpan<byte> utf8)
    {
        JqValue? result = null;
        var inString = false;
        var escaped = false;
        foreach (var b in utf8)
        {
            _column++;
            if (b == (byte)'\n')
            {
                _line++;
                _column = 0;
            }

            string? error;
            if (inString)
            {
                if (b == (byte)'"' && !escaped)
                {
                    inString = false;
                    error = FoundString();
                }
                else
                {
                    _token.Add(b);
                    escaped = !escaped && b == (byte)'\\';
                    error = null;
                }
            }
            else
            {
                error = Scan(b, ref inString);
            }

            if (error is not null)
            {
                throw Fail(error, atEof: false);
            }

            if (_stack.Count == 0 && _next is { } complete)
            {
                if (result is not null)
                {
                    throw new JqException("Unexpected extra JSON values");
                }

                result = complete;
                _next = null;
            }
        }

        if (inString)
        {
            throw Fail("Unfinished string", atEof: true);
        }

        if (CheckLiteral() is { } literalError)
        {
            throw Fail(literalError, atEof: true);
        }

        if (_stack.Count != 0)
        {
            throw Fail("Unfinished JSON term", atEof: true);
        }

        if (_next is { } last)
        {
            if (result is not null)
            {
                throw new JqException("Unexpected extra JSON values");
            }

            result = last;
        }

        return result ?? throw new JqException("Expected JSON value");
    }

    private JqException Fail(string message, bool atEof)
        => new(string.Create(CultureInfo.InvariantCulture, $"{message}{(atEof ? " at EOF" : string.Empty)} at line {_line}, column {_column}"));

    private string? Scan(byte b, ref bool inString)
    {
        switch (b)
        {
            case (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n':
                return CheckLiteral();
            case (byte)'"':
                inString = true;
                return CheckLiteral();
            case (byte)'[' or (byte)',' or (byte)']' or (byte)'{' or (byte)':' or (byte)'}':
                return CheckLiteral() ?? Structure(b);
            default:
                _token.Add(b);
                return null;
        }
    }

    private string? Value(JqValue value)
    {
        if (_next is not null)
        {
            return "Expected separator between values";
        }

        _next = value;
        return null;
    }

    private string? Structure(byte b)
    {
        switch (b)
        {
            case (byte)'[':
            case (byte)'{':
                if (_stack.Count >= JqJsonReader.MaxDepth)
                {
                    return "Exceeds depth limit for parsing";
                }

                if (_next is not null)
                {
                    return "Expected separator between values";
                }

                _stack.Add(b == (byte)'[' ? Frame.ForArray() : Frame.ForObject());
                return null;
            case (byte)':':
                if (_next is not { } key)
                {
                    return "Expected string key before ':'";
                }

                if (_stack.Count == 0 || _stack[^1].Object is null || _stack[^1].Key is not null)
                {
                    return "':' not as part of an object";
                }

                if (key.Kind != JqKind.String)
                {
                    return "Object keys must be strings";
                }

                _stack[^1].Key = key.String;
                _next = null;
                return null;
            case (byte)',':
                if (_next is not { } item)
                {
                    return "Expected value before ','";
                }

                if (_stack.Count == 0)
                {
                    return "',' not as part of an object or array";
                }

                return Append(_stack[^1], item);
            case (byte)']':
                {
                    if (_stack.Count == 0 || _stack[^1].Array is not { } array)
                    {
                        return "Unmatched ']'";
                    }

                    if (_next is { } element)
                    {
                        array.Add(element);
                    }
                    else if (array.Count != 0)
                    {
                        return "Expected another array element";
                    }

                    _stack.RemoveAt(_stack.Count - 1);
                    _next = JqValue.OwnList(array);
                    return null;
                }

            default:
                {
                    if (_stack.Count == 0)
                    {
                        return "Unmatched '}'";
                    }

                    var frame = _stack[^1];
                    if (_next is { } member)
                    {
                        if (frame.Key is null)
                        {
                            return "Objects must consist of key:value pairs";
                        }

                        frame.Object!.SetInPlace(frame.Key, member);
                    }
                    else
                    {
                        if (frame.Object is null || frame.Key is not null)
                        {
                            return "Unmatched '}'";
                        }

                        if (frame.Object.Count != 0)
                        {
                            return "Expected another key-value pair";
                        }
                    }

                    _stack.RemoveAt(_stack.Count - 1);
                    _next = JqValue.FromObject(frame.Object!);
                    return null;
                }
        }
    }

    private string? Append(Frame frame, JqValue item)
    {
        if (frame.Array is { } array)
        {
            array.Add(item);
        }
        else if (frame.Key is { } key)
        {
            frame.Object!.SetInPlace(key, item);
            frame.Key = null;
        }
        else
        {
            return "Objects must consist of key:value pairs";
        }

        _next = null;
        return null;
    }

    private string? CheckLiteral()
    {
        if (_token.Count == 0)
        {
            return null;
        }

        var token = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_token);
        string? error = null;
        JqValue value = default;
        switch (token[0])
        {
            case (byte)'t':
                error = token.SequenceEqual("true"u8) ? null : "Invalid literal";
                value = JqValue.True;
                break;
            case (byte)'f':
                error = token.SequenceEqual("false"u8) ? null : "Invalid literal";
                value = JqValue.False;
                break;
            case (byte)'\'':
                return "Invalid string literal; expected \", but got '";
            case (byte)'n' when token.Length > 1 && token[1] == (byte)'u':
                error = token.SequenceEqual("null"u8) ? null : "Invalid literal";
                value = JqValue.Null;
                break;
            default:
                if (!TryNumber(token, out value))
                {
                    error = "Invalid numeric literal";
                }

                break;
        }

        if (error is not null)
        {
            return error;
        }

        _token.Clear();
        return Value(value);
    }

    /// <summary>A number as decNumber reads it: decimal digits with a point and an exponent, or an infinity or a NaN without payload.</summary>
    private static bool TryNumber(ReadOnlySpan<byte> token, out JqValue value)
    {
        value = default;
        var body = token;
        var negative = false;
        if (body.Length > 0 && (body[0] == (byte)'-' || body[0] == (byte)'+'))
        {
            negative = body[0] == (byte)'-';
            body = body[1..];
        }

        if (body.Length == 0)
        {
            return false;
        }

        if (Ascii.EqualsIgnoreCase(body, "inf"u8) || Ascii.EqualsIgnoreCase(body, "infinity"u8))
        {
            value = JqValue.FromNumber(negative ? double.NegativeInfinity : double.PositiveInfinity);
            return true;
        }

        var nan = body.Length >= 3 && Ascii.EqualsIgnoreCase(body[..3], "nan"u8) ? 3
            : body.Length >= 4 && Ascii.EqualsIgnoreCase(body[..4], "snan"u8) ? 4 : 0;
        if (nan > 0)
        {
            // jq rejects a NaN with a payload (NaN1); a payload of zeros is no payload.
            foreach (var digit in body[nan..])
            {
                if (digit != (byte)'0')
                {
                    return false;
                }
            }

            value = JqValue.FromNumber(double.NaN);
            return true;
        }

        var i = 0;
        var digits = 0;
        while (i < body.Length && char.IsAsciiDigit((char)body[i]))
        {
            i++;
            digits++;
        }

        if (i < body.Length && body[i] == (byte)'.')
        {
            i++;
            while (i < body.Length && char.IsAsciiDigit((char)body[i]))
            {
                i++;
                digits++;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (i < body.Length && (body[i] == (byte)'e' || body[i] == (byte)'E'))
        {
            i++;
            if (i < body.Length && (body[i] == (byte)'-' || body[i] == (byte)'+'))
            {
                i++;
            }

            var exponentDigits = 0;
            while (i < body.Length && char.IsAsciiDigit((char)body[i]))
            {
                i++;
                exponentDigits++;
            }

            if (exponentDigits == 0)
            {
                return false;
            }
        }

        if (i != body.Length)
        {
            return false;
        }

        // A '+' sign or a bare '.5' is no JSON number: read the digits as JSON spells them.
        var text = Encoding.ASCII.GetString(body);
        if (text[0] == '.')
        {
            text = "0" + text;
        }

        if (text.EndsWith('.'))
        {
            text += "0";
        }

        value = JqJsonReader.ReadNumber(Encoding.ASCII.GetBytes(negative ? "-" + text : text));
        return true;
    }

    private string? FoundString()
    {
        var input = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_token);
        var output = new List<byte>(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c != (byte)'\\')
            {
                if (c < 0x20)
                {
                    return "Invalid string: control characters from U+0000 through U+001F must be escaped";
                }

                output.Add(c);
                continue;
            }

            if (++i >= input.Length)
            {
                return "Expected escape character at end of string";
            }

            switch (input[i])
            {
                case (byte)'\\' or (byte)'"' or (byte)'/':
                    output.Add(input[i]);
                    break;
                case (byte)'b':
                    output.Add((byte)'\b');
                    break;
                case (byte)'f':
                    output.Add((byte)'\f');
                    break;
                case (byte)'t':
                    output.Add((byte)'\t');
                    break;
                case (byte)'n':
                    output.Add((byte)'\n');
                    break;
                case (byte)'r':
                    output.Add((byte)'\r');
                    break;
                case (byte)'u':
                    {
                        if (i + 4 >= input.Length)
                        {
                            return "Invalid \\uXXXX escape";
                        }

                        if (!TryHex4(input.Slice(i + 1, 4), out var codepoint))
                        {
                            return "Invalid characters in \\uXXXX escape";
                        }

                        i += 4;
                        if (codepoint is >= 0xD800 and <= 0xDBFF)
                        {
                            if (i + 6 >= input.Length || input[i + 1] != (byte)'\\' || input[i + 2] != (byte)'u'
                                || !TryHex4(input.Slice(i + 3, 4), out var low) || low is < 0xDC00 or > 0xDFFF)
                            {
                                return "Invalid \\uXXXX\\uXXXX surrogate pair escape";
                            }

                            i += 6;
                            codepoint = 0x10000 + ((codepoint - 0xD800) << 10) + (low - 0xDC00);
                        }
                        else if (codepoint is >= 0xDC00 and <= 0xDFFF)
                        {
                            codepoint = 0xFFFD;
                        }

                        Span<byte> encoded = stackalloc byte[4];
                        var length = new Rune(codepoint).EncodeToUtf8(encoded);
                        foreach (var e in encoded[..length])
                        {
                            output.Add(e);
                        }

                        break;
                    }

                default:
                    return "Invalid escape";
            }
        }

        _token.Clear();

        // Invalid UTF-8 becomes U+FFFD, as in jq.
        return Value(JqValue.FromString(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output))));
    }

    private static bool TryHex4(ReadOnlySpan<byte> hex, out int value)
        => int.TryParse(Encoding.ASCII.GetString(hex), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);

    private sealed class Frame
    {
        public List<JqValue>? Array { get; private init; }

        public JqObject? Object { get; private init; }

        public string? Key { get; set; }

        public static Frame ForArray() => new() { Array = [] };

        public static Frame ForObject() => new() { Object = new JqObject() };
    }
}
