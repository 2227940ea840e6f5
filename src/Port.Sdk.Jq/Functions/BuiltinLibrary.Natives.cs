using System.Globalization;
using System.Text;
using Port.Sdk.Jq.Ast;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq.Functions;

internal sealed partial class BuiltinLibrary
{
    private static IEnumerable<JqValue> One(JqValue value)
    {
        yield return value;
    }

    /// <summary>A builtin of the input only.</summary>
    private void Simple(string name, Func<JqValue, JqValue> body)
        => Add(new NativeFunction(name, 0, (input, _, _, ctx) => One(body(input)), single: body));

    /// <summary>A builtin whose arguments are values: each combination of argument outputs, the first argument varying slowest.</summary>
    private void Values(string name, int arity, Func<JqValue, JqValue[], JqValue> body)
        => Add(new NativeFunction(name, arity, (input, args, env, ctx) => Cartesian(args, input, env, ctx).Select(values => body(input, values))));

    private static IEnumerable<JqValue[]> Cartesian(Node[] args, JqValue input, Env? env, Interpreter ctx)
    {
        if (args.Length == 1)
        {
            foreach (var value in args[0].Eval(input, env, ctx))
            {
                yield return [value];
            }

            yield break;
        }

        var values = new JqValue[args.Length];
        foreach (var combination in CartesianFrom(0, values, args, input, env, ctx))
        {
            yield return combination;
        }
    }

    private static IEnumerable<JqValue[]> CartesianFrom(int index, JqValue[] values, Node[] args, JqValue input, Env? env, Interpreter ctx)
    {
        if (index == args.Length)
        {
            yield return (JqValue[])values.Clone();
            yield break;
        }

        foreach (var value in args[index].Eval(input, env, ctx))
        {
            values[index] = value;
            foreach (var result in CartesianFrom(index + 1, values, args, input, env, ctx))
            {
                yield return result;
            }
        }
    }

    private static JqValue Number(double value) => JqValue.FromNumber(value);

    private static double RequireNumber(JqValue value, string function)
        => value.Kind == JqKind.Number ? value.Number : throw new JqException($"{value.TypeName} ({ValueOps.ErrorText(value)}) number required");

    private static string RequireString(JqValue value, string what)
        => value.Kind == JqKind.String ? value.String : throw new JqException($"{value.TypeName} ({ValueOps.ErrorText(value)}) {what}");

    private void RegisterNatives()
    {
        Add(new NativeFunction("empty", 0, (_, _, _, _) => [], (_, _, _, _, _) => []));
        Add(new NativeFunction("true", 0, (_, _, _, _) => One(JqValue.True)));
        Add(new NativeFunction("false", 0, (_, _, _, _) => One(JqValue.False)));
        Add(new NativeFunction("null", 0, (_, _, _, _) => One(JqValue.Null), (_, path, _, _, _) => [(JqValue.Null, path)]));
        Add(new NativeFunction("error", 0, (input, _, _, _) => throw new JqException(input)));
        Add(new NativeFunction("error", 1, (input, args, env, ctx) => args[0].Eval(input, env, ctx).Select<JqValue, JqValue>(v => throw new JqException(v))));
        Simple("not", v => JqValue.FromBoolean(!v.IsTruthy));
        Simple("length", ValueOps.Length);
        Simple("utf8bytelength", v => Number(Encoding.UTF8.GetByteCount(RequireString(v, "only strings have UTF-8 byte length"))));
        Simple("type", v => JqValue.FromString(v.TypeName));
        Simple("infinite", _ => Number(double.PositiveInfinity));
        Simple("nan", _ => Number(double.NaN));
        Simple("isinfinite", v => JqValue.FromBoolean(double.IsInfinity(RequireNumber(v, "isinfinite"))));
        Simple("isnan", v => JqValue.FromBoolean(double.IsNaN(RequireNumber(v, "isnan"))));
        Simple("isnormal", v => JqValue.FromBoolean(double.IsNormal(RequireNumber(v, "isnormal"))));
        Simple("have_decnum", _ => JqValue.True);
        Simple("have_literal_numbers", _ => JqValue.True);
        Add(new NativeFunction("now", 0, (_, _, _, ctx) => One(Number(ctx.Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0))));
        Simple("keys", v => Keys(v, sorted: true));
        Simple("keys_unsorted", v => Keys(v, sorted: false));
        Values("has", 1, (v, a) => Has(v, a[0]));
        Values("contains", 1, (v, a) => v.Kind != a[0].Kind
            ? throw new JqException($"{v.TypeName} ({ValueOps.ErrorText(v)}) and {a[0].TypeName} ({ValueOps.ErrorText(a[0])}) cannot have their containment checked")
            : JqValue.FromBoolean(ValueOps.Contains(v, a[0])));
        Simple("add", v => v.Kind switch
        {
            JqKind.Array => v.Array.Aggregate(JqValue.Null, ValueOps.Add),
            JqKind.Object => Enumerable.Range(0, v.Object.Count).Select(v.Object.ValueAt).Aggregate(JqValue.Null, ValueOps.Add),
            JqKind.Null => JqValue.Null,
            _ => throw new JqException($"Cannot iterate over {v.TypeName} ({ValueOps.ErrorText(v)})"),
        });
        Add(new NativeFunction("range", 1, (input, args, env, ctx) => args[0].Eval(input, env, ctx).SelectMany(n => Range(0, RequireNumber(n, "range"), 1, ctx))));
        Add(new NativeFunction("range", 2, (input, args, env, ctx) => Cartesian(args, input, env, ctx).SelectMany(a => Range(RequireNumber(a[0], "range"), RequireNumber(a[1], "range"), 1, ctx))));
        Add(new NativeFunction("range", 3, (input, args, env, ctx) => Cartesian(args, input, env, ctx).SelectMany(a => Range(RequireNumber(a[0], "range"), RequireNumber(a[1], "range"), RequireNumber(a[2], "range"), ctx))));

        foreach (var (name, f) in new (string, Func<double, double>)[]
        {
            ("floor", Math.Floor), ("ceil", Math.Ceiling), ("round", x => Math.Round(x, MidpointRounding.AwayFromZero)), ("sqrt", Math.Sqrt),
            ("fabs", Math.Abs), ("exp", Math.Exp), ("exp2", x => Math.Pow(2, x)), ("exp10", x => Math.Pow(10, x)), ("log", Math.Log),
            ("log2", Math.Log2), ("log10", Math.Log10), ("log1p", x => Math.Log(1 + x)), ("expm1", x => Math.Exp(x) - 1),
            ("sin", Math.Sin), ("cos", Math.Cos), ("tan", Math.Tan), ("asin", Math.Asin), ("acos", Math.Acos), ("atan", Math.Atan),
            ("sinh", Math.Sinh), ("cosh", Math.Cosh), ("tanh", Math.Tanh), ("asinh", Math.Asinh), ("acosh", Math.Acosh), ("atanh", Math.Atanh),
            ("cbrt", Math.Cbrt), ("trunc", Math.Truncate), ("rint", x => Math.Round(x, MidpointRounding.ToEven)), ("nearbyint", x => Math.Round(x, MidpointRounding.ToEven)),
            ("significand", Significand), ("logb", x => Math.Floor(Math.Log2(Math.Abs(x)))), ("gamma", LogGamma), ("lgamma", LogGamma), ("tgamma", x => Math.Exp(LogGamma(x)) * (x < 0 && Math.Floor(-x) % 2 == 0 ? -1 : 1)),
            ("lgamma_r", LogGamma), ("ceil10", Math.Ceiling),
        })
        {
            Simple(name, v => Number(f(RequireNumber(v, name))));
        }

        foreach (var (name, f) in new (string, Func<double, double, double>)[]
        {
            ("pow", Math.Pow), ("atan2", Math.Atan2), ("fmin", Math.Min), ("fmax", Math.Max), ("fmod", Math.IEEERemainder), ("hypot", (a, b) => Math.Sqrt((a * a) + (b * b))),
            ("ldexp", (a, b) => a * Math.Pow(2, b)), ("scalb", (a, b) => a * Math.Pow(2, b)), ("scalbln", (a, b) => a * Math.Pow(2, b)), ("nexttoward", (a, b) => a == b ? b : a < b ? Math.BitIncrement(a) : Math.BitDecrement(a)),
            ("nextafter", (a, b) => a == b ? b : a < b ? Math.BitIncrement(a) : Math.BitDecrement(a)), ("copysign", Math.CopySign), ("drem", Math.IEEERemainder), ("fdim", (a, b) => a > b ? a - b : 0),
        })
        {
            Values(name, 2, (_, a) => Number(f(RequireNumber(a[0], name), RequireNumber(a[1], name))));
        }

        Values("fma", 3, (_, a) => Number(Math.FusedMultiplyAdd(RequireNumber(a[0], "fma"), RequireNumber(a[1], "fma"), RequireNumber(a[2], "fma"))));
        Simple("frexp", v =>
        {
            var x = RequireNumber(v, "frexp");
            if (x == 0 || double.IsNaN(x) || double.IsInfinity(x))
            {
                return JqValue.OwnList([Number(x), Number(0)]);
            }

            var e = (int)Math.Floor(Math.Log2(Math.Abs(x))) + 1;
            return JqValue.OwnList([Number(x / Math.Pow(2, e)), Number(e)]);
        });
        Simple("modf", v =>
        {
            var x = RequireNumber(v, "modf");
            var i = Math.Truncate(x);
            return JqValue.OwnList([Number(double.IsInfinity(x) ? 0 : x - i), Number(i)]);
        });
        Simple("abs", v => v.Kind == JqKind.Number && (v.Number < 0 || (v.Number == 0 && double.IsNegative(v.Number))) ? v.Negate() : v);
        Simple("toboolean", v => v.Kind switch
        {
            JqKind.True or JqKind.False => v,
            JqKind.String when v.String == "true" => JqValue.True,
            JqKind.String when v.String == "false" => JqValue.False,
            _ => throw new JqException($"{v.TypeName} ({ValueOps.ErrorText(v)}) cannot be parsed as a boolean"),
        });
        Values("bsearch", 1, (v, a) => BinarySearch(v, a[0]));
        Values("_strindices", 1, (v, a) => v.Kind != JqKind.String
            ? throw new JqException($"{v.TypeName} ({ValueOps.ErrorText(v)}) cannot be searched, as it is not a string")
            : a[0].Kind != JqKind.String ? throw new JqException($"{a[0].TypeName} ({ValueOps.ErrorText(a[0])}) is not a string") : ValueOps.Indices(v, a[0]));
        Add(new NativeFunction("last", 1, (input, args, env, ctx) => Last(args[0].Eval(input, env, ctx))));
        Simple("toarray", v => v.Kind == JqKind.Array ? v : JqValue.OwnList([v]));
        Simple("tostring", v => v.Kind == JqKind.String ? v : JqValue.FromString(v.ToJson()));
        Simple("tonumber", ValueOps.ToNumber);
        Simple("tojson", v => JqValue.FromString(v.ToJson()));
        Simple("fromjson", v =>
        {
            var text = RequireString(v, "cannot be parsed as JSON");
            try
            {
                return JqValue.Parse(text);
            }
            catch (JqException ex)
            {
                throw new JqException($"{ex.Message} (while parsing '{text}')");
            }
        });
        Simple("ascii_downcase", v => JqValue.FromString(AsciiCase(RequireString(v, "cannot be lowercased"), lower: true)));
        Simple("ascii_upcase", v => JqValue.FromString(AsciiCase(RequireString(v, "cannot be uppercased"), lower: false)));
        Simple("explode", v => JqValue.OwnList([.. ValueOps.ToCodePoints(RequireString(v, "cannot be exploded")).Select(c => Number(c))]));
        Simple("implode", v =>
        {
            if (v.Kind != JqKind.Array)
            {
                throw new JqException("implode input must be an array");
            }

            return JqValue.FromString(ValueOps.FromCodePoints([.. v.Array.Select(c => c.Kind == JqKind.Number && !double.IsNaN(c.Number)
                ? (int)c.Number is var cp && (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp < 0) ? 0xFFFD : (int)c.Number
                : throw new JqException($"{c.TypeName} ({ValueOps.ErrorText(c)}) can't be imploded, unicode codepoint needs to be numeric"))]));
        });
        Values("ltrimstr", 1, (v, a) => v.Kind != JqKind.String || a[0].Kind != JqKind.String
            ? throw new JqException("startswith() requires string inputs")
            : v.String.StartsWith(a[0].String, StringComparison.Ordinal) ? JqValue.FromString(v.String[a[0].String.Length..]) : v);
        Values("rtrimstr", 1, (v, a) => v.Kind != JqKind.String || a[0].Kind != JqKind.String
            ? throw new JqException("endswith() requires string inputs")
            : v.String.EndsWith(a[0].String, StringComparison.Ordinal) && a[0].String.Length > 0 ? JqValue.FromString(v.String[..^a[0].String.Length]) : v);
        Values("trimstr", 1, (v, a) =>
        {
            if (v.Kind != JqKind.String || a[0].Kind != JqKind.String || a[0].String.Length == 0)
            {
                return v;
            }

            var s = v.String;
            if (s.StartsWith(a[0].String, StringComparison.Ordinal))
            {
                s = s[a[0].String.Length..];
            }

            if (s.EndsWith(a[0].String, StringComparison.Ordinal))
            {
                s = s[..^a[0].String.Length];
            }

            return JqValue.FromString(s);
        });
        Simple("trim", v => JqValue.FromString(TrimInput(v).Trim()));
        Simple("ltrim", v => JqValue.FromString(TrimInput(v).TrimStart()));
        Simple("rtrim", v => JqValue.FromString(TrimInput(v).TrimEnd()));
        Values("startswith", 1, (v, a) => v.Kind == JqKind.String && a[0].Kind == JqKind.String ? JqValue.FromBoolean(v.String.StartsWith(a[0].String, StringComparison.Ordinal)) : throw new JqException("startswith() requires string inputs"));
        Values("endswith", 1, (v, a) => v.Kind == JqKind.String && a[0].Kind == JqKind.String ? JqValue.FromBoolean(v.String.EndsWith(a[0].String, StringComparison.Ordinal)) : throw new JqException("endswith() requires string inputs"));
        Values("split", 1, (v, a) => v.Kind == JqKind.String && a[0].Kind == JqKind.String ? ValueOps.Split(v.String, a[0].String) : throw new JqException("split input and separator must be strings"));
        Values("join", 1, (v, a) => Join(v, a[0]));
        Values("_indices", 1, (v, a) => ValueOps.Indices(v, a[0]));
        Add(new NativeFunction("getpath", 1,
            (input, args, env, ctx) => args[0].Eval(input, env, ctx).Select(p => GetPathSafe(input, p)),
            (input, path, args, env, ctx) => args[0].Eval(input, env, ctx).Select(p =>
            {
                var result = GetPathSafe(input, p);
                var full = path;
                foreach (var key in p.Array)
                {
                    full = PathList.Append(full, key);
                }

                return (result, full);
            })));
        Values("setpath", 2, (v, a) => ValueOps.SetPath(v, a[0], a[1]));
        Values("delpaths", 1, (v, a) => ValueOps.DeletePaths(v, a[0]));
        Simple("to_entries", ToEntries);
        Simple("from_entries", FromEntries);
        Simple("sort", v => v.Kind == JqKind.Array ? JqValue.OwnList(StableSort(v.Array, v.Array)) : throw new JqException($"{v.TypeName} ({ValueOps.ErrorText(v)}) cannot be sorted, as it is not an array"));
        Simple("reverse", v => v.Kind switch
        {
            JqKind.Array => JqValue.OwnList(Enumerable.Reverse(v.Array).ToList()),
            JqKind.String => JqValue.FromString(ValueOps.FromCodePoints([.. ValueOps.ToCodePoints(v.String).Reverse()])),
            JqKind.Null => JqValue.EmptyArray,
            _ => throw new JqException($"Cannot reverse {v.TypeName} ({ValueOps.ErrorText(v)})"),
        });
        Simple("unique", v => v.Kind == JqKind.Array ? JqValue.OwnList(Dedupe(StableSort(v.Array, v.Array))) : throw new JqException($"{v.TypeName} ({ValueOps.ErrorText(v)}) cannot be sorted, as it is not an array"));
        Simple("min", v => MinMax(v, v, max: false));
        Simple("max", v => MinMax(v, v, max: true));
        Add(new NativeFunction("sort_by", 1, (input, args, env, ctx) => One(By(input, args[0], env, ctx, (items, keys) => JqValue.OwnList(StableSort(items, keys))))));
        Add(new NativeFunction("group_by", 1, (input, args, env, ctx) => One(By(input, args[0], env, ctx, Group))));
        Add(new NativeFunction("unique_by", 1, (input, args, env, ctx) => One(By(input, args[0], env, ctx, (items, keys) => JqValue.OwnList(Group(items, keys).Array.Select(g => g.Array[0]).ToList())))));
        Add(new NativeFunction("min_by", 1, (input, args, env, ctx) => One(By(input, args[0], env, ctx, (items, keys) => MinMax(JqValue.OwnList([.. items]), JqValue.OwnList([.. keys]), max: false)))));
        Add(new NativeFunction("max_by", 1, (input, args, env, ctx) => One(By(input, args[0], env, ctx, (items, keys) => MinMax(JqValue.OwnList([.. items]), JqValue.OwnList([.. keys]), max: true)))));
        Add(new NativeFunction("path", 1, (input, args, env, ctx) => args[0].Paths(input, null, env, ctx).Select(p => PathList.ToValue(PathList.Require(p.Item2, p.Item1)))));
        Add(new NativeFunction("select", 1, Select, SelectPaths));
        Add(new NativeFunction("map", 1, Map));
        Add(new NativeFunction("recurse", 1, (input, args, env, ctx) => Recurse(input, null, args[0], env, ctx, paths: false).Select(p => p.Item1),
            (input, path, args, env, ctx) => Recurse(input, path, args[0], env, ctx, paths: true)));
        Add(new NativeFunction("first", 1, (input, args, env, ctx) => args[0].Eval(input, env, ctx).Take(1), (input, path, args, env, ctx) => args[0].Paths(input, path, env, ctx).Take(1)));
        Add(new NativeFunction("repeat", 1, (input, args, env, ctx) => RepeatForever(input, args[0], env, ctx)));
        Add(new NativeFunction("while", 2, (input, args, env, ctx) => Repeat(input, args[1], args[0], env, ctx)));
        Add(new NativeFunction("until", 2, (input, args, env, ctx) => Until(input, args[0], args[1], env, ctx)));
        Add(new NativeFunction("isempty", 1, (input, args, env, ctx) => One(JqValue.FromBoolean(!args[0].Eval(input, env, ctx).Any()))));
        Add(new NativeFunction("limit", 2, Limit, LimitPaths));
        Add(new NativeFunction("input", 0, (_, _, _, ctx) => ctx.Inputs is { } inputs && inputs.MoveNext() ? One(inputs.Current) : throw new JqException("break")));
        Add(new NativeFunction("inputs", 0, (_, _, _, ctx) => Inputs(ctx)));
        Add(new NativeFunction("debug", 0, (input, _, _, ctx) =>
        {
            ctx.Options.Diagnostics?.Invoke("[\"DEBUG:\"," + input.ToJson() + "]");
            return One(input);
        }));
        Add(new NativeFunction("stderr", 0, (input, _, _, ctx) =>
        {
            ctx.Options.Diagnostics?.Invoke(input.ToJson());
            return One(input);
        }));
        Add(new NativeFunction("input_filename", 0, (_, _, _, ctx) => One(ctx.Options.InputFileName is { } name ? JqValue.FromString(name) : JqValue.Null)));
        Add(new NativeFunction("input_line_number", 0, (_, _, _, _) => One(Number(0))));
        Add(new NativeFunction("env", 0, (_, _, _, ctx) => One(ctx.Environment)));
        Add(new NativeFunction("builtins", 0, (_, _, _, _) => One(JqValue.OwnList([.. Shared.Value.Names.Select(JqValue.FromString)]))));
        Add(new NativeFunction("halt", 0, (_, _, _, _) => throw new JqHaltException(0, null)));
        Add(new NativeFunction("halt_error", 1, (input, args, env, ctx) => args[0].Eval(input, env, ctx).Select<JqValue, JqValue>(code =>
            throw new JqHaltException(code.Kind == JqKind.Number ? (int)code.Number : throw new JqException("halt_error/1: number required"), input))));
        Simple("flatten", v => Flatten(v, 1e9));
        Values("flatten", 1, (v, a) => a[0].Kind == JqKind.Number && a[0].Number >= 0 ? Flatten(v, a[0].Number) : throw new JqException("flatten depth must not be negative"));
        Values("_test", 2, (v, a) => JqValue.FromBoolean(Regexes.Test(v, a[0], a[1])));
        Add(new NativeFunction("_match", 2, (input, args, env, ctx) => Cartesian(args, input, env, ctx).SelectMany(a => Regexes.Match(input, a[0], a[1]))));
        Add(new NativeFunction("sub", 3, (input, args, env, ctx) => Regexes.Substitute(input, args, env, ctx, global: false)));
        Add(new NativeFunction("gsub", 3, (input, args, env, ctx) => Regexes.Substitute(input, args, env, ctx, global: true)));
        Simple("gmtime", v => Dates.GmTime(v.Kind == JqKind.Number ? v.Number : throw new JqException("gmtime() requires a number")));
        Simple("localtime", v => Dates.GmTime(v.Kind == JqKind.Number ? v.Number : throw new JqException("localtime() requires a number")));
        Simple("mktime", Dates.MkTime);
        Values("strftime", 1, (v, a) => JqValue.FromString(Dates.StrFTime(v, a[0], "strftime/1")));
        Values("strflocaltime", 1, (v, a) => JqValue.FromString(Dates.StrFTime(v, a[0], "strflocaltime/1")));
        Values("strptime", 1, (v, a) => Dates.StrPTime(v, a[0]));
        Values("_split_regex", 2, (v, a) => Regexes.Split(v, a[0], a[1]));
        Add(new NativeFunction("skip", 2, (input, args, env, ctx) => args[0].Eval(input, env, ctx).SelectMany(n =>
        {
            var count = RequireNumber(n, "skip");
            if (count < 0)
            {
                throw new JqException("skip doesn't support negative count");
            }

            return args[1].Eval(input, env, ctx).Skip((int)Math.Min(count, int.MaxValue));
        })));
    }

    private static string TrimInput(JqValue value)
        => value.Kind == JqKind.String ? value.String : throw new JqException("trim input must be a string");

    private static IEnumerable<JqValue> Last(IEnumerable<JqValue> values)
    {
        JqValue? last = null;
        foreach (var value in values)
        {
            last = value;
        }

        if (last is { } result)
        {
            yield return result;
        }
    }

    /// <summary>jq 1.8's bsearch: the index of the target in a sorted array, or (-1 - insertion point).</summary>
    private static JqValue BinarySearch(JqValue input, JqValue target)
    {
        if (input.Kind != JqKind.Array)
        {
            throw new JqException($"{input.TypeName} ({ValueOps.ErrorText(input)}) cannot be searched from");
        }

        var items = input.Array;
        int low = 0, high = items.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) / 2;
            var c = JqValue.Compare(items[mid], target);
            if (c == 0)
            {
                return Number(mid);
            }

            if (c < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return Number(-1 - low);
    }

    private static JqValue GetPathSafe(JqValue input, JqValue path)
    {
        if (path.Kind == JqKind.Array && path.Array.Count > ValueOps.MaxDepth)
        {
            throw new JqException("Path too deep");
        }

        try
        {
            return ValueOps.GetPath(input, path);
        }
        catch (JqException) when (path.Kind == JqKind.Array)
        {
            return JqValue.Null;
        }
    }

    private static IEnumerable<JqValue> Inputs(Interpreter ctx)
    {
        while (ctx.Inputs is { } inputs && inputs.MoveNext())
        {
            yield return inputs.Current;
        }
    }

    private static IEnumerable<JqValue> Range(double from, double to, double by, Interpreter ctx)
    {
        if (by > 0)
        {
            for (var x = from; x < to; x += by)
            {
                ctx.Step();
                yield return Number(x);
            }
        }
        else if (by < 0)
        {
            for (var x = from; x > to; x += by)
            {
                ctx.Step();
                yield return Number(x);
            }
        }
        else if (from < to)
        {
            while (true)
            {
                ctx.Step();
                yield return Number(from);
            }
        }
    }

    /// <summary>
    /// <c>repeat(f)</c> as jq 1.8.2 defines it (<c>def _repeat: f, _repeat</c>): <c>f</c> of the same input, again and again,
    /// until an error (or <c>limit</c>) ends it; one step per round, so the step budget bounds a round with no outputs.
    /// </summary>
    private static IEnumerable<JqValue> RepeatForever(JqValue input, Node f, Env? env, Interpreter ctx)
    {
        while (true)
        {
            ctx.Step();
            foreach (var value in f.Eval(input, env, ctx))
            {
                yield return value;
            }
        }
    }

    /// <summary>
    /// <c>while(cond; f)</c> (<c>def _while: if cond then ., (f | _while) else empty end</c>), depth first with
    /// an explicit stack: jq runs these in constant stack through tail calls, so a long loop must not deepen the call stack.
    /// </summary>
    private static IEnumerable<JqValue> Repeat(JqValue input, Node update, Node? condition, Env? env, Interpreter ctx)
    {
        var stack = new Stack<IEnumerator<JqValue>>();
        try
        {
            stack.Push(One(input).GetEnumerator());
            while (stack.Count > 0)
            {
                var top = stack.Peek();
                if (!top.MoveNext())
                {
                    stack.Pop().Dispose();
                    continue;
                }

                ctx.Step();
                var value = top.Current;
                if (condition is not null)
                {
                    var conditions = condition.Eval(value, env, ctx).ToList();
                    if (conditions.Count != 1)
                    {
                        // Several (or no) condition outputs: fall back to the definition's exact semantics for this value.
                        foreach (var c in conditions)
                        {
                            if (c.IsTruthy)
                            {
                                yield return value;
                                foreach (var next in update.Eval(value, env, ctx).SelectMany(v => Repeat(v, update, condition, env, ctx)))
                                {
                                    yield return next;
                                }
                            }
                        }

                        continue;
                    }

                    if (!conditions[0].IsTruthy)
                    {
                        continue;
                    }
                }

                yield return value;
                stack.Push(update.Eval(value, env, ctx).GetEnumerator());
            }
        }
        finally
        {
            while (stack.Count > 0)
            {
                stack.Pop().Dispose();
            }
        }
    }

    /// <summary><c>until(cond; update)</c> (<c>def _u: if cond then . else (update | _u) end</c>) as a loop.</summary>
    private static IEnumerable<JqValue> Until(JqValue input, Node condition, Node update, Env? env, Interpreter ctx)
    {
        var value = input;
        while (true)
        {
            ctx.Step();
            var conditions = condition.Eval(value, env, ctx).ToList();
            var updates = conditions.Count == 1 && !conditions[0].IsTruthy ? update.Eval(value, env, ctx).Take(2).ToList() : null;
            if (conditions.Count == 1 && conditions[0].IsTruthy)
            {
                yield return value;
                yield break;
            }

            if (updates is { Count: 1 })
            {
                value = updates[0];
                continue;
            }

            // Several outputs somewhere: follow the definition exactly, recursively.
            foreach (var c in conditions)
            {
                if (c.IsTruthy)
                {
                    yield return value;
                    continue;
                }

                foreach (var next in update.Eval(value, env, ctx))
                {
                    foreach (var result in Until(next, condition, update, env, ctx))
                    {
                        yield return result;
                    }
                }
            }

            yield break;
        }
    }

    private static IEnumerable<JqValue> Select(JqValue input, Node[] args, Env? env, Interpreter ctx)
    {
        foreach (var condition in args[0].Eval(input, env, ctx))
        {
            if (condition.IsTruthy)
            {
                yield return input;
            }
        }
    }

    private static IEnumerable<(JqValue, PathList?)> SelectPaths(JqValue input, PathList? path, Node[] args, Env? env, Interpreter ctx)
    {
        foreach (var condition in args[0].Eval(input, env, ctx))
        {
            if (condition.IsTruthy)
            {
                yield return (input, path);
            }
        }
    }

    private static IEnumerable<JqValue> Map(JqValue input, Node[] args, Env? env, Interpreter ctx)
    {
        IEnumerable<JqValue> items = input.Kind switch
        {
            JqKind.Array => input.Array,
            JqKind.Object => Enumerable.Range(0, input.Object.Count).Select(input.Object.ValueAt),
            _ => ValueOps.Children(input).Select(c => c.Value),
        };
        var result = new List<JqValue>(input.Kind == JqKind.Array ? input.Array.Count : 4);
        foreach (var item in items)
        {
            foreach (var value in args[0].Eval(item, env, ctx))
            {
                ctx.Step();
                result.Add(value);
            }
        }

        yield return JqValue.OwnList(result);
    }

    private static IEnumerable<(JqValue, PathList?)> Recurse(JqValue input, PathList? path, Node f, Env? env, Interpreter ctx, bool paths)
    {
        ctx.Enter();
        try
        {
            yield return (input, path);
            if (paths)
            {
                foreach (var (child, childPath) in f.Paths(input, path, env, ctx))
                {
                    foreach (var item in Recurse(child, childPath, f, env, ctx, paths))
                    {
                        yield return item;
                    }
                }
            }
            else
            {
                foreach (var child in f.Eval(input, env, ctx))
                {
                    foreach (var item in Recurse(child, null, f, env, ctx, paths))
                    {
                        yield return item;
                    }
                }
            }
        }
        finally
        {
            ctx.Leave();
        }
    }

    private static IEnumerable<JqValue> Limit(JqValue input, Node[] args, Env? env, Interpreter ctx)
    {
        foreach (var n in args[0].Eval(input, env, ctx))
        {
            var count = RequireNumber(n, "limit");
            if (count < 0)
            {
                throw new JqException("limit doesn't support negative count");
            }

            if (count == 0)
            {
                continue;
            }

            var taken = 0L;
            foreach (var value in args[1].Eval(input, env, ctx))
            {
                yield return value;
                if (++taken >= count)
                {
                    break;
                }
            }
        }
    }

    private static IEnumerable<(JqValue, PathList?)> LimitPaths(JqValue input, PathList? path, Node[] args, Env? env, Interpreter ctx)
    {
        foreach (var n in args[0].Eval(input, env, ctx))
        {
            var count = RequireNumber(n, "limit");
            var taken = 0L;
            if (count <= 0)
            {
                continue;
            }

            foreach (var item in args[1].Paths(input, path, env, ctx))
            {
                yield return item;
                if (++taken >= count)
                {
                    break;
                }
            }
        }
    }

    private static JqValue Keys(JqValue value, bool sorted)
    {
        if (value.Kind == JqKind.Object)
        {
            var keys = sorted ? value.Object.SortedKeys() : [.. value.Object.Keys];
            return JqValue.OwnList([.. keys.Select(JqValue.FromString)]);
        }

        if (value.Kind == JqKind.Array)
        {
            return JqValue.OwnList([.. Enumerable.Range(0, value.Array.Count).Select(i => Number(i))]);
        }

        throw new JqException($"{value.TypeName} ({ValueOps.ErrorText(value)}) has no keys");
    }

    private static JqValue Has(JqValue value, JqValue key)
    {
        if (value.Kind == JqKind.Object && key.Kind == JqKind.String)
        {
            return JqValue.FromBoolean(value.Object.ContainsKey(key.String));
        }

        if (value.Kind == JqKind.Array && key.Kind == JqKind.Number)
        {
            return JqValue.FromBoolean(key.Number >= 0 && key.Number < value.Array.Count);
        }

        throw new JqException($"Cannot check whether {value.TypeName} has a {key.TypeName} key");
    }

    private static string AsciiCase(string text, bool lower)
    {
        // A string already in the asked case is returned as it is (strings are immutable): mappings mostly lowercase
        // names that are lowercase already.
        var first = 0;
        while (first < text.Length && !(lower ? text[first] is >= 'A' and <= 'Z' : text[first] is >= 'a' and <= 'z'))
        {
            first++;
        }

        if (first == text.Length)
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = first; i < chars.Length; i++)
        {
            if (lower && chars[i] is >= 'A' and <= 'Z')
            {
                chars[i] = (char)(chars[i] + 32);
            }
            else if (!lower && chars[i] is >= 'a' and <= 'z')
            {
                chars[i] = (char)(chars[i] - 32);
            }
        }

        return new string(chars);
    }

    private static JqValue Join(JqValue value, JqValue separator)
    {
        if (value.Kind == JqKind.Array && separator.Kind == JqKind.String)
        {
            // As jq 1.8 defines join: scalars are added to the string built so far, so arrays and objects fail as an addition.
            var joined = new StringBuilder();
            for (var i = 0; i < value.Array.Count; i++)
            {
                if (i > 0)
                {
                    joined.Append(separator.String);
                }

                var item = value.Array[i];
                if (item.Kind is JqKind.Array or JqKind.Object)
                {
                    var soFar = JqValue.FromString(joined.ToString());
                    throw new JqException($"{soFar.TypeName} ({ValueOps.ErrorText(soFar)}) and {item.TypeName} ({ValueOps.ErrorText(item)}) cannot be added");
                }

                joined.Append(JoinPart(item));
                Limits.CheckString(joined.Length);
            }

            return JqValue.FromString(joined.ToString());
        }

        if (value.Kind != JqKind.Array)
        {
            throw new JqException($"Cannot iterate over {value.TypeName}");
        }

        if (value.Array.Count == 0)
        {
            return JqValue.EmptyString;
        }

        if (separator.Kind != JqKind.String)
        {
            if (value.Array.Count == 1 && separator.Kind == JqKind.Null)
            {
                return JqValue.FromString(JoinPart(value.Array[0]));
            }

            throw new JqException($"{JqValue.EmptyString.TypeName} ({ValueOps.ErrorText(JqValue.EmptyString)}) and {separator.TypeName} ({ValueOps.ErrorText(separator)}) cannot be added");
        }

        var builder = new StringBuilder();
        for (var i = 0; i < value.Array.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(separator.String);
            }

            builder.Append(JoinPart(value.Array[i]));
        }

        return JqValue.FromString(builder.ToString());
    }

    private static string JoinPart(JqValue item) => item.Kind switch
    {
        JqKind.Null => string.Empty,
        JqKind.String => item.String,
        JqKind.Number or JqKind.True or JqKind.False => item.ToJson(),
        _ => throw new JqException($"Cannot join with {item.TypeName}"),
    };

    private static JqValue ToEntries(JqValue value)
    {
        if (value.Kind != JqKind.Object)
        {
            if (value.Kind == JqKind.Array)
            {
                return JqValue.OwnList([.. value.Array.Select((v, i) => Entry(Number(i), v))]);
            }

            throw new JqException($"{value.TypeName} ({ValueOps.ErrorText(value)}) has no keys");
        }

        var obj = value.Object;
        var result = new List<JqValue>(obj.Count);
        for (var i = 0; i < obj.Count; i++)
        {
            result.Add(Entry(JqValue.FromString(obj.KeyAt(i)), obj.ValueAt(i)));
        }

        return JqValue.OwnList(result);
    }

    private static JqValue Entry(JqValue key, JqValue value)
    {
        var entry = new JqObject(2);
        entry.SetInPlace("key", key);
        entry.SetInPlace("value", value);
        return JqValue.FromObject(entry);
    }

    private static JqValue FromEntries(JqValue value)
    {
        var result = new JqObject();
        foreach (var entry in value.Kind == JqKind.Array ? value.Array : ValueOps.Children(value).Select(c => c.Value))
        {
            JqValue key = JqValue.Null;
            var found = false;
            if (entry.Kind == JqKind.Object)
            {
                foreach (var name in new[] { "key", "k", "name", "Name", "Key", "K" })
                {
                    if (entry.Object.TryGetValue(name, out var k) && k.Kind is not (JqKind.Null or JqKind.False))
                    {
                        key = k;
                        found = true;
                        break;
                    }
                }

                if (!found && entry.Object.TryGetValue("key", out var falseKey))
                {
                    key = falseKey;
                }
            }
            else
            {
                throw new JqException($"Cannot index {entry.TypeName} with \"key\"");
            }

            var keyText = key.Kind switch
            {
                JqKind.String => key.String,
                JqKind.Number or JqKind.True or JqKind.False => key.ToJson(),
                JqKind.Null => "null",
                _ => throw new JqException($"Cannot use {key.TypeName} ({ValueOps.ErrorText(key)}) as object key"),
            };
            JqValue item = JqValue.Null;
            foreach (var name in new[] { "value", "v", "Value", "V" })
            {
                if (entry.Object.TryGetValue(name, out var v))
                {
                    item = v;
                    if (v.Kind is not (JqKind.Null or JqKind.False))
                    {
                        break;
                    }
                }
            }

            result.SetInPlace(keyText, item);
        }

        return JqValue.FromObject(result);
    }

    private static List<JqValue> StableSort(IReadOnlyList<JqValue> items, IReadOnlyList<JqValue> keys)
    {
        var order = Enumerable.Range(0, items.Count).ToArray();
        SortOrder(order, keys);
        return [.. order.Select(i => items[i])];
    }

    /// <summary>Sorts indices by their keys, stably; a jq error from a comparison surfaces as itself, not wrapped by Array.Sort.</summary>
    private static void SortOrder(int[] order, IReadOnlyList<JqValue> keys)
    {
        try
        {
            Array.Sort(order, (a, b) =>
            {
                var c = JqValue.Compare(keys[a], keys[b]);
                return c != 0 ? c : a.CompareTo(b);
            });
        }
        catch (InvalidOperationException ex) when (ex.InnerException is JqException inner)
        {
            throw inner;
        }
    }

    private static List<JqValue> Dedupe(List<JqValue> sorted)
    {
        var result = new List<JqValue>(sorted.Count);
        foreach (var item in sorted)
        {
            if (result.Count == 0 || JqValue.Compare(result[^1], item) != 0)
            {
                result.Add(item);
            }
        }

        return result;
    }

    private static JqValue By(JqValue input, Node f, Env? env, Interpreter ctx, Func<IReadOnlyList<JqValue>, IReadOnlyList<JqValue>, JqValue> body)
    {
        if (input.Kind != JqKind.Array)
        {
            throw new JqException($"Cannot index {input.TypeName} with number");
        }

        var keys = input.Array.Select(item => JqValue.OwnList([.. f.Eval(item, env, ctx)])).ToList();
        return body(input.Array, keys);
    }

    private static JqValue Group(IReadOnlyList<JqValue> items, IReadOnlyList<JqValue> keys)
    {
        var order = Enumerable.Range(0, items.Count).ToArray();
        SortOrder(order, keys);
        var groups = new List<JqValue>();
        List<JqValue>? current = null;
        JqValue? currentKey = null;
        foreach (var i in order)
        {
            if (currentKey is null || JqValue.Compare(currentKey.Value, keys[i]) != 0)
            {
                current = [];
                groups.Add(JqValue.OwnList(current));
                currentKey = keys[i];
            }

            current!.Add(items[i]);
        }

        return JqValue.OwnList(groups);
    }

    private static JqValue MinMax(JqValue items, JqValue keys, bool max)
    {
        if (items.Kind != JqKind.Array)
        {
            throw new JqException($"{items.TypeName} ({ValueOps.ErrorText(items)}) cannot be sorted, as it is not an array");
        }

        if (items.Array.Count == 0)
        {
            return JqValue.Null;
        }

        var best = 0;
        for (var i = 1; i < items.Array.Count; i++)
        {
            var c = JqValue.Compare(keys.Array[i], keys.Array[best]);
            if (max ? c >= 0 : c < 0)
            {
                best = i;
            }
        }

        return items.Array[best];
    }

    private static JqValue Flatten(JqValue value, double depth)
    {
        if (value.Kind != JqKind.Array)
        {
            throw new JqException($"Cannot iterate over {value.TypeName}");
        }

        var result = new List<JqValue>();
        Flatten(value.Array, depth, result);
        return JqValue.OwnList(result);
    }

    private static void Flatten(IReadOnlyList<JqValue> items, double depth, List<JqValue> result)
    {
        foreach (var item in items)
        {
            if (item.Kind == JqKind.Array && depth > 0)
            {
                Limits.EnsureStack("flatten");
                Limits.Step();
                Flatten(item.Array, depth - 1, result);
            }
            else
            {
                Limits.CheckCollection(result.Count + 1L);
                result.Add(item);
            }
        }
    }

    private static double Significand(double x)
    {
        if (x == 0 || double.IsNaN(x) || double.IsInfinity(x))
        {
            return x;
        }

        var e = Math.Floor(Math.Log2(Math.Abs(x)));
        return x / Math.Pow(2, e);
    }

    private static double LogGamma(double x)
    {
        if (x <= 0 && Math.Floor(x) == x)
        {
            return double.PositiveInfinity;
        }

        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        // Lanczos approximation.
        double[] g = [676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        x -= 1;
        var a = 0.99999999999980993;
        var t = x + 7.5;
        for (var i = 0; i < g.Length; i++)
        {
            a += g[i] / (x + i + 1);
        }

        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(a);
    }
}
