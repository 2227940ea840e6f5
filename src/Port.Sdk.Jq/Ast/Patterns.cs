using System.Text;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq.Ast;

/// <summary>A destructuring pattern of <c>as</c>, <c>reduce</c> and <c>foreach</c>.</summary>
internal abstract class Pattern
{
    /// <summary>Binds the pattern's variables to parts of <paramref name="value"/>; key expressions run on <paramref name="input"/>.</summary>
    public abstract IEnumerable<Env?> Bind(JqValue value, JqValue input, Env? env, Interpreter ctx);

    public abstract IEnumerable<string> Variables();

    public abstract void Write(StringBuilder builder);

    public static IEnumerable<Env?> BindAll(Pattern[] patterns, JqValue value, JqValue input, Env? env, Interpreter ctx)
    {
        if (patterns.Length == 1)
        {
            return patterns[0] is VariablePattern variable ? [Env.BindVariable(env, variable.Name, value)] : patterns[0].Bind(value, input, env, ctx);
        }

        // reduce/foreach with ?// alternatives: the first pattern that binds without error.
        return BindFirst(patterns, value, input, env, ctx);
    }

    private static List<Env?> BindFirst(Pattern[] patterns, JqValue value, JqValue input, Env? env, Interpreter ctx)
    {
        var names = patterns.SelectMany(p => p.Variables()).Distinct().ToArray();
        foreach (var name in names)
        {
            env = Env.BindVariable(env, name, JqValue.Null);
        }

        for (var i = 0; i < patterns.Length; i++)
        {
            List<Env?> bound;
            try
            {
                bound = [.. patterns[i].Bind(value, input, env, ctx)];
            }
            catch (JqException ex) when (i < patterns.Length - 1 && ex is not (JqLimitException or JqHaltException))
            {
                continue;
            }

            return bound;
        }

        return [];
    }

    public static void WriteAll(StringBuilder builder, Pattern[] patterns)
    {
        for (var i = 0; i < patterns.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(" ?// ");
            }

            patterns[i].Write(builder);
        }
    }
}

internal sealed class VariablePattern(string name) : Pattern
{
    public string Name { get; } = name;

    public override IEnumerable<Env?> Bind(JqValue value, JqValue input, Env? env, Interpreter ctx)
    {
        yield return Env.BindVariable(env, Name, value);
    }

    public override IEnumerable<string> Variables() => [Name];

    public override void Write(StringBuilder builder) => builder.Append('$').Append(Name);
}

internal sealed class ArrayPattern(Pattern[] elements) : Pattern
{
    public override IEnumerable<Env?> Bind(JqValue value, JqValue input, Env? env, Interpreter ctx)
    {
        if (value.Kind is not (JqKind.Array or JqKind.Null))
        {
            throw ValueOps.IndexError(value, JqValue.FromNumber(0));
        }

        foreach (var bound in BindFrom(0, value, input, env, ctx))
        {
            yield return bound;
        }
    }

    private IEnumerable<Env?> BindFrom(int index, JqValue value, JqValue input, Env? env, Interpreter ctx)
    {
        if (index == elements.Length)
        {
            yield return env;
            yield break;
        }

        var item = ValueOps.Index(value, JqValue.FromNumber(index));
        foreach (var bound in elements[index].Bind(item, input, env, ctx))
        {
            foreach (var result in BindFrom(index + 1, value, input, bound, ctx))
            {
                yield return result;
            }
        }
    }

    public override IEnumerable<string> Variables() => elements.SelectMany(e => e.Variables());

    public override void Write(StringBuilder builder)
    {
        builder.Append('[');
        for (var i = 0; i < elements.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            elements[i].Write(builder);
        }

        builder.Append(']');
    }
}

/// <summary>An entry of an object pattern: <c>$name</c>, <c>$name: p</c>, <c>key: p</c>, <c>"key": p</c> or <c>(f): p</c>.</summary>
internal sealed record ObjectPatternEntry(string? Variable, Node? Key, Pattern? Value);

internal sealed class ObjectPattern(ObjectPatternEntry[] entries) : Pattern
{
    public override IEnumerable<Env?> Bind(JqValue value, JqValue input, Env? env, Interpreter ctx) => BindFrom(0, value, input, env, ctx);

    private IEnumerable<Env?> BindFrom(int index, JqValue value, JqValue input, Env? env, Interpreter ctx)
    {
        if (index == entries.Length)
        {
            yield return env;
            yield break;
        }

        var entry = entries[index];
        IEnumerable<JqValue> keys = entry.Key is null ? [JqValue.FromString(entry.Variable!)] : entry.Key.Eval(input, env, ctx);
        foreach (var key in keys)
        {
            if (key.Kind != JqKind.String)
            {
                throw new JqException($"Cannot index {value.TypeName} with {key.TypeName}");
            }

            if (value.Kind is not (JqKind.Object or JqKind.Null))
            {
                throw new JqException($"Cannot index {value.TypeName} with \"{key.String}\"");
            }

            var item = ValueOps.Index(value, key);
            var bound = entry.Variable is null ? env : Env.BindVariable(env, entry.Variable, item);
            IEnumerable<Env?> next = entry.Value is null ? [bound] : entry.Value.Bind(item, input, bound, ctx);
            foreach (var e in next)
            {
                foreach (var result in BindFrom(index + 1, value, input, e, ctx))
                {
                    yield return result;
                }
            }
        }
    }

    public override IEnumerable<string> Variables()
        => entries.SelectMany(e => (e.Variable is null ? [] : new[] { e.Variable }).Concat(e.Value?.Variables() ?? []));

    public override void Write(StringBuilder builder)
    {
        builder.Append('{');
        for (var i = 0; i < entries.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            var entry = entries[i];
            if (entry.Variable is not null)
            {
                builder.Append('$').Append(entry.Variable);
            }
            else if (entry.Key is LiteralNode or StringNode)
            {
                entry.Key.Write(builder);
            }
            else
            {
                builder.Append('(');
                entry.Key!.Write(builder);
                builder.Append(')');
            }

            if (entry.Value is not null)
            {
                builder.Append(": ");
                entry.Value.Write(builder);
            }
        }

        builder.Append('}');
    }
}
