using System.Text;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq.Ast;

/// <summary>A node of a parsed jq program. Nodes are immutable and evaluate lazily.</summary>
internal abstract class Node
{
    /// <summary>The character offset of the node in the program, for messages.</summary>
    public int Position { get; init; }

    /// <summary>Gets the nodes directly under this one, for checks over the whole tree (its depth).</summary>
    internal virtual IEnumerable<Node> Children => [];

    /// <summary>
    /// The height of the tree under <paramref name="root"/>, found without recursion, and the deepest node: the parser
    /// rejects a program deeper than <see cref="JqOptions.MaxDepth"/>, so evaluating, printing and analysing the tree
    /// (which recurse) stay within the stack.
    /// </summary>
    internal static (int Height, Node Deepest) Measure(Node root)
    {
        var stack = new Stack<(Node Node, int Depth)>();
        stack.Push((root, 1));
        var (height, deepest) = (0, root);
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            if (depth > height)
            {
                (height, deepest) = (depth, node);
            }

            foreach (var child in node.Children)
            {
                stack.Push((child, depth + 1));
            }
        }

        return (height, deepest);
    }

    /// <summary>Produces the node's outputs for one input.</summary>
    public abstract IEnumerable<JqValue> Eval(JqValue input, Env? env, Interpreter ctx);

    /// <summary>Produces the node's outputs with their paths, as <c>path(f)</c> and assignments need.</summary>
    public virtual IEnumerable<(JqValue Value, PathList? Path)> Paths(JqValue input, PathList? path, Env? env, Interpreter ctx)
    {
        // A value that is not a path: an error as soon as a path is needed from it, with jq's wording.
        foreach (var value in Eval(input, env, ctx))
        {
            yield return (value, PathList.Invalid);
        }
    }

    /// <summary>
    /// Evaluates a node that always has exactly one output without an enumerator: the fast path of mappings.
    /// Returns <see langword="false"/> when the node cannot promise one output; then callers use <see cref="Eval"/>.
    /// An implementation returns <see langword="false"/> only after running pure nodes (<see cref="IsStatic"/>), so a
    /// caller may always fall back to <see cref="Eval"/> safely.
    /// </summary>
    public virtual bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value)
    {
        value = default;
        return false;
    }

    private bool? _isStatic;

    /// <summary>
    /// Whether the node is pure: no side effects (<c>input</c>, <c>debug</c>...), so it can be evaluated again without
    /// harm. The single-output fast path gives up and falls back to <see cref="Eval"/> only after pure nodes.
    /// </summary>
    public bool IsStatic => _isStatic ??= ComputeIsStatic();

    protected virtual bool ComputeIsStatic() => false;

    /// <summary>Like <see cref="TrySingle(JqValue, Env?, Interpreter, out JqValue)"/>, but reports a jq error as <paramref name="failed"/> instead of throwing.</summary>
    public bool TrySingle(JqValue input, Env? env, Interpreter ctx, out JqValue value, out bool failed)
    {
        failed = false;
        try
        {
            return TrySingle(input, env, ctx, out value);
        }
        catch (JqException ex) when (ex is not (JqLimitException or JqHaltException))
        {
            value = default;
            failed = true;
            return true;
        }
    }

    /// <summary>Writes the node back as jq source.</summary>
    public abstract void Write(StringBuilder builder);

    public override string ToString()
    {
        var builder = new StringBuilder();
        Write(builder);
        return builder.ToString();
    }

    /// <summary>Runs <paramref name="node"/> and returns its first output, or <see langword="null"/> when it has none.</summary>
    protected static JqValue? First(Node node, JqValue input, Env? env, Interpreter ctx)
    {
        foreach (var value in node.Eval(input, env, ctx))
        {
            return value;
        }

        return null;
    }
}
