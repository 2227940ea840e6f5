namespace Port.Sdk.Jq;

/// <summary>Thrown by <c>halt</c> and <c>halt_error</c>: ends the program with an exit code.</summary>
public sealed class JqHaltException : JqException
{
    /// <summary>Initializes a new instance of the <see cref="JqHaltException"/> class.</summary>
    public JqHaltException()
        : base("halt")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JqHaltException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public JqHaltException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JqHaltException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public JqHaltException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JqHaltException"/> class with an exit code and an optional value to print.</summary>
    /// <param name="exitCode">The process exit code.</param>
    /// <param name="value">The value <c>halt_error</c> prints, if any.</param>
    public JqHaltException(int exitCode, JqValue? value)
        : base(value is { Kind: JqKind.String } text ? text.String : value?.ToJson() ?? "halt")
    {
        ExitCode = exitCode;
        HaltValue = value;
    }

    /// <summary>Gets the exit code the program asked for.</summary>
    public int ExitCode { get; }

    /// <summary>Gets the value <c>halt_error</c> prints, or <see langword="null"/> for <c>halt</c>.</summary>
    public JqValue? HaltValue { get; }
}
