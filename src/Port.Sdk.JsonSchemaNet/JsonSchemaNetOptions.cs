using System.Text.Json;
using Json.Schema;

namespace Port.Sdk.JsonSchemaNet;

/// <summary>Options of <see cref="JsonSchemaNetValidator"/>.</summary>
public sealed class JsonSchemaNetOptions
{
    /// <summary>Gets or sets the dialect of a schema that declares no <c>$schema</c>.</summary>
    /// <value>The default value is <see cref="Dialect.Draft202012"/>. Schemas that declare draft-07 or 2019-09 in <c>$schema</c> are read in that dialect.</value>
    public Dialect DefaultDialect { get; set; } = Dialect.Draft202012;

    /// <summary>
    /// Gets the custom keywords, added to every dialect (2020-12, 2019-09, draft-07) for the schemas this validator
    /// compiles only: JsonSchema.Net's global registries are not changed.
    /// </summary>
    public IList<IKeywordHandler> Keywords { get; } = [];

    /// <summary>
    /// Gets the custom formats, on top of JsonSchema.Net's and Port's (<c>url</c>, <c>user</c>, <c>timer</c>,
    /// <c>team</c>, <c>yaml</c>, <c>markdown</c>, <c>proto</c>, <c>entity</c>). A custom format replaces one of the same name.
    /// </summary>
    public IList<Format> Formats { get; } = [];

    /// <summary>
    /// Gets schema documents that a <c>$ref</c> may name by URI (shared definitions, say). Each compiled schema resolves
    /// them in its own registry, on first reference; nothing is fetched from the network.
    /// </summary>
    public IDictionary<Uri, JsonElement> Documents { get; } = new Dictionary<Uri, JsonElement>();

    /// <summary>Gets or sets a value indicating whether <c>format</c> is an assertion (a string that does not match its format is invalid).</summary>
    /// <value>The default value is <see langword="true"/>, as the catalog's own validator does.</value>
    public bool FormatAssertion { get; set; } = true;
}
