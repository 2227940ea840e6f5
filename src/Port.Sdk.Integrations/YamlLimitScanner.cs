using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Port.Sdk.Integrations;

/// <summary>
/// Walks a YAML text's event stream (YamlDotNet's scanner and parser are iterative) with an explicit stack, and checks
/// <see cref="PortYamlOptions"/> before the representation model, which recurses per level and expands nothing, is
/// built: depth (aliases counted where they stand), the nodes and characters aliases add, recursive aliases, and keys
/// that are collections (JSON has none).
/// </summary>
internal static class YamlLimitScanner
{
    /// <summary>What an anchored node amounts to when an alias repeats it.</summary>
    private readonly record struct Anchored(long Nodes, long Characters, int Height, bool IsCollection);

    private sealed class Frame(bool isMapping, AnchorName anchor)
    {
        public bool IsMapping { get; } = isMapping;

        public AnchorName Anchor { get; } = anchor;

        public long Children { get; set; }

        public long Nodes { get; set; } = 1;

        public long Characters { get; set; }

        public int Height { get; set; } = 1;
    }

    private static readonly Anchored Open = new(-1, -1, -1, true);

    public static void Check(string text, PortYamlOptions options)
    {
        if (text.Length > options.MaxDocumentLength)
        {
            var at = new Mark(0, 1, 1);
            throw new YamlException(at, at, $"The YAML text is {text.Length} characters long; at most {options.MaxDocumentLength} are read (PortYamlOptions.MaxDocumentLength).");
        }

        var parser = new Parser(new StringReader(text));
        var stack = new Stack<Frame>();
        var anchors = new Dictionary<string, Anchored>(StringComparer.Ordinal);
        long aliasNodes = 0;
        long expandedLength = text.Length;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case DocumentStart:
                    anchors.Clear();
                    break;
                case NodeEvent node when node is MappingStart or SequenceStart:
                    {
                        Child(stack, node, isCollection: true);
                        if (stack.Count + 1 > options.MaxDepth)
                        {
                            throw new YamlException(node.Start, node.End, $"The YAML is nested more than {options.MaxDepth} levels deep (PortYamlOptions.MaxDepth).");
                        }

                        if (!node.Anchor.IsEmpty)
                        {
                            anchors[node.Anchor.Value] = Open;
                        }

                        stack.Push(new Frame(node is MappingStart, node.Anchor));
                        break;
                    }

                case MappingEnd or SequenceEnd:
                    {
                        var done = stack.Pop();
                        if (!done.Anchor.IsEmpty)
                        {
                            anchors[done.Anchor.Value] = new Anchored(done.Nodes, done.Characters, done.Height, true);
                        }

                        Add(stack, done.Nodes, done.Characters, done.Height);
                        break;
                    }

                case Scalar scalar:
                    Child(stack, scalar, isCollection: false);
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchors[scalar.Anchor.Value] = new Anchored(1, scalar.Value.Length, 0, false);
                    }

                    Add(stack, 1, scalar.Value.Length, 0);
                    break;
                case AnchorAlias alias:
                    {
                        if (!anchors.TryGetValue(alias.Value.Value, out var target))
                        {
                            throw new YamlException(alias.Start, alias.End, $"The alias '*{alias.Value.Value}' refers to no anchor before it.");
                        }

                        if (target == Open)
                        {
                            throw new YamlException(alias.Start, alias.End, $"The alias '*{alias.Value.Value}' stands inside the value it repeats (a recursive alias).");
                        }

                        Child(stack, alias, target.IsCollection);
                        aliasNodes = Saturating(aliasNodes, target.Nodes);
                        if (aliasNodes > options.MaxAliasExpansion)
                        {
                            throw new YamlException(alias.Start, alias.End, $"Aliases expand to more than {options.MaxAliasExpansion} nodes (PortYamlOptions.MaxAliasExpansion).");
                        }

                        expandedLength = Saturating(expandedLength, target.Characters);
                        if (expandedLength > options.MaxDocumentLength)
                        {
                            throw new YamlException(alias.Start, alias.End, $"With its aliases expanded, the YAML is more than {options.MaxDocumentLength} characters long (PortYamlOptions.MaxDocumentLength).");
                        }

                        if (stack.Count + target.Height > options.MaxDepth)
                        {
                            throw new YamlException(alias.Start, alias.End, $"With the alias '*{alias.Value.Value}' expanded, the YAML is nested more than {options.MaxDepth} levels deep (PortYamlOptions.MaxDepth).");
                        }

                        Add(stack, target.Nodes, target.Characters, target.Height);
                        break;
                    }
            }
        }
    }

    /// <summary>Counts a new child of the open collection; a collection in a key's place is refused.</summary>
    private static void Child(Stack<Frame> stack, ParsingEvent node, bool isCollection)
    {
        if (stack.TryPeek(out var parent))
        {
            if (parent.IsMapping && parent.Children % 2 == 0 && isCollection)
            {
                throw new YamlException(node.Start, node.End, "A mapping key is a collection ('? [a, b]: c' or an alias of one); only scalar keys are supported, as in JSON.");
            }

            parent.Children++;
        }
    }

    private static void Add(Stack<Frame> stack, long nodes, long characters, int height)
    {
        if (stack.TryPeek(out var parent))
        {
            parent.Nodes = Saturating(parent.Nodes, nodes);
            parent.Characters = Saturating(parent.Characters, characters);
            parent.Height = Math.Max(parent.Height, height + 1);
        }
    }

    private static long Saturating(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
