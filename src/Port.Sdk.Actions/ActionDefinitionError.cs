namespace Port.Sdk.Actions;

/// <summary>One reason an action or automation definition was rejected, with where it is.</summary>
/// <param name="Action">The action's identifier, when it could be read.</param>
/// <param name="Pointer">The JSON Pointer of the value at fault, such as <c>/trigger/operation</c>.</param>
/// <param name="Rule">What failed: <c>json</c>, <c>unknown-key</c>, <c>required</c>, <c>type</c>, <c>enum</c>, <c>jq</c>, <c>schema</c>.</param>
/// <param name="Message">A sentence a person can act on.</param>
public sealed record ActionDefinitionError(string? Action, string Pointer, string Rule, string Message)
{
    /// <summary>Gets the file the definition was read from, when it was read from one.</summary>
    public string? File { get; init; }

    /// <summary>Gets the line (1-based) of the value at fault, when known.</summary>
    public long? Line { get; init; }

    /// <summary>Gets the column (1-based, in characters) of the value at fault, when known.</summary>
    public long? Column { get; init; }

    /// <summary>Returns the error as one line: file, line and column, action, pointer, message and rule.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var where = File is null
            ? Line is null ? string.Empty : $"line {Line}, column {Column}: "
            : Line is null ? $"{File}: " : $"{File}:{Line}:{Column}: ";
        var what = Action is null ? Pointer : $"action '{Action}' {Pointer}";
        return $"{where}{what}: {Message} ({Rule})";
    }
}
