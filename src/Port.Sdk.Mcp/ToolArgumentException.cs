namespace Port.Sdk.Mcp;

/// <summary>A tool's argument broke its input schema; the message names the argument, the rule and the value, and goes to the client.</summary>
internal sealed class ToolArgumentException(string argument, string message) : Exception(message)
{
    /// <summary>Gets the argument's name.</summary>
    public string Argument { get; } = argument;
}
