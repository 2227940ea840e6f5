namespace Port.Sdk.Actions;

/// <summary>The decision on a run that required approval.</summary>
/// <param name="Approved"><see langword="true"/> when approved, <see langword="false"/> when declined.</param>
/// <param name="By">Who decided.</param>
/// <param name="Reason">The reason given, if any.</param>
/// <param name="At">When the decision was made.</param>
public sealed record ActionRunApproval(bool Approved, string By, string? Reason, DateTimeOffset At);
