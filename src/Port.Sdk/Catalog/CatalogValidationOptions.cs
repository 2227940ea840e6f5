namespace Port.Sdk;

/// <summary>How the catalog validates the entities written to it.</summary>
public sealed class CatalogValidationOptions
{
    internal static CatalogValidationOptions Default { get; } = new();

    /// <summary>Gets or sets how strictly entities are checked against their blueprints.</summary>
    /// <value>The default value is <see cref="CatalogValidationMode.Port"/>: lenient where Port is, strict where Port is.</value>
    public CatalogValidationMode Mode { get; set; } = CatalogValidationMode.Port;

    /// <summary>
    /// Gets or sets the JSON Schema engine that validates entities against their blueprints' schemas. The leniencies of
    /// <see cref="Mode"/> are applied by the catalog, the same whatever the engine.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: Port.Sdk's own validator, <see cref="PortSchemaValidator.Instance"/>.</value>
    public ISchemaValidator? SchemaValidator { get; set; }
}
