using System.Text.Json;
using System.Text.Json.Nodes;
using Port.Sdk.JsonSchema.Internal;
using Port.Sdk.JsonSchema.Keywords;

namespace Port.Sdk.JsonSchema;

/// <summary>
/// A compiled JSON Schema (draft 2020-12). Parse a schema once, then validate any number of instances from any
/// number of threads: a <see cref="JsonSchema"/> is immutable.
/// </summary>
/// <example>
/// <code>
/// var schema = JsonSchema.Parse("""{ "type": "object", "properties": { "name": { "maxLength": 5 } } }""");
/// ValidationResult result = schema.Validate(JsonDocument.Parse("""{ "name": "too long" }""").RootElement);
/// // result.Errors[0]: /name: must be at most 5 characters, was 8 (/properties/name/maxLength)
/// </code>
/// </example>
public sealed class JsonSchema
{
    private readonly SchemaNode _root;
    private readonly JsonSchemaOptions _options;

    private JsonSchema(SchemaNode root, JsonElement document, JsonSchemaOptions options)
    {
        _root = root;
        Document = document;
        _options = options;
    }

    /// <summary>Gets the schema document this validator was compiled from.</summary>
    public JsonElement Document { get; }

    /// <summary>Gets the base URI of the schema: its <c>$id</c>, <see cref="JsonSchemaOptions.BaseUri"/>, or a generated one.</summary>
    public Uri BaseUri => new(_root.Resource.Uri);

    /// <summary>Compiles a schema from JSON text.</summary>
    /// <param name="json">The schema as JSON text.</param>
    /// <param name="options">Compilation and validation options; <see langword="null"/> for the defaults.</param>
    /// <returns>The compiled schema.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonSchemaException">The text is not JSON, or the schema is malformed; the message says where.</exception>
    public static JsonSchema Parse(string json, JsonSchemaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        options ??= JsonSchemaOptions.Default;
        return FromElement(JsonText.ParseSchema(json, options.MaxDepth, null), options);
    }

    /// <summary>Compiles a schema from a <see cref="JsonNode"/>.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="options">Compilation and validation options; <see langword="null"/> for the defaults.</param>
    /// <returns>The compiled schema.</returns>
    /// <exception cref="JsonSchemaException">The schema is malformed; the message says where.</exception>
    public static JsonSchema FromNode(JsonNode? schema, JsonSchemaOptions? options = null)
        => FromElement(JsonText.ToElement(schema), options);

    /// <summary>Compiles a schema from a <see cref="JsonElement"/>.</summary>
    /// <param name="schema">The schema. It is cloned, so its document may be disposed afterwards.</param>
    /// <param name="options">Compilation and validation options; <see langword="null"/> for the defaults.</param>
    /// <returns>The compiled schema.</returns>
    /// <exception cref="JsonSchemaException">The schema is malformed; the message says where.</exception>
    public static JsonSchema FromElement(JsonElement schema, JsonSchemaOptions? options = null)
    {
        options ??= JsonSchemaOptions.Default;
        if (options.MaxDepth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDepth, "MaxDepth must be at least 1.");
        }

        if (options.MaxEvaluations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxEvaluations, "MaxEvaluations must be at least 1.");
        }

        if (options.MaxRegexTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxRegexTime, "MaxRegexTime must not be negative.");
        }

        var document = schema.Clone();
        var baseUri = options.BaseUri?.OriginalString ?? $"https://port-sdk.invalid/schemas/{Guid.NewGuid():N}";
        try
        {
            var root = new SchemaCompiler(options).CompileRoot(document, baseUri);
            return new JsonSchema(root, document, options);
        }
        catch (InsufficientExecutionStackException ex)
        {
            throw new JsonSchemaException("The schema is nested too deeply to compile.", ex);
        }
    }

    /// <summary>Validates an instance and reports every error.</summary>
    /// <param name="instance">The instance to validate.</param>
    /// <returns>
    /// The result: <see cref="ValidationResult.Valid"/> (no allocation) or the errors. A validation stopped by a limit
    /// of <see cref="JsonSchemaOptions"/> is invalid, with <see cref="ValidationResult.ExceededLimit"/> set.
    /// </returns>
    public ValidationResult Validate(JsonElement instance) => Validate(instance, CancellationToken.None);

    /// <summary>Validates an instance and reports every error, stopping when <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="instance">The instance to validate.</param>
    /// <param name="cancellationToken">Checked every 1,024 keyword evaluations.</param>
    /// <returns>
    /// The result: <see cref="ValidationResult.Valid"/> (no allocation) or the errors. A validation stopped by a limit
    /// of <see cref="JsonSchemaOptions"/> is invalid, with <see cref="ValidationResult.ExceededLimit"/> set.
    /// </returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValidationResult Validate(JsonElement instance, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // A first pass only answers yes or no, stopping at the first failure; errors are collected by a second
        // pass only when there are some, so valid instances (the common case) take the cheapest path. Both passes
        // share one budget, so a validation never costs more than the limits allow.
        var budget = ValidationBudget.For(_options);
        if (Run(instance, collectErrors: false, ref budget, cancellationToken, out _, out var limit, out var stoppedAt))
        {
            return ValidationResult.Valid;
        }

        if (limit is ValidationLimit.Evaluations or ValidationLimit.RegexTime)
        {
            // The budget is spent: a second pass could only stop sooner. The fast pass knows the keyword, not the instance path.
            var (node, keyword, message) = stoppedAt;
            var absolute = keyword is null ? node.AbsoluteLocation : node.AbsoluteLocation + "/" + keyword.Name;
            return ValidationResult.Invalid([new ValidationError(string.Empty, string.Empty, absolute, keyword?.Name ?? string.Empty, message)], limit);
        }

        Run(instance, collectErrors: true, ref budget, cancellationToken, out var errors, out limit, out _);
        return ValidationResult.Invalid(errors!, limit);
    }

    /// <summary>Validates an instance given as a <see cref="JsonNode"/> and reports every error.</summary>
    /// <param name="instance">The instance to validate; <see langword="null"/> is JSON <c>null</c>.</param>
    /// <returns>The result.</returns>
    public ValidationResult Validate(JsonNode? instance) => Validate(JsonText.ToElement(instance));

    /// <summary>Checks whether an instance is valid, without collecting errors.</summary>
    /// <param name="instance">The instance to check.</param>
    /// <returns><see langword="true"/> when the instance matches the schema; <see langword="false"/> also when a limit of <see cref="JsonSchemaOptions"/> stopped the check.</returns>
    public bool IsValid(JsonElement instance)
    {
        var budget = ValidationBudget.For(_options);
        return Run(instance, collectErrors: false, ref budget, CancellationToken.None, out _, out _, out _);
    }

    /// <summary>Checks whether an instance given as a <see cref="JsonNode"/> is valid.</summary>
    /// <param name="instance">The instance to check.</param>
    /// <returns><see langword="true"/> when the instance matches the schema.</returns>
    public bool IsValid(JsonNode? instance) => IsValid(JsonText.ToElement(instance));

    private bool Run(
        JsonElement instance,
        bool collectErrors,
        ref ValidationBudget budget,
        CancellationToken cancellationToken,
        out List<ValidationError>? errors,
        out ValidationLimit limit,
        out (SchemaNode Node, Keyword? Keyword, string Message) stoppedAt)
    {
        var evaluator = Evaluator.Rent(_options, collectErrors, budget, cancellationToken);
        try
        {
            var valid = _root.Evaluate(instance, evaluator, null);
            limit = evaluator.StoppedBy != ValidationLimit.None ? evaluator.StoppedBy
                : evaluator.DepthExceeded ? ValidationLimit.Depth
                : ValidationLimit.None;

            // A stopped evaluation fails every subschema, which 'not' would turn into a success: a stop is never valid.
            valid &= limit == ValidationLimit.None;
            stoppedAt = evaluator.StoppedAt;
            errors = evaluator.Errors;
            if (collectErrors && !valid && errors is null)
            {
                errors = [];
                errors.Add(new ValidationError(string.Empty, string.Empty, _root.AbsoluteLocation, string.Empty, "does not match the schema"));
            }

            return valid;
        }
        catch (InsufficientExecutionStackException)
        {
            errors = collectErrors ? [new ValidationError(string.Empty, string.Empty, _root.AbsoluteLocation, string.Empty, ErrorMessages.DepthExceeded(_options.MaxDepth))] : null;
            limit = ValidationLimit.Depth;
            stoppedAt = default;
            return false;
        }
        finally
        {
            budget = evaluator.Budget;
            Evaluator.Return(evaluator);
        }
    }
}
