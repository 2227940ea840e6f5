namespace Port.Sdk.Jq;

/// <summary>
/// A jq runtime error: the error jq itself would raise (<c>Cannot index number with "foo"</c>), or a value passed to
/// <c>error</c>. A jq program can catch it with <c>try</c>.
/// </summary>
/// <remarks>The message can contain values from the input; do not show it to people who must not see the input.</remarks>
public class JqException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="JqException"/> class.</summary>
    public JqException()
        : this("jq error")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JqException"/> class with a message.</summary>
    /// <param name="message">The message; also the error value a <c>try</c> catches.</param>
    public JqException(string message)
        : base(message)
    {
        Value = JqValue.FromString(message);
    }

    /// <summary>Initializes a new instance of the <see cref="JqException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message; also the error value a <c>try</c> catches.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public JqException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Value = JqValue.FromString(message);
    }

    /// <summary>Initializes a new instance of the <see cref="JqException"/> class for a value raised with <c>error</c>.</summary>
    /// <param name="value">The error value.</param>
    public JqException(JqValue value)
        : base(Describe(value))
    {
        Value = value;
    }

    /// <summary>Gets the error value, as <c>try ... catch .</c> sees it.</summary>
    public JqValue Value { get; }

    private static string Describe(JqValue value) => value.Kind switch
    {
        JqKind.String => value.String,
        JqKind.Null => "null (null)",
        _ => $"{Runtime.ValueOps.ErrorText(value)} (not a string)",
    };
}

/// <summary>
/// A jq limit was reached: the step budget, the output count, the recursion or value depth, or the size of a value being
/// built (see <see cref="JqRunOptions"/>). A jq program cannot catch it with <c>try</c> or <c>?</c>, so a configuration file
/// cannot opt out of the limits it runs under; the host catches it like any <see cref="JqException"/>.
/// </summary>
/// <example>
/// <code>
/// try
/// {
///     var outputs = filter.Run(input, new JqRunOptions { MaxSteps = 1_000_000 }).ToList();
/// }
/// catch (JqLimitException ex) when (ex.Limit == JqLimit.Steps)
/// {
///     // The program ran too long on this item: report it and go on with the next.
/// }
/// </code>
/// </example>
public sealed class JqLimitException : JqException
{
    /// <summary>Initializes a new instance of the <see cref="JqLimitException"/> class.</summary>
    public JqLimitException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JqLimitException"/> class with a message.</summary>
    /// <param name="message">Which limit was reached.</param>
    public JqLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JqLimitException"/> class with a message and an inner exception.</summary>
    /// <param name="message">Which limit was reached.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public JqLimitException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JqLimitException"/> class for a limit and its value.</summary>
    /// <param name="limit">Which limit was reached.</param>
    /// <param name="maximum">The limit's value in the run's options.</param>
    /// <param name="message">The message, naming the limit and the option that sets it.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public JqLimitException(JqLimit limit, long maximum, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Limit = limit;
        Maximum = maximum;
    }

    /// <summary>Gets which limit was reached.</summary>
    public JqLimit Limit { get; }

    /// <summary>Gets the limit's value in the run's options (for <see cref="JqLimit.Depth"/> reached through the thread's stack, the <see cref="JqRunOptions.MaxDepth"/> in force); 0 when not recorded.</summary>
    public long Maximum { get; }
}

/// <summary>A jq program that does not compile: a syntax error or an undefined function or variable.</summary>
public sealed class JqParseException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="JqParseException"/> class.</summary>
    public JqParseException()
    {
        Program = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="JqParseException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public JqParseException(string message)
        : base(message)
    {
        Program = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="JqParseException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public JqParseException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Program = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="JqParseException"/> class at a position in a program.</summary>
    /// <param name="reason">What is wrong, such as <c>unexpected ')', expected a term</c>.</param>
    /// <param name="program">The program text.</param>
    /// <param name="position">The zero-based character offset of the error.</param>
    public JqParseException(string reason, string program, int position)
        : base(Format(reason, program, position))
    {
        ArgumentNullException.ThrowIfNull(program);
        Reason = reason;
        Program = program;
        Position = Math.Clamp(position, 0, program.Length);
        (Line, Column) = LineAndColumn(program, Position);
    }

    /// <summary>Gets what is wrong, without the location.</summary>
    public string? Reason { get; }

    /// <summary>Gets the program text.</summary>
    public string Program { get; }

    /// <summary>Gets the zero-based character offset of the error.</summary>
    public int Position { get; }

    /// <summary>Gets the one-based line of the error.</summary>
    public int Line { get; }

    /// <summary>Gets the one-based column of the error.</summary>
    public int Column { get; }

    private static (int Line, int Column) LineAndColumn(string program, int position)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position && i < program.Length; i++)
        {
            if (program[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, position - lineStart + 1);
    }

    private static string Format(string reason, string program, int position)
    {
        position = Math.Clamp(position, 0, program.Length);
        var (line, column) = LineAndColumn(program, position);
        var lineStart = position - (column - 1);
        var lineEnd = program.IndexOf('\n', lineStart);
        var text = lineEnd < 0 ? program[lineStart..] : program[lineStart..lineEnd];
        return $"syntax error: {reason} at line {line}, column {column}:{Environment.NewLine}    {text}{Environment.NewLine}    {new string(' ', column - 1)}^";
    }
}
