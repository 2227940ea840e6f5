using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Port.Sdk.Jq.Runtime;

/// <summary>jq's operations on values: indexing, paths, arithmetic and conversions, with jq's error messages.</summary>
internal static class ValueOps
{
    public static string ErrorText(JqValue value) => JqException.Truncate(value.ToJson());

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

        if (key.Kind == JqKind.String)
        {
            throw new JqException($"Cannot index {target.TypeName} with \"{key.String}\"");
        }

        throw new JqException($"Cannot index {target.TypeName} with {key.TypeName}");
    }

    public static (int Start, int End) SliceBounds(JqValue key, int length)
    {
        key.Object.TryGetValue("start", out var startValue);
        key.Object.TryGetValue("end", out var endValue);
        if ((startValue.Kind is not (JqKind.Number or JqKind.Null)) || (endValue.Kind is not (JqKind.Number or JqKind.Null)))
        {
            throw new JqException("Start and end indices of an array slice must be numbers");
        }

        double start = startValue.Kind == JqKind.Number ? startValue.Number : 0;
        double end = endValue.Kind == JqKind.Number ? endValue.Number : length;
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

        return SetPath(value, path.Array, 0, replacement);
    }

    private static JqValue SetPath(JqValue value, IReadOnlyList<JqValue> path, int at, JqValue replacement)
    {
        if (at == path.Count)
        {
            return replacement;
        }

        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new JqLimitException("Path is too deep to set on this thread's stack.");
        }

        var key = path[at];
        switch (key.Kind)
        {
            case JqKind.String:
                {
                    if (value.Kind is not (JqKind.Object or JqKind.Null))
                    {
                        throw new JqException($"Cannot index {value.TypeName} with \"{key.String}\"");
                    }

                    var obj = value.Kind == JqKind.Null ? new JqObject(1) : value.Object;
                    obj.TryGetValue(key.String, out var child);
                    return JqValue.FromObject(obj.With(key.String, SetPath(child, path, at + 1, replacement)));
                }

            case JqKind.Number:
                {
                    if (value.Kind is not (JqKind.Array or JqKind.Null))
                    {
                        throw new JqException($"Cannot index {value.TypeName} with number");
                    }

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

                    while (list.Count <= index)
                    {
                        list.Add(JqValue.Null);
                    }

                    list[(int)index] = SetPath(list[(int)index], path, at + 1, replacement);
                    return JqValue.OwnList(list);
                }

            case JqKind.Object:
                {
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
                if (value.Kind == JqKind.Array)
                {
                    throw new JqException($"Cannot update field at object index of array");
                }

                throw new JqException($"Cannot index {value.TypeName} with {key.TypeName}");
        }
    }

    public static JqValue DeletePaths(JqValue value, JqValue paths)
    {
        if (paths.Kind != JqKind.Array)
        {
            throw new JqException("Paths must be specified as an array");
        }

        // Delete the longest (and last) paths first so that earlier deletions do not shift later ones.
        var sorted = paths.Array.ToList();
        sorted.Sort((a, b) => JqValue.Compare(b, a));
        foreach (var path in sorted)
        {
            if (path.Kind != JqKind.Array)
            {
                throw new JqException("Path must be specified as an array");
            }

            value = DeletePath(value, path.Array, 0);
        }

        return value;
    }

    private static JqValue DeletePath(JqValue value, IReadOnlyList<JqValue> path, int at)
    {
        if (value.Kind == JqKind.Null || path.Count == 0)
        {
            return path.Count == 0 ? JqValue.Null : value;
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
                        var i = (long)Math.Floor(key.Number);
                        if (i < 0)
                        {
                            i += list.Count;
                            if (i < 0)
                            {
                                throw new JqException("Out of bounds negative array index");
                            }
                        }

                        if (i >= list.Count)
                        {
                            return value;
                        }

                        var copy = new List<JqValue>(list);
                        copy.RemoveAt((int)i);
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
        var updated = DeletePath(child, path, at + 1);
        if (key.Kind == JqKind.Object)
        {
            // A slice followed by more path: rebuild the slice.
            return SetPath(value, JqValue.OwnList([key]), updated);
        }

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
            return JqValue.FromString(string.Concat(a.String, b.String));
        }

        if (a.Kind == JqKind.Array && b.Kind == JqKind.Array)
        {
            var list = new List<JqValue>(a.Array.Count + b.Array.Count);
            list.AddRange(a.Array);
            list.AddRange(b.Array);
            return JqValue.OwnList(list);
        }

        if (a.Kind == JqKind.Object && b.Kind == JqKind.Object)
        {
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
            if (double.IsNaN(count) || count <= 0)
            {
                return JqValue.Null;
            }

            var n = count < 1 ? 1 : (int)Math.Min(count, int.MaxValue / Math.Max(1, text.Length));
            if ((long)n * text.Length > 100_000_000)
            {
                throw new JqException("Repeat string result too long");
            }

            return JqValue.FromString(new StringBuilder(text.Length * n).Insert(0, text, n).ToString());
        }

        if (a.Kind == JqKind.Object && b.Kind == JqKind.Object)
        {
            return DeepMerge(a, b);
        }

        throw new JqException($"{a.TypeName} ({ErrorText(a)}) and {b.TypeName} ({ErrorText(b)}) cannot be multiplied");
    }

    private static JqValue DeepMerge(JqValue a, JqValue b)
    {
        var result = a.Object.Clone(b.Object.Count);
        for (var i = 0; i < b.Object.Count; i++)
        {
            var key = b.Object.KeyAt(i);
            var value = b.Object.ValueAt(i);
            if (result.TryGetValue(key, out var existing) && existing.Kind == JqKind.Object && value.Kind == JqKind.Object)
            {
                value = DeepMerge(existing, value);
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
                throw new JqException($"{a.TypeName} ({ErrorText(a)}) and {b.TypeName} ({ErrorText(b)}) cannot be divided because the divisor is zero");
            }

            var result = y == -1 ? 0 : x % Math.Abs(y);
            return JqValue.FromNumber(result);
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

    public static bool Contains(JqValue a, JqValue b)
    {
        if (a.Kind == JqKind.Object && b.Kind == JqKind.Object)
        {
            for (var i = 0; i < b.Object.Count; i++)
            {
                if (!a.Object.TryGetValue(b.Object.KeyAt(i), out var av) || !Contains(av, b.Object.ValueAt(i)))
                {
                    return false;
                }
            }

            return true;
        }

        if (a.Kind == JqKind.Array && b.Kind == JqKind.Array)
        {
            return b.Array.All(bv => a.Array.Any(av => Contains(av, bv)));
        }

        if (a.Kind == JqKind.String && b.Kind == JqKind.String)
        {
            return a.String.Contains(b.String, StringComparison.Ordinal);
        }

        if (a.Kind == b.Kind || (a.Kind is JqKind.True or JqKind.False && b.Kind is JqKind.True or JqKind.False))
        {
            if (a.Kind is JqKind.True or JqKind.False && a.Kind != b.Kind)
            {
                throw new JqException($"{a.TypeName} ({ErrorText(a)}) and {b.TypeName} ({ErrorText(b)}) cannot have their containment checked");
            }

            return JqValue.Compare(a, b) == 0;
        }

        throw new JqException($"{a.TypeName} ({ErrorText(a)}) and {b.TypeName} ({ErrorText(b)}) cannot have their containment checked");
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
            var trimmed = text.AsSpan();
            if (trimmed.Length > 0 && !char.IsWhiteSpace(trimmed[0]) && !char.IsWhiteSpace(trimmed[^1])
                && !trimmed.StartsWith("+") && !trimmed.Contains("_", StringComparison.Ordinal)
                && !trimmed.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                && !trimmed.Equals("NaN", StringComparison.OrdinalIgnoreCase) && !trimmed.Contains("Infinity", StringComparison.OrdinalIgnoreCase)
                && !trimmed.EndsWith(".") && !trimmed.StartsWith("."))
            {
                return JqJsonReader.ReadNumber(Encoding.ASCII.GetBytes(text));
            }

            throw new JqException($"Cannot parse '{text}' as JSON");
        }

        throw new JqException($"{value.TypeName} ({ErrorText(value)}) cannot be parsed as a number");
    }
}
