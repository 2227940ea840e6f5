namespace Port.Sdk.Actions;

/// <summary>
/// Runs an action in .NET. Register one per action (<c>AddAction(json, handler)</c>, or a keyed
/// <see cref="IActionHandler"/> service whose key is the action's identifier); it takes precedence over the
/// action's <c>invocationMethod</c>.
/// </summary>
public interface IActionHandler
{
    /// <summary>
    /// Runs the action. Returning ends the run in <c>SUCCESS</c> unless the handler reported another status; an
    /// exception ends it in <c>FAILURE</c> with the exception's message as the status label.
    /// </summary>
    /// <param name="context">The run, its validated inputs and entity, and ways to report progress.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests (the host stopping).</param>
    /// <returns>A task that completes when the action is done.</returns>
    Task HandleAsync(ActionContext context, CancellationToken cancellationToken);
}
