using System.Text.Json;

namespace Port.Sdk.JsonSchema.Internal;

/// <summary>JSON equality as JSON Schema defines it: numbers by value, objects regardless of property order.</summary>
internal static class JsonEquality
{
    /// <summary>Deeper values than this are compared as an error (the caller reports nesting), never by exhausting the stack.</summary>
    private const int MaxDepth = 2048;

    public static bool AreEqual(JsonElement a, JsonElement b) => AreEqual(a, b, 0);

    private static bool AreEqual(JsonElement a, JsonElement b, int depth)
    {
        var kindA = Normalize(a.ValueKind);
        if (kindA != Normalize(b.ValueKind))
        {
            return false;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Number:
                return NumberValue.AreEqual(a, b);
            case JsonValueKind.String:
                return StringEquals(a, b);
            case JsonValueKind.True:
                return b.ValueKind == JsonValueKind.True;
            case JsonValueKind.False:
                return b.ValueKind == JsonValueKind.False;
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.Array:
                {
                    if (a.GetArrayLength() != b.GetArrayLength())
                    {
                        return false;
                    }

                    if (depth >= MaxDepth)
                    {
                        throw new InsufficientExecutionStackException();
                    }
                    using var ea = a.EnumerateArray();
                    using var eb = b.EnumerateArray();
                    while (ea.MoveNext() && eb.MoveNext())
                    {
                        if (!AreEqual(ea.Current, eb.Current, depth + 1))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            case JsonValueKind.Object:
                {
                    if (a.GetPropertyCount() != b.GetPropertyCount())
                    {
                        return false;
                    }

                    if (depth >= MaxDepth)
                    {
                        throw new InsufficientExecutionStackException();
                    }
                    foreach (var property in a.EnumerateObject())
                    {
                        if (!b.TryGetProperty(property.Name, out var other) || !AreEqual(property.Value, other, depth + 1))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            default:
                return false;
        }
    }

    private static JsonValueKind Normalize(JsonValueKind kind) => kind == JsonValueKind.False ? JsonValueKind.True : kind;

    private static bool StringEquals(JsonElement a, JsonElement b)
    {
        var rawA = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(a);
        var rawB = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(b);
        if (rawA.IndexOf((byte)'\\') < 0 && rawB.IndexOf((byte)'\\') < 0)
        {
            return rawA.SequenceEqual(rawB);
        }

        return a.GetString() == b.GetString();
    }
}
