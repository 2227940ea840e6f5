namespace Port.Sdk.Actions;

/// <summary>A payload template failed while rendering a run's payload; the run fails with this message.</summary>
public sealed class ActionTemplateException : PortException
{
    /// <summary>Initializes a new instance of the <see cref="ActionTemplateException"/> class.</summary>
    public ActionTemplateException()
    {
        Pointer = string.Empty;
        Expression = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ActionTemplateException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ActionTemplateException(string message)
        : base(message)
    {
        Pointer = string.Empty;
        Expression = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ActionTemplateException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ActionTemplateException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Pointer = string.Empty;
        Expression = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ActionTemplateException"/> class for a template that failed.</summary>
    /// <param name="pointer">The JSON Pointer of the template in the action definition.</param>
    /// <param name="expression">The jq expression.</param>
    /// <param name="reason">The jq error.</param>
    /// <param name="innerException">The jq exception.</param>
    public ActionTemplateException(string pointer, string expression, string reason, Exception? innerException)
        : base($"The template '{{{{ {expression} }}}}' at '{pointer}' failed: {reason}", innerException)
    {
        Pointer = pointer;
        Expression = expression;
    }

    /// <summary>Gets the JSON Pointer of the template in the action definition, such as <c>/invocationMethod/body/name</c>.</summary>
    public string Pointer { get; }

    /// <summary>Gets the jq expression that failed.</summary>
    public string Expression { get; }
}
