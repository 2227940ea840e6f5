namespace Port.Sdk.Actions;

/// <summary>One entry of an action run's log.</summary>
/// <param name="Message">The message.</param>
/// <param name="At">When it was written.</param>
public sealed record ActionRunLog(string Message, DateTimeOffset At);
