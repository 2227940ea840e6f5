namespace Port.Sdk.Actions;

/// <summary>An action or automation definition could not be read or compiled; <see cref="Errors"/> says where, for every problem.</summary>
public sealed class ActionDefinitionException : PortException
{
    /// <summary>Initializes a new instance of the <see cref="ActionDefinitionException"/> class.</summary>
    public ActionDefinitionException()
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="ActionDefinitionException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ActionDefinitionException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="ActionDefinitionException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ActionDefinitionException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="ActionDefinitionException"/> class with the errors found.</summary>
    /// <param name="errors">Every problem, each with its pointer and, when read from text, its line and column.</param>
    /// <param name="innerException">The parser exception, if any.</param>
    public ActionDefinitionException(IReadOnlyList<ActionDefinitionError> errors, Exception? innerException = null)
        : base(Describe(errors), innerException)
    {
        Errors = errors;
    }

    /// <summary>Gets every problem found.</summary>
    public IReadOnlyList<ActionDefinitionError> Errors { get; }

    private static string Describe(IReadOnlyList<ActionDefinitionError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 1
            ? $"The action definition is invalid: {errors[0]}."
            : $"The action definition is invalid ({errors.Count} errors):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
    }
}
