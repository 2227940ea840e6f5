namespace Port.Sdk.Integrations;

/// <summary>
/// The limits <see cref="PortYaml"/> applies to a YAML text before it builds anything from it. A text that exceeds one
/// is reported as a <see cref="YamlDotNet.Core.YamlException"/> with the line and column where it was exceeded (by
/// <see cref="PortAppConfig.Parse"/> as a <see cref="PortAppConfigException"/>), never as a stack overflow or an
/// <see cref="OutOfMemoryException"/>.
/// </summary>
public sealed class PortYamlOptions
{
    /// <summary>The largest <see cref="MaxDepth"/> accepted: the representation model recurses once per level.</summary>
    public const int DepthCeiling = 1_000;

    /// <summary>The options used when none are given. Do not mutate.</summary>
    internal static PortYamlOptions Default { get; } = new();

    /// <summary>
    /// Gets or sets the deepest nesting of collections accepted, counting the collections an alias repeats as nested
    /// where the alias stands. Must be from 1 to <see cref="DepthCeiling"/>.
    /// </summary>
    /// <value>The default value is 64.</value>
    public int MaxDepth { get; set; } = 64;

    /// <summary>
    /// Gets or sets the most nodes aliases may add: each <c>*alias</c> adds the nodes of the value it repeats, so a
    /// "billion laughs" text is stopped before it is expanded.
    /// </summary>
    /// <value>The default value is 10,000.</value>
    public long MaxAliasExpansion { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets the longest text accepted, in characters; the characters of scalars that aliases repeat count too,
    /// so a short text cannot expand into a long document.
    /// </summary>
    /// <value>The default value is 1,048,576 (1 Mi characters).</value>
    public long MaxDocumentLength { get; set; } = 1_048_576;

    internal void Validate()
    {
        if (MaxDepth is < 1 or > DepthCeiling)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, $"MaxDepth must be from 1 to {DepthCeiling}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxAliasExpansion);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxDocumentLength);
    }
}
