using System.Text.Json;

namespace Port.Sdk.Actions;

/// <summary>
/// The backend an action invokes: <c>invocationMethod</c>. The SDK invokes <c>WEBHOOK</c> and <c>UPSERT_ENTITY</c>;
/// an <see cref="IActionInvoker"/> runs other types (Port.Sdk.GitHub's <c>AddGitHubActions()</c> runs <c>GITHUB</c>);
/// any type (such as <c>KAFKA</c>) can also run a .NET handler registered for the action.
/// </summary>
public sealed record ActionInvocationMethod
{
    /// <summary>Gets the type, such as <c>WEBHOOK</c>, <c>UPSERT_ENTITY</c>, <c>GITHUB</c> or <c>KAFKA</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Gets the webhook's URL (a template).</summary>
    public string? Url { get; init; }

    /// <summary>Gets the webhook's HTTP method.</summary>
    /// <value>The default value is <c>POST</c>.</value>
    public string Method { get; init; } = "POST";

    /// <summary>Gets a value indicating whether the webhook is synchronous: its HTTP status ends the run.</summary>
    public bool Synchronized { get; init; }

    /// <summary>Gets the webhook's headers (templates).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the webhook's body (a template).</summary>
    public JsonElement? Body { get; init; }

    /// <summary>Gets the blueprint an <c>UPSERT_ENTITY</c> writes to.</summary>
    public string? BlueprintIdentifier { get; init; }

    /// <summary>Gets the entity an <c>UPSERT_ENTITY</c> writes (a template).</summary>
    public JsonElement? Mapping { get; init; }

    /// <summary>Gets the GitHub organization of a <c>GITHUB</c> workflow.</summary>
    public string? Org { get; init; }

    /// <summary>Gets the GitHub repository of a <c>GITHUB</c> workflow.</summary>
    public string? Repo { get; init; }

    /// <summary>Gets the workflow file of a <c>GITHUB</c> workflow.</summary>
    public string? Workflow { get; init; }

    /// <summary>Gets the inputs of a <c>GITHUB</c> workflow (a template).</summary>
    public JsonElement? WorkflowInputs { get; init; }

    /// <summary>
    /// Gets a value indicating whether a <c>GITHUB</c> run follows the workflow run: <c>SUCCESS</c> when it concludes
    /// successfully, <c>FAILURE</c> otherwise. When <see langword="false"/>, the run stays <c>IN_PROGRESS</c> after the
    /// dispatch until the workflow reports its status (Port's run API).
    /// </summary>
    /// <value>The default value is <see langword="true"/>, as in Port.</value>
    public bool ReportWorkflowStatus { get; init; } = true;

    /// <summary>Gets the invocation method as given.</summary>
    public JsonElement Definition { get; init; }
}
