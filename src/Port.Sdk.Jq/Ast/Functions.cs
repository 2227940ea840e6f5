using System.Text;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq.Ast;

/// <summary><c>def name(params): body; rest</c>.</summary>
internal sealed class FunctionDefinitionNode(FunctionDefinition definition, Node rest) : Node
{
    internal override IEnumerable<Node> Children => [definition.Body, rest];

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx) => rest.Eval(input, Bind(env), ctx);

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
        => rest.Paths(input, path, Bind(env), ctx);

    private Env Bind(Env? env)
    {
        var closure = new Closure(definition, null);
        var bound = Env.BindFunction(env, definition.Name, definition.Arity, closure);
        closure.Env = bound;
        return bound;
    }

    public override void Write(StringBuilder builder)
    {
        builder.Append("def ").Append(definition.Name);
        if (definition.Arity > 0)
        {
            builder.Append('(').AppendJoin("; ", definition.Parameters.Select(p => (p.IsValue ? "$" : string.Empty) + p.Name)).Append(')');
        }

        builder.Append(": ");
        definition.Body.Write(builder);
        builder.Append("; ");
        rest.Write(builder);
    }
}

/// <summary>A builtin implemented in C#.</summary>
internal sealed class NativeFunction(
    string name,
    int arity,
    Func<JqValue, Node[], Env?, Interpreter, IEnumerable<JqValue>> invoke,
    Func<JqValue, PathList?, Node[], Env?, Interpreter, IEnumerable<(JqValue, PathList?)>>? paths = null,
    Func<JqValue, JqValue>? single = null)
{
    /// <summary>For a builtin of the input only with one output: the function itself, for the single-output fast path.</summary>
    public Func<JqValue, JqValue>? Single { get; } = single;

    public string Name { get; } = name;

    public int Arity { get; } = arity;

    public Func<JqValue, Node[], Env?, Interpreter, IEnumerable<JqValue>> Invoke { get; } = invoke;

    public Func<JqValue, PathList?, Node[], Env?, Interpreter, IEnumerable<(JqValue, PathList?)>>? InvokePaths { get; } = paths;
}

/// <summary>A call, resolved when the program is compiled: to a local definition, a jq-defined builtin, or a native builtin.</summary>
internal sealed class CallNode : Node
{
    internal override IEnumerable<Node> Children => Arguments;

    private readonly FunctionDefinition[] _argumentDefinitions;

    public CallNode(string name, Node[] arguments, Closure? builtin, NativeFunction? native)
    {
        Name = name;
        Arguments = arguments;
        Builtin = builtin;
        Native = native;
        _argumentDefinitions = [.. arguments.Select(a => new FunctionDefinition(string.Empty, [], a))];
    }

    public string Name { get; }

    public Node[] Arguments { get; }

    /// <summary>A jq-defined builtin, when the call resolves to one.</summary>
    public Closure? Builtin { get; }

    /// <summary>A native builtin, when the call resolves to one.</summary>
    public NativeFunction? Native { get; }

    private static readonly HashSet<string> Impure = new(StringComparer.Ordinal)
    {
        "input", "inputs", "debug", "stderr", "halt", "halt_error", "input_filename", "input_line_number", "now",
    };

    protected override bool ComputeIsStatic() => Native is not null && !Impure.Contains(Name) && Arguments.All(a => a.IsStatic);

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        if (Native?.Single is { } single)
        {
            ctx.Step();
            try
            {
                value = single(input);
            }
            catch (Exception ex) when (IsDataError(ex))
            {
                throw ToJqError(ex);
            }

            return true;
        }

        if (Native?.Name == "select" && Arguments[0].IsStatic && Arguments[0].TrySingle(input, env, ctx, out var condition) && condition.IsTruthy)
        {
            value = input;
            return true;
        }

        if (Native?.Name == "map" && Arguments[0] is var f && input.Kind == JqKind.Array)
        {
            ctx.Step();
            var items = input.Array;
            var result = new List<JqValue>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                if (f.TrySingle(item, env, ctx, out var mapped))
                {
                    result.Add(mapped);
                }
                else
                {
                    result.AddRange(f.Eval(item, env, ctx));
                }
            }

            value = JqValue.OwnList(result);
            return true;
        }

        value = default;
        return false;
    }

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        // An iterator, so that a native's error is raised while enumerating (where try can catch it), not when called.
        ctx.Step();
        if (Native is null)
        {
            foreach (var value in Invoke(Builtin ?? Env.LookupFunction(env, Name, Arguments.Length), input, env, ctx))
            {
                yield return value;
            }

            yield break;
        }

        // A .NET exception a builtin lets out on bad data (a date out of range, an overflow) is this call's jq error,
        // which try can catch; it must not escape the engine.
        IEnumerator<JqValue> values;
        try
        {
            values = Native.Invoke(input, Arguments, env, ctx).GetEnumerator();
        }
        catch (Exception ex) when (IsDataError(ex))
        {
            throw ToJqError(ex);
        }

        using (values)
        {
            while (true)
            {
                try
                {
                    if (!values.MoveNext())
                    {
                        yield break;
                    }
                }
                catch (Exception ex) when (IsDataError(ex))
                {
                    throw ToJqError(ex);
                }

                yield return values.Current;
            }
        }
    }

    private static bool IsDataError(Exception ex)
        => ex is ArgumentException or ArithmeticException or FormatException or TimeoutException or IndexOutOfRangeException
            or InvalidOperationException or InvalidCastException;

    private JqException ToJqError(Exception ex) => ex is System.Text.RegularExpressions.RegexMatchTimeoutException timeout
        ? Functions.Regexes.TimeoutError(timeout)
        : new JqException($"{Name}/{Arguments.Length}: {ex.Message}", ex);

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        var items = Native is not null
            ? Native.InvokePaths is { } paths ? paths(input, path, Arguments, env, ctx) : base.Paths(input, path, env, ctx)
            : InvokePaths(Builtin ?? Env.LookupFunction(env, Name, Arguments.Length), input, path, env, ctx);
        foreach (var item in items)
        {
            yield return item;
        }
    }

    private IEnumerable<JqValue> Invoke(Closure closure, JqValue input, Env? callerEnv, Interpreter ctx)
    {
        var definition = closure.Definition;
        if (definition.Arity == 0)
        {
            return Run(definition.Body, input, closure.Env, ctx);
        }

        return BindArguments(closure, input, callerEnv, ctx).SelectMany(env => Run(definition.Body, input, env, ctx));
    }

    private IEnumerable<(JqValue, PathList?)> InvokePaths(Closure closure, JqValue input, PathList? path, Env? callerEnv, Interpreter ctx)
    {
        var definition = closure.Definition;
        if (definition.Arity == 0)
        {
            return RunPaths(definition.Body, input, path, closure.Env, ctx);
        }

        return BindArguments(closure, input, callerEnv, ctx).SelectMany(env => RunPaths(definition.Body, input, path, env, ctx));
    }

    private static IEnumerable<JqValue> Run(Node body, JqValue input, Env? env, Interpreter ctx)
    {
        ctx.Enter();
        try
        {
            foreach (var value in body.Eval(input, env, ctx))
            {
                yield return value;
            }
        }
        finally
        {
            ctx.Leave();
        }
    }

    private static IEnumerable<(JqValue, PathList?)> RunPaths(Node body, JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        ctx.Enter();
        try
        {
            foreach (var item in body.Paths(input, path, env, ctx))
            {
                yield return item;
            }
        }
        finally
        {
            ctx.Leave();
        }
    }

    /// <summary>Binds filter parameters as closures and <c>$</c> parameters to each combination of their values.</summary>
    private IEnumerable<Env?> BindArguments(Closure closure, JqValue input, Env? callerEnv, Interpreter ctx)
    {
        var definition = closure.Definition;
        var env = closure.Env;
        var hasValues = false;
        for (var i = 0; i < definition.Arity; i++)
        {
            var (name, isValue) = definition.Parameters[i];
            hasValues |= isValue;
            env = Env.BindFunction(env, name, 0, new Closure(_argumentDefinitions[i], callerEnv));
        }

        if (!hasValues)
        {
            return [env];
        }

        return BindValues(0, definition, input, env, callerEnv, ctx);
    }

    private IEnumerable<Env?> BindValues(int index, FunctionDefinition definition, JqValue input, Env? env, Env? callerEnv, Interpreter ctx)
    {
        if (index == definition.Arity)
        {
            yield return env;
            yield break;
        }

        var (name, isValue) = definition.Parameters[index];
        if (!isValue)
        {
            foreach (var result in BindValues(index + 1, definition, input, env, callerEnv, ctx))
            {
                yield return result;
            }

            yield break;
        }

        foreach (var value in Arguments[index].Eval(input, callerEnv, ctx))
        {
            foreach (var result in BindValues(index + 1, definition, input, Env.BindVariable(env, name, value), callerEnv, ctx))
            {
                yield return result;
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        builder.Append(Name);
        if (Arguments.Length > 0)
        {
            builder.Append('(');
            for (var i = 0; i < Arguments.Length; i++)
            {
                if (i > 0)
                {
                    builder.Append("; ");
                }

                Arguments[i].Write(builder);
            }

            builder.Append(')');
        }
    }
}
