namespace Port.Sdk.Actions;

/// <summary>Someone who is not among an action's approvers tried to approve or decline one of its runs.</summary>
/// <remarks>The message names the run and the user, and may be returned to that user.</remarks>
public sealed class ActionApprovalException : PortException
{
    /// <summary>Initializes a new instance of the <see cref="ActionApprovalException"/> class.</summary>
    public ActionApprovalException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ActionApprovalException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ActionApprovalException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ActionApprovalException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ActionApprovalException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ActionApprovalException"/> class for a run and a user.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="user">Who tried to decide.</param>
    public ActionApprovalException(string runId, string user)
        : base($"'{user}' is not an approver of the run '{runId}'.")
    {
        RunId = runId;
        User = user;
    }

    /// <summary>Gets the run, when known.</summary>
    public string? RunId { get; }

    /// <summary>Gets the user who tried to decide, when known.</summary>
    public string? User { get; }
}
