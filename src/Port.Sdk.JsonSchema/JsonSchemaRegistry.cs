using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Port.Sdk.JsonSchema.Internal;

namespace Port.Sdk.JsonSchema;

/// <summary>
/// Schema documents known by URI, which <c>$ref</c> and <c>$dynamicRef</c> to other documents resolve against.
/// Nothing is ever fetched from the network: a reference to a document that is not registered is an error.
/// </summary>
/// <remarks>
/// The draft 2020-12 meta-schemas are always known. A registry is safe to read from many threads and to add to
/// while it is read; a schema compiled before a document was added does not see it.
/// </remarks>
public sealed class JsonSchemaRegistry
{
    private static readonly Lazy<IReadOnlyDictionary<string, JsonElement>> MetaSchemas = new(LoadMetaSchemas);
    private readonly ConcurrentDictionary<string, JsonElement> _documents = new(StringComparer.Ordinal);

    /// <summary>Registers a schema document under a URI.</summary>
    /// <param name="uri">The absolute URI the document is referenced by.</param>
    /// <param name="document">The schema document.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="uri"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="uri"/> is not absolute.</exception>
    public JsonSchemaRegistry Add(Uri uri, JsonElement document)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException($"The schema URI '{uri}' must be absolute.", nameof(uri));
        }

        _documents[UriUtilities.Normalize(uri.OriginalString)] = document.Clone();
        return this;
    }

    /// <summary>Registers a schema document, given as JSON text, under a URI.</summary>
    /// <param name="uri">The absolute URI the document is referenced by.</param>
    /// <param name="json">The schema document as JSON text.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="JsonSchemaException"><paramref name="json"/> is not valid JSON.</exception>
    public JsonSchemaRegistry Add(Uri uri, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Add(uri, JsonText.ParseSchema(json, JsonSchemaOptions.Default.MaxDepth, uri.ToString()));
    }

    /// <summary>Registers a schema document, given as a <see cref="JsonNode"/>, under a URI.</summary>
    /// <param name="uri">The absolute URI the document is referenced by.</param>
    /// <param name="document">The schema document.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="uri"/> is <see langword="null"/>.</exception>
    public JsonSchemaRegistry Add(Uri uri, JsonNode? document)
        => Add(uri, JsonText.ToElement(document));

    /// <summary>Looks up a registered document, including the built-in meta-schemas.</summary>
    /// <param name="uri">The absolute URI of the document, with or without an empty fragment.</param>
    /// <param name="document">The document, when found.</param>
    /// <returns><see langword="true"/> when the document is known.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="uri"/> is <see langword="null"/>.</exception>
    public bool TryGet(Uri uri, out JsonElement document)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return TryGet(UriUtilities.Normalize(uri.OriginalString), out document);
    }

    internal bool TryGet(string normalizedUri, out JsonElement document)
        => _documents.TryGetValue(normalizedUri, out document) || TryGetMetaSchema(normalizedUri, out document);

    internal static bool TryGetMetaSchema(string normalizedUri, out JsonElement document)
        => MetaSchemas.Value.TryGetValue(normalizedUri, out document);

    private static Dictionary<string, JsonElement> LoadMetaSchemas()
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var assembly = typeof(JsonSchemaRegistry).Assembly;
        foreach (var name in assembly.GetManifestResourceNames())
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var document = JsonDocument.Parse(stream);
            var root = document.RootElement.Clone();
            result[UriUtilities.Normalize(root.GetProperty("$id").GetString()!)] = root;
        }

        return result;
    }
}
