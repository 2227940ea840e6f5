using System.Text.Json;

namespace Port.Sdk.Actions;

/// <summary>
/// Runs the actions of one invocation method type that the SDK itself does not run (Port.Sdk.GitHub's
/// <c>AddGitHubActions()</c> registers the one of <c>GITHUB</c>). Register it as an <see cref="IActionInvoker"/>
/// service or in <see cref="PortActionsOptions.Invokers"/>; an action's <see cref="IActionHandler"/> takes precedence.
/// </summary>
public interface IActionInvoker
{
    /// <summary>Gets the invocation method type this invoker runs, such as <c>GITHUB</c>.</summary>
    string Type { get; }

    /// <summary>
    /// Runs the action. Report progress and the final status through <paramref name="context"/>; returning without a
    /// final status leaves the run <c>IN_PROGRESS</c> for the backend to report (Port's run API). An exception ends the
    /// run in <c>FAILURE</c> with the exception's message as the status label.
    /// </summary>
    /// <param name="context">The run, its validated inputs and entity, and ways to report progress.</param>
    /// <param name="payload">
    /// The invocation method's template rendered over the run (<c>workflowInputs</c> for <c>GITHUB</c>, <c>payload</c>
    /// or <c>body</c> for other types); <see langword="null"/> when the method has none.
    /// </param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests (the host stopping).</param>
    /// <returns>A task that completes when the invoker is done with the run.</returns>
    Task InvokeAsync(ActionContext context, JsonElement? payload, CancellationToken cancellationToken);
}
