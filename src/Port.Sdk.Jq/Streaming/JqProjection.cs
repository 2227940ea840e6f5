using System.Text;
using Port.Sdk.Jq.Ast;

namespace Port.Sdk.Jq.Streaming;

/// <summary>
/// The parts of its input a jq program can observe, as a tree of object keys (and "every child" steps) under the input:
/// a reader builds jq values only for those parts and skips the rest of the text (<see cref="ProjectedJsonReader"/>).
/// A node marked <see cref="Full"/> is read whole. <see cref="For(string, JqOptions?)"/> returns <see langword="null"/> when the program
/// may observe the whole input (<c>.</c> as a value, <c>..</c>, <c>keys</c>, <c>has</c>, <c>to_entries</c>, <c>del</c>,
/// <c>getpath</c>, a function of its own, <c>input</c>...): then the input is parsed in full.
/// </summary>
/// <remarks>
/// The analysis is conservative: every value a program passes to an operator, a builtin other than <c>select</c> and
/// <c>map</c>, a function it defines, a variable or its output is read whole; only chains of <c>.key</c>, <c>.[]</c>
/// and <c>.[n]</c> whose results go nowhere else narrow what is read. An object under a projected key keeps only the
/// projected keys (in input order, duplicates included), an array keeps every element, and a scalar is kept as is, so
/// every observation the program can make gives the same answer as on the whole input.
/// </remarks>
internal sealed class JqProjection
{
    /// <summary>More abstract values than this at one point of the program: give up and read everything.</summary>
    private const int MaxValues = 64;

    private Dictionary<string, JqProjection>? _fields;
    private List<(byte[] Utf8, JqProjection Node)>? _lookup;

    /// <summary>Gets a value indicating whether the value here is read whole.</summary>
    public bool Full { get; private set; }

    /// <summary>Gets the projection of every child (array element or object member), or <see langword="null"/>.</summary>
    public JqProjection? Any { get; private set; }

    /// <summary>Gets the projected keys of an object here.</summary>
    public IReadOnlyDictionary<string, JqProjection> Fields => _fields ?? (IReadOnlyDictionary<string, JqProjection>)new Dictionary<string, JqProjection>();

    /// <summary>The projection of a program, or <see langword="null"/> when it may observe the whole input.</summary>
    /// <param name="program">The program's text.</param>
    /// <param name="options">The options it is compiled with (variables, functions).</param>
    /// <returns>The projection, or <see langword="null"/>.</returns>
    public static JqProjection? For(string program, JqOptions? options = null)
    {
        options ??= JqOptions.Default;
        Node root;
        try
        {
            root = Parsing.Parser.Parse(program, Functions.BuiltinLibrary.For(options.Functions), options.VariableNames, options.FileName, options.MaxDepth);
        }
        catch (Exception ex) when (ex is JqException or InsufficientExecutionStackException)
        {
            return null;
        }

        return For(root);
    }

    internal static JqProjection? For(Node root)
    {
        // A program that reads further inputs sees values this analysis does not follow.
        if (Calls(root, "input") || Calls(root, "inputs"))
        {
            return null;
        }

        var projection = new JqProjection();
        var analysis = new Analysis(projection);
        try
        {
            var outputs = analysis.Run(root, [Access.Root]);
            if (outputs is null)
            {
                return null;
            }

            analysis.Consume(outputs);
        }
        catch (InsufficientExecutionStackException)
        {
            return null;
        }

        if (projection.Full)
        {
            return null;
        }

        projection.Normalize();
        return projection;
    }

    private static bool Calls(Node root, string name)
    {
        var stack = new Stack<Node>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is CallNode call && call.Name == name)
            {
                return true;
            }

            foreach (var child in node.Children)
            {
                stack.Push(child);
            }
        }

        return false;
    }

    /// <summary>The projection of the member <paramref name="utf8Name"/> of an object here, or <see langword="null"/> to skip it.</summary>
    internal JqProjection? Member(ReadOnlySpan<byte> utf8Name)
    {
        if (_lookup is not null)
        {
            foreach (var (name, node) in _lookup)
            {
                if (name.Length == utf8Name.Length && utf8Name.SequenceEqual(name))
                {
                    return node;
                }
            }
        }

        return Any;
    }

    /// <summary>Like <see cref="Member(ReadOnlySpan{byte})"/> for a name given as text (an escaped name in the input).</summary>
    internal JqProjection? Member(string name) => _fields is not null && _fields.TryGetValue(name, out var node) ? node : Any;

    /// <summary>The tree as text, for tests and messages: <c>{archived,owner:{login},topics:[*]}</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        Write(builder);
        return builder.ToString();
    }

    private void Write(StringBuilder builder)
    {
        if (Full)
        {
            builder.Append('*');
            return;
        }

        builder.Append('{');
        var first = true;
        foreach (var (name, node) in (_fields ?? []).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            builder.Append(first ? string.Empty : ",").Append(name);
            first = false;
            if (!node.Full)
            {
                builder.Append(':');
                node.Write(builder);
            }
        }

        if (Any is not null)
        {
            builder.Append(first ? "[]:" : ",[]:");
            Any.Write(builder);
        }

        builder.Append('}');
    }

    private JqProjection Child(string? field)
    {
        if (field is null)
        {
            return Any ??= new JqProjection();
        }

        _fields ??= new Dictionary<string, JqProjection>(StringComparer.Ordinal);
        if (!_fields.TryGetValue(field, out var node))
        {
            _fields[field] = node = new JqProjection();
        }

        return node;
    }

    private void MarkFull(Access access)
    {
        var steps = new Stack<string?>();
        for (var a = access; a.Parent is not null; a = a.Parent)
        {
            steps.Push(a.Field);
        }

        var node = this;
        while (steps.Count > 0 && !node.Full)
        {
            node = node.Child(steps.Pop());
        }

        node.Full = true;
    }

    /// <summary>Folds "every child" into each named child and drops what is under a full node; builds the lookup.</summary>
    private void Normalize()
    {
        if (Full)
        {
            _fields = null;
            Any = null;
            return;
        }

        if (Any is not null && _fields is not null)
        {
            foreach (var node in _fields.Values)
            {
                node.MergeFrom(Any);
            }
        }

        Any?.Normalize();
        if (_fields is not null)
        {
            foreach (var node in _fields.Values)
            {
                node.Normalize();
            }

            _lookup = [.. _fields.Select(f => (Encoding.UTF8.GetBytes(f.Key), f.Value))];
        }
    }

    private void MergeFrom(JqProjection other)
    {
        Full |= other.Full;
        if (other.Any is not null)
        {
            Child(null).MergeFrom(other.Any);
        }

        foreach (var (name, node) in other._fields ?? [])
        {
            Child(name).MergeFrom(node);
        }
    }

    /// <summary>A path from the input: the root, or a key (<see cref="Field"/>) or any child (<see langword="null"/>) under a parent.</summary>
    private sealed record Access(Access? Parent, string? Field)
    {
        public static Access Root { get; } = new(null, null);
    }

    /// <summary>
    /// Abstract evaluation: which paths of the input each node's outputs may be. Values computed by the program (or
    /// taken from variables) are not paths: everything of the input they were made from has been read whole.
    /// </summary>
    private sealed class Analysis(JqProjection projection)
    {
        private static readonly HashSet<string> NoInput = new(StringComparer.Ordinal)
        {
            "empty", "now", "env", "input_filename", "builtins", "input_line_number", "halt", "null", "true", "false",
        };

        public void Consume(IEnumerable<Access> values)
        {
            foreach (var value in values)
            {
                projection.MarkFull(value);
            }
        }

        /// <summary>Runs <paramref name="node"/> and reads its outputs whole; <see langword="false"/> to give up.</summary>
        private bool RunConsumed(Node node, List<Access> inputs)
        {
            var outputs = Run(node, inputs);
            if (outputs is null)
            {
                return false;
            }

            Consume(outputs);
            return true;
        }

        /// <summary>The paths the outputs of <paramref name="node"/> may be, for inputs at <paramref name="inputs"/>; <see langword="null"/> to give up.</summary>
        public List<Access>? Run(Node node, List<Access> inputs)
        {
            EnsureStack();
            if (inputs.Count == 0)
            {
                return inputs;
            }

            var children = node.Children as IReadOnlyList<Node> ?? [.. node.Children];
            switch (node)
            {
                case IdentityNode:
                    return inputs;
                case LiteralNode or VariableNode or LocationNode or BreakNode:
                    return [];
                case IndexNode index:
                    {
                        string? field = null;
                        if (index.Key is LiteralNode { Value.Kind: JqKind.String } literal)
                        {
                            field = literal.Value.String;
                        }
                        else if (index.Key is not LiteralNode { Value.Kind: JqKind.Number } && !RunConsumed(index.Key, inputs))
                        {
                            return null;
                        }

                        return Step(Run(index.Target, inputs), field);
                    }

                case SliceNode:
                    for (var i = 1; i < children.Count; i++)
                    {
                        if (!RunConsumed(children[i], inputs))
                        {
                            return null;
                        }
                    }

                    return Step(Run(children[0], inputs), null);
                case IterateNode:
                    return Step(Run(children[0], inputs), null);
                case PipeNode pipe:
                    {
                        var left = Run(pipe.Left, inputs);
                        return left is null ? null : Run(pipe.Right, left);
                    }

                case CommaNode or AlternativeNode or LabelNode:
                    return Union(children.Select(c => Run(c, inputs)));
                case IfNode:
                    {
                        if (!RunConsumed(children[0], inputs))
                        {
                            return null;
                        }

                        var branches = children.Skip(1).Select(c => Run(c, inputs)).ToList();
                        if (children.Count == 2)
                        {
                            // 'if c then x end' passes its input through when c is false.
                            branches.Add(inputs);
                        }

                        return Union(branches);
                    }

                case TryNode:
                    // The handler's input is the error message.
                    return Run(children[0], inputs);
                case BindNode:
                    // The source is bound to variables: read whole. The body runs on the same input.
                    return RunConsumed(children[0], inputs) ? Run(children[1], inputs) : null;
                case ReduceNode or ForeachNode:
                    // The source and the initial state run on the input and are read whole; the update (and extract)
                    // run on the state, a value computed from them.
                    return RunConsumed(children[0], inputs) && RunConsumed(children[1], inputs) ? [] : null;
                case FunctionDefinitionNode:
                    // The definition runs only where it is called, and a call reads its input whole.
                    return Run(children[1], inputs);
                case CallNode call:
                    return RunCall(call, inputs);
                case ArrayNode or ObjectNode or StringNode or LogicalNode or BinaryNode or NegateNode:
                    foreach (var child in children)
                    {
                        if (!RunConsumed(child, inputs))
                        {
                            return null;
                        }
                    }

                    return [];
                case FormatNode or RecurseNode or AssignNode:
                    Consume(inputs);
                    foreach (var child in children)
                    {
                        if (!RunConsumed(child, inputs))
                        {
                            return null;
                        }
                    }

                    return [];
                default:
                    // A node this analysis does not know: read everything.
                    return null;
            }
        }

        private List<Access>? RunCall(CallNode call, List<Access> inputs)
        {
            if (call.Native is { } native && call.Builtin is null)
            {
                switch (native.Name)
                {
                    case "select" when call.Arguments.Length == 1:
                        return RunConsumed(call.Arguments[0], inputs) ? inputs : null;
                    case "map" when call.Arguments.Length == 1:
                        return RunConsumed(call.Arguments[0], Step(inputs, null)!) ? [] : null;
                    case var name when call.Arguments.Length == 0 && NoInput.Contains(name):
                        return [];
                }
            }

            // Any other function reads its input whole; its arguments run on that input or on values made from it.
            Consume(inputs);
            foreach (var argument in call.Arguments)
            {
                if (!RunConsumed(argument, inputs))
                {
                    return null;
                }
            }

            return [];
        }

        private static List<Access>? Step(List<Access>? targets, string? field)
            => targets?.Select(t => new Access(t, field)).ToList();

        private static List<Access>? Union(IEnumerable<List<Access>?> parts)
        {
            var result = new List<Access>();
            foreach (var part in parts)
            {
                if (part is null)
                {
                    return null;
                }

                foreach (var access in part)
                {
                    if (!result.Contains(access))
                    {
                        result.Add(access);
                    }
                }

                if (result.Count > MaxValues)
                {
                    return null;
                }
            }

            return result;
        }

        private static void EnsureStack() => System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
    }
}
