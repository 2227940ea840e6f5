using System.Globalization;
using System.Text;
using Port.Sdk.Jq.Ast;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq.Parsing;

/// <summary>
/// A recursive-descent parser for jq, with jq's precedence (lowest first): <c>|</c>, <c>,</c>, <c>//</c>, assignments,
/// <c>or</c>, <c>and</c>, comparisons, <c>+ -</c>, <c>* / %</c>, unary minus, postfix. Names are resolved while parsing,
/// so an undefined function or variable is a compile error, as in jq.
/// </summary>
internal sealed class Parser
{
    private readonly Lexer _lexer;
    private readonly Functions.BuiltinLibrary? _builtins;
    private readonly ISet<string> _globals;
    private readonly string _fileName;
    private readonly List<(string Name, int Arity)> _scope = [];
    private readonly int _maxDepth;
    private int _nesting;

    private Parser(string source, Functions.BuiltinLibrary? builtins, ISet<string> globals, string fileName, int maxDepth)
    {
        _lexer = new Lexer(source);
        _builtins = builtins;
        _globals = globals;
        _fileName = fileName;
        _maxDepth = maxDepth;
    }

    /// <summary>Parses a whole program whose syntax tree may be at most <paramref name="maxDepth"/> levels deep.</summary>
    public static Node Parse(string source, Functions.BuiltinLibrary? builtins, ISet<string> globals, string fileName, int maxDepth)
    {
        var parser = new Parser(source, builtins, globals, fileName, maxDepth);
        var node = parser.ParsePipe();
        var next = parser._lexer.Next();
        if (next.Kind != TokenKind.End)
        {
            throw parser.Error($"unexpected {Describe(next)}", next.Start);
        }

        // Chains of operators nest the tree without nesting the parser: measured once, here, over the whole tree.
        var (height, deepest) = Node.Measure(node);
        if (height > maxDepth)
        {
            throw parser.TooDeep(deepest.Position);
        }

        return node;
    }

    private JqParseException TooDeep(int position)
        => Error($"the program is nested more than {_maxDepth} levels deep (JqOptions.MaxDepth)", position);

    /// <summary>
    /// Guards each recursion of the parser: its depth is bounded by the nesting of the program (several frames a level),
    /// and by the thread's stack, so that no program overflows the stack while it is read.
    /// </summary>
    private void Enter()
    {
        if (++_nesting > 4L * _maxDepth || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            _nesting--;
            throw TooDeep(_lexer.Peek().Start);
        }
    }

    private void Leave() => _nesting--;

    /// <summary>Parses a sequence of definitions (the builtin library), adding each to <paramref name="bind"/> as it is read.</summary>
    public static void ParseDefinitions(string source, Functions.BuiltinLibrary builtins, Action<FunctionDefinition> bind)
    {
        var parser = new Parser(source, builtins, new HashSet<string>(), "<builtin>", int.MaxValue / 8);
        while (parser._lexer.Peek().Kind != TokenKind.End)
        {
            var definition = parser.ParseDefinition();
            bind(definition);
        }
    }

    private JqParseException Error(string reason, int position) => new(reason, _lexer.Source, position);

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "end of program",
        TokenKind.String => "string",
        TokenKind.Field => $"'.{token.Text}'",
        TokenKind.Variable => $"'${token.Text}'",
        TokenKind.Format => $"'@{token.Text}'",
        _ => $"'{token.Text}'",
    };

    private bool PeekOperator(string op)
    {
        var token = _lexer.Peek();
        return token.Kind == TokenKind.Operator && token.Text == op;
    }

    private bool PeekKeyword(string keyword)
    {
        var token = _lexer.Peek();
        return token.Kind == TokenKind.Keyword && token.Text == keyword;
    }

    private Token Expect(string text, string what)
    {
        var token = _lexer.Next();
        if ((token.Kind is TokenKind.Operator or TokenKind.Keyword) && token.Text == text)
        {
            return token;
        }

        throw Error($"unexpected {Describe(token)}, expected {what}", token.Start);
    }

    private Node ParsePipe()
    {
        Enter();
        try
        {
            return ParsePipeCore();
        }
        finally
        {
            Leave();
        }
    }

    private Node ParsePipeCore()
    {
        if (PeekKeyword("def"))
        {
            var start = _lexer.Peek().Start;
            var definition = ParseDefinition();
            _scope.Add((definition.Name, definition.Arity));
            var rest = ParsePipe();
            _scope.RemoveAt(_scope.Count - 1);
            return new FunctionDefinitionNode(definition, rest) { Position = start };
        }

        // a | b | c in a loop (right-associated afterwards): a long pipeline does not deepen the parser.
        var stages = new List<Node> { ParseComma() };
        var positions = new List<int>();
        while (PeekOperator("|"))
        {
            positions.Add(_lexer.Next().Start);
            if (PeekKeyword("def"))
            {
                stages.Add(ParsePipe());
                break;
            }

            stages.Add(ParseComma());
        }

        var node = stages[^1];
        for (var i = stages.Count - 2; i >= 0; i--)
        {
            node = new PipeNode(stages[i], node) { Position = positions[i] };
        }

        return node;
    }

    private FunctionDefinition ParseDefinition()
    {
        Expect("def", "'def'");
        var nameToken = _lexer.Next();
        if (nameToken.Kind is not (TokenKind.Identifier or TokenKind.Keyword))
        {
            throw Error($"unexpected {Describe(nameToken)}, expected a function name", nameToken.Start);
        }

        var parameters = new List<(string Name, bool IsValue)>();
        if (PeekOperator("("))
        {
            _lexer.Next();
            while (true)
            {
                var p = _lexer.Next();
                if (p.Kind == TokenKind.Variable)
                {
                    parameters.Add((p.Text, true));
                }
                else if (p.Kind is TokenKind.Identifier or TokenKind.Keyword)
                {
                    parameters.Add((p.Text, false));
                }
                else
                {
                    throw Error($"unexpected {Describe(p)}, expected a parameter name", p.Start);
                }

                var separator = _lexer.Next();
                if (separator.Kind == TokenKind.Operator && separator.Text == ")")
                {
                    break;
                }

                if (separator.Kind != TokenKind.Operator || separator.Text != ";")
                {
                    throw Error($"unexpected {Describe(separator)}, expected ';' or ')'", separator.Start);
                }
            }
        }

        Expect(":", "':'");
        var definition = new FunctionDefinition(nameToken.Text, [.. parameters], new IdentityNode());

        // The function is visible in its own body (recursion), and so are its parameters.
        var mark = _scope.Count;
        _scope.Add((definition.Name, definition.Arity));
        foreach (var (name, isValue) in parameters)
        {
            _scope.Add((name, 0));
            if (isValue)
            {
                _scope.Add((name, -1));
            }
        }

        definition.Body = ParsePipe();
        _scope.RemoveRange(mark, _scope.Count - mark);
        Expect(";", "';' after the function body");
        return definition;
    }

    private Node ParseComma()
    {
        var first = ParseBinding();
        if (!PeekOperator(","))
        {
            return first;
        }

        var position = _lexer.Peek().Start;
        var items = new List<Node> { first };
        while (PeekOperator(","))
        {
            _lexer.Next();
            items.Add(ParseBinding());
        }

        return new CommaNode(items) { Position = position };
    }

    /// <summary><c>E as $x | body</c>: as in jq 1.8, the source is the whole expression before <c>as</c> (<c>1 + 2 as $x</c> binds 3).</summary>
    private Node ParseBinding()
    {
        var source = ParseAlternative();
        if (!PeekKeyword("as"))
        {
            return source;
        }

        var token = _lexer.Next();
        var patterns = ParsePatterns();
        Expect("|", "'|' after the variable binding");
        var mark = DeclarePatternVariables(patterns);
        var body = ParsePipe();
        _scope.RemoveRange(mark, _scope.Count - mark);
        return new BindNode(source, patterns, body) { Position = token.Start };
    }

    private Node ParseAlternative()
    {
        Enter();
        try
        {
            // a // b // c in a loop, right-associated afterwards, as jq groups it.
            var operands = new List<Node> { ParseAssignment() };
            var positions = new List<int>();
            while (PeekOperator("//"))
            {
                positions.Add(_lexer.Next().Start);
                operands.Add(ParseAssignment());
            }

            var node = operands[^1];
            for (var i = operands.Count - 2; i >= 0; i--)
            {
                node = new AlternativeNode(operands[i], node) { Position = positions[i] };
            }

            return node;
        }
        finally
        {
            Leave();
        }
    }

    private Node ParseAssignment()
    {
        var left = ParseOr();
        var token = _lexer.Peek();
        if (token.Kind != TokenKind.Operator)
        {
            return left;
        }

        AssignOperator? op = token.Text switch
        {
            "=" => AssignOperator.Set,
            "|=" => AssignOperator.Update,
            "+=" => AssignOperator.Add,
            "-=" => AssignOperator.Subtract,
            "*=" => AssignOperator.Multiply,
            "/=" => AssignOperator.Divide,
            "%=" => AssignOperator.Modulo,
            "//=" => AssignOperator.Alternative,
            _ => null,
        };
        if (op is null)
        {
            return left;
        }

        _lexer.Next();
        var right = ParseAlternative();
        return new AssignNode(op.Value, left, right) { Position = token.Start };
    }

    private Node ParseOr()
    {
        var left = ParseAnd();
        while (PeekKeyword("or"))
        {
            var token = _lexer.Next();
            left = new LogicalNode(false, left, ParseAnd()) { Position = token.Start };
        }

        return left;
    }

    private Node ParseAnd()
    {
        var left = ParseComparison();
        while (PeekKeyword("and"))
        {
            var token = _lexer.Next();
            left = new LogicalNode(true, left, ParseComparison()) { Position = token.Start };
        }

        return left;
    }

    private Node ParseComparison()
    {
        var left = ParseAdditive();
        var token = _lexer.Peek();
        if (token.Kind == TokenKind.Operator)
        {
            BinaryOperator? op = token.Text switch
            {
                "==" => BinaryOperator.Equal,
                "!=" => BinaryOperator.NotEqual,
                "<" => BinaryOperator.Less,
                "<=" => BinaryOperator.LessOrEqual,
                ">" => BinaryOperator.Greater,
                ">=" => BinaryOperator.GreaterOrEqual,
                _ => null,
            };
            if (op is not null)
            {
                _lexer.Next();
                var right = ParseAdditive();
                var next = _lexer.Peek();
                if (next.Kind == TokenKind.Operator && next.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
                {
                    throw Error($"unexpected '{next.Text}': comparisons do not chain; use parentheses", next.Start);
                }

                return new BinaryNode(op.Value, left, right) { Position = token.Start };
            }
        }

        return left;
    }

    private Node ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (true)
        {
            var token = _lexer.Peek();
            if (token.Kind != TokenKind.Operator || token.Text is not ("+" or "-"))
            {
                return left;
            }

            _lexer.Next();
            var right = ParseMultiplicative();
            left = new BinaryNode(token.Text == "+" ? BinaryOperator.Add : BinaryOperator.Subtract, left, right) { Position = token.Start };
        }
    }

    private Node ParseMultiplicative()
    {
        var left = ParseUnary();
        while (true)
        {
            var token = _lexer.Peek();
            if (token.Kind != TokenKind.Operator || token.Text is not ("*" or "/" or "%"))
            {
                return left;
            }

            _lexer.Next();
            var right = ParseUnary();
            var op = token.Text switch
            {
                "*" => BinaryOperator.Multiply,
                "/" => BinaryOperator.Divide,
                _ => BinaryOperator.Modulo,
            };
            left = new BinaryNode(op, left, right) { Position = token.Start };
        }
    }

    private Node ParseUnary()
    {
        if (PeekOperator("-"))
        {
            var token = _lexer.Next();
            Enter();
            Node body;
            try
            {
                body = ParseUnary();
            }
            finally
            {
                Leave();
            }

            if (body is LiteralNode { Value.Kind: JqKind.Number } literal)
            {
                return new LiteralNode(literal.Value.Negate()) { Position = token.Start };
            }

            return new NegateNode(body) { Position = token.Start };
        }

        return ParsePostfix();
    }

    private Node ParsePostfix()
    {
        var term = ParseTerm();
        while (true)
        {
            var token = _lexer.Peek();
            if (token.Kind == TokenKind.Field)
            {
                _lexer.Next();
                term = new IndexNode(term, new LiteralNode(JqValue.FromString(NameTable.Intern(token.Text)))) { Position = token.Start };
                continue;
            }

            if (token.Kind == TokenKind.Operator && token.Text == "." && IsStringNext(token.End))
            {
                _lexer.Next();
                var key = ParseString(null);
                term = new IndexNode(term, key) { Position = token.Start };
                continue;
            }

            if (token.Kind == TokenKind.Operator && token.Text == "." && IsBracketNext(token.End))
            {
                _lexer.Next();
                term = ParseBracketSuffix(term);
                continue;
            }

            if (token.Kind == TokenKind.Operator && token.Text == "[")
            {
                term = ParseBracketSuffix(term);
                continue;
            }

            if (token.Kind == TokenKind.Operator && token.Text == "?")
            {
                _lexer.Next();
                term = new TryNode(term, null, isPostfix: true) { Position = token.Start };
                continue;
            }

            return term;
        }
    }

    private bool IsStringNext(int position)
    {
        var saved = _lexer.Position;
        _lexer.Position = position;
        var result = _lexer.Position < _lexer.Source.Length && _lexer.Source[_lexer.Position] == '"';
        _lexer.Position = saved;
        return result;
    }

    private bool IsBracketNext(int position)
    {
        var saved = _lexer.Position;
        _lexer.Position = position;
        _lexer.SkipTrivia();
        var result = _lexer.Position < _lexer.Source.Length && _lexer.Source[_lexer.Position] == '[';
        _lexer.Position = saved;
        return result;
    }

    /// <summary>Parses <c>[]</c>, <c>[e]</c>, <c>[e:e]</c>, <c>[:e]</c>, <c>[e:]</c> after a term.</summary>
    private Node ParseBracketSuffix(Node target)
    {
        var open = Expect("[", "'['");
        if (PeekOperator("]"))
        {
            _lexer.Next();
            return new IterateNode(target) { Position = open.Start };
        }

        if (PeekOperator(":"))
        {
            _lexer.Next();
            var to = ParsePipe();
            Expect("]", "']'");
            return new SliceNode(target, null, to) { Position = open.Start };
        }

        var index = ParsePipe();
        if (PeekOperator(":"))
        {
            _lexer.Next();
            Node? to = null;
            if (!PeekOperator("]"))
            {
                to = ParsePipe();
            }

            Expect("]", "']'");
            return new SliceNode(target, index, to) { Position = open.Start };
        }

        Expect("]", "']'");
        return new IndexNode(target, index) { Position = open.Start };
    }

    private Node ParseTerm()
    {
        Enter();
        try
        {
            return ParseTermCore();
        }
        finally
        {
            Leave();
        }
    }

    private Node ParseTermCore()
    {
        var token = _lexer.Next();
        switch (token.Kind)
        {
            case TokenKind.Number:
                return new LiteralNode(JqJsonReader.ReadNumber(Encoding.ASCII.GetBytes(NormalizeNumber(token.Text)))) { Position = token.Start };
            case TokenKind.String:
                _lexer.Position = token.Start;
                return ParseString(null);
            case TokenKind.Format:
                {
                    if (!Functions.Formats.IsKnown(token.Text))
                    {
                        throw Error($"{token.Text} is not a valid format", token.Start);
                    }

                    if (_lexer.Peek().Kind == TokenKind.String)
                    {
                        return ParseString(token.Text);
                    }

                    return new FormatNode(token.Text) { Position = token.Start };
                }

            case TokenKind.Field:
                return new IndexNode(new IdentityNode(), new LiteralNode(JqValue.FromString(NameTable.Intern(token.Text)))) { Position = token.Start };
            case TokenKind.Variable:
                if (token.Text == "__loc__")
                {
                    return new LocationNode(_fileName, LineOf(token.Start)) { Position = token.Start };
                }

                if (!IsVariableDefined(token.Text))
                {
                    throw Error($"${token.Text} is not defined", token.Start);
                }

                return new VariableNode(token.Text) { Position = token.Start };
            case TokenKind.Keyword:
                return ParseKeywordTerm(token);
            case TokenKind.Identifier when token.Text == "break":
                {
                    var label = _lexer.Next();
                    if (label.Kind != TokenKind.Variable)
                    {
                        throw Error($"unexpected {Describe(label)}, expected 'break $label'", label.Start);
                    }

                    if (!_scope.Any(s => s.Arity == -2 && s.Name == "*label*" + label.Text))
                    {
                        throw Error($"$*label-{label.Text} is not defined", label.Start);
                    }

                    return new BreakNode(label.Text) { Position = token.Start };
                }

            case TokenKind.Identifier:
                return ParseCall(token);
            case TokenKind.Operator:
                return ParseOperatorTerm(token);
            default:
                throw Error($"unexpected {Describe(token)}, expected a term", token.Start);
        }
    }

    private static string NormalizeNumber(string text) => text.StartsWith('.') ? "0" + text : text.EndsWith('.') ? text + "0" : text.Replace(".e", ".0e", StringComparison.OrdinalIgnoreCase);

    private int LineOf(int position) => _lexer.Source.AsSpan(0, position).Count('\n') + 1;

    private bool IsVariableDefined(string name)
    {
        for (var i = _scope.Count - 1; i >= 0; i--)
        {
            if (_scope[i].Arity == -1 && _scope[i].Name == name)
            {
                return true;
            }
        }

        return name is "ENV" or "__prog_args" || _globals.Contains(name);
    }

    private Node ParseOperatorTerm(Token token)
    {
        switch (token.Text)
        {
            case ".":
                {
                    var next = _lexer.Peek();
                    if (next.Kind == TokenKind.String && next.Start == token.End)
                    {
                        var key = ParseString(null);
                        return new IndexNode(new IdentityNode(), key) { Position = token.Start };
                    }

                    if (next.Kind == TokenKind.Operator && next.Text == "[")
                    {
                        return ParseBracketSuffix(new IdentityNode { Position = token.Start });
                    }

                    return new IdentityNode { Position = token.Start };
                }

            case "..":
                return new RecurseNode { Position = token.Start };
            case "(":
                {
                    var inner = ParsePipe();
                    Expect(")", "')'");
                    return inner;
                }

            case "[":
                {
                    if (PeekOperator("]"))
                    {
                        _lexer.Next();
                        return new ArrayNode(null) { Position = token.Start };
                    }

                    var body = ParsePipe();
                    Expect("]", "']'");
                    return new ArrayNode(body) { Position = token.Start };
                }

            case "{":
                return ParseObject(token);
            case "-":
                {
                    var body = ParsePostfix();
                    return new NegateNode(body) { Position = token.Start };
                }

            default:
                throw Error($"unexpected {Describe(token)}, expected a term", token.Start);
        }
    }

    private Node ParseKeywordTerm(Token token)
    {
        switch (token.Text)
        {
            case "if":
                return ParseIf(token);
            case "try":
                {
                    var body = ParsePostTerm();
                    Node? handler = null;
                    if (PeekKeyword("catch"))
                    {
                        _lexer.Next();
                        handler = ParsePostTerm();
                    }

                    return new TryNode(body, handler, isPostfix: false) { Position = token.Start };
                }

            case "reduce":
                {
                    var source = ParseAlternative();
                    Expect("as", "'as'");
                    var patterns = ParsePatterns();
                    Expect("(", "'('");
                    var init = ParsePipe();
                    Expect(";", "';'");
                    var mark = DeclarePatternVariables(patterns);
                    var update = ParsePipe();
                    _scope.RemoveRange(mark, _scope.Count - mark);
                    Expect(")", "')'");
                    return new ReduceNode(source, patterns, init, update) { Position = token.Start };
                }

            case "foreach":
                {
                    var source = ParseAlternative();
                    Expect("as", "'as'");
                    var patterns = ParsePatterns();
                    Expect("(", "'('");
                    var init = ParsePipe();
                    Expect(";", "';'");
                    var mark = DeclarePatternVariables(patterns);
                    var update = ParsePipe();
                    Node? extract = null;
                    if (PeekOperator(";"))
                    {
                        _lexer.Next();
                        extract = ParsePipe();
                    }

                    _scope.RemoveRange(mark, _scope.Count - mark);
                    Expect(")", "')'");
                    return new ForeachNode(source, patterns, init, update, extract) { Position = token.Start };
                }

            case "label":
                {
                    var name = _lexer.Next();
                    if (name.Kind != TokenKind.Variable)
                    {
                        throw Error($"unexpected {Describe(name)}, expected a label name such as $out", name.Start);
                    }

                    Expect("|", "'|' after the label");
                    _scope.Add(("*label*" + name.Text, -2));
                    var body = ParsePipe();
                    _scope.RemoveAt(_scope.Count - 1);
                    return new LabelNode(name.Text, body) { Position = token.Start };
                }

            case "def":
                {
                    _lexer.Position = token.Start;
                    return ParsePipe();
                }

            case "import" or "include":
                throw Error($"modules ('{token.Text}') are not supported", token.Start);
            case "__loc__":
                throw Error("unexpected '__loc__', expected '$__loc__'", token.Start);
            default:
                throw Error($"unexpected keyword '{token.Text}', expected a term", token.Start);
        }
    }

    /// <summary>The operand of <c>try</c>, <c>catch</c>, <c>reduce</c> and <c>foreach</c>: a postfix term (with unary minus).</summary>
    private Node ParsePostTerm() => PeekOperator("-") ? ParseUnary() : ParsePostfix();

    private int DeclarePatternVariables(Pattern[] patterns)
    {
        var mark = _scope.Count;
        foreach (var name in patterns.SelectMany(p => p.Variables()).Distinct())
        {
            _scope.Add((name, -1));
        }

        return mark;
    }

    private IfNode ParseIf(Token token)
    {
        Enter();
        try
        {
            return ParseIfCore(token);
        }
        finally
        {
            Leave();
        }
    }

    private IfNode ParseIfCore(Token token)
    {
        var condition = ParsePipe();
        Expect("then", "'then'");
        var then = ParsePipe();
        var next = _lexer.Next();
        if (next.Kind == TokenKind.Keyword && next.Text == "elif")
        {
            return new IfNode(condition, then, ParseIf(next)) { Position = token.Start };
        }

        if (next.Kind == TokenKind.Keyword && next.Text == "else")
        {
            var otherwise = ParsePipe();
            Expect("end", "'end'");
            return new IfNode(condition, then, otherwise) { Position = token.Start };
        }

        if (next.Kind == TokenKind.Keyword && next.Text == "end")
        {
            return new IfNode(condition, then, null) { Position = token.Start };
        }

        throw Error($"unexpected {Describe(next)}, expected 'elif', 'else' or 'end'", next.Start);
    }

    private Node ParseCall(Token name)
    {
        var arguments = new List<Node>();
        if (PeekOperator("("))
        {
            _lexer.Next();
            while (true)
            {
                arguments.Add(ParsePipe());
                var separator = _lexer.Next();
                if (separator.Kind == TokenKind.Operator && separator.Text == ")")
                {
                    break;
                }

                if (separator.Kind != TokenKind.Operator || separator.Text != ";")
                {
                    throw Error($"unexpected {Describe(separator)}, expected ';' or ')'", separator.Start);
                }
            }
        }

        if (name.Text == "break")
        {
            throw Error("unexpected 'break', expected 'break $label'", name.Start);
        }

        var arity = arguments.Count;
        for (var i = _scope.Count - 1; i >= 0; i--)
        {
            if (_scope[i].Arity == arity && _scope[i].Name == name.Text)
            {
                return new CallNode(name.Text, [.. arguments], null, null) { Position = name.Start };
            }
        }

        if (arity == 0 && name.Text is "true" or "false" or "null")
        {
            var constant = name.Text switch { "true" => JqValue.True, "false" => JqValue.False, _ => JqValue.Null };
            return new LiteralNode(constant) { Position = name.Start };
        }

        if (_builtins is not null && _builtins.TryResolve(name.Text, arity, out var closure, out var native))
        {
            return new CallNode(name.Text, [.. arguments], closure, native) { Position = name.Start };
        }

        throw Error($"{name.Text}/{arity} is not defined", name.Start);
    }

    private ObjectNode ParseObject(Token open)
    {
        var entries = new List<(Node Key, Node Value)>();
        if (PeekOperator("}"))
        {
            _lexer.Next();
            return new ObjectNode(entries) { Position = open.Start };
        }

        while (true)
        {
            var token = _lexer.Next();
            Node key;
            Node? value = null;
            switch (token.Kind)
            {
                case TokenKind.Identifier:
                case TokenKind.Keyword:
                    key = new LiteralNode(JqValue.FromString(NameTable.Intern(token.Text)));
                    value = new IndexNode(new IdentityNode(), key);
                    break;
                case TokenKind.Variable:
                    if (token.Text == "__loc__")
                    {
                        key = new LiteralNode(JqValue.FromString("__loc__"));
                        value = new LocationNode(_fileName, LineOf(token.Start));
                        break;
                    }

                    if (!IsVariableDefined(token.Text))
                    {
                        throw Error($"${token.Text} is not defined", token.Start);
                    }

                    if (PeekOperator(":"))
                    {
                        // {$name: value}: the key is the variable's value.
                        key = new VariableNode(token.Text) { Position = token.Start };
                        break;
                    }

                    key = new LiteralNode(JqValue.FromString(token.Text));
                    value = new VariableNode(token.Text);
                    break;
                case TokenKind.String:
                    _lexer.Position = token.Start;
                    key = ParseString(null);
                    value = new IndexNode(new IdentityNode(), key);
                    break;
                case TokenKind.Format when _lexer.Peek().Kind == TokenKind.String:
                    key = ParseString(token.Text);
                    value = new IndexNode(new IdentityNode(), key);
                    break;
                case TokenKind.Number:
                    throw Error($"Cannot use number ({token.Text}) as object key", token.Start);
                case TokenKind.Operator when token.Text == "(":
                    key = ParsePipe();
                    Expect(")", "')'");
                    RejectConstantKey(key, token.Start);
                    break;
                default:
                    throw Error($"unexpected {Describe(token)}, expected an object key", token.Start);
            }

            if (PeekOperator(":"))
            {
                _lexer.Next();
                value = ParseObjectValue();
            }
            else if (value is null)
            {
                throw Error("expected ':' and a value after a computed object key", _lexer.Peek().Start);
            }

            entries.Add((key, value));
            var separator = _lexer.Next();
            if (separator.Kind == TokenKind.Operator && separator.Text == "}")
            {
                return new ObjectNode(entries) { Position = open.Start };
            }

            if (separator.Kind != TokenKind.Operator || separator.Text != ",")
            {
                throw Error($"unexpected {Describe(separator)}, expected ',' or '}}'", separator.Start);
            }

            if (PeekOperator("}"))
            {
                _lexer.Next();
                return new ObjectNode(entries) { Position = open.Start };
            }
        }
    }

    private void RejectConstantKey(Node key, int position)
    {
        if (key is LiteralNode { Value.Kind: not JqKind.String } literal)
        {
            throw Error($"Cannot use {literal.Value.TypeName} ({literal.Value.ToJson()}) as object key", position);
        }
    }

    /// <summary>An object value: terms joined by <c>|</c> (no comma), as jq's grammar allows, and a little more.</summary>
    private Node ParseObjectValue()
    {
        var stages = new List<Node> { ParseBinding() };
        var positions = new List<int>();
        while (PeekOperator("|"))
        {
            positions.Add(_lexer.Next().Start);
            stages.Add(ParseBinding());
        }

        var node = stages[^1];
        for (var i = stages.Count - 2; i >= 0; i--)
        {
            node = new PipeNode(stages[i], node) { Position = positions[i] };
        }

        return node;
    }

    private Pattern[] ParsePatterns()
    {
        var patterns = new List<Pattern> { ParsePattern() };
        while (PeekOperator("?//"))
        {
            _lexer.Next();
            patterns.Add(ParsePattern());
        }

        return [.. patterns];
    }

    private Pattern ParsePattern()
    {
        Enter();
        try
        {
            return ParsePatternCore();
        }
        finally
        {
            Leave();
        }
    }

    private Pattern ParsePatternCore()
    {
        var token = _lexer.Next();
        if (token.Kind == TokenKind.Variable)
        {
            return new VariablePattern(token.Text);
        }

        if (token.Kind == TokenKind.Operator && token.Text == "[")
        {
            var elements = new List<Pattern>();
            if (PeekOperator("]"))
            {
                throw Error("unexpected ']', expected a pattern", _lexer.Peek().Start);
            }

            while (true)
            {
                elements.Add(ParsePattern());
                var separator = _lexer.Next();
                if (separator.Kind == TokenKind.Operator && separator.Text == "]")
                {
                    return new ArrayPattern([.. elements]);
                }

                if (separator.Kind != TokenKind.Operator || separator.Text != ",")
                {
                    throw Error($"unexpected {Describe(separator)}, expected ',' or ']'", separator.Start);
                }
            }
        }

        if (token.Kind == TokenKind.Operator && token.Text == "{")
        {
            var entries = new List<ObjectPatternEntry>();
            while (true)
            {
                var keyToken = _lexer.Next();
                ObjectPatternEntry entry;
                switch (keyToken.Kind)
                {
                    case TokenKind.Variable:
                        {
                            Pattern? sub = null;
                            if (PeekOperator(":"))
                            {
                                _lexer.Next();
                                sub = ParsePattern();
                            }

                            entry = new ObjectPatternEntry(keyToken.Text, null, sub);
                            break;
                        }

                    case TokenKind.Identifier:
                    case TokenKind.Keyword:
                        Expect(":", "':' and a pattern");
                        entry = new ObjectPatternEntry(null, new LiteralNode(JqValue.FromString(keyToken.Text)), ParsePattern());
                        break;
                    case TokenKind.String:
                        {
                            _lexer.Position = keyToken.Start;
                            var key = ParseString(null);
                            Expect(":", "':' and a pattern");
                            entry = new ObjectPatternEntry(null, key, ParsePattern());
                            break;
                        }

                    case TokenKind.Operator when keyToken.Text == "(":
                        {
                            var key = ParsePipe();
                            Expect(")", "')'");
                            RejectConstantKey(key, keyToken.Start);
                            Expect(":", "':' and a pattern");
                            entry = new ObjectPatternEntry(null, key, ParsePattern());
                            break;
                        }

                    default:
                        throw Error($"unexpected {Describe(keyToken)}, expected an object pattern key", keyToken.Start);
                }

                entries.Add(entry);
                var separator = _lexer.Next();
                if (separator.Kind == TokenKind.Operator && separator.Text == "}")
                {
                    return new ObjectPattern([.. entries]);
                }

                if (separator.Kind != TokenKind.Operator || separator.Text != ",")
                {
                    throw Error($"unexpected {Describe(separator)}, expected ',' or '}}'", separator.Start);
                }
            }
        }

        throw Error($"unexpected {Describe(token)}, expected a pattern such as $name, [$a, $b] or {{$a}}", token.Start);
    }

    /// <summary>Parses a string literal at the current position, with <c>\(...)</c> interpolation.</summary>
    private Node ParseString(string? format)
    {
        _lexer.SkipTrivia();
        var source = _lexer.Source;
        var start = _lexer.Position;
        if (start >= source.Length || source[start] != '"')
        {
            throw Error("expected a string", start);
        }

        var position = start + 1;
        var parts = new List<object>();
        var text = new StringBuilder();
        while (true)
        {
            if (position >= source.Length)
            {
                throw Error("unterminated string", start);
            }

            var c = source[position];
            if (c == '"')
            {
                position++;
                break;
            }

            if (c != '\\')
            {
                text.Append(c);
                position++;
                continue;
            }

            if (position + 1 >= source.Length)
            {
                throw Error("unterminated string", start);
            }

            var escape = source[position + 1];
            position += 2;
            switch (escape)
            {
                case '"': text.Append('"'); break;
                case '\\': text.Append('\\'); break;
                case '/': text.Append('/'); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case 'u':
                    {
                        if (position + 4 > source.Length || !int.TryParse(source.AsSpan(position, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                        {
                            throw Error("invalid \\u escape in string", position - 2);
                        }

                        text.Append((char)code);
                        position += 4;
                        break;
                    }

                case '(':
                    {
                        if (text.Length > 0)
                        {
                            parts.Add(text.ToString());
                            text.Clear();
                        }

                        _lexer.Position = position;
                        var inner = ParsePipe();
                        var close = _lexer.Next();
                        if (close.Kind != TokenKind.Operator || close.Text != ")")
                        {
                            throw Error($"unexpected {Describe(close)}, expected ')' to end the interpolation", close.Start);
                        }

                        parts.Add(inner);
                        position = _lexer.Position;
                        break;
                    }

                default:
                    throw Error($"invalid escape '\\{escape}' in string", position - 2);
            }
        }

        _lexer.Position = position;
        if (text.Length > 0 || parts.Count == 0)
        {
            parts.Add(text.ToString());
        }

        if (parts.Count == 1 && parts[0] is string constant && format is null)
        {
            return new LiteralNode(JqValue.FromString(NameTable.Intern(FixSurrogates(constant)))) { Position = start };
        }

        return new StringNode([.. parts.Select(p => p is string s ? FixSurrogates(s) : p)], format) { Position = start };
    }

    private static string FixSurrogates(string text)
    {
        // Lone surrogates from \u escapes become U+FFFD, as jq does.
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogate(text[i]) && !(char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])))
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                var builder = new StringBuilder(text);
                for (var j = 0; j < builder.Length; j++)
                {
                    if (char.IsHighSurrogate(builder[j]) && j + 1 < builder.Length && char.IsLowSurrogate(builder[j + 1]))
                    {
                        j++;
                    }
                    else if (char.IsSurrogate(builder[j]))
                    {
                        builder[j] = '\uFFFD';
                    }
                }

                return builder.ToString();
            }

            if (char.IsHighSurrogate(text[i]))
            {
                i++;
            }
        }

        return text;
    }
}
