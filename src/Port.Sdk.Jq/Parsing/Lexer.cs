namespace Port.Sdk.Jq.Parsing;

internal enum TokenKind
{
    End,
    Identifier,
    Keyword,
    Field,
    Variable,
    Format,
    Number,
    String,
    Operator,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Start, int End);

/// <summary>Splits jq source into tokens on demand; strings are scanned by the parser because of interpolation.</summary>
internal sealed class Lexer(string source)
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "def", "if", "then", "elif", "else", "end", "as", "reduce", "foreach", "try", "catch", "label", "import", "include", "and", "or", "__loc__",
    };

    private static readonly string[] Operators =
    [
        "?//", "//=", "|=", "+=", "-=", "*=", "/=", "%=", "==", "!=", "<=", ">=", "//", "..",
        "|", ",", "=", "<", ">", "+", "-", "*", "/", "%", "?", "[", "]", "{", "}", "(", ")", ":", ";", ".", "$",
    ];

    public string Source { get; } = source;

    public int Position { get; set; }

    public static bool IsIdentifier(string text)
    {
        if (text.Length == 0 || !(char.IsAsciiLetter(text[0]) || text[0] == '_') || Keywords.Contains(text))
        {
            return false;
        }

        return text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }

    public static bool IsKeyword(string text) => Keywords.Contains(text);

    public void SkipTrivia()
    {
        while (Position < Source.Length)
        {
            var c = Source[Position];
            if (char.IsWhiteSpace(c) || c == '\uFEFF')
            {
                Position++;
            }
            else if (c == '#')
            {
                // A comment runs to the end of the line; an odd number of backslashes before the newline continues it (jq 1.7+).
                while (Position < Source.Length && Source[Position] != '\n')
                {
                    if (Source[Position] == '\\' && Position + 1 < Source.Length)
                    {
                        var backslashes = 0;
                        while (Position < Source.Length && Source[Position] == '\\')
                        {
                            backslashes++;
                            Position++;
                        }

                        if (backslashes % 2 == 1 && Position < Source.Length && Source[Position] == '\r')
                        {
                            Position++;
                        }

                        if (backslashes % 2 == 1 && Position < Source.Length && Source[Position] == '\n')
                        {
                            Position++;
                        }

                        continue;
                    }

                    Position++;
                }
            }
            else
            {
                break;
            }
        }
    }

    public Token Peek()
    {
        var saved = Position;
        var token = Next();
        Position = saved;
        return token;
    }

    public Token Next()
    {
        SkipTrivia();
        var start = Position;
        if (Position >= Source.Length)
        {
            return new Token(TokenKind.End, string.Empty, start, start);
        }

        var c = Source[Position];
        if (c == '"')
        {
            return new Token(TokenKind.String, "\"", start, start + 1);
        }

        if (char.IsAsciiDigit(c) || (c == '.' && Position + 1 < Source.Length && char.IsAsciiDigit(Source[Position + 1])))
        {
            ScanNumber();
            return new Token(TokenKind.Number, Source[start..Position], start, Position);
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            var text = ScanIdentifier();
            return new Token(Keywords.Contains(text) ? TokenKind.Keyword : TokenKind.Identifier, text, start, Position);
        }

        if (c == '$' && Position + 1 < Source.Length && (char.IsAsciiLetter(Source[Position + 1]) || Source[Position + 1] == '_'))
        {
            Position++;
            var name = ScanIdentifier();
            return new Token(TokenKind.Variable, name, start, Position);
        }

        if (c == '@' && Position + 1 < Source.Length && char.IsAsciiLetter(Source[Position + 1]))
        {
            Position++;
            var name = ScanIdentifier();
            return new Token(TokenKind.Format, name, start, Position);
        }

        if (c == '.' && Position + 1 < Source.Length && (char.IsAsciiLetter(Source[Position + 1]) || Source[Position + 1] == '_'))
        {
            Position++;
            var name = ScanIdentifier(allowModules: false);
            return new Token(TokenKind.Field, name, start, Position);
        }

        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(Source, Position, op, 0, op.Length) == 0)
            {
                Position += op.Length;
                return new Token(TokenKind.Operator, op, start, Position);
            }
        }

        throw new JqParseException($"unexpected character '{c}'", Source, start);
    }

    private string ScanIdentifier(bool allowModules = true)
    {
        var start = Position;
        while (Position < Source.Length)
        {
            var c = Source[Position];
            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                Position++;
            }
            else if (allowModules && c == ':' && Position + 2 < Source.Length && Source[Position + 1] == ':' && (char.IsAsciiLetter(Source[Position + 2]) || Source[Position + 2] == '_'))
            {
                Position += 2;
            }
            else
            {
                break;
            }
        }

        return Source[start..Position];
    }

    private void ScanNumber()
    {
        while (Position < Source.Length && char.IsAsciiDigit(Source[Position]))
        {
            Position++;
        }

        if (Position < Source.Length && Source[Position] == '.')
        {
            Position++;
            while (Position < Source.Length && char.IsAsciiDigit(Source[Position]))
            {
                Position++;
            }
        }

        if (Position < Source.Length && Source[Position] is 'e' or 'E')
        {
            var save = Position;
            Position++;
            if (Position < Source.Length && Source[Position] is '+' or '-')
            {
                Position++;
            }

            if (Position < Source.Length && char.IsAsciiDigit(Source[Position]))
            {
                while (Position < Source.Length && char.IsAsciiDigit(Source[Position]))
                {
                    Position++;
                }
            }
            else
            {
                Position = save;
            }
        }
    }
}
