namespace Port.Sdk.Integrations;

/// <summary>Where in a resync (or a live event) a <see cref="ResyncFailure"/> happened.</summary>
public enum ResyncFailureStage
{
    /// <summary>Fetching from the source failed: the kind is incomplete, so nothing of the integration is deleted.</summary>
    Source,

    /// <summary>The item's selector, <c>itemsToParse</c> or a mapping field failed to evaluate or gave the wrong type.</summary>
    Mapping,

    /// <summary>The catalog rejected the mapped entity (its blueprint's schema, relations, identifier rules).</summary>
    Validation,

    /// <summary>A stale entity could not be deleted (others still require it).</summary>
    Deletion,
}
