using System.Text.Json;

namespace Port.Sdk;

/// <summary>
/// Turns a raw item of an integration into entities. The default mapper evaluates the jq expressions of a
/// <c>port-app-config.yml</c>; a code-first mapper uses C# delegates. Mapping is CPU-bound and synchronous.
/// </summary>
public interface ISemanticMapper
{
    /// <summary>Maps one raw item of a kind.</summary>
    /// <param name="kind">The item's kind.</param>
    /// <param name="item">The raw item.</param>
    /// <param name="context">Values the mapping may read, such as the integration's identifier.</param>
    /// <returns>The entities the item maps to (none when the item does not pass the selector), and any failures.</returns>
    MappingResult Map(string kind, JsonElement item, MappingContext context);
}

/// <summary>What a mapping may read besides the item.</summary>
/// <param name="Integration">The identifier of the integration the item came from.</param>
public sealed record MappingContext(string Integration);

/// <summary>The outcome of mapping one raw item.</summary>
/// <param name="Entities">The entities the item maps to.</param>
/// <param name="Failures">Why parts of the item could not be mapped; the other entities still stand.</param>
public sealed record MappingResult(IReadOnlyList<Entity> Entities, IReadOnlyList<MappingFailure> Failures)
{
    /// <summary>Gets a result with no entity and no failure, for an item that passed its selector.</summary>
    public static MappingResult Empty { get; } = new([], []);

    /// <summary>Gets the result of an item that no selector of its kind passes.</summary>
    public static MappingResult NotSelected { get; } = new([], []) { Selected = false };

    /// <summary>Gets a value indicating whether the item passed its kind's selector (a mapper without selectors passes every item).</summary>
    public bool Selected { get; init; } = true;

    /// <summary>
    /// Gets the relations (and teams) the mapping gave as a search query rather than identifiers: the runtime
    /// resolves each against the catalog before writing the entity.
    /// </summary>
    public IReadOnlyList<RelationQuery> RelationQueries { get; init; } = [];

    /// <summary>
    /// Gets the entities the item maps to whose mapping failed this time (a selector that did not evaluate, say). The
    /// runtime keeps what it stored for them: they count as seen, so a resync never deletes them as stale.
    /// </summary>
    public IReadOnlyList<EntityKey> Retained { get; init; } = [];

    /// <summary>
    /// Gets how many entities (or items) failed before their identifier or blueprint was known. The runtime cannot
    /// tell which stored entities are theirs, so a resync deletes no stale entity of the kind.
    /// </summary>
    public int Unidentified { get; init; }
}

/// <summary>A relation of a mapped entity given as a search query, as Port's mappings allow (<c>combinator</c>/<c>rules</c>).</summary>
/// <param name="Entity">The mapped entity.</param>
/// <param name="Relation">The relation's name, or <c>$team</c> for a team given as a query.</param>
/// <param name="Query">The query whose results are the relation's targets.</param>
public sealed record RelationQuery(EntityKey Entity, string Relation, SearchQuery Query);

/// <summary>Why an item, or a field of it, could not be mapped.</summary>
/// <param name="Kind">The item's kind.</param>
/// <param name="Field">The mapping field, such as <c>identifier</c> or <c>properties.url</c>.</param>
/// <param name="Message">What went wrong, with the expression's position when it is a jq error.</param>
public sealed record MappingFailure(string Kind, string Field, string Message)
{
    /// <summary>Gets the index of the element within the item's <c>itemsToParse</c> array, when the item was split.</summary>
    public int? Index { get; init; }

    /// <summary>Gets the entity the failure concerns, when its identifier and blueprint were known.</summary>
    public EntityKey? Entity { get; init; }

    /// <summary>
    /// Gets the member of <see cref="Entity"/> the failing field writes (<c>title</c>, <c>icon</c>, <c>team</c>,
    /// <c>properties.NAME</c> or <c>relations.NAME</c>) when the entity was still built with that member null, as
    /// Ocean does; <see langword="null"/> when the failure concerns the whole entity or item.
    /// </summary>
    public string? Member { get; init; }

    /// <summary>Gets where the mapping expression is: <c>file:line:column</c>.</summary>
    public string? Location { get; init; }

    /// <summary>Returns the failure as one line.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
        => $"{Kind}{(Index is { } i ? $"[{i}]" : string.Empty)} {Field}: {Message}{(Location is null ? string.Empty : $" ({Location})")}";
}
