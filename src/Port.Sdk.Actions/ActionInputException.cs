namespace Port.Sdk.Actions;

/// <summary>An invocation was rejected before any run was created: its inputs or its entity are invalid. <see cref="Errors"/> lists each problem.</summary>
/// <remarks>The message names inputs and the values given; it can be shown to the caller (an MCP client, say) and holds no secrets.</remarks>
public sealed class ActionInputException : PortException
{
    /// <summary>Initializes a new instance of the <see cref="ActionInputException"/> class.</summary>
    public ActionInputException()
    {
        Action = string.Empty;
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="ActionInputException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ActionInputException(string message)
        : base(message)
    {
        Action = string.Empty;
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="ActionInputException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ActionInputException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Action = string.Empty;
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="ActionInputException"/> class with the errors found.</summary>
    /// <param name="action">The action invoked.</param>
    /// <param name="errors">Every problem.</param>
    public ActionInputException(string action, IReadOnlyList<ActionInputError> errors)
        : base(Describe(action, errors))
    {
        Action = action;
        Errors = errors;
    }

    /// <summary>Gets the action invoked.</summary>
    public string Action { get; }

    /// <summary>Gets every problem found.</summary>
    public IReadOnlyList<ActionInputError> Errors { get; }

    private static string Describe(string action, IReadOnlyList<ActionInputError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 1
            ? $"The inputs of action '{action}' are invalid: {errors[0]}."
            : $"The inputs of action '{action}' are invalid ({errors.Count} errors):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
    }
}
