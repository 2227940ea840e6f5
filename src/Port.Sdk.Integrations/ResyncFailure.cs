using System.Text;

namespace Port.Sdk.Integrations;

/// <summary>
/// One thing that went wrong in a resync or live event, in the shape of Ocean's misconfiguration reports: which kind,
/// which item, which entity and field, why, and where the configuration says it.
/// </summary>
public sealed record ResyncFailure
{
    /// <summary>Gets the kind.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets the stage that failed.</summary>
    public required ResyncFailureStage Stage { get; init; }

    /// <summary>Gets what went wrong.</summary>
    public required string Message { get; init; }

    /// <summary>Gets the index of the raw item in the kind's fetch order (0 for the first item), when the failure concerns one.</summary>
    public int? ItemIndex { get; init; }

    /// <summary>Gets the index of the element within the item's <c>itemsToParse</c> array, when the item was split.</summary>
    public int? ElementIndex { get; init; }

    /// <summary>Gets the entity, when its identifier and blueprint are known.</summary>
    public EntityKey? Entity { get; init; }

    /// <summary>Gets the mapping field (such as <c>resources[0].port.entity.mappings.properties.url</c>), for a mapping failure.</summary>
    public string? Field { get; init; }

    /// <summary>Gets the JSON Pointer into the entity (such as <c>/properties/url</c>), for a validation failure.</summary>
    public string? Pointer { get; init; }

    /// <summary>Gets where the configuration writes the failing expression: <c>file:line:column</c>.</summary>
    public string? ConfigLocation { get; init; }

    /// <summary>Creates the record of a mapping failure of an item.</summary>
    /// <param name="failure">The mapper's failure.</param>
    /// <param name="itemIndex">The item's index in the kind's fetch order.</param>
    /// <returns>The record.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="failure"/> is <see langword="null"/>.</exception>
    public static ResyncFailure FromMapping(MappingFailure failure, int? itemIndex)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new ResyncFailure
        {
            Kind = failure.Kind,
            Stage = ResyncFailureStage.Mapping,
            Message = failure.Message,
            ItemIndex = itemIndex,
            ElementIndex = failure.Index,
            Entity = failure.Entity,
            Field = failure.Field,
            ConfigLocation = failure.Location,
        };
    }

    /// <summary>Creates the record of a catalog error about an entity of a kind.</summary>
    /// <param name="kind">The kind whose entity it is.</param>
    /// <param name="error">The catalog's error.</param>
    /// <param name="stage">The stage: <see cref="ResyncFailureStage.Validation"/> or <see cref="ResyncFailureStage.Deletion"/>.</param>
    /// <returns>The record.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ResyncFailure FromCatalog(string kind, CatalogError error, ResyncFailureStage stage = ResyncFailureStage.Validation)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(error);
        return new ResyncFailure
        {
            Kind = kind,
            Stage = stage,
            Message = $"{error.Message} ({error.Rule})",
            Entity = error.Entity is null ? null : new EntityKey(error.Blueprint, error.Entity),
            Pointer = error.Pointer,
        };
    }

    /// <summary>Returns the failure as one line: kind and item, entity, field or pointer, message, configuration position.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(Kind);
        if (ItemIndex is { } item)
        {
            text.Append(" item ").Append(item);
        }

        if (ElementIndex is { } element)
        {
            text.Append('[').Append(element).Append(']');
        }

        if (Entity is { } entity)
        {
            text.Append(" entity '").Append(entity.Identifier).Append("' of blueprint '").Append(entity.Blueprint).Append('\'');
        }

        if (Field is not null)
        {
            text.Append(' ').Append(Field);
        }

        if (Pointer is not null)
        {
            text.Append(' ').Append(Pointer);
        }

        text.Append(": ").Append(Message);
        if (ConfigLocation is not null)
        {
            text.Append(" (").Append(ConfigLocation).Append(')');
        }

        return text.ToString();
    }
}
