using System.Text.Json;

namespace Port.Sdk.Actions;

/// <summary>An invocation of a self-service action: its inputs, the entity it acts on, and who invokes it.</summary>
public sealed record ActionInvocation
{
    /// <summary>Gets the inputs, a JSON object by input name; <see langword="null"/> for none.</summary>
    public JsonElement? Inputs { get; init; }

    /// <summary>Gets the identifier of the entity a DAY-2 or DELETE action acts on (of the action's blueprint).</summary>
    public string? Entity { get; init; }

    /// <summary>Gets who invokes the action (a user's email, say); templates see it as <c>.trigger.by.user.email</c>.</summary>
    public string? Caller { get; init; }

    /// <summary>Gets where the invocation comes from, such as <c>API</c>, <c>CLI</c> or <c>MCP</c>.</summary>
    /// <value>The default value is <c>API</c>.</value>
    public string Source { get; init; } = "API";
}
