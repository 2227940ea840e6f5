namespace Port.Sdk.Mcp;

/// <summary>What a <see cref="PortCatalogMcpServer"/> lets its clients do beyond reading.</summary>
public sealed class PortCatalogMcpServerOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether the write tools are offered: <c>create_entity</c>, <c>update_entity</c>,
    /// <c>delete_entity</c> and <c>register_blueprint</c>. They go through the catalog, so its validation applies to every write.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: the server only reads.</value>
    public bool AllowWrites { get; set; }

    /// <summary>Gets or sets the most values one <c>completion/complete</c> answer holds (the MCP specification allows at most 100).</summary>
    /// <value>The default value is 100.</value>
    public int MaxCompletions { get; set; } = 100;
}
