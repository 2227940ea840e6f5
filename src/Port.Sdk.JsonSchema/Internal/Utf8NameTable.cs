using System.Text;
using System.Text.Json;

namespace Port.Sdk.JsonSchema.Internal;

/// <summary>
/// A read-only hash table from property names to their index, looked up by the raw UTF-8 bytes of an instance's
/// property name, so that matching <c>properties</c> and <c>required</c> neither decodes nor allocates.
/// </summary>
internal sealed class Utf8NameTable
{
    private readonly (byte[] Name, int Index)[][] _buckets;
    private readonly int _mask;

    public Utf8NameTable(IReadOnlyList<string> names)
    {
        Names = names;
        var size = 4;
        while (size < names.Count * 2)
        {
            size *= 2;
        }

        _mask = size - 1;
        var buckets = new List<(byte[], int)>[size];
        for (var i = 0; i < names.Count; i++)
        {
            var utf8 = Encoding.UTF8.GetBytes(names[i]);
            (buckets[Hash(utf8) & _mask] ??= []).Add((utf8, i));
        }

        _buckets = [.. buckets.Select(b => b?.ToArray() ?? [])];
    }

    public IReadOnlyList<string> Names { get; }

    public int Count => Names.Count;

    public int Find(ReadOnlySpan<byte> utf8Name)
    {
        foreach (var (name, index) in _buckets[Hash(utf8Name) & _mask])
        {
            if (utf8Name.SequenceEqual(name))
            {
                return index;
            }
        }

        return -1;
    }

    public int Find(JsonProperty property)
    {
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(property);
        return raw.IndexOf((byte)'\\') < 0 ? Find(raw) : Find(Encoding.UTF8.GetBytes(property.Name));
    }

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash ^ (hash >> 15));
    }
}
