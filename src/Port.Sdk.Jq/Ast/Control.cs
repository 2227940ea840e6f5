using System.Text;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq.Ast;

/// <summary>Helpers that enumerate a generator and stop at its first jq error.</summary>
internal static class Guarded
{
    /// <summary>Yields outputs until the first error; the error (if any) is stored in <paramref name="error"/>'s box.</summary>
    public static IEnumerable<T> UntilError<T>(Func<IEnumerable<T>> source, StrongBox<JqException?> error)
    {
        IEnumerator<T> enumerator;
        try
        {
            enumerator = source().GetEnumerator();
        }
        catch (JqException ex) when (ex is not (JqLimitException or JqHaltException))
        {
            error.Value = ex;
            yield break;
        }

        using var disposable = enumerator;
        while (true)
        {
            T current;
            try
            {
                if (!enumerator.MoveNext())
                {
                    yield break;
                }

                current = enumerator.Current;
            }
            catch (JqException ex) when (ex is not (JqLimitException or JqHaltException))
            {
                error.Value = ex;
                yield break;
            }

            yield return current;
        }
    }
}

internal sealed class StrongBox<T>
{
    public T? Value { get; set; }
}

/// <summary><c>f?</c> and <c>try f</c>, <c>try f catch g</c>.</summary>
internal sealed class TryNode(Node body, Node? handler, bool isPostfix) : Node
{
    internal Node Body => body;

    internal Node? Handler => handler;

    internal override IEnumerable<Node> Children => handler is null ? [body] : [body, handler];

    protected override bool ComputeIsStatic() => body.IsStatic && (handler?.IsStatic ?? true);

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        var error = new StrongBox<JqException?>();
        foreach (var value in Guarded.UntilError(() => body.Eval(input, env, ctx), error))
        {
            yield return value;
        }

        if (error.Value is { } ex && handler is not null)
        {
            if (ex.Value.Kind == JqKind.Object && ex.Value.Object.TryGetValue("__jq", out _))
            {
                // halt_error and break-like control values are not catchable.
                throw ex;
            }

            foreach (var value in handler.Eval(ex.Value, env, ctx))
            {
                yield return value;
            }
        }
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        var error = new StrongBox<JqException?>();
        foreach (var item in Guarded.UntilError(() => body.Paths(input, path, env, ctx), error))
        {
            yield return item;
        }

        if (error.Value is { } ex && handler is not null)
        {
            foreach (var item in handler.Paths(ex.Value, path, env, ctx))
            {
                yield return item;
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        if (isPostfix)
        {
            body.Write(builder);
            builder.Append('?');
            return;
        }

        builder.Append("try ");
        body.Write(builder);
        if (handler is not null)
        {
            builder.Append(" catch ");
            handler.Write(builder);
        }
    }
}

/// <summary><c>if c then a elif c2 then b else d end</c> (elif chains are nested ifs).</summary>
internal sealed class IfNode(Node condition, Node then, Node? otherwise) : Node
{
    internal Node Condition => condition;

    internal Node Then => then;

    internal Node? Otherwise => otherwise;

    internal override IEnumerable<Node> Children => otherwise is null ? [condition, then] : [condition, then, otherwise];

    protected override bool ComputeIsStatic() => condition.IsStatic && then.IsStatic && (otherwise?.IsStatic ?? true);

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        if (condition.IsStatic && condition.TrySingle(input, env, ctx, out var c))
        {
            var branch = c.IsTruthy ? then : otherwise;
            if (branch is null)
            {
                value = input;
                return true;
            }

            return branch.TrySingle(input, env, ctx, out value);
        }

        value = default;
        return false;
    }

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        foreach (var c in condition.Eval(input, env, ctx))
        {
            var branch = c.IsTruthy ? then : otherwise;
            if (branch is null)
            {
                yield return input;
                continue;
            }

            foreach (var value in branch.Eval(input, env, ctx))
            {
                yield return value;
            }
        }
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        foreach (var c in condition.Eval(input, env, ctx))
        {
            var branch = c.IsTruthy ? then : otherwise;
            if (branch is null)
            {
                yield return (input, path);
                continue;
            }

            foreach (var item in branch.Paths(input, path, env, ctx))
            {
                yield return item;
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        builder.Append("if ");
        condition.Write(builder);
        builder.Append(" then ");
        then.Write(builder);
        if (otherwise is not null)
        {
            builder.Append(" else ");
            otherwise.Write(builder);
        }

        builder.Append(" end");
    }
}

/// <summary><c>reduce SOURCE as $p (INIT; UPDATE)</c>.</summary>
internal sealed class ReduceNode(Node source, Pattern[] patterns, Node init, Node update) : Node
{
    internal override IEnumerable<Node> Children => [source, init, update];

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        foreach (var initial in init.Eval(input, env, ctx))
        {
            JqValue? accumulator = initial;
            foreach (var item in source.Eval(input, env, ctx))
            {
                foreach (var bound in Pattern.BindAll(patterns, item, input, env, ctx))
                {
                    ctx.Step();
                    JqValue? last = null;
                    foreach (var value in update.Eval(accumulator ?? JqValue.Null, bound, ctx))
                    {
                        last = value;
                    }

                    accumulator = last;
                }
            }

            if (accumulator is { } result)
            {
                yield return result;
            }
            else
            {
                yield return JqValue.Null;
            }
        }
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        foreach (var (initial, initialPath) in init.Paths(input, path, env, ctx))
        {
            (JqValue Value, PathList? Path)? accumulator = (initial, initialPath);
            foreach (var item in source.Eval(input, env, ctx))
            {
                foreach (var bound in Pattern.BindAll(patterns, item, input, env, ctx))
                {
                    (JqValue, PathList?)? last = null;
                    var (value, valuePath) = accumulator ?? (JqValue.Null, path);
                    foreach (var next in update.Paths(value, valuePath, bound, ctx))
                    {
                        last = next;
                    }

                    accumulator = last;
                }
            }

            yield return accumulator ?? (JqValue.Null, path);
        }
    }

    public override void Write(StringBuilder builder)
    {
        builder.Append("reduce ");
        source.Write(builder);
        builder.Append(" as ");
        Pattern.WriteAll(builder, patterns);
        builder.Append(" (");
        init.Write(builder);
        builder.Append("; ");
        update.Write(builder);
        builder.Append(')');
    }
}

/// <summary><c>foreach SOURCE as $p (INIT; UPDATE; EXTRACT)</c>.</summary>
internal sealed class ForeachNode(Node source, Pattern[] patterns, Node init, Node update, Node? extract) : Node
{
    internal override IEnumerable<Node> Children => extract is null ? [source, init, update] : [source, init, update, extract];

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        foreach (var initial in init.Eval(input, env, ctx))
        {
            var state = initial;
            foreach (var item in source.Eval(input, env, ctx))
            {
                foreach (var bound in Pattern.BindAll(patterns, item, input, env, ctx))
                {
                    ctx.Step();
                    foreach (var next in update.Eval(state, bound, ctx))
                    {
                        state = next;
                        if (extract is null)
                        {
                            yield return next;
                            continue;
                        }

                        foreach (var output in extract.Eval(next, bound, ctx))
                        {
                            yield return output;
                        }
                    }
                }
            }
        }
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        foreach (var (initial, initialPath) in init.Paths(input, path, env, ctx))
        {
            var state = (Value: initial, Path: initialPath);
            foreach (var item in source.Eval(input, env, ctx))
            {
                foreach (var bound in Pattern.BindAll(patterns, item, input, env, ctx))
                {
                    foreach (var next in update.Paths(state.Value, state.Path, bound, ctx))
                    {
                        state = next;
                        if (extract is null)
                        {
                            yield return next;
                            continue;
                        }

                        foreach (var output in extract.Paths(next.Item1, next.Item2, bound, ctx))
                        {
                            yield return output;
                        }
                    }
                }
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        builder.Append("foreach ");
        source.Write(builder);
        builder.Append(" as ");
        Pattern.WriteAll(builder, patterns);
        builder.Append(" (");
        init.Write(builder);
        builder.Append("; ");
        update.Write(builder);
        if (extract is not null)
        {
            builder.Append("; ");
            extract.Write(builder);
        }

        builder.Append(')');
    }
}

/// <summary><c>SOURCE as $x | BODY</c>, with <c>?//</c> alternatives.</summary>
internal sealed class BindNode(Node source, Pattern[] patterns, Node body) : Node
{
    internal Node Source => source;

    internal Pattern[] Patterns => patterns;

    internal Node Body => body;

    internal override IEnumerable<Node> Children => [source, body];

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        foreach (var value in source.Eval(input, env, ctx))
        {
            if (patterns.Length == 1 && patterns[0] is VariablePattern variable)
            {
                foreach (var result in body.Eval(input, Env.BindVariable(env, variable.Name, value), ctx))
                {
                    yield return result;
                }

                continue;
            }

            foreach (var result in Alternatives(value, input, env, ctx, (bound) => body.Eval(input, bound, ctx)))
            {
                yield return result;
            }
        }
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        foreach (var value in source.Eval(input, env, ctx))
        {
            foreach (var result in Alternatives(value, input, env, ctx, (bound) => body.Paths(input, path, bound, ctx)))
            {
                yield return result;
            }
        }
    }

    /// <summary>Tries each pattern in turn: an error in binding or in the body moves on to the next pattern; the last one's error propagates.</summary>
    private IEnumerable<T> Alternatives<T>(JqValue value, JqValue input, Env? env, Interpreter ctx, Func<Env?, IEnumerable<T>> run)
    {
        var names = patterns.Length > 1 ? patterns.SelectMany(p => p.Variables()).Distinct().ToArray() : [];
        for (var i = 0; i < patterns.Length; i++)
        {
            var baseEnv = env;
            foreach (var name in names)
            {
                baseEnv = Env.BindVariable(baseEnv, name, JqValue.Null);
            }

            if (i == patterns.Length - 1)
            {
                foreach (var bound in patterns[i].Bind(value, input, baseEnv, ctx))
                {
                    foreach (var result in run(bound))
                    {
                        yield return result;
                    }
                }

                yield break;
            }

            var error = new StrongBox<JqException?>();
            foreach (var result in Guarded.UntilError(() => patterns[i].Bind(value, input, baseEnv, ctx).SelectMany(run), error))
            {
                yield return result;
            }

            if (error.Value is null)
            {
                yield break;
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        source.Write(builder);
        builder.Append(" as ");
        for (var i = 0; i < patterns.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(" ?// ");
            }

            patterns[i].Write(builder);
        }

        builder.Append(" | ");
        body.Write(builder);
    }
}

/// <summary><c>label $name | body</c>.</summary>
internal sealed class LabelNode(string name, Node body) : Node
{
    internal Node Body => body;

    internal override IEnumerable<Node> Children => [body];

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        var label = new object();
        return UntilBreak(() => body.Eval(input, Env.BindLabel(env, name, label), ctx), label);
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        var label = new object();
        return UntilBreak(() => body.Paths(input, path, Env.BindLabel(env, name, label), ctx), label);
    }

    /// <summary>Yields the outputs of <paramref name="source"/> until a <c>break</c> to <paramref name="label"/>, which ends them quietly.</summary>
    private static IEnumerable<T> UntilBreak<T>(Func<IEnumerable<T>> source, object label)
    {
        IEnumerator<T> values;
        try
        {
            values = source().GetEnumerator();
        }
        catch (BreakException ex) when (ReferenceEquals(ex.Label, label))
        {
            yield break;
        }

        using var disposable = values;
        while (true)
        {
            try
            {
                if (!values.MoveNext())
                {
                    yield break;
                }
            }
            catch (BreakException ex) when (ReferenceEquals(ex.Label, label))
            {
                yield break;
            }

            yield return values.Current;
        }
    }

    public override void Write(StringBuilder builder)
    {
        builder.Append("label $").Append(name).Append(" | ");
        body.Write(builder);
    }
}

/// <summary><c>break $name</c>.</summary>
internal sealed class BreakNode(string name) : Node
{
    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        var label = Env.LookupLabel(env, name);
        if (label is not null)
        {
            throw new BreakException(label);
        }

        yield break;
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        var label = Env.LookupLabel(env, name);
        if (label is not null)
        {
            throw new BreakException(label);
        }

        yield break;
    }

    public override void Write(StringBuilder builder) => builder.Append("break $").Append(name);
}
