namespace Port.Sdk.Jq;

/// <summary>
/// A jq object: string keys in insertion order. Treated as immutable once it is inside a <see cref="JqValue"/>;
/// operations that change it return a copy.
/// </summary>
public sealed class JqObject
{
    private const int IndexThreshold = 32;
    private string[] _keys;
    private JqValue[] _values;
    private Dictionary<string, int>? _index;

    /// <summary>Initializes an empty object with room for <paramref name="capacity"/> keys.</summary>
    /// <param name="capacity">The number of keys to make room for.</param>
    public JqObject(int capacity = 4)
    {
        _keys = capacity == 0 ? [] : new string[capacity];
        _values = capacity == 0 ? [] : new JqValue[capacity];
    }

    /// <summary>Gets the number of keys.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the keys in insertion order.</summary>
    public IEnumerable<string> Keys
    {
        get
        {
            for (var i = 0; i < Count; i++)
            {
                yield return _keys[i];
            }
        }
    }

    /// <summary>Gets the key at a position in insertion order.</summary>
    /// <param name="index">The position.</param>
    /// <returns>The key.</returns>
    public string KeyAt(int index) => _keys[index];

    /// <summary>Gets the value at a position in insertion order.</summary>
    /// <param name="index">The position.</param>
    /// <returns>The value.</returns>
    public JqValue ValueAt(int index) => _values[index];

    /// <summary>Looks up a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when the key is present.</returns>
    public bool TryGetValue(string key, out JqValue value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? _values[i] : JqValue.Null;
        return i >= 0;
    }

    /// <summary>Tells whether a key is present.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when the key is present.</returns>
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    internal int IndexOf(string key)
    {
        if (_index is not null)
        {
            return _index.TryGetValue(key, out var found) ? found : -1;
        }

        // Keys from JSON and from programs are usually the same shared instance (NameTable): try references first.
        for (var i = 0; i < Count; i++)
        {
            if (ReferenceEquals(_keys[i], key))
            {
                return i;
            }
        }

        for (var i = 0; i < Count; i++)
        {
            var k = _keys[i];
            if (k.Length == key.Length && string.Equals(k, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Sets a key on this (still private) object: adds it, or replaces its value in place.</summary>
    internal void SetInPlace(string key, JqValue value)
    {
        var i = IndexOf(key);
        if (i >= 0)
        {
            _values[i] = value;
            return;
        }

        if (Count == _keys.Length)
        {
            var size = Math.Max(4, Count * 2);
            Array.Resize(ref _keys, size);
            Array.Resize(ref _values, size);
        }

        _keys[Count] = key;
        _values[Count] = value;
        if (_index is not null)
        {
            _index[key] = Count;
        }
        else if (Count >= IndexThreshold)
        {
            _index = new Dictionary<string, int>(Count * 2, StringComparer.Ordinal);
            for (var j = 0; j <= Count; j++)
            {
                _index[_keys[j]] = j;
            }
        }

        Count++;
    }

    /// <summary>
    /// Builds an object from parsed members in one allocation. Keys that went through <see cref="NameTable"/> are
    /// compared by reference to find duplicates (the last one wins, as in jq); other keys by value.
    /// </summary>
    internal static JqObject FromMembers(List<KeyValuePair<string, JqValue>> members, bool keysShared)
    {
        var obj = new JqObject(members.Count);
        foreach (var (key, value) in members)
        {
            var existing = -1;
            for (var i = 0; i < obj.Count; i++)
            {
                var k = obj._keys[i];
                if (ReferenceEquals(k, key) || (!keysShared && string.Equals(k, key, StringComparison.Ordinal)))
                {
                    existing = i;
                    break;
                }
            }

            if (existing >= 0)
            {
                obj._values[existing] = value;
                continue;
            }

            obj._keys[obj.Count] = key;
            obj._values[obj.Count] = value;
            obj.Count++;
        }

        if (obj.Count >= IndexThreshold)
        {
            obj._index = new Dictionary<string, int>(obj.Count, StringComparer.Ordinal);
            for (var i = 0; i < obj.Count; i++)
            {
                obj._index[obj._keys[i]] = i;
            }
        }

        return obj;
    }

    internal JqObject Clone(int extra = 0)
    {
        var copy = new JqObject(Count + extra);
        Array.Copy(_keys, copy._keys, Count);
        Array.Copy(_values, copy._values, Count);
        copy.Count = Count;
        if (_index is not null)
        {
            copy._index = new Dictionary<string, int>(_index, StringComparer.Ordinal);
        }

        return copy;
    }

    /// <summary>Returns a copy with a key set.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>The new object.</returns>
    public JqObject With(string key, JqValue value)
    {
        var copy = Clone(1);
        copy.SetInPlace(key, value);
        return copy;
    }

    /// <summary>Returns a copy without a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The new object, or this one when the key is absent.</returns>
    public JqObject Without(string key)
    {
        var i = IndexOf(key);
        if (i < 0)
        {
            return this;
        }

        var copy = new JqObject(Count);
        for (var j = 0; j < Count; j++)
        {
            if (j != i)
            {
                copy.SetInPlace(_keys[j], _values[j]);
            }
        }

        return copy;
    }

    /// <summary>Gets the keys sorted by code point, as jq's <c>keys</c> returns them.</summary>
    /// <returns>The sorted keys.</returns>
    public string[] SortedKeys()
    {
        var keys = new string[Count];
        Array.Copy(_keys, keys, Count);
        Array.Sort(keys, StringComparer.Ordinal);
        return keys;
    }
}
