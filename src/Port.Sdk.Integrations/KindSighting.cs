namespace Port.Sdk.Integrations;

/// <summary>
/// What a resync learnt of one kind for stale-entity deletion: the entities it saw (written, rejected or failed with a
/// known key: all count as seen) and the failures that make deleting the kind's stale entities unsafe.
/// </summary>
internal sealed class KindSighting
{
    public HashSet<ulong> Seen { get; } = [];

    public int Fetched { get; set; }

    public int FailedItems { get; set; }

    public int Unidentified { get; set; }

    public bool DeletionDisabled { get; init; }

    /// <summary>
    /// A 64-bit FNV-1a fingerprint of an entity's key: a resync remembers what it saw in 8 bytes per entity instead of
    /// the two strings. Two keys sharing a fingerprint (about 1 in 10^9 for 200,000 keys) can only keep a stale entity
    /// one resync longer, never delete a seen one.
    /// </summary>
    public static ulong Fingerprint(string blueprint, string identifier)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in blueprint)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash = (hash ^ 0xFFFF) * 1099511628211UL;
        foreach (var c in identifier)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    public void See(EntityKey key) => Seen.Add(Fingerprint(key.Blueprint, key.Identifier));

    /// <summary>Why no stale entity of the kind may be deleted, whatever the thresholds say; <see langword="null"/> when they may.</summary>
    public string? UnsafeReason(string kind)
    {
        if (DeletionDisabled)
        {
            return $"enableDelete is false for kind '{kind}'";
        }

        if (Unidentified > 0)
        {
            return $"{Unidentified} item(s) of kind '{kind}' failed mapping before their identifier or blueprint was known, so their stored entities cannot be told from stale ones; nothing of the kind is deleted";
        }

        if (FailedItems > 0 && FailedItems * 2 > Fetched)
        {
            return $"most items of kind '{kind}' ({FailedItems} of {Fetched}) failed mapping (a broken expression after a configuration edit looks like this); nothing of the kind is deleted";
        }

        return null;
    }
}
