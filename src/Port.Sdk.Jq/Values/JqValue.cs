using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Port.Sdk.Jq;

/// <summary>
/// An immutable jq value: null, a boolean, a number, a string, an array or an object. Numbers read from JSON text keep
/// their literal (<c>100000000000000000001</c>, <c>1.000</c>) as long as no arithmetic touches them, as jq 1.8 does.
/// </summary>
public readonly struct JqValue : IEquatable<JqValue>, IComparable<JqValue>
{
    private readonly object? _ref;
    private readonly double _number;

    private JqValue(JqKind kind, double number, object? reference)
    {
        Kind = kind;
        _number = number;
        _ref = reference;
    }

    /// <summary>Gets JSON <c>null</c>.</summary>
    public static JqValue Null => default;

    /// <summary>Gets JSON <c>true</c>.</summary>
    public static JqValue True { get; } = new(JqKind.True, 0, null);

    /// <summary>Gets JSON <c>false</c>.</summary>
    public static JqValue False { get; } = new(JqKind.False, 0, null);

    /// <summary>Gets the empty string.</summary>
    public static JqValue EmptyString { get; } = new(JqKind.String, 0, string.Empty);

    /// <summary>Gets the empty array.</summary>
    public static JqValue EmptyArray { get; } = new(JqKind.Array, 0, new List<JqValue>(0));

    /// <summary>Gets the kind of value.</summary>
    public JqKind Kind { get; }

    /// <summary>Gets a value indicating whether jq treats the value as true (anything but <c>null</c> and <c>false</c>).</summary>
    public bool IsTruthy => Kind > JqKind.False;

    /// <summary>Gets the number. Only meaningful when <see cref="Kind"/> is <see cref="JqKind.Number"/>.</summary>
    public double Number => _number;

    /// <summary>Gets the string. Only meaningful when <see cref="Kind"/> is <see cref="JqKind.String"/>.</summary>
    public string String => (string)_ref!;

    /// <summary>Gets the items. Only meaningful when <see cref="Kind"/> is <see cref="JqKind.Array"/>.</summary>
    public IReadOnlyList<JqValue> Array => (List<JqValue>)_ref!;

    /// <summary>Gets the object. Only meaningful when <see cref="Kind"/> is <see cref="JqKind.Object"/>.</summary>
    public JqObject Object => (JqObject)_ref!;

    /// <summary>Gets the number's literal text when it differs from the shortest double form, else <see langword="null"/>.</summary>
    public string? NumberLiteral => Kind == JqKind.Number ? _ref as string : null;

    internal List<JqValue> List => (List<JqValue>)_ref!;

    /// <summary>Creates a boolean.</summary>
    /// <param name="value">The boolean.</param>
    /// <returns>The value.</returns>
    public static JqValue FromBoolean(bool value) => value ? True : False;

    /// <summary>Creates a number.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The value.</returns>
    public static JqValue FromNumber(double value) => new(JqKind.Number, value, null);

    /// <summary>Creates a number that keeps its literal text (for example a large integer id) until arithmetic changes it.</summary>
    /// <param name="value">The nearest double.</param>
    /// <param name="literal">The literal JSON number text.</param>
    /// <returns>The value.</returns>
    public static JqValue FromNumberLiteral(double value, string literal) => new(JqKind.Number, value, literal);

    /// <summary>Marks a number read from a literal whose text is the number's shortest form, so the text need not be kept.</summary>
    private static readonly object s_shortestLiteral = new();

    /// <summary>A number read from a literal that is its shortest form (<c>42</c>, <c>0.5</c>): it compares as a literal.</summary>
    internal static JqValue FromShortestLiteral(double value) => new(JqKind.Number, value, s_shortestLiteral);

    /// <summary>Creates a string.</summary>
    /// <param name="value">The string.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static JqValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(JqKind.String, 0, value);
    }

    /// <summary>Creates an array from items (the sequence is copied).</summary>
    /// <param name="items">The items.</param>
    /// <returns>The value.</returns>
    public static JqValue FromArray(IEnumerable<JqValue> items) => new(JqKind.Array, 0, new List<JqValue>(items));

    /// <summary>Creates an object. The object must not be changed afterwards.</summary>
    /// <param name="value">The object.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static JqValue FromObject(JqObject value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(JqKind.Object, 0, value);
    }

    /// <summary>Wraps a list the caller gives up; it must not be changed afterwards.</summary>
    internal static JqValue OwnList(List<JqValue> items) => new(JqKind.Array, 0, items);

    /// <summary>Parses one JSON text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The value.</returns>
    /// <exception cref="JqException">The text is not one JSON value.</exception>
    public static JqValue Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JqJsonReader.ParseSingle(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Parses one JSON text from UTF-8 bytes.</summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <returns>The value.</returns>
    /// <exception cref="JqException">The text is not one JSON value.</exception>
    public static JqValue Parse(ReadOnlySpan<byte> utf8Json) => JqJsonReader.ParseSingle(utf8Json);

    /// <summary>Reads a sequence of whitespace-separated JSON texts (as in a JSON Lines file), lazily, from UTF-8 bytes.</summary>
    /// <param name="utf8Json">The JSON texts.</param>
    /// <param name="source">A name for the source in error messages, such as a file name.</param>
    /// <returns>The values, parsed as they are enumerated.</returns>
    /// <exception cref="JqException">A text is not valid JSON (thrown while enumerating).</exception>
    public static IEnumerable<JqValue> ParseMany(ReadOnlyMemory<byte> utf8Json, string? source = null) => JqJsonReader.ParseMany(utf8Json, source);

    /// <summary>Converts a <see cref="JsonElement"/>.</summary>
    /// <param name="element">The element.</param>
    /// <returns>The value.</returns>
    public static JqValue FromJsonElement(JsonElement element) => JqJsonReader.FromElement(element);

    /// <summary>Converts a <see cref="JsonNode"/>; <see langword="null"/> is JSON <c>null</c>.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The value.</returns>
    public static JqValue FromJsonNode(JsonNode? node)
    {
        if (node is null)
        {
            return Null;
        }

        return JqJsonReader.ParseSingle(JsonSerializer.SerializeToUtf8Bytes(node, JqJsonContext.Default.JsonNode));
    }

    /// <summary>Converts to a <see cref="JsonNode"/>; JSON <c>null</c> is <see langword="null"/>.</summary>
    /// <returns>The node.</returns>
    public JsonNode? ToJsonNode() => Kind == JqKind.Null ? null : JsonNode.Parse(ToJson());

    /// <summary>Converts to a <see cref="JsonElement"/>.</summary>
    /// <returns>The element.</returns>
    public JsonElement ToJsonElement()
    {
        using var document = JsonDocument.Parse(ToJson(), new JsonDocumentOptions { MaxDepth = 10_001 });
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Writes the value to a <see cref="Utf8JsonWriter"/>: the same JSON value <see cref="ToJson"/> gives (numbers as jq
    /// prints them, literals preserved), with the writer's own string escaping. No text is built on the way.
    /// </summary>
    /// <param name="writer">Where to write.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is <see langword="null"/>.</exception>
    /// <exception cref="JqLimitException">The value is nested too deeply to write on this thread's stack.</exception>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        WriteUtf8(writer, this);
    }

    private static void WriteUtf8(Utf8JsonWriter writer, JqValue value)
    {
        switch (value.Kind)
        {
            case JqKind.Null:
                writer.WriteNullValue();
                return;
            case JqKind.False:
                writer.WriteBooleanValue(false);
                return;
            case JqKind.True:
                writer.WriteBooleanValue(true);
                return;
            case JqKind.Number:
                writer.WriteRawValue(value.NumberLiteral is { } literal ? CanonicalLiteral(literal) : FormatNumber(value.Number), skipInputValidation: true);
                return;
            case JqKind.String:
                writer.WriteStringValue(value.String);
                return;
        }

        Runtime.Limits.EnsureStack("writing JSON");

        if (value.Kind == JqKind.Array)
        {
            writer.WriteStartArray();
            foreach (var item in value.Array)
            {
                WriteUtf8(writer, item);
            }

            writer.WriteEndArray();
            return;
        }

        var obj = value.Object;
        writer.WriteStartObject();
        for (var i = 0; i < obj.Count; i++)
        {
            writer.WritePropertyName(obj.KeyAt(i));
            WriteUtf8(writer, obj.ValueAt(i));
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes the value as compact JSON, as <c>jq -c</c> does.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        var builder = new StringBuilder();
        using var writer = new StringWriter(builder, CultureInfo.InvariantCulture);
        JqJsonWriter.Write(writer, this, JqJsonWriterOptions.Compact);
        return builder.ToString();
    }

    /// <summary>Writes the value as JSON with the given options.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="options">Indentation, key sorting and escaping options.</param>
    public void WriteTo(TextWriter writer, JqJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        JqJsonWriter.Write(writer, this, options ?? JqJsonWriterOptions.Compact);
    }

    /// <summary>Returns the compact JSON text of the value.</summary>
    /// <returns>The JSON text.</returns>
    public override string ToString() => ToJson();

    /// <summary>Gets jq's name of the value's type: <c>null</c>, <c>boolean</c>, <c>number</c>, <c>string</c>, <c>array</c> or <c>object</c>.</summary>
    public string TypeName => Kind switch
    {
        JqKind.Null => "null",
        JqKind.False or JqKind.True => "boolean",
        JqKind.Number => "number",
        JqKind.String => "string",
        JqKind.Array => "array",
        _ => "object",
    };

    /// <inheritdoc/>
    public bool Equals(JqValue other) => Compare(this, other) == 0;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is JqValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Kind switch
    {
        JqKind.Number => _number.GetHashCode(),
        JqKind.String => StringComparer.Ordinal.GetHashCode(String),
        JqKind.Array => HashCode.Combine(Kind, Array.Count),
        JqKind.Object => HashCode.Combine(Kind, Object.Count),
        _ => (int)Kind,
    };

    /// <inheritdoc/>
    public int CompareTo(JqValue other) => Compare(this, other);

    /// <summary>Compares two values in jq's order: null &lt; false &lt; true &lt; numbers &lt; strings &lt; arrays &lt; objects.</summary>
    /// <param name="a">The first value.</param>
    /// <param name="b">The second value.</param>
    /// <returns>Negative, zero or positive.</returns>
    public static int Compare(JqValue a, JqValue b) => Compare(a, b, 0, "Comparison too deep");

    /// <summary>Tests equality, failing with jq's message on values nested more than 10,000 levels.</summary>
    internal static bool DeepEquals(JqValue a, JqValue b) => Compare(a, b, 0, "Equality check too deep") == 0;

    private static int Compare(JqValue a, JqValue b, int depth, string tooDeep)
    {
        if (depth > 10_000)
        {
            throw new JqException(tooDeep);
        }

        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Runtime.Limits.StackExhausted(tooDeep == "Comparison too deep" ? "comparison" : "equality");
        }

        if (a.Kind is JqKind.Array or JqKind.Object)
        {
            Runtime.Limits.Step();
        }

        if (a.Kind != b.Kind)
        {
            return a.Kind < b.Kind ? -1 : 1;
        }

        switch (a.Kind)
        {
            case JqKind.Number:
                if (a._number < b._number)
                {
                    return -1;
                }

                if (a._number > b._number)
                {
                    return 1;
                }

                // Equal doubles: literals that round to the same double still differ, as with jq's decNumber.
                // Like jq, only when both are literals: a number computed by arithmetic compares as a double.
                return a._number == b._number && a._ref is not null && b._ref is not null && (a._ref is string || b._ref is string)
                    ? CompareLiterals(a, b)
                    : 0;
            case JqKind.String:
                return Math.Sign(string.CompareOrdinal(a.String, b.String));
            case JqKind.Array:
                {
                    var x = a.Array;
                    var y = b.Array;
                    for (var i = 0; i < x.Count && i < y.Count; i++)
                    {
                        var c = Compare(x[i], y[i], depth + 1, tooDeep);
                        if (c != 0)
                        {
                            return c;
                        }
                    }

                    return x.Count.CompareTo(y.Count);
                }

            case JqKind.Object:
                {
                    var x = a.Object;
                    var y = b.Object;
                    var kx = x.SortedKeys();
                    var ky = y.SortedKeys();
                    for (var i = 0; i < kx.Length && i < ky.Length; i++)
                    {
                        var c = Math.Sign(string.CompareOrdinal(kx[i], ky[i]));
                        if (c != 0)
                        {
                            return c;
                        }
                    }

                    if (kx.Length != ky.Length)
                    {
                        return kx.Length.CompareTo(ky.Length);
                    }

                    foreach (var key in kx)
                    {
                        x.TryGetValue(key, out var vx);
                        y.TryGetValue(key, out var vy);
                        var c = Compare(vx, vy, depth + 1, tooDeep);
                        if (c != 0)
                        {
                            return c;
                        }
                    }

                    return 0;
                }

            default:
                return 0;
        }
    }

    private static int CompareLiterals(JqValue a, JqValue b)
    {
        if (a._ref is not string x || b._ref is not string y)
        {
            // A number without a literal is its shortest form, unless it is an infinity computed by arithmetic.
            if (double.IsInfinity(a._number))
            {
                return 0;
            }

            x = a._ref as string ?? FormatNumber(a._number);
            y = b._ref as string ?? FormatNumber(b._number);
        }

        return DecimalLiteral.Compare(x, y);
    }

    /// <summary>Tests two values for equality.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(JqValue left, JqValue right) => left.Equals(right);

    /// <summary>Tests two values for inequality.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when not equal.</returns>
    public static bool operator !=(JqValue left, JqValue right) => !left.Equals(right);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <(JqValue left, JqValue right) => Compare(left, right) < 0;

    /// <summary>Compares two values.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <=(JqValue left, JqValue right) => Compare(left, right) <= 0;

    /// <summary>Compares two values.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >(JqValue left, JqValue right) => Compare(left, right) > 0;

    /// <summary>Compares two values.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >=(JqValue left, JqValue right) => Compare(left, right) >= 0;

    /// <summary>Formats a double as jq prints it: 17 significant digits at most, exponent form for very large or small.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The text.</returns>
    public static string FormatNumber(double value)
    {
        if (double.IsNaN(value))
        {
            return "null";
        }

        if (double.IsInfinity(value))
        {
            value = value > 0 ? double.MaxValue : double.MinValue;
        }

        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            return value == 0 && double.IsNegative(value) ? "-0" : ((long)value).ToString(CultureInfo.InvariantCulture);
        }

        var shortest = value.ToString("R", CultureInfo.InvariantCulture);

        // Shortest round-trip digits and decimal exponent, from the "R" form.
        var negative = shortest[0] == '-';
        var body = negative ? shortest[1..] : shortest;
        var e = body.IndexOfAny(['E', 'e']);
        var exponent = 0;
        if (e >= 0)
        {
            exponent = int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..e];
        }

        var dot = body.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? body : body[..dot];
        var fracPart = dot < 0 ? string.Empty : body[(dot + 1)..];
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        var decpt = intPart.Length - leadingZeros + exponent;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return negative ? "-0" : "0";
        }

        var result = new StringBuilder(24);
        if (negative)
        {
            result.Append('-');
        }

        if (decpt <= -4 || decpt > digits.Length + 15)
        {
            result.Append(digits[0]);
            if (digits.Length > 1)
            {
                result.Append('.').Append(digits, 1, digits.Length - 1);
            }

            var exp = decpt - 1;
            result.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decpt <= 0)
        {
            result.Append("0.").Append('0', -decpt).Append(digits);
        }
        else if (decpt >= digits.Length)
        {
            result.Append(digits).Append('0', decpt - digits.Length);
        }
        else
        {
            result.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
        }

        return result.ToString();
    }

    /// <summary>The canonical text of a number literal, as decNumber prints it (<c>1.000</c> stays, <c>1e1000</c> is <c>1E+1000</c>).</summary>
    internal static string CanonicalLiteral(string literal)
    {
        var span = literal.AsSpan();
        var negative = span.Length > 0 && span[0] == '-';
        if (negative)
        {
            span = span[1..];
        }

        var e = span.IndexOfAny('e', 'E');
        long exponent = 0;
        if (e >= 0)
        {
            _ = long.TryParse(span[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent);
            span = span[..e];
        }

        var dot = span.IndexOf('.');
        var intPart = dot < 0 ? span : span[..dot];
        var fracPart = dot < 0 ? [] : span[(dot + 1)..];
        var coefficient = (intPart.ToString() + fracPart.ToString()).TrimStart('0');
        if (coefficient.Length == 0)
        {
            coefficient = "0";
        }

        exponent -= fracPart.Length;
        var adjusted = exponent + coefficient.Length - 1;
        var result = new StringBuilder(coefficient.Length + 8);
        if (negative)
        {
            result.Append('-');
        }

        if (exponent <= 0 && adjusted >= -6)
        {
            if (exponent == 0)
            {
                result.Append(coefficient);
            }
            else
            {
                var point = coefficient.Length + exponent;
                if (point > 0)
                {
                    result.Append(coefficient, 0, (int)point).Append('.').Append(coefficient, (int)point, coefficient.Length - (int)point);
                }
                else
                {
                    result.Append("0.").Append('0', (int)-point).Append(coefficient);
                }
            }
        }
        else
        {
            result.Append(coefficient[0]);
            if (coefficient.Length > 1)
            {
                result.Append('.').Append(coefficient, 1, coefficient.Length - 1);
            }

            result.Append('E').Append(adjusted >= 0 ? '+' : '-').Append(Math.Abs(adjusted).ToString(CultureInfo.InvariantCulture));
        }

        return result.ToString();
    }

    /// <summary>The number with its literal's sign flipped, as <c>-</c> and <c>abs</c> keep literals in jq 1.8.</summary>
    internal JqValue Negate()
    {
        if (_ref is string literal)
        {
            return new(JqKind.Number, -_number, literal.StartsWith('-') ? literal[1..] : "-" + literal);
        }

        return new(JqKind.Number, -_number, _ref);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonNode))]
internal sealed partial class JqJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
