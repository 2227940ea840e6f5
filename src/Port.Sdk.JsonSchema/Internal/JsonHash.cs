using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Port.Sdk.JsonSchema.Internal;

/// <summary>
/// A hash of JSON values that agrees with <see cref="JsonEquality"/>: numbers by value (<c>1</c> and <c>1.0</c> hash
/// alike), objects regardless of property order. It is seeded per process (<see cref="HashCode"/>), so no input can be
/// built to make every item collide; <c>uniqueItems</c> runs in n·log n.
/// </summary>
internal static class JsonHash
{
    /// <summary>Deeper values are reported as too deeply nested (the caller catches it), as <see cref="JsonEquality"/> does.</summary>
    private const int MaxDepth = 2048;

    /// <summary>Arrays this short are compared pairwise: cheaper than hashing.</summary>
    private const int PairwiseLength = 8;

    /// <summary>Finds the first pair of equal items: the smallest first index, then the smallest second.</summary>
    public static (int First, int Second)? FirstDuplicate(JsonElement array)
    {
        var length = array.GetArrayLength();
        if (length < 2)
        {
            return null;
        }

        var items = new JsonElement[length];
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            items[index++] = item;
        }

        if (length <= PairwiseLength)
        {
            for (var i = 0; i < length; i++)
            {
                for (var j = i + 1; j < length; j++)
                {
                    if (JsonEquality.AreEqual(items[i], items[j]))
                    {
                        return (i, j);
                    }
                }
            }

            return null;
        }

        var keys = new long[length];
        for (var i = 0; i < length; i++)
        {
            keys[i] = ((long)Of(items[i], 0) << 32) | (uint)i;
        }

        // Sorted by (hash, index): equal items sit in one run of equal hashes, in index order.
        Array.Sort(keys);
        (int First, int Second)? best = null;
        var classes = new List<(int First, int Second)>();
        for (var start = 0; start < length;)
        {
            var end = start + 1;
            while (end < length && keys[end] >> 32 == keys[start] >> 32)
            {
                end++;
            }

            if (end - start > 1)
            {
                classes.Clear();
                for (var k = start; k < end; k++)
                {
                    var current = (int)(uint)keys[k];
                    var placed = false;
                    for (var c = 0; c < classes.Count && !placed; c++)
                    {
                        if (JsonEquality.AreEqual(items[classes[c].First], items[current]))
                        {
                            if (classes[c].Second < 0)
                            {
                                classes[c] = (classes[c].First, current);
                            }

                            placed = true;
                        }
                    }

                    if (!placed)
                    {
                        classes.Add((current, -1));
                    }
                }

                foreach (var (first, second) in classes)
                {
                    if (second >= 0 && (best is not { } b || first < b.First || (first == b.First && second < b.Second)))
                    {
                        best = (first, second);
                    }
                }
            }

            start = end;
        }

        return best;
    }

    private static int Of(JsonElement value, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return Number(value);
            case JsonValueKind.String:
                return String(value);
            case JsonValueKind.True:
                return 1;
            case JsonValueKind.False:
                return 2;
            case JsonValueKind.Null:
                return 3;
            case JsonValueKind.Array:
                {
                    Deeper(depth);
                    var hash = new HashCode();
                    hash.Add(4);
                    foreach (var item in value.EnumerateArray())
                    {
                        hash.Add(Of(item, depth + 1));
                    }

                    return hash.ToHashCode();
                }

            case JsonValueKind.Object:
                {
                    Deeper(depth);

                    // A sum of the members' hashes does not depend on their order.
                    var sum = 5;
                    foreach (var property in value.EnumerateObject())
                    {
                        sum = unchecked(sum + HashCode.Combine(Name(property), Of(property.Value, depth + 1)));
                    }

                    return HashCode.Combine(sum, 6);
                }

            default:
                return 0;
        }
    }

    private static void Deeper(int depth)
    {
        if (depth >= MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new InsufficientExecutionStackException();
        }
    }

    /// <summary>As <see cref="NumberValue.AreEqual"/>: by exact decimal when the number has one, else by double.</summary>
    private static int Number(JsonElement value)
    {
        if (value.TryGetDecimal(out var d))
        {
            if (d == 0m)
            {
                return 0;
            }

            // Dividing by 1.000… drops trailing zeros, so 1.0 and 1 have the same bits.
            Span<int> bits = stackalloc int[4];
            decimal.GetBits(d / 1.0000000000000000000000000000m, bits);
            return HashCode.Combine(bits[0], bits[1], bits[2], bits[3]);
        }

        return value.TryGetDouble(out var number) ? HashCode.Combine(number == 0 ? 0d : number) : Bytes(JsonMarshal.GetRawUtf8Value(value));
    }

    private static int String(JsonElement value)
    {
        var raw = Unquoted(JsonMarshal.GetRawUtf8Value(value));
        return raw.IndexOf((byte)'\\') < 0 ? Bytes(raw) : Bytes(Encoding.UTF8.GetBytes(value.GetString()!));
    }

    private static int Name(JsonProperty property)
    {
        var raw = Unquoted(JsonMarshal.GetRawUtf8PropertyName(property));
        return raw.IndexOf((byte)'\\') < 0 ? Bytes(raw) : Bytes(Encoding.UTF8.GetBytes(property.Name));
    }

    private static ReadOnlySpan<byte> Unquoted(ReadOnlySpan<byte> raw)
        => raw.Length >= 2 && raw[0] == (byte)'"' && raw[^1] == (byte)'"' ? raw[1..^1] : raw;

    private static int Bytes(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}
