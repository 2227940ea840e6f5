namespace Port.Sdk;

/// <summary>A change read from an <see cref="IEntityChangeFeed"/>, with the position to resume after it.</summary>
/// <param name="Position">The change's position in the feed; pass it as <c>after</c> to resume after this change.</param>
/// <param name="Change">The change, with the entity as written by it.</param>
public sealed record EntityChangeRecord(long Position, EntityChange Change);
