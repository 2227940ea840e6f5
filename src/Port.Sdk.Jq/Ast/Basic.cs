using System.Globalization;
using System.Text;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq.Ast;

/// <summary><c>.</c></summary>
internal sealed class IdentityNode : Node
{
    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        yield return input;
    }

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        value = input;
        return true;
    }

    protected override bool ComputeIsStatic() => true;

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        yield return (input, path);
    }

    public override void Write(StringBuilder builder) => builder.Append('.');
}

/// <summary><c>..</c>: the input and every value inside it, depth first.</summary>
internal sealed class RecurseNode : Node
{
    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        foreach (var (value, _) in Walk(input, null, ctx, trackPaths: false))
        {
            yield return value;
        }
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
        => Walk(input, path, ctx, trackPaths: true);

    internal static IEnumerable<(JqValue, PathList?)> Walk(JqValue value, PathList? path, Interpreter ctx, bool trackPaths)
    {
        // An explicit stack: input nested 100,000 levels deep must not overflow the call stack.
        var stack = new Stack<(JqValue Value, PathList? Path)>();
        stack.Push((value, path));
        while (stack.Count > 0)
        {
            ctx.Step();
            var (current, currentPath) = stack.Pop();
            yield return (current, currentPath);
            if (current.Kind == JqKind.Array)
            {
                var items = current.Array;
                for (var i = items.Count - 1; i >= 0; i--)
                {
                    stack.Push((items[i], trackPaths ? PathList.Append(currentPath, JqValue.FromNumber(i)) : null));
                }
            }
            else if (current.Kind == JqKind.Object)
            {
                var obj = current.Object;
                for (var i = obj.Count - 1; i >= 0; i--)
                {
                    stack.Push((obj.ValueAt(i), trackPaths ? PathList.Append(currentPath, JqValue.FromString(obj.KeyAt(i))) : null));
                }
            }
        }
    }

    public override void Write(StringBuilder builder) => builder.Append("..");
}

/// <summary>A constant.</summary>
internal sealed class LiteralNode(JqValue value) : Node
{
    public JqValue Value { get; } = value;

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        yield return Value;
    }

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        value = Value;
        return true;
    }

    protected override bool ComputeIsStatic() => true;

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        // jq accepts null as a path expression (path(null) is []), but no other constant.
        if (Value.Kind != JqKind.Null)
        {
            throw new JqException($"Invalid path expression with result {ValueOps.ErrorText(Value)}");
        }

        yield return (Value, path);
    }

    public override void Write(StringBuilder builder)
    {
        if (Value.Kind == JqKind.Number && Value.NumberLiteral is null && double.IsInfinity(Value.Number))
        {
            builder.Append(Value.Number > 0 ? "infinite" : "-infinite");
            return;
        }

        builder.Append(Value.ToJson());
    }
}

/// <summary><c>t[k]</c>, <c>t.name</c>, <c>t."name"</c>.</summary>
internal sealed class IndexNode(Node target, Node key) : Node
{
    internal override IEnumerable<Node> Children => [Target, Key];

    public Node Target { get; } = target;

    public Node Key { get; } = key;

    protected override bool ComputeIsStatic() => Target.IsStatic && Key.IsStatic;

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        if (IsStatic && Target.TrySingle(input, env, ctx, out var target) && Key.TrySingle(input, env, ctx, out var key))
        {
            ctx.Step();
            value = ValueOps.Index(target, key);
            return true;
        }

        value = default;
        return false;
    }

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        // Fast path for .name on .: no enumerators.
        if (Target is IdentityNode && Key is LiteralNode literal)
        {
            ctx.Step();
            yield return ValueOps.Index(input, literal.Value);
            yield break;
        }

        foreach (var target in Target.Eval(input, env, ctx))
        {
            if (Key is LiteralNode constant)
            {
                yield return ValueOps.Index(target, constant.Value);
                continue;
            }

            foreach (var key in Key.Eval(input, env, ctx))
            {
                yield return ValueOps.Index(target, key);
            }
        }
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        foreach (var (target, targetPath) in Target.Paths(input, path, env, ctx))
        {
            foreach (var key in Key.Eval(input, env, ctx))
            {
                var full = PathList.Access(targetPath, target, key);
                var value = target.Kind == JqKind.Null ? JqValue.Null : ValueOps.Index(target, key);
                yield return (value, full);
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        if (Target is not IdentityNode)
        {
            Target.Write(builder);
        }

        if (Key is LiteralNode { Value.Kind: JqKind.String } name && Parsing.Lexer.IsIdentifier(name.Value.String))
        {
            builder.Append('.').Append(name.Value.String);
            return;
        }

        builder.Append(Target is IdentityNode ? ".[" : "[");
        Key.Write(builder);
        builder.Append(']');
    }
}

/// <summary><c>t[from:to]</c>.</summary>
internal sealed class SliceNode(Node target, Node? from, Node? to) : Node
{
    internal override IEnumerable<Node> Children => [target, .. from is null ? Array.Empty<Node>() : [from], .. to is null ? Array.Empty<Node>() : [to]];

    protected override bool ComputeIsStatic() => target.IsStatic && (from?.IsStatic ?? true) && (to?.IsStatic ?? true);

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        foreach (var target in target.Eval(input, env, ctx))
        {
            foreach (var key in Keys(input, env, ctx))
            {
                yield return ValueOps.Index(target, key);
            }
        }
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        foreach (var (value, targetPath) in target.Paths(input, path, env, ctx))
        {
            foreach (var key in Keys(input, env, ctx))
            {
                var full = PathList.Access(targetPath, value, key);
                yield return (value.Kind == JqKind.Null ? JqValue.Null : ValueOps.Index(value, key), full);
            }
        }
    }

    private IEnumerable<JqValue> Keys(JqValue input, Env? env, Interpreter ctx)
    {
        foreach (var end in to is null ? [JqValue.Null] : to.Eval(input, env, ctx))
        {
            foreach (var start in from is null ? [JqValue.Null] : from.Eval(input, env, ctx))
            {
                var key = new JqObject(2);
                key.SetInPlace("start", start);
                key.SetInPlace("end", end);
                yield return JqValue.FromObject(key);
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        if (target is not IdentityNode)
        {
            target.Write(builder);
        }
        else
        {
            builder.Append('.');
        }

        builder.Append('[');
        from?.Write(builder);
        builder.Append(':');
        to?.Write(builder);
        builder.Append(']');
    }
}

/// <summary><c>t[]</c>.</summary>
internal sealed class IterateNode(Node target) : Node
{
    internal Node Target => target;

    internal override IEnumerable<Node> Children => [target];

    protected override bool ComputeIsStatic() => target.IsStatic;

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        foreach (var value in target.Eval(input, env, ctx))
        {
            if (value.Kind == JqKind.Array)
            {
                foreach (var item in value.Array)
                {
                    yield return item;
                }

                continue;
            }

            if (value.Kind == JqKind.Object)
            {
                var obj = value.Object;
                for (var i = 0; i < obj.Count; i++)
                {
                    yield return obj.ValueAt(i);
                }

                continue;
            }

            foreach (var (_, child) in ValueOps.Children(value))
            {
                yield return child;
            }
        }
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        foreach (var (value, valuePath) in target.Paths(input, path, env, ctx))
        {
            PathList.RequireIterable(valuePath, value);
            if (value.Kind == JqKind.Null)
            {
                continue;
            }

            foreach (var (key, child) in ValueOps.Children(value))
            {
                yield return (child, PathList.Append(valuePath, key));
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        if (target is not IdentityNode)
        {
            target.Write(builder);
        }
        else
        {
            builder.Append('.');
        }

        builder.Append("[]");
    }
}

/// <summary><c>$name</c>.</summary>
internal sealed class VariableNode(string name) : Node
{
    public string Name { get; } = name;

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        yield return Lookup(env, ctx);
    }

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        value = Lookup(env, ctx);
        return true;
    }

    protected override bool ComputeIsStatic() => true;

    public JqValue Lookup(Env? env, Interpreter ctx)
    {
        if (Name == "ENV")
        {
            return ctx.Environment;
        }

        for (var e = env; e is not null; e = e.Parent)
        {
            if (e.Arity == -1 && (ReferenceEquals(e.Name, Name) || e.Name == Name))
            {
                return e.Value;
            }
        }

        if (ctx.Options.Variables.TryGetValue(Name, out var value))
        {
            return value;
        }

        if (Name == "__prog_args")
        {
            return JqValue.EmptyArray;
        }

        throw new JqException($"${Name} is not defined");
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        // jq 1.7+: $__loc__ and variables are not paths, except that a variable holding null is accepted like null.
        var value = Lookup(env, ctx);
        if (value.Kind != JqKind.Null)
        {
            throw new JqException($"Invalid path expression with result {ValueOps.ErrorText(value)}");
        }

        yield return (value, path);
    }

    public override void Write(StringBuilder builder) => builder.Append('$').Append(Name);
}

/// <summary><c>"text \(f) text"</c>, optionally under a format (<c>@base64 "..."</c>).</summary>
internal sealed class StringNode(IReadOnlyList<object> parts, string? format) : Node
{
    internal IReadOnlyList<object> Parts => parts;

    internal override IEnumerable<Node> Children => parts.OfType<Node>();

    protected override bool ComputeIsStatic() => parts.All(p => p is string || ((Node)p).IsStatic);

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        value = default;
        if (!IsStatic)
        {
            return false;
        }

        // Each part must be single; a pure part that is not gives up before anything else ran twice.
        var builder = RentBuilder();
        for (var i = 0; i < _parts.Length; i++)
        {
            var part = _parts[i];
            if (part is string text)
            {
                builder.Append(text);
            }
            else if (((Node)part).TrySingle(input, env, ctx, out var v))
            {
                builder.Append(format is null ? ValueOps.ToText(v) : Functions.Formats.Apply(format, v));
            }
            else
            {
                ReturnBuilder(builder);
                return false;
            }
        }

        value = JqValue.FromString(builder.ToString());
        ReturnBuilder(builder);
        return true;
    }

    private readonly object[] _parts = [.. parts];

    [ThreadStatic]
    private static StringBuilder? t_builder;

    // The thread's builder, or a new one while it is in use (a part that interpolates a string itself).
    private static StringBuilder RentBuilder()
    {
        var builder = t_builder ?? new StringBuilder();
        t_builder = null;
        return builder.Clear();
    }

    private static void ReturnBuilder(StringBuilder builder)
    {
        if (builder.Capacity <= 1024)
        {
            t_builder = builder;
        }
    }

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        // jq varies the first interpolation fastest.
        var values = new string[parts.Count];
        return Expand(parts.Count - 1, values, input, env, ctx);
    }

    private IEnumerable<JqValue> Expand(int index, string[] values, JqValue input, Env? env, Interpreter ctx)
    {
        if (index < 0)
        {
            yield return JqValue.FromString(string.Concat(values));
            yield break;
        }

        if (parts[index] is string text)
        {
            values[index] = text;
            foreach (var result in Expand(index - 1, values, input, env, ctx))
            {
                yield return result;
            }

            yield break;
        }

        foreach (var value in ((Node)parts[index]).Eval(input, env, ctx))
        {
            values[index] = format is null ? ValueOps.ToText(value) : Functions.Formats.Apply(format, value);
            foreach (var result in Expand(index - 1, values, input, env, ctx))
            {
                yield return result;
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        if (format is not null)
        {
            builder.Append('@').Append(format).Append(' ');
        }

        builder.Append('"');
        foreach (var part in parts)
        {
            if (part is string text)
            {
                var json = JqValue.FromString(text).ToJson();
                builder.Append(json, 1, json.Length - 2);
            }
            else
            {
                builder.Append("\\(");
                ((Node)part).Write(builder);
                builder.Append(')');
            }
        }

        builder.Append('"');
    }
}

/// <summary><c>@base64</c> and the other formats, as filters.</summary>
internal sealed class FormatNode(string format) : Node
{
    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        yield return JqValue.FromString(Functions.Formats.Apply(format, input));
    }

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        value = JqValue.FromString(Functions.Formats.Apply(format, input));
        return true;
    }

    protected override bool ComputeIsStatic() => true;

    public override void Write(StringBuilder builder) => builder.Append('@').Append(format);
}

/// <summary><c>[f]</c>.</summary>
internal sealed class ArrayNode(Node? body) : Node
{
    internal Node? Body => body;

    internal override IEnumerable<Node> Children => body is null ? [] : [body];

    protected override bool ComputeIsStatic() => body?.IsStatic ?? true;

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        if (body is null)
        {
            value = JqValue.OwnList([]);
            return true;
        }

        var items = new List<JqValue>();
        foreach (var item in body.Eval(input, env, ctx))
        {
            ctx.Step();
            Limits.CheckCollection(items.Count + 1L);
            items.Add(item);
        }

        value = JqValue.OwnList(items);
        return true;
    }

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        if (body is null)
        {
            yield return JqValue.OwnList([]);
            yield break;
        }

        var items = new List<JqValue>();
        foreach (var value in body.Eval(input, env, ctx))
        {
            ctx.Step();
            Limits.CheckCollection(items.Count + 1L);
            items.Add(value);
        }

        yield return JqValue.OwnList(items);
    }

    public override void Write(StringBuilder builder)
    {
        builder.Append('[');
        body?.Write(builder);
        builder.Append(']');
    }
}

/// <summary><c>{k: v, ...}</c>.</summary>
internal sealed class ObjectNode(IReadOnlyList<(Node Key, Node Value)> entries) : Node
{
    internal IReadOnlyList<(Node Key, Node Value)> Entries => entries;

    internal override IEnumerable<Node> Children => entries.SelectMany(e => new[] { e.Key, e.Value });

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        if (TrySingle(input, env, ctx, out var built))
        {
            yield return built;
            yield break;
        }

        // Each key and value is evaluated once, in order; when every one has exactly one output (the usual mapping), the
        // object is built directly, else every combination is built, the first entry varying slowest, as jq does.
        var keys = new List<JqValue>[entries.Count];
        var values = new List<JqValue>[entries.Count];
        var single = true;
        for (var i = 0; i < entries.Count; i++)
        {
            ctx.Step();
            var (keyNode, valueNode) = entries[i];
            keys[i] = keyNode is LiteralNode literal ? [literal.Value] : [.. keyNode.Eval(input, env, ctx)];
            values[i] = Single(valueNode, input, env, ctx);
            single &= keys[i].Count == 1 && values[i].Count == 1;
        }

        if (single)
        {
            var obj = new JqObject(entries.Count);
            for (var i = 0; i < entries.Count; i++)
            {
                obj.SetInPlace(KeyText(keys[i][0]), values[i][0]);
            }

            yield return JqValue.FromObject(obj);
            yield break;
        }

        foreach (var obj in Combine(0, new JqObject(entries.Count), keys, values))
        {
            yield return JqValue.FromObject(obj);
        }
    }

    private static List<JqValue> Single(Node node, JqValue input, Env? env, Interpreter ctx)
        => node.IsStatic && node.TrySingle(input, env, ctx, out var value) ? [value] : [.. node.Eval(input, env, ctx)];

    /// <summary>
    /// The single-output path may give up at an entry and leave the work to the general path, which evaluates every
    /// entry again: that is safe when every entry before the last non-static one is static.
    /// </summary>
    private bool CanTrySingle => _canTrySingle ??= entries.Take(Math.Max(0, entries.Count - 1)).All(e => e.Key is LiteralNode && e.Value.IsStatic);

    private bool? _canTrySingle;

    // An array, so that the fast path indexes it rather than allocating an enumerator per evaluation.
    private readonly (Node Key, Node Value)[] _entries = [.. entries];

    protected override bool ComputeIsStatic() => entries.All(e => e.Key.IsStatic && e.Value.IsStatic);

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        // The mapping fast path: constant keys and single-output values build the object with no list or enumerator.
        // Values that are not static (a map, a select) still take it when they turn out to have one output.
        value = default;
        if (!CanTrySingle)
        {
            return false;
        }

        var all = _entries;
        var obj = new JqObject(all.Length);
        for (var i = 0; i < all.Length; i++)
        {
            ctx.Step();
            var (keyNode, valueNode) = all[i];
            if (keyNode is not LiteralNode { Value.Kind: JqKind.String } key || !valueNode.TrySingle(input, env, ctx, out var item))
            {
                // Only static entries ran so far (see Eval), so evaluating the object again is safe.
                value = default;
                return false;
            }

            obj.SetInPlace(key.Value.String, item);
        }

        value = JqValue.FromObject(obj);
        return true;
    }

    private static string KeyText(JqValue key)
        => key.Kind == JqKind.String ? key.String : throw new JqException($"Object keys must be strings");

    private static IEnumerable<JqObject> Combine(int index, JqObject current, List<JqValue>[] keys, List<JqValue>[] values)
    {
        if (index == keys.Length)
        {
            yield return current;
            yield break;
        }

        foreach (var key in keys[index])
        {
            var text = KeyText(key);
            foreach (var value in values[index])
            {
                var next = current.Clone(1);
                next.SetInPlace(text, value);
                foreach (var result in Combine(index + 1, next, keys, values))
                {
                    yield return result;
                }
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        builder.Append('{');
        for (var i = 0; i < entries.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            var (key, value) = entries[i];
            if (key is LiteralNode { Value.Kind: JqKind.String } literal && Parsing.Lexer.IsIdentifier(literal.Value.String))
            {
                builder.Append(literal.Value.String);
            }
            else if (key is LiteralNode or StringNode)
            {
                key.Write(builder);
            }
            else
            {
                builder.Append('(');
                key.Write(builder);
                builder.Append(')');
            }

            builder.Append(": ");
            var needsParens = value is PipeNode or CommaNode;
            if (needsParens)
            {
                builder.Append('(');
            }

            value.Write(builder);
            if (needsParens)
            {
                builder.Append(')');
            }
        }

        builder.Append('}');
    }
}

/// <summary><c>$__loc__</c>.</summary>
internal sealed class LocationNode(string file, int line) : Node
{
    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        var obj = new JqObject(2);
        obj.SetInPlace("file", JqValue.FromString(file));
        obj.SetInPlace("line", JqValue.FromNumber(line));
        yield return JqValue.FromObject(obj);
    }

    public override void Write(StringBuilder builder) => builder.Append("$__loc__");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"$__loc__");
}
