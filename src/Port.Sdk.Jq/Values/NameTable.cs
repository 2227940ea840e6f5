using System.Collections.Concurrent;

namespace Port.Sdk.Jq;

/// <summary>
/// One shared instance per distinct object key, for keys read from JSON and field names in programs alike, so that a
/// lookup usually succeeds on reference equality. Bounded: past its capacity, names are simply not shared.
/// </summary>
internal static class NameTable
{
    private const int Capacity = 100_000;
    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);

    public static bool IsShared(string name) => Names.TryGetValue(name, out var shared) && ReferenceEquals(shared, name);

    public static string Intern(string name)
    {
        if (Names.TryGetValue(name, out var shared))
        {
            return shared;
        }

        return Names.Count < Capacity ? Names.GetOrAdd(name, name) : name;
    }
}
