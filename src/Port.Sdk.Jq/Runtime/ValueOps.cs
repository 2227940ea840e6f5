using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Port.Sdk.Jq.Runtime;

/// <summary>jq's operations on values: indexing, paths, arithmetic and conversions, with jq's error messages.</summary>
internal static class ValueOps
{
    /// <summary>A value as jq quotes it in error messages: its JSON in at most 29 bytes, cut with "..." (inside the quotes of a string).</summary>
    public static string ErrorText(JqValue value)
    {
        // Only the start is shown: never print a large (or shared, exponentially large) value in full for a message.
        var json = JqJsonWriter.Prefix(value, 64);
        if (Encoding.UTF8.GetByteCount(json) <= 29)
        {
            return json;
        }

        var isString = value.Kind == JqKind.String;
        var text = isString ? json[1..^1] : json;
        var budget = isString ? 24 : 26;
        var bytes = 0;
        var end = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > budget)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            end += rune.Utf16SequenceLength;
        }

        var cut = string.Concat(text.AsSpan(0, end), "...");
        return isString ? "\"" + cut + "\"" : cut;
    }

    public const int MaxDepth = 10_000;

    public static JqException IndexError(JqValue target, JqValue key)
        => key.Kind is JqKind.String or JqKind.Number
            ? new JqException($"Cannot index {target.TypeName} with {key.TypeName} ({ErrorText(key)})")
            : new JqException($"Cannot index {target.TypeName} with {key.TypeName}");

    public static JqValue Index(JqValue target, JqValue key)
    {
        switch (target.Kind)
        {
            case JqKind.Object when key.Kind == JqKind.String:
                return target.Object.TryGetValue(key.String, out var found) ? found : JqValue.Null;
            case JqKind.Array when key.Kind == JqKind.Number:
                {
                    var items = target.Array;
                    if (double.IsNaN(key.Number))
                    {
                        return JqValue.Null;
                    }

                    var i = (long)Math.Floor(key.Number);
                    if (i < 0)
                    {
                        i += items.Count;
                    }

                    return i >= 0 && i < items.Count ? items[(int)i] : JqValue.Null;
                }

            case JqKind.Array when key.Kind == JqKind.Object:
            case JqKind.String when key.Kind == JqKind.Object:
            case JqKind.Null when key.Kind == JqKind.Object:
                return Slice(target, key);
            case JqKind.Array when key.Kind == JqKind.Array:
                return Indices(target, key);
            case JqKind.Null when key.Kind is JqKind.String or JqKind.Number or JqKind.Null:
                return JqValue.Null;
        }

        throw IndexError(target, key);
    }

    public static (int Start, int End) SliceBounds(JqValue key, int length)
    {
        key.Object.TryGetValue("start", out var startValue);
        key.Object.TryGetValue("end", out var endValue);
        if ((startValue.Kind is not (JqKind.Number or JqKind.Null)) || (endValue.Kind is not (JqKind.Number or JqKind.Null)))
        {
            throw new JqException("Start and end indices of an array slice must be numbers");
        }

        double start = startValue.Kind == JqKind.Number && !double.IsNaN(startValue.Number) ? startValue.Number : 0;
        double end = endValue.Kind == JqKind.Number && !double.IsNaN(endValue.Number) ? endValue.Number : length;
        if (start < 0)
        {
            start += length;
        }

        if (end < 0)
        {
            end += length;
        }

        var s = (int)Math.Clamp(Math.Floor(start), 0, length);
        var e = (int)Math.Clamp(Math.Ceiling(end), 0, length);
        return (s, Math.Max(s, e));
    }

    public static JqValue Slice(JqValue target, JqValue key)
    {
        switch (target.Kind)
        {
            case JqKind.Null:
                return JqValue.Null;
            case JqKind.Array:
                {
                    var (s, e) = SliceBounds(key, target.Array.Count);
                    return JqValue.OwnList(target.List.GetRange(s, e - s));
                }

            case JqKind.String:
                {
                    var codepoints = ToCodePoints(target.String);
                    var (s, e) = SliceBounds(key, codepoints.Length);
                    return JqValue.FromString(FromCodePoints(codepoints.AsSpan(s, e - s)));
                }

            default:
                throw new JqException($"Cannot index {target.TypeName} with object");
        }
    }

    public static JqValue Indices(JqValue target, JqValue sub)
    {
        var result = new List<JqValue>();
        if (target.Kind == JqKind.Null || sub.Kind == JqKind.Null)
        {
            return JqValue.Null;
        }

        if (target.Kind == JqKind.String && sub.Kind == JqKind.String)
        {
            if (sub.String.Length == 0)
            {
                return JqValue.Null;
            }

            var bytes = Encoding.UTF8.GetBytes(target.String);
            var needle = Encoding.UTF8.GetBytes(sub.String);
            for (var i = 0; i + needle.Length <= bytes.Length; i++)
            {
                if (bytes.AsSpan(i, needle.Length).SequenceEqual(needle))
                {
                    result.Add(JqValue.FromNumber(Encoding.UTF8.GetCharCount(bytes, 0, i) is var chars ? CodePointCountUpTo(target.String, chars) : 0));
                }
            }

            return JqValue.OwnList(result);
        }

        if (target.Kind == JqKind.Array && sub.Kind == JqKind.Array)
        {
            var items = target.Array;
            var needle = sub.Array;
            if (needle.Count == 0)
            {
                return JqValue.Null;
            }

            for (var i = 0; i + needle.Count <= items.Count; i++)
            {
                var match = true;
                for (var j = 0; j < needle.Count && match; j++)
                {
                    match = JqValue.Compare(items[i + j], needle[j]) == 0;
                }

                if (match)
                {
                    result.Add(JqValue.FromNumber(i));
                }
            }

            return JqValue.OwnList(result);
        }

        if (target.Kind == JqKind.Array)
        {
            var items = target.Array;
            for (var i = 0; i < items.Count; i++)
            {
                if (JqValue.Compare(items[i], sub) == 0)
                {
                    result.Add(JqValue.FromNumber(i));
                }
            }

            return JqValue.OwnList(result);
        }

        throw new JqException($"Cannot determine indices of {sub.TypeName} in {target.TypeName}");
    }

    private static int CodePointCountUpTo(string text, int utf16Index)
    {
        var count = 0;
        for (var i = 0; i < utf16Index; i++)
        {
            if (!char.IsLowSurrogate(text[i]))
            {
                count++;
            }
        }

        return count;
    }

    public static int[] ToCodePoints(string text)
    {
        var result = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            result.Add(rune.Value);
        }

        return [.. result];
    }

    public static string FromCodePoints(ReadOnlySpan<int> codepoints)
    {
        var builder = new StringBuilder(codepoints.Length);
        foreach (var cp in codepoints)
        {
            builder.Append(Rune.IsValid(cp) ? new Rune(cp).ToString() : "\uFFFD");
        }

        return builder.ToString();
    }

    public static IEnumerable<(JqValue Key, JqValue Value)> Children(JqValue value)
    {
        if (value.Kind == JqKind.Array)
        {
            var items = value.Array;
            for (var i = 0; i < items.Count; i++)
            {
                yield return (JqValue.FromNumber(i), items[i]);
            }
        }
        else if (value.Kind == JqKind.Object)
        {
            var obj = value.Object;
            for (var i = 0; i < obj.Count; i++)
            {
                yield return (JqValue.FromString(obj.KeyAt(i)), obj.ValueAt(i));
            }
        }
        else
        {
            throw new JqException($"Cannot iterate over {value.TypeName}{(value.Kind == JqKind.Null ? string.Empty : $" ({ErrorText(value)})")}");
        }
    }

    public static JqValue GetPath(JqValue value, JqValue path)
    {
        if (path.Kind != JqKind.Array)
        {
            throw new JqException("Path must be specified as an array");
        }

        if (path.Array.Count > MaxDepth)
        {
            throw new JqException("Path too deep");
        }

        foreach (var key in path.Array)
        {
            if (value.Kind == JqKind.Null)
            {
                return JqValue.Null;
            }

            value = Index(value, key);
        }

        return value;
    }

    public static JqValue SetPath(JqValue value, JqValue path, JqValue replacement)
    {
        if (path.Kind != JqKind.Array)
        {
            throw new JqException("Path must be specified as an array");
        }

        if (path.Array.Count > MaxDepth)
        {
            throw new JqException("Path too deep");
        }

        return SetPath(value, path.Array, 0, replacement);
    }

    private static JqValue SetPath(JqValue value, IReadOnlyList<JqValue> path, int at, JqValue replacement)
    {
        if (at == path.Count)
        {
            return replacement;
        }

        Limits.EnsureStack("setpath");

        var key = path[at];
        switch (key.Kind)
        {
            case JqKind.String:
                {
                    if (value.Kind is not (JqKind.Object or JqKind.Null))
                    {
                        throw IndexError(value, key);
                    }

                    var obj = value.Kind == JqKind.Null ? new JqObject(1) : value.Object;
                    Limits.Work(obj.Count);
                    obj.TryGetValue(key.String, out var child);
                    return JqValue.FromObject(obj.With(key.String, SetPath(child, path, at + 1, replacement)));
                }

            case JqKind.Number:
                {
                    if (value.Kind is not (JqKind.Array or JqKind.Null))
                    {
                        throw IndexError(value, key);
                    }

                    if (double.IsNaN(key.Number))
                    {
                        throw new JqException("Cannot set array element at NaN index");
                    }

                    Limits.Work(value.Kind == JqKind.Array ? value.Array.Count : 0);
                    var list = value.Kind == JqKind.Null ? new List<JqValue>() : new List<JqValue>(value.List);
                    var index = (long)Math.Floor(key.Number);
                    if (index < 0)
                    {
                        index += list.Count;
                        if (index < 0)
                        {
                            throw new JqException("Out of bounds negative array index");
                        }
                    }

                    if (index > 100_000_000)
                    {
                        throw new JqException("Array index too large");
                    }

                    Limits.CheckCollection(index + 1);

                    while (list.Count <= index)
                    {
                        list.Add(JqValue.Null);
                    }

                    list[(int)index] = SetPath(list[(int)index], path, at + 1, replacement);
                    return JqValue.OwnList(list);
                }

            case JqKind.Object:
                {
                    if (value.Kind == JqKind.String)
                    {
                        throw new JqException("Cannot update string slices");
                    }

                    if (value.Kind is not (JqKind.Array or JqKind.Null))
                    {
                        throw new JqException($"Cannot update field at object index of {value.TypeName}");
                    }

                    var list = value.Kind == JqKind.Null ? new List<JqValue>() : value.List;
                    var (s, e) = SliceBounds(key, list.Count);
                    var current = JqValue.OwnList(list.GetRange(s, e - s));
                    var updated = SetPath(current, path, at + 1, replacement);
                    if (updated.Kind != JqKind.Array)
                    {
                        throw new JqException("A slice of an array can only be assigned another array");
                    }

                    var result = new List<JqValue>(list.Count);
                    result.AddRange(list.Take(s));
                    result.AddRange(updated.Array);
                    result.AddRange(list.Skip(e));
                    return JqValue.OwnList(result);
                }

            default:
                if (value.Kind == JqKind.Array && key.Kind == JqKind.Array)
                {
                    throw new JqException("Cannot update field at array index of array");
                }

                throw IndexError(value, key);
        }
    }

    public static JqValue DeletePaths(JqValue value, JqValue paths)
    {
        if (paths.Kind != JqKind.Array)
        {
            throw new JqException("Paths must be specified as an array");
        }

        // Resolve negative indices and slices against the original value, then delete the last paths first,
        // so that no deletion shifts a path still to be deleted.
        var resolved = new List<JqValue>();
        foreach (var path in paths.Array)
        {
            if (path.Kind != JqKind.Array)
            {
                throw new JqException("Path must be specified as an array");
            }

            if (path.Array.Count > MaxDepth)
            {
                throw new JqException("Path too deep");
            }

            if (Resolve(value, path.Array) is { } normal)
            {
                resolved.Add(normal);
            }
        }

        resolved.Sort((a, b) => JqValue.Compare(b, a));
        foreach (var path in resolved)
        {
            value = DeletePath(value, path.Array, 0);
        }

        return value;
    }

    /// <summary>The path with negative indices made absolute, or <see langword="null"/> when it points at nothing.</summary>
    private static JqValue? Resolve(JqValue value, IReadOnlyList<JqValue> path)
    {
        var result = new List<JqValue>(path.Count);
        foreach (var key in path)
        {
            if (value.Kind == JqKind.Array && key.Kind == JqKind.Number)
            {
                if (double.IsNaN(key.Number))
                {
                    return null;
                }

                var i = Math.Floor(key.Number);
                if (i < 0)
                {
                    i += value.Array.Count;
                }

                if (i < 0 || i >= value.Array.Count)
                {
                    return null;
                }

                result.Add(JqValue.FromNumber(i));
                value = value.Array[(int)i];
                continue;
            }

            if (value.Kind == JqKind.Array && key.Kind == JqKind.Object)
            {
                var (s, e) = SliceBounds(key, value.Array.Count);
                var slice = new JqObject(2);
                slice.SetInPlace("start", JqValue.FromNumber(s));
                slice.SetInPlace("end", JqValue.FromNumber(e));
                result.Add(JqValue.FromObject(slice));
                value = JqValue.OwnList(value.List.GetRange(s, e - s));
                continue;
            }

            result.Add(key);
            if (value.Kind == JqKind.Null)
            {
                continue;
            }

            value = Index(value, key);
        }

        return JqValue.OwnList(result);
    }

    private static JqValue DeletePath(JqValue value, IReadOnlyList<JqValue> path, int at)
    {
        if (path.Count == 0)
        {
            return JqValue.Null;
        }

        if (value.Kind == JqKind.Null)
        {
            return value;
        }

        var key = path[at];
        if (at == path.Count - 1)
        {
            switch (value.Kind)
            {
                case JqKind.Object when key.Kind == JqKind.String:
                    return JqValue.FromObject(value.Object.Without(key.String));
                case JqKind.Array when key.Kind == JqKind.Number:
                    {
                        var list = value.List;
                        var i = (int)key.Number;
                        if (i < 0 || i >= list.Count)
                        {
                            return value;
                        }

                        var copy = new List<JqValue>(list);
                        copy.RemoveAt(i);
                        return JqValue.OwnList(copy);
                    }

                case JqKind.Array when key.Kind == JqKind.Object:
                    {
                        var list = value.List;
                        var (s, e) = SliceBounds(key, list.Count);
                        var copy = new List<JqValue>(list);
                        copy.RemoveRange(s, e - s);
                        return JqValue.OwnList(copy);
                    }

                default:
                    throw key.Kind == JqKind.String
                        ? new JqException($"Cannot delete field at object index of {value.TypeName}")
                        : new JqException($"Cannot delete field at index of {value.TypeName}");
            }
        }

        var child = Index(value, key);
        if (child.Kind == JqKind.Null)
        {
            return value;
        }

        Limits.EnsureStack("delpaths");
        var updated = DeletePath(child, path, at + 1);
        return SetPath(value, JqValue.OwnList([key]), updated);
    }

    public static JqValue Add(JqValue a, JqValue b)
    {
        if (a.Kind == JqKind.Null)
        {
            return b;
        }

        if (b.Kind == JqKind.Null)
        {
            return a;
        }

        if (a.Kind == JqKind.Number && b.Kind == JqKind.Number)
        {
            return JqValue.FromNumber(a.Number + b.Number);
        }

        if (a.Kind == JqKind.String && b.Kind == JqKind.String)
        {
            Limits.CheckString((long)a.String.Length + b.String.Length);
            Limits.Work((long)a.String.Length + b.String.Length);
            return JqValue.FromString(string.Concat(a.String, b.String));
        }

        if (a.Kind == JqKind.Array && b.Kind == JqKind.Array)
        {
            Limits.CheckCollection((long)a.Array.Count + b.Array.Count);
            Limits.Work((long)a.Array.Count + b.Array.Count);
            var list = new List<JqValue>(a.Array.Count + b.Array.Count);
            list.AddRange(a.Array);
            list.AddRange(b.Array);
            return JqValue.OwnList(list);
        }

        if (a.Kind == JqKind.Object && b.Kind == JqKind.Object)
        {
            Limits.CheckCollection((long)a.Object.Count + b.Object.Count);
            Limits.Work((long)a.Object.Count + b.Object.Count);
            var result = a.Object.Clone(b.Object.Count);
            for (var i = 0; i < b.Object.Count; i++)
            {
                result.SetInPlace(b.Object.KeyAt(i), b.Object.ValueAt(i));
            }

            return JqValue.FromObject(result);
        }

        throw new JqException($"{a.TypeName} ({ErrorText(a)}) and {b.TypeName} ({ErrorText(b)}) cannot be added");
    }

    public static JqValue Subtract(JqValue a, JqValue b)
    {
        if (a.Kind == JqKind.Number && b.Kind == JqKind.Number)
        {
            return JqValue.FromNumber(a.Number - b.Number);
        }

        if (a.Kind == JqKind.Array && b.Kind == JqKind.Array)
        {
            var result = new List<JqValue>();
            foreach (var item in a.Array)
            {
                if (!b.Array.Any(x => JqValue.Compare(x, item) == 0))
                {
                    result.Add(item);
                }
            }

            return JqValue.OwnList(result);
        }

        throw new JqException($"{a.TypeName} ({ErrorText(a)}) and {b.TypeName} ({ErrorText(b)}) cannot be subtracted");
    }

    public static JqValue Multiply(JqValue a, JqValue b)
    {
        if (a.Kind == JqKind.Number && b.Kind == JqKind.Number)
        {
            return JqValue.FromNumber(a.Number * b.Number);
        }

        if ((a.Kind == JqKind.String && b.Kind == JqKind.Number) || (a.Kind == JqKind.Number && b.Kind == JqKind.String))
        {
            var (text, count) = a.Kind == JqKind.String ? (a.String, b.Number) : (b.String, a.Number);
            if (double.IsNaN(count) || count < 0)
            {
                return JqValue.Null;
            }

            if (Math.Floor(count) * text.Length >= int.MaxValue - 8)
            {
                // jq's own limit (an int of bytes): a jq error, which try catches.
                throw new JqException("Repeat string result too long");
            }

            var n = (int)Math.Floor(count);
            Limits.CheckString((long)n * text.Length);
            Limits.Work((long)n * text.Length);

            return JqValue.FromString(new StringBuilder(text.Length * n).Insert(0, text, n).ToString());
        }

        if (a.Kind == JqKind.Object && b.Kind == JqKind.Object)
        {
            return DeepMerge(a, b);
        }

        throw new JqException($"{a.TypeName} ({ErrorText(a)}) and {b.TypeName} ({ErrorText(b)}) cannot be multiplied");
    }

    private static JqValue DeepMerge(JqValue a, JqValue b, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new JqException("Object merge too deep");
        }


        Limits.EnsureStack("object multiplication");
        Limits.Step();
        var result = a.Object.Clone(b.Object.Count);
        for (var i = 0; i < b.Object.Count; i++)
        {
            var key = b.Object.KeyAt(i);
            var value = b.Object.ValueAt(i);
            if (result.TryGetValue(key, out var existing) && existing.Kind == JqKind.Object && value.Kind == JqKind.Object)
            {
                value = DeepMerge(existing, value, depth + 1);
            }

            result.SetInPlace(key, value);
        }

        return JqValue.FromObject(result);
    }

    public static JqValue Divide(JqValue a, JqValue b)
    {
        if (a.Kind == JqKind.Number && b.Kind == JqKind.Number)
        {
            if (b.Number == 0)
            {
                throw new JqException($"{a.TypeName} ({ErrorText(a)}) and {b.TypeName} ({ErrorText(b)}) cannot be divided because the divisor is zero");
            }

            return JqValue.FromNumber(a.Number / b.Number);
        }

        if (a.Kind == JqKind.String && b.Kind == JqKind.String)
        {
            return Split(a.String, b.String);
        }

        throw new JqException($"{a.TypeName} ({ErrorText(a)}) and {b.TypeName} ({ErrorText(b)}) cannot be divided");
    }

    public static JqValue Modulo(JqValue a, JqValue b)
    {
        if (a.Kind == JqKind.Number && b.Kind == JqKind.Number)
        {
            if (double.IsNaN(a.Number) || double.IsNaN(b.Number))
            {
                return JqValue.FromNumber(double.NaN);
            }

            var x = ToLongTruncated(a.Number);
            var y = ToLongTruncated(b.Number);
            if (y == 0)
            {
                throw new JqException($"{a.TypeName} ({ErrorText(a)}) and {b.TypeName} ({ErrorText(b)}) cannot be divided (remainder) because the divisor is zero");
            }

            var result = y == -1 ? 0 : x % Math.Abs(y);
            return JqValue.FromNumber(result);
        }

        if (a.Kind == JqKind.Number && b.Kind == JqKind.Number)
        {
            throw new JqException($"{a.TypeName} ({ErrorText(a)}) and {b.TypeName} ({ErrorText(b)}) cannot be divided (remainder) because the divisor is zero");
        }

        throw new JqException($"{a.TypeName} ({ErrorText(a)}) and {b.TypeName} ({ErrorText(b)}) cannot be divided");
    }

    private static long ToLongTruncated(double value)
        => value >= long.MaxValue ? long.MaxValue : value <= long.MinValue ? long.MinValue : (long)value;

    public static JqValue Split(string text, string separator)
    {
        var result = new List<JqValue>();
        if (text.Length == 0)
        {
            return JqValue.OwnList(result);
        }

        if (separator.Length == 0)
        {
            foreach (var rune in text.EnumerateRunes())
            {
                result.Add(JqValue.FromString(rune.ToString()));
            }

            return JqValue.OwnList(result);
        }

        foreach (var part in text.Split(separator))
        {
            result.Add(JqValue.FromString(part));
        }

        return JqValue.OwnList(result);
    }

    public static JqValue Length(JqValue value) => value.Kind switch
    {
        JqKind.Null => JqValue.FromNumber(0),
        JqKind.True or JqKind.False => throw new JqException($"boolean ({ErrorText(value)}) has no length"),
        JqKind.Number => value.Number < 0 ? value.Negate() : value,
        JqKind.String => JqValue.FromNumber(CodePointCount(value.String)),
        JqKind.Array => JqValue.FromNumber(value.Array.Count),
        _ => JqValue.FromNumber(value.Object.Count),
    };

    public static int CodePointCount(string text)
    {
        var count = text.Length;
        foreach (var c in text)
        {
            if (char.IsLowSurrogate(c))
            {
                count--;
            }
        }

        return count;
    }

    public static string ToText(JqValue value) => value.Kind == JqKind.String ? value.String : value.ToJson();

    /// <summary>
    /// jq 1.8's <c>jv_contains</c>: values of different kinds (true and false are different kinds) do not contain each other;
    /// the caller checks the kinds of the top-level pair, where a mismatch is an error.
    /// </summary>
    public static bool Contains(JqValue a, JqValue b) => Contains(a, b, 0);

    private static bool Contains(JqValue a, JqValue b, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new JqException("Containment check too deep");
        }

        if (a.Kind != b.Kind)
        {
            return false;
        }

        switch (a.Kind)
        {
            case JqKind.Object:
                Limits.EnsureStack("contains");
                Limits.Step();
                for (var i = 0; i < b.Object.Count; i++)
                {
                    if (!a.Object.TryGetValue(b.Object.KeyAt(i), out var av) || !Contains(av, b.Object.ValueAt(i), depth + 1))
                    {
                        return false;
                    }
                }

                return true;
            case JqKind.Array:
                Limits.EnsureStack("contains");
                Limits.Step();
                var items = a.Array;
                foreach (var bv in b.Array)
                {
                    var found = false;
                    for (var i = 0; i < items.Count && !found; i++)
                    {
                        found = Contains(items[i], bv, depth + 1);
                    }

                    if (!found)
                    {
                        return false;
                    }
                }

                return true;
            case JqKind.String:
                return a.String.Contains(b.String, StringComparison.Ordinal);
            default:
                return JqValue.Compare(a, b) == 0;
        }
    }

    public static JqValue ToNumber(JqValue value)
    {
        if (value.Kind == JqKind.Number)
        {
            return value;
        }

        if (value.Kind == JqKind.String)
        {
            var text = value.String;
            if (IsNumberText(text))
            {
                var normal = text.StartsWith('+') ? text[1..] : text;
                normal = normal.StartsWith('.') ? "0" + normal : normal.StartsWith("-.", StringComparison.Ordinal) ? "-0" + normal[1..] : normal;
                normal = normal.Replace(".e", ".0e", StringComparison.OrdinalIgnoreCase);
                if (normal.EndsWith('.'))
                {
                    normal += "0";
                }

                return JqJsonReader.ReadNumber(Encoding.ASCII.GetBytes(normal));
            }

        }

        throw new JqException($"{value.TypeName} ({ErrorText(value)}) cannot be parsed as a number");
    }

    private static bool IsNumberText(string text)
    {
        var i = 0;
        if (i < text.Length && text[i] is '+' or '-')
        {
            i++;
        }

        var digits = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
            digits++;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
                digits++;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            var exponent = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
                exponent++;
            }

            if (exponent == 0)
            {
                return false;
            }
        }

        return i == text.Length;
    }
}
