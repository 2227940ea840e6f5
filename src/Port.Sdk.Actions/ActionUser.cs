namespace Port.Sdk.Actions;

/// <summary>A person deciding on a run (approving or declining it): their email, teams and roles, checked against the action's <see cref="ActionApprovers"/>.</summary>
/// <param name="Email">The user's email address.</param>
public sealed record ActionUser(string Email)
{
    /// <summary>Gets the names of the teams the user belongs to.</summary>
    public IReadOnlyList<string> Teams { get; init; } = [];

    /// <summary>Gets the user's roles.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
}
