using Port.Sdk.Jq;

namespace Port.Sdk.Integrations;

/// <summary>
/// A mapping configuration in Port's <c>port-app-config.yml</c> format: for each kind of raw item, a selector and the
/// jq expressions that build entities. Every expression is compiled when the file is loaded.
/// </summary>
public sealed class PortAppConfig
{
    internal PortAppConfig(string source, IReadOnlyList<ResourceConfig> resources)
    {
        Source = source;
        Resources = resources;
    }

    /// <summary>Gets the file (or name) the configuration was read from.</summary>
    public string Source { get; }

    /// <summary>Gets the resources, in file order.</summary>
    public IReadOnlyList<ResourceConfig> Resources { get; }

    /// <summary>Gets a value indicating whether deleting an entity also deletes the entities that require it.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DeleteDependentEntities { get; init; }

    /// <summary>Gets a value indicating whether a relation to a missing entity creates it as a placeholder.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CreateMissingRelatedEntities { get; init; } = true;

    /// <summary>Gets a value indicating whether entities are merged into existing ones rather than replacing them.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool EnableMergeEntity { get; init; } = true;

    /// <summary>Gets the largest share of an integration's entities, and of each kind's, a resync may delete as stale.</summary>
    /// <value>The default value is 0.9, Ocean's default.</value>
    public double EntityDeletionThreshold { get; init; } = 0.9;

    /// <summary>
    /// Gets the top-level keys the runtime does not know, by name, as JSON: the integration's own settings (GitHub's
    /// <c>repositoryType</c>, Azure DevOps' <c>useDefaultBranch</c>), handed to it rather than refused.
    /// </summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement> Settings { get; init; } = new Dictionary<string, System.Text.Json.JsonElement>();

    /// <summary>Gets what was accepted but ignored, as Ocean ignores it (a key the runtime does not know inside a resource's <c>port</c>, say), as <c>file:line:column: path: note</c>.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Reads a configuration from YAML (or JSON) text.</summary>
    /// <param name="text">The configuration.</param>
    /// <param name="source">The file name used in error messages.</param>
    /// <returns>The configuration, with every expression compiled.</returns>
    /// <exception cref="PortAppConfigException">The text is not valid; every error is listed with its line and column.</exception>
    public static PortAppConfig Parse(string text, string source = "port-app-config.yml")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        return PortAppConfigReader.Read(text, source);
    }

    /// <summary>Reads a configuration file.</summary>
    /// <param name="path">The file (<c>.yml</c>, <c>.yaml</c> or <c>.json</c>).</param>
    /// <returns>The configuration, with every expression compiled.</returns>
    /// <exception cref="PortAppConfigException">The file is not valid; every error is listed with its line and column.</exception>
    public static PortAppConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Parse(File.ReadAllText(path), path);
    }
}

/// <summary>One entry of <c>resources</c>: a kind, its selector, and how its items map to entities.</summary>
public sealed class ResourceConfig
{
    /// <summary>Gets the kind of raw item, such as <c>repository</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets <c>selector.query</c>: items for which it is not true are skipped.</summary>
    public required MappingExpression Selector { get; init; }

    /// <summary>
    /// Gets <c>port.itemsToParse</c>: an expression giving an array; the item is mapped once per element, with the
    /// element under <see cref="ItemsToParseName"/> beside the item's own fields, and the selector runs per element.
    /// </summary>
    public MappingExpression? ItemsToParse { get; init; }

    /// <summary>Gets <c>port.itemsToParseName</c>: the key each element of <see cref="ItemsToParse"/> is put under.</summary>
    /// <value>The default value is <c>item</c>, as in Ocean.</value>
    public string ItemsToParseName { get; init; } = "item";

    /// <summary>
    /// Gets <c>port.itemsToParseTopLevelTransform</c>: whether the array <see cref="ItemsToParse"/> points at is removed
    /// from the item each element is mapped with (Ocean's default), so a large array is not copied into every element.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ItemsToParseTopLevelTransform { get; init; } = true;

    /// <summary>Gets the <c>del(path)</c> filter that removes the parsed array, found from <see cref="ItemsToParse"/> as Ocean finds it; <see langword="null"/> when none is found.</summary>
    internal JqFilter? ItemsToParseDeletion { get; init; }

    /// <summary>Gets the keys of <c>selector</c> other than <c>query</c>, as JSON: the integration's own selector options (GitHub's <c>files</c>, say).</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement> SelectorSettings { get; init; } = new Dictionary<string, System.Text.Json.JsonElement>();

    /// <summary>Gets the keys of the resource the runtime does not know, as JSON: the integration's own settings for the kind.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement> Settings { get; init; } = new Dictionary<string, System.Text.Json.JsonElement>();

    /// <summary>Gets <c>port.entity.mappings</c>: one mapping, or several (each item then maps to several entities).</summary>
    public required IReadOnlyList<EntityMapping> Mappings { get; init; }

    /// <summary>Gets a value indicating whether stale entities of this kind are deleted on resync.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool EnableDelete { get; init; } = true;
}

/// <summary>The expressions that build one entity.</summary>
public sealed class EntityMapping
{
    /// <summary>Gets the identifier expression.</summary>
    public required MappingExpression Identifier { get; init; }

    /// <summary>Gets the blueprint expression (usually a string literal such as <c>'"service"'</c>).</summary>
    public required MappingExpression Blueprint { get; init; }

    /// <summary>Gets the title expression.</summary>
    public MappingExpression? Title { get; init; }

    /// <summary>Gets the icon expression.</summary>
    public MappingExpression? Icon { get; init; }

    /// <summary>Gets the team: an expression, or a search query.</summary>
    public RelationMapping? Team { get; init; }

    /// <summary>Gets the property expressions, by property name.</summary>
    public IReadOnlyDictionary<string, MappingExpression> Properties { get; init; } = new Dictionary<string, MappingExpression>();

    /// <summary>Gets the relations, by name: an expression, or a search query.</summary>
    public IReadOnlyDictionary<string, RelationMapping> Relations { get; init; } = new Dictionary<string, RelationMapping>();
}

/// <summary>A compiled jq expression of a configuration, with where it is written.</summary>
public sealed class MappingExpression
{
    /// <summary>Gets the jq expression as written.</summary>
    public required string Expression { get; init; }

    /// <summary>Gets the compiled filter.</summary>
    public required JqFilter Filter { get; init; }

    /// <summary>Gets where the expression is written: <c>file:line:column</c>.</summary>
    public required string Location { get; init; }

    /// <summary>Gets the configuration path of the expression, such as <c>resources[0].port.entity.mappings.identifier</c>.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// Gets the scheme of an integration pattern such as GitLab's <c>file://README.md</c> or <c>search://…</c>: not jq,
    /// but resolved by the integration (<see cref="JqSemanticMapper"/>'s pattern resolvers). Without a resolver the
    /// field is null, as in Ocean's core. <see langword="null"/> for a jq expression.
    /// </summary>
    public string? Scheme { get; init; }
}

/// <summary>A relation (or team) mapping: an expression giving identifiers, or a search query whose results are the targets.</summary>
public sealed class RelationMapping
{
    /// <summary>Gets the expression, when the relation is given as one.</summary>
    public MappingExpression? Value { get; init; }

    /// <summary>Gets the query, when the relation is given as <c>combinator</c>/<c>rules</c>.</summary>
    public QueryMapping? Query { get; init; }
}

/// <summary>A search query whose combinator and rule fields are jq expressions, as Port's mappings write them.</summary>
public sealed class QueryMapping
{
    /// <summary>Gets the combinator expression (such as <c>'"and"'</c>).</summary>
    public required MappingExpression Combinator { get; init; }

    /// <summary>Gets the rules: <see cref="RuleMapping"/> or nested <see cref="QueryMapping"/>.</summary>
    public required IReadOnlyList<object> Rules { get; init; }
}

/// <summary>A rule of a <see cref="QueryMapping"/>: property, operator and value, each a jq expression.</summary>
public sealed class RuleMapping
{
    /// <summary>Gets the property expression (such as <c>'"$identifier"'</c>).</summary>
    public required MappingExpression Property { get; init; }

    /// <summary>Gets the operator expression (such as <c>'"="'</c>).</summary>
    public required MappingExpression Operator { get; init; }

    /// <summary>Gets the value expression, absent for <c>isEmpty</c> and <c>isNotEmpty</c>.</summary>
    public MappingExpression? Value { get; init; }
}

/// <summary>A mapping configuration that cannot be loaded. <see cref="Errors"/> lists every problem of the file.</summary>
public sealed class PortAppConfigException : PortException
{
    /// <summary>Initializes a new instance of the <see cref="PortAppConfigException"/> class.</summary>
    public PortAppConfigException()
    {
        Errors = [];
    }

    /// <summary>Initializes a new instance of the <see cref="PortAppConfigException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public PortAppConfigException(string message)
        : base(message)
    {
        Errors = [message];
    }

    /// <summary>Initializes a new instance of the <see cref="PortAppConfigException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public PortAppConfigException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Initializes a new instance of the <see cref="PortAppConfigException"/> class with every error of a file.</summary>
    /// <param name="errors">Each error, as <c>file:line:column: path: problem</c>.</param>
    public PortAppConfigException(IReadOnlyList<string> errors)
        : base($"The mapping configuration is not valid ({errors?.Count} {(errors?.Count == 1 ? "error" : "errors")}):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", errors ?? [])}")
    {
        Errors = errors ?? [];
    }

    /// <summary>Gets every error, as <c>file:line:column: path: problem</c>.</summary>
    public IReadOnlyList<string> Errors { get; }
}
