namespace Port.Sdk.Jq.Ast;

/// <summary>
/// The parts of the input a program can read, found statically: an abstract run of the program over paths of the
/// input. An abstract value is a node of the <see cref="ProjectionNode"/> tree (the output is the input's value at
/// that path) or <see langword="null"/> (a value the program built, whose reads touch no input). Indexing with a
/// constant key extends a path; a value used as a whole (printed, compared, passed to a builtin, put in an array or
/// an object) marks its path <see cref="ProjectionNode.Whole"/>; a value only tested for truth or its type needs no
/// more than its kind. Anything the analysis does not model gives up: the whole input.
/// </summary>
internal sealed class InputPathAnalysis
{
    /// <summary>Abstract evaluations allowed before the analysis gives up (pipes multiply them): a bound on compile time.</summary>
    private const int Budget = 20_000;

    private readonly ProjectionNode _root = new();
    private int _work;

    private InputPathAnalysis()
    {
    }

    /// <summary>Returns the tree of the input paths <paramref name="program"/> reads, or <see langword="null"/> for the whole input.</summary>
    public static ProjectionNode? Analyze(Node program)
    {
        var analysis = new InputPathAnalysis();
        try
        {
            foreach (var output in analysis.Eval(program, analysis._root, null))
            {
                MarkWhole(output);
            }
        }
        catch (GiveUpException)
        {
            return null;
        }

        analysis._root.Normalize();
        return analysis._root.Whole ? null : analysis._root;
    }

    private static void MarkWhole(ProjectionNode? value)
    {
        if (value is not null)
        {
            value.Whole = true;
        }
    }

    private static void MarkWhole(List<ProjectionNode?> values)
    {
        foreach (var value in values)
        {
            MarkWhole(value);
        }
    }

    private static readonly List<ProjectionNode?> Built = [null];

    private List<ProjectionNode?> Eval(Node node, ProjectionNode? input, Scope? scope)
    {
        if (++_work > Budget)
        {
            throw new GiveUpException();
        }

        switch (node)
        {
            case IdentityNode:
                return [input];
            case LiteralNode or LocationNode:
                return Built;
            case BreakNode:
                return [];
            case RecurseNode or FormatNode:
                MarkWhole(input);
                return Built;
            case IndexNode index:
                return Index(index, input, scope);
            case IterateNode iterate:
                return [.. Eval(iterate.Target, input, scope).Select(t => t?.AnyChild())];
            case VariableNode variable:
                return scope?.Lookup(variable.Name) ?? Built;
            case StringNode text:
                foreach (var part in text.Parts.OfType<Node>())
                {
                    MarkWhole(Eval(part, input, scope));
                }

                return Built;
            case ArrayNode array:
                if (array.Body is { } body)
                {
                    MarkWhole(Eval(body, input, scope));
                }

                return Built;
            case ObjectNode obj:
                foreach (var (key, value) in obj.Entries)
                {
                    MarkWhole(Eval(key, input, scope));
                    MarkWhole(Eval(value, input, scope));
                }

                return Built;
            case PipeNode pipe:
                {
                    var result = new List<ProjectionNode?>();
                    foreach (var left in Eval(pipe.Left, input, scope).Distinct())
                    {
                        result.AddRange(Eval(pipe.Right, left, scope));
                    }

                    return Distinct(result);
                }

            case CommaNode comma:
                return Distinct([.. comma.Items.SelectMany(item => Eval(item, input, scope))]);
            case NegateNode negate:
                MarkWhole(Eval(negate.Body, input, scope));
                return Built;
            case BinaryNode binary:
                MarkWhole(Eval(binary.Left, input, scope));
                MarkWhole(Eval(binary.Right, input, scope));
                return Built;
            case LogicalNode logical:
                // Only the truth of each side is read: its kind.
                Eval(logical.Left, input, scope);
                Eval(logical.Right, input, scope);
                return Built;
            case AlternativeNode alternative:
                return Distinct([.. Eval(alternative.Left, input, scope), .. Eval(alternative.Right, input, scope)]);
            case TryNode attempt:
                {
                    var outputs = Eval(attempt.Body, input, scope);
                    return attempt.Handler is { } handler ? Distinct([.. outputs, .. Eval(handler, null, scope)]) : outputs;
                }

            case IfNode conditional:
                Eval(conditional.Condition, input, scope);
                return Distinct([.. Eval(conditional.Then, input, scope), .. conditional.Otherwise is { } otherwise ? Eval(otherwise, input, scope) : [input]]);
            case BindNode bind when bind.Patterns is [VariablePattern variable]:
                return Eval(bind.Body, input, new Scope(variable.Name, Eval(bind.Source, input, scope), scope));
            case LabelNode label:
                return Eval(label.Body, input, scope);
            case CallNode call when call.Native is not null || call.Builtin is not null:
                return Call(call, input, scope);
            default:
                // Reduce, foreach, assignments, destructuring, slices, local definitions: not modelled.
                throw new GiveUpException();
        }
    }

    private List<ProjectionNode?> Index(IndexNode index, ProjectionNode? input, Scope? scope)
    {
        var targets = Eval(index.Target, input, scope);
        if (index.Key is LiteralNode { Value.Kind: JqKind.String } name)
        {
            return Distinct([.. targets.Select(t => t?.Child(name.Value.String))]);
        }

        if (index.Key is LiteralNode { Value.Kind: JqKind.Number })
        {
            return Distinct([.. targets.Select(t => t?.AnyChild())]);
        }

        // A computed key may name any member: the whole target.
        MarkWhole(Eval(index.Key, input, scope));
        MarkWhole(targets);
        return Built;
    }

    private List<ProjectionNode?> Call(CallNode call, ProjectionNode? input, Scope? scope)
    {
        switch (call.Native?.Name)
        {
            case "empty" when call.Arguments.Length == 0:
                return [];
            case "not" or "type" when call.Arguments.Length == 0:
                // The kind of the input is all these read.
                return Built;
            case "select" when call.Arguments.Length == 1:
                Eval(call.Arguments[0], input, scope);
                return [input];
            case "map" when call.Arguments.Length == 1:
                MarkWhole(Eval(call.Arguments[0], input?.AnyChild(), scope));
                return Built;
        }

        // Any other builtin may read all of its input, and all of what its arguments give. Arguments evaluated on other
        // inputs read parts of these, or values they built, or variables (analysed here with the same scope).
        foreach (var argument in call.Arguments)
        {
            MarkWhole(Eval(argument, input, scope));
        }

        MarkWhole(input);
        return Built;
    }

    private static List<ProjectionNode?> Distinct(List<ProjectionNode?> values) => values.Count < 2 ? values : [.. values.Distinct()];

    private sealed class Scope(string name, List<ProjectionNode?> values, Scope? parent)
    {
        public List<ProjectionNode?>? Lookup(string variable)
        {
            for (var scope = this; scope is not null; scope = scope.Parent)
            {
                if (scope.Name == variable)
                {
                    return scope.Values;
                }
            }

            return null;
        }

        private string Name { get; } = name;

        private List<ProjectionNode?> Values { get; } = values;

        private Scope? Parent { get; } = parent;
    }

    private sealed class GiveUpException : Exception;
}
