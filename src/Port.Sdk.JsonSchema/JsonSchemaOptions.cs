namespace Port.Sdk.JsonSchema;

/// <summary>Options that control how a schema is compiled and how instances are validated.</summary>
public sealed class JsonSchemaOptions
{
    /// <summary>The options used when none are given. Do not mutate.</summary>
    internal static JsonSchemaOptions Default { get; } = new();

    /// <summary>
    /// Gets or sets a value indicating whether <c>format</c> is an assertion (an instance that does not match a known
    /// format is invalid) rather than an annotation.
    /// </summary>
    /// <value>The default value is <see langword="false"/>, as draft 2020-12 specifies.</value>
    public bool FormatAssertion { get; set; }

    /// <summary>Gets or sets the time one <c>pattern</c> or <c>patternProperties</c> regex may run before the match fails.</summary>
    /// <value>The default value is 250 milliseconds.</value>
    public TimeSpan RegexTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets the deepest nesting accepted: of subschemas when a schema is compiled, and of evaluation
    /// (instance depth plus reference hops) when an instance is validated.
    /// </summary>
    /// <value>The default value is 256.</value>
    public int MaxDepth { get; set; } = 256;

    /// <summary>
    /// Gets or sets the most keyword evaluations one validation may make (both passes of
    /// <see cref="JsonSchema.Validate(System.Text.Json.JsonElement)"/> together). A schema whose <c>allOf</c>,
    /// <c>anyOf</c>, <c>oneOf</c> or references fan out, over a large instance, stops there: the instance is invalid,
    /// with an error saying the budget was used up, and <see cref="ValidationResult.ExceededLimit"/> is
    /// <see cref="ValidationLimit.Evaluations"/>.
    /// </summary>
    /// <value>The default value is 1,000,000.</value>
    public long MaxEvaluations { get; set; } = 1_000_000;

    /// <summary>
    /// Gets or sets the total time the regexes of one validation (<c>pattern</c>, <c>patternProperties</c>) may run,
    /// on top of <see cref="RegexTimeout"/> per match. No match starts once it is spent, so a validation spends at most
    /// this plus one <see cref="RegexTimeout"/> in regexes; the instance is then invalid and
    /// <see cref="ValidationResult.ExceededLimit"/> is <see cref="ValidationLimit.RegexTime"/>.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan MaxRegexTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the registry that resolves references to other schema documents.</summary>
    /// <value>The default value is <see langword="null"/>: only the draft 2020-12 meta-schemas are known.</value>
    public JsonSchemaRegistry? Registry { get; set; }

    /// <summary>Gets or sets the base URI of a schema that declares no <c>$id</c>.</summary>
    /// <value>The default value is <see langword="null"/>: a unique <c>urn:uuid:</c> URI is generated.</value>
    public Uri? BaseUri { get; set; }

    /// <summary>
    /// Gets the custom format checks, by format name. A custom check replaces the built-in one of the same name.
    /// Checks run only when <see cref="FormatAssertion"/> is <see langword="true"/>.
    /// </summary>
    public IDictionary<string, Func<string, bool>> Formats { get; } = new Dictionary<string, Func<string, bool>>(StringComparer.Ordinal);
}
