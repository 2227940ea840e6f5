using System.Text.Json;

namespace Port.Sdk.Integrations;

/// <summary>
/// Resolves an integration pattern of a mapping (GitLab's <c>file://README.md</c>, say: see
/// <see cref="MappingExpression.Scheme"/>) for one item. Called on mapping threads: it must be thread-safe.
/// </summary>
/// <param name="item">The item (or <c>itemsToParse</c> element) being mapped.</param>
/// <param name="pattern">The pattern as written, such as <c>file://README.md</c>.</param>
/// <returns>The field's value; <see langword="null"/> for none (the field is then null). An exception is a failure of the field.</returns>
public delegate JsonElement? MappingPatternResolver(JsonElement item, string pattern);
