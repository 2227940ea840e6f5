namespace Port.Sdk;

/// <summary>
/// A change set was not written because entities it was decided on changed in the meantime (another instance wrote
/// them): their content no longer has the hash given in <see cref="EntityChangeSet.ExpectedContentHashes"/>. Nothing
/// was written; read the entities again and redo the write, as <c>PortCatalog</c> does for merges.
/// </summary>
public sealed class EntityConflictException : PortException
{
    /// <summary>Initializes a new instance of the <see cref="EntityConflictException"/> class.</summary>
    public EntityConflictException()
    {
        Keys = [];
    }

    /// <summary>Initializes a new instance of the <see cref="EntityConflictException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public EntityConflictException(string message)
        : base(message)
    {
        Keys = [];
    }

    /// <summary>Initializes a new instance of the <see cref="EntityConflictException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public EntityConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Keys = [];
    }

    /// <summary>Initializes a new instance of the <see cref="EntityConflictException"/> class with the entities that changed.</summary>
    /// <param name="keys">The entities whose content is no longer what the change set expected.</param>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    public EntityConflictException(IReadOnlyList<EntityKey> keys)
        : base(Describe(keys))
    {
        Keys = keys;
    }

    /// <summary>Gets the entities whose content is no longer what the change set expected.</summary>
    public IReadOnlyList<EntityKey> Keys { get; }

    private static string Describe(IReadOnlyList<EntityKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var shown = string.Join(", ", keys.Take(5).Select(k => $"'{k}'"));
        return $"The change set was not written: {keys.Count} {(keys.Count == 1 ? "entity" : "entities")} changed since it was decided ({shown}{(keys.Count > 5 ? ", …" : string.Empty)}); read again and retry.";
    }
}
