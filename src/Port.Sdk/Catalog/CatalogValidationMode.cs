namespace Port.Sdk;

/// <summary>How strictly the catalog checks entities against their blueprints.</summary>
public enum CatalogValidationMode
{
    /// <summary>
    /// As lenient as Port, and only where Port is: a <c>null</c> non-required property is absent, a date-time offset may
    /// lack its colon (<c>+0200</c>), a single identifier fills a <c>many</c> relation, a numeric string fills a number
    /// property, a property the blueprint lacks is dropped, and one entity may appear several times in a batch.
    /// See <c>docs/catalog.md</c>, "What Port accepts".
    /// </summary>
    Port,

    /// <summary>Every value must match the blueprint's JSON Schema exactly, and each entity may appear once per batch.</summary>
    Strict,
}
