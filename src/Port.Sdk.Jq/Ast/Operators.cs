using System.Text;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq.Ast;

/// <summary><c>a | b</c>.</summary>
internal sealed class PipeNode(Node left, Node right) : Node
{
    internal override IEnumerable<Node> Children => [Left, Right];

    public Node Left { get; } = left;

    public Node Right { get; } = right;

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        // Only when the left side is static: it is evaluated again by Eval if the right side is not single.
        if (Left.IsStatic && Left.TrySingle(input, env, ctx, out var left))
        {
            return Right.TrySingle(left, env, ctx, out value);
        }

        value = default;
        return false;
    }

    protected override bool ComputeIsStatic() => Left.IsStatic && Right.IsStatic;

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        foreach (var value in Left.Eval(input, env, ctx))
        {
            foreach (var result in Right.Eval(value, env, ctx))
            {
                yield return result;
            }
        }
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        foreach (var (value, valuePath) in Left.Paths(input, path, env, ctx))
        {
            foreach (var result in Right.Paths(value, valuePath, env, ctx))
            {
                yield return result;
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        Left.Write(builder);
        builder.Append(" | ");
        Right.Write(builder);
    }
}

/// <summary><c>a, b, c</c>: one node for the whole chain, so a long list of alternatives does not nest.</summary>
internal sealed class CommaNode(IReadOnlyList<Node> items) : Node
{
    public IReadOnlyList<Node> Items { get; } = items;

    internal override IEnumerable<Node> Children => Items;

    protected override bool ComputeIsStatic() => Items.All(i => i.IsStatic);

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        foreach (var item in Items)
        {
            foreach (var value in item.Eval(input, env, ctx))
            {
                yield return value;
            }
        }
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        foreach (var item in Items)
        {
            foreach (var result in item.Paths(input, path, env, ctx))
            {
                yield return result;
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            Items[i].Write(builder);
        }
    }
}

/// <summary><c>-f</c>.</summary>
internal sealed class NegateNode(Node body) : Node
{
    internal Node Body => body;

    internal override IEnumerable<Node> Children => [body];

    protected override bool ComputeIsStatic() => body.IsStatic;

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        if (body.IsStatic && body.TrySingle(input, env, ctx, out var number))
        {
            value = number.Kind == JqKind.Number ? number.Negate() : throw new JqException($"{number.TypeName} ({ValueOps.ErrorText(number)}) cannot be negated");
            return true;
        }

        value = default;
        return false;
    }

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        foreach (var value in body.Eval(input, env, ctx))
        {
            if (value.Kind != JqKind.Number)
            {
                throw new JqException($"{value.TypeName} ({ValueOps.ErrorText(value)}) cannot be negated");
            }

            yield return value.Negate();
        }
    }

    public override void Write(StringBuilder builder)
    {
        builder.Append("-(");
        body.Write(builder);
        builder.Append(')');
    }
}

internal enum BinaryOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>Arithmetic and comparison. jq evaluates the right operand in the outer loop.</summary>
internal sealed class BinaryNode(BinaryOperator op, Node left, Node right) : Node
{
    internal Node Left => left;

    internal Node Right => right;

    internal override IEnumerable<Node> Children => [left, right];

    public BinaryOperator Operator { get; } = op;

    protected override bool ComputeIsStatic() => left.IsStatic && right.IsStatic;

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        if (IsStatic && right.TrySingle(input, env, ctx, out var b) && left.TrySingle(input, env, ctx, out var a))
        {
            ctx.Step();
            value = Apply(Operator, a, b);
            return true;
        }

        value = default;
        return false;
    }

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        if (right is LiteralNode constant)
        {
            foreach (var a in left.Eval(input, env, ctx))
            {
                ctx.Step();
                yield return Apply(Operator, a, constant.Value);
            }

            yield break;
        }

        foreach (var b in right.Eval(input, env, ctx))
        {
            foreach (var a in left.Eval(input, env, ctx))
            {
                ctx.Step();
                yield return Apply(Operator, a, b);
            }
        }
    }

    public static JqValue Apply(BinaryOperator op, JqValue a, JqValue b) => op switch
    {
        BinaryOperator.Add => ValueOps.Add(a, b),
        BinaryOperator.Subtract => ValueOps.Subtract(a, b),
        BinaryOperator.Multiply => ValueOps.Multiply(a, b),
        BinaryOperator.Divide => ValueOps.Divide(a, b),
        BinaryOperator.Modulo => ValueOps.Modulo(a, b),
        BinaryOperator.Equal => JqValue.FromBoolean(JqValue.DeepEquals(a, b)),
        BinaryOperator.NotEqual => JqValue.FromBoolean(!JqValue.DeepEquals(a, b)),
        BinaryOperator.Less => JqValue.FromBoolean(JqValue.Compare(a, b) < 0),
        BinaryOperator.LessOrEqual => JqValue.FromBoolean(JqValue.Compare(a, b) <= 0),
        BinaryOperator.Greater => JqValue.FromBoolean(JqValue.Compare(a, b) > 0),
        _ => JqValue.FromBoolean(JqValue.Compare(a, b) >= 0),
    };

    public static string Symbol(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Modulo => "%",
        BinaryOperator.Equal => "==",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        _ => ">=",
    };

    public override void Write(StringBuilder builder)
    {
        builder.Append('(');
        left.Write(builder);
        builder.Append(' ').Append(Symbol(Operator)).Append(' ');
        right.Write(builder);
        builder.Append(')');
    }
}

/// <summary><c>a and b</c>, <c>a or b</c>: the left operand in the outer loop, short-circuiting.</summary>
internal sealed class LogicalNode(bool isAnd, Node left, Node right) : Node
{
    internal Node Left => left;

    internal Node Right => right;

    internal override IEnumerable<Node> Children => [left, right];

    protected override bool ComputeIsStatic() => left.IsStatic && right.IsStatic;

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        if (IsStatic && left.TrySingle(input, env, ctx, out var a))
        {
            if (isAnd ? !a.IsTruthy : a.IsTruthy)
            {
                value = JqValue.FromBoolean(!isAnd);
                return true;
            }

            if (right.TrySingle(input, env, ctx, out var b))
            {
                value = JqValue.FromBoolean(b.IsTruthy);
                return true;
            }
        }

        value = default;
        return false;
    }

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        foreach (var a in left.Eval(input, env, ctx))
        {
            if (isAnd ? !a.IsTruthy : a.IsTruthy)
            {
                yield return JqValue.FromBoolean(!isAnd);
                continue;
            }

            foreach (var b in right.Eval(input, env, ctx))
            {
                yield return JqValue.FromBoolean(b.IsTruthy);
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        builder.Append('(');
        left.Write(builder);
        builder.Append(isAnd ? " and " : " or ");
        right.Write(builder);
        builder.Append(')');
    }
}

/// <summary><c>a // b</c>: the truthy outputs of a (its errors ignored), or else the outputs of b.</summary>
internal sealed class AlternativeNode(Node left, Node right) : Node
{
    internal Node Left => left;

    internal Node Right => right;

    internal override IEnumerable<Node> Children => [left, right];

    protected override bool ComputeIsStatic() => left.IsStatic && right.IsStatic;

    public override bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        // The left side must be static: if the right side turns out not to be single, Eval runs the left side again.
        if (left.IsStatic && left.TrySingle(input, env, ctx, out var single, out var failed))
        {
            if (!failed && single.IsTruthy)
            {
                value = single;
                return true;
            }

            return right.TrySingle(input, env, ctx, out value);
        }

        value = default;
        return false;
    }

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        if (left.IsStatic && left.TrySingle(input, env, ctx, out var single, out var failed))
        {
            if (!failed && single.IsTruthy)
            {
                yield return single;
                yield break;
            }

            foreach (var value in right.Eval(input, env, ctx))
            {
                yield return value;
            }

            yield break;
        }

        var any = false;
        using (var values = left.Eval(input, env, ctx).GetEnumerator())
        {
            while (true)
            {
                JqValue value;
                try
                {
                    if (!values.MoveNext())
                    {
                        break;
                    }

                    value = values.Current;
                }
                catch (JqException ex) when (ex is not (JqLimitException or JqHaltException))
                {
                    break;
                }

                if (value.IsTruthy)
                {
                    any = true;
                    yield return value;
                }
            }
        }

        if (!any)
        {
            foreach (var value in right.Eval(input, env, ctx))
            {
                yield return value;
            }
        }
    }

    public override IEnumerable<(JqValue, PathList?)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        var any = false;
        using (var values = left.Paths(input, path, env, ctx).GetEnumerator())
        {
            while (true)
            {
                (JqValue Value, PathList? Path) item;
                try
                {
                    if (!values.MoveNext())
                    {
                        break;
                    }

                    item = values.Current;
                }
                catch (JqException ex) when (ex is not (JqLimitException or JqHaltException))
                {
                    break;
                }

                if (item.Value.IsTruthy)
                {
                    any = true;
                    yield return item;
                }
            }
        }

        if (!any)
        {
            foreach (var item in right.Paths(input, path, env, ctx))
            {
                yield return item;
            }
        }
    }

    public override void Write(StringBuilder builder)
    {
        builder.Append('(');
        left.Write(builder);
        builder.Append(" // ");
        right.Write(builder);
        builder.Append(')');
    }
}

internal enum AssignOperator
{
    Set,
    Update,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Alternative,
}

/// <summary><c>lhs = rhs</c>, <c>lhs |= f</c>, <c>lhs += rhs</c> and the other update-assignments.</summary>
internal sealed class AssignNode(AssignOperator op, Node left, Node right) : Node
{
    internal override IEnumerable<Node> Children => [left, right];

    public override IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx)
    {
        if (op == AssignOperator.Update)
        {
            yield return Update(input, env, ctx);
            yield break;
        }

        foreach (var rhs in right.Eval(input, env, ctx))
        {
            var result = input;
            foreach (var (value, path) in left.Paths(input, null, env, ctx).ToList())
            {
                ctx.Step();
                var p = PathList.ToValue(PathList.Require(path, value));
                var replacement = op switch
                {
                    AssignOperator.Set => rhs,
                    AssignOperator.Alternative => ValueOps.GetPath(result, p) is { IsTruthy: true } current ? current : rhs,
                    _ => BinaryNode.Apply(ToBinary(op), ValueOps.GetPath(result, p), rhs),
                };
                result = ValueOps.SetPath(result, p, replacement);
            }

            yield return result;
        }
    }

    private JqValue Update(JqValue input, Env? env, Interpreter ctx)
    {
        // Paths whose update is empty are deleted at the end, all at once, so that deleting one does not shift the others.
        var result = input;
        var deletions = new List<JqValue>();
        foreach (var (value, path) in left.Paths(input, null, env, ctx).ToList())
        {
            ctx.Step();
            var p = PathList.ToValue(PathList.Require(path, value));
            var updated = First(right, ValueOps.GetPath(result, p), env, ctx);
            if (updated is { } replacement)
            {
                result = ValueOps.SetPath(result, p, replacement);
            }
            else
            {
                deletions.Add(p);
            }
        }

        return deletions.Count == 0 ? result : ValueOps.DeletePaths(result, JqValue.OwnList(deletions));
    }

    private static BinaryOperator ToBinary(AssignOperator op) => op switch
    {
        AssignOperator.Add => BinaryOperator.Add,
        AssignOperator.Subtract => BinaryOperator.Subtract,
        AssignOperator.Multiply => BinaryOperator.Multiply,
        AssignOperator.Divide => BinaryOperator.Divide,
        _ => BinaryOperator.Modulo,
    };

    public override void Write(StringBuilder builder)
    {
        left.Write(builder);
        builder.Append(op switch
        {
            AssignOperator.Set => " = ",
            AssignOperator.Update => " |= ",
            AssignOperator.Add => " += ",
            AssignOperator.Subtract => " -= ",
            AssignOperator.Multiply => " *= ",
            AssignOperator.Divide => " /= ",
            AssignOperator.Modulo => " %= ",
            _ => " //= ",
        });
        right.Write(builder);
    }
}
