namespace Port.Sdk.Actions;

/// <summary>The decision on a run that required approval.</summary>
/// <param name="Approved"><see langword="true"/> when approved, <see langword="false"/> when declined.</param>
/// <param name="By">Who decided.</param>
/// <param name="Reason">The reason given, if any.</param>
/// <param name="At">When the decision was made.</param>
public sealed record ActionRunApproval(bool Approved, string By, string? Reason, DateTimeOffset At)
{
    /// <summary>
    /// Gets the approvers of the action this decision counts for (<c>user:{email}</c>, <c>team:{name}</c>,
    /// <c>role:{name}</c>); empty when the action lists no approvers.
    /// </summary>
    public IReadOnlyList<string> Satisfies { get => _satisfies; init => _satisfies = value ?? []; }

    private readonly IReadOnlyList<string> _satisfies = [];

    /// <summary>Compares two decisions by value, <see cref="Satisfies"/> item by item.</summary>
    /// <param name="other">The other decision.</param>
    /// <returns><see langword="true"/> when both are the same decision.</returns>
    public bool Equals(ActionRunApproval? other)
        => other is not null && Approved == other.Approved && By == other.By && Reason == other.Reason && At == other.At && Satisfies.SequenceEqual(other.Satisfies, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Approved, By, Reason, At, Satisfies.Count);
}
