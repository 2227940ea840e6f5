namespace Port.Sdk;

/// <summary>A scorecard: ordered levels, and rules that an entity must pass to reach each level.</summary>
public sealed record Scorecard
{
    /// <summary>Gets the identifier.</summary>
    public required string Identifier { get; init; }

    /// <summary>Gets the display title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the blueprint whose entities are scored.</summary>
    public required string Blueprint { get; init; }

    /// <summary>Gets the levels, lowest first (the first is the base level every entity has).</summary>
    public required IReadOnlyList<ScorecardLevel> Levels { get; init; }

    /// <summary>Gets the rules; each belongs to a level.</summary>
    public required IReadOnlyList<ScorecardRule> Rules { get; init; }
}

/// <summary>A level of a scorecard.</summary>
/// <param name="Title">The level's title, such as <c>Gold</c>.</param>
/// <param name="Color">The level's color, as Port names it.</param>
public sealed record ScorecardLevel(string Title, string? Color = null);

/// <summary>A rule of a scorecard: a query an entity must match to pass.</summary>
public sealed record ScorecardRule
{
    /// <summary>Gets the identifier.</summary>
    public required string Identifier { get; init; }

    /// <summary>Gets the display title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the title of the level the rule belongs to.</summary>
    public required string Level { get; init; }

    /// <summary>Gets the conditions, in the search rule language.</summary>
    public required SearchQuery Query { get; init; }
}

/// <summary>How one entity scores on a scorecard.</summary>
/// <param name="Entity">The entity's identifier.</param>
/// <param name="Level">The highest level whose rules, and every lower level's rules, all pass.</param>
/// <param name="Rules">Each rule's outcome, by rule identifier.</param>
public sealed record ScorecardResult(string Entity, string Level, IReadOnlyDictionary<string, bool> Rules);
