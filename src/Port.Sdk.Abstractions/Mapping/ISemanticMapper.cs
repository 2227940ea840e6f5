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
    /// <summary>Gets a result with no entity and no failure (an item the selector skips).</summary>
    public static MappingResult Empty { get; } = new([], []);
}

/// <summary>Why an item, or a field of it, could not be mapped.</summary>
/// <param name="Kind">The item's kind.</param>
/// <param name="Field">The mapping field, such as <c>identifier</c> or <c>properties.url</c>.</param>
/// <param name="Message">What went wrong, with the expression's position when it is a jq error.</param>
public sealed record MappingFailure(string Kind, string Field, string Message);
