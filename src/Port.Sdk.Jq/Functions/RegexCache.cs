using System.Text.RegularExpressions;

namespace Port.Sdk.Jq.Functions;

/// <summary>
/// The compiled regular expressions, least recently used first out: a program that builds its patterns from data cannot
/// grow the cache without a bound. Patterns longer than <see cref="MaxCachedPatternLength"/> are compiled but not kept.
/// </summary>
internal sealed class RegexCache(int capacity)
{
    public const int DefaultCapacity = 512;

    public const int MaxCachedPatternLength = 4_096;

    private readonly Dictionary<(string Pattern, RegexOptions Options, TimeSpan Timeout), LinkedListNode<(string Pattern, RegexOptions Options, TimeSpan Timeout, Regex Regex)>> _entries = [];
    private readonly LinkedList<(string Pattern, RegexOptions Options, TimeSpan Timeout, Regex Regex)> _order = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <exception cref="ArgumentException">The pattern is not a valid regular expression.</exception>
    public Regex Get(string pattern, RegexOptions options, TimeSpan timeout)
    {
        var key = (pattern, options, timeout);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                return node.Value.Regex;
            }
        }

        var regex = new Regex(pattern, options, timeout);
        if (pattern.Length > MaxCachedPatternLength)
        {
            return regex;
        }

        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var raced))
            {
                return raced.Value.Regex;
            }

            _entries[key] = _order.AddFirst((pattern, options, timeout, regex));
            if (_entries.Count > capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _entries.Remove((last.Value.Pattern, last.Value.Options, last.Value.Timeout));
            }
        }

        return regex;
    }
}
