using System.Text.Json;
using Json.Schema;
using NetSchema = Json.Schema.JsonSchema;

namespace Port.Sdk.JsonSchemaNet;

/// <summary>
/// An <see cref="ISchemaValidator"/> that validates with JsonSchema.Net. Every schema it compiles gets a fresh
/// <see cref="SchemaRegistry"/>, so an <c>$id</c> in one blueprint's schema never resolves a <c>$ref</c> in another's.
/// Thread-safe.
/// </summary>
public sealed class JsonSchemaNetValidator : ISchemaValidator
{
    private readonly Dialect _defaultDialect;
    private readonly Dialect[] _dialects;
    private readonly EvaluationOptions _evaluation;
    private readonly Dictionary<Uri, JsonElement> _documents;

    /// <summary>Initializes a new instance of the <see cref="JsonSchemaNetValidator"/> class.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults. Read once, here.</param>
    public JsonSchemaNetValidator(JsonSchemaNetOptions? options = null)
    {
        options ??= new JsonSchemaNetOptions();
        var keywords = options.Keywords.ToArray();
        _documents = options.Documents.ToDictionary(d => d.Key, d => d.Value.Clone());
        Dialect WithKeywords(Dialect dialect) => keywords.Length == 0 ? dialect : dialect.With(keywords, dialect.Id);
        _dialects = [WithKeywords(Dialect.Draft202012), WithKeywords(Dialect.Draft201909), WithKeywords(Dialect.Draft07)];
        _defaultDialect = _dialects.FirstOrDefault(d => d.Id == options.DefaultDialect.Id) ?? WithKeywords(options.DefaultDialect);

        var formats = new FormatRegistry();
        foreach (var format in PortFormats.All)
        {
            formats.Register(format);
        }

        foreach (var format in options.Formats)
        {
            formats.Register(format);
        }

        _evaluation = new EvaluationOptions
        {
            OutputFormat = OutputFormat.List,
            RequireFormatValidation = options.FormatAssertion,
            FormatRegistry = formats,
        };
    }

    /// <inheritdoc />
    public ICompiledSchema Compile(JsonElement schema)
    {
        var dialects = new DialectRegistry();
        foreach (var dialect in _dialects)
        {
            dialects.Register(dialect);
        }

        var registry = new SchemaRegistry();
        var build = new BuildOptions
        {
            SchemaRegistry = registry,
            DialectRegistry = dialects,
            Dialect = _defaultDialect,
        };
        if (_documents.Count > 0)
        {
            registry.Fetch = (uri, _) => _documents.TryGetValue(uri, out var document) ? NetSchema.Build(document, build, uri) : null;
        }

        try
        {
            return new JsonSchemaNetCompiledSchema(NetSchema.Build(schema, build), _evaluation);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // JsonSchema.Net reports a malformed schema with several exception types (its own, JsonException, RegexParseException, ...).
            throw new SchemaCompilationException($"JsonSchema.Net cannot compile the schema: {ex.Message}", null, ex);
        }
    }
}
