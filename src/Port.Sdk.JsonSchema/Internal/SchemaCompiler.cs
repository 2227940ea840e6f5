using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Port.Sdk.JsonSchema.Formats;
using Port.Sdk.JsonSchema.Keywords;

namespace Port.Sdk.JsonSchema.Internal;

/// <summary>Turns schema documents into <see cref="SchemaNode"/> trees and resolves every reference between them.</summary>
internal sealed class SchemaCompiler(JsonSchemaOptions options)
{
    private readonly Dictionary<string, SchemaResource> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SchemaNode> _nodes = new(StringComparer.Ordinal);
    private readonly Queue<RefKeyword> _pendingReferences = new();

    private readonly record struct Scope(SchemaResource Resource, string Pointer)
    {
        public Scope Child(string token) => new(Resource, Pointer + "/" + UriUtilities.EscapePointerToken(token));
    }

    public SchemaNode CompileRoot(JsonElement document, string baseUri)
    {
        var root = CompileDocument(document, baseUri);
        while (_pendingReferences.TryDequeue(out var reference))
        {
            Resolve(reference);
        }

        return root;
    }

    private SchemaNode CompileDocument(JsonElement document, string baseUri)
    {
        var resource = GetOrAddResource(UriUtilities.Normalize(baseUri));
        resource.RootElement = document;
        var node = Compile(document, [new Scope(resource, string.Empty)], 0);
        resource.Root ??= node;
        return node;
    }

    private SchemaResource GetOrAddResource(string uri)
    {
        if (!_resources.TryGetValue(uri, out var resource))
        {
            resource = new SchemaResource(uri);
            _resources[uri] = resource;
        }

        return resource;
    }

    private SchemaNode Compile(JsonElement element, Scope[] scopes, int depth)
    {
        var scope = scopes[^1];
        if (depth > options.MaxDepth)
        {
            throw Error(scope, $"The schema is nested more than {options.MaxDepth} levels deep (MaxDepth).");
        }

        if (element.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            var booleanNode = new SchemaNode(scope.Resource, scope.Pointer, element.ValueKind == JsonValueKind.True);
            Register(booleanNode, scopes);
            return booleanNode;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(scope, $"A schema must be an object or a boolean, was {ErrorMessages.TypeName(element)}.");
        }

        if (element.TryGetProperty("$id", out var id))
        {
            var text = RequireString(id, scope.Child("$id"), "$id");
            var resolved = UriUtilities.Normalize(UriUtilities.Split(UriUtilities.Resolve(scope.Resource.Uri, text)).Base);
            var resource = GetOrAddResource(resolved);
            resource.RootElement = element;
            scope = new Scope(resource, string.Empty);
            scopes = [.. scopes, scope];
        }

        var node = new SchemaNode(scope.Resource, scope.Pointer, null);
        if (scope.Pointer.Length == 0)
        {
            scope.Resource.Root ??= node;
        }

        Register(node, scopes);

        if (element.TryGetProperty("$anchor", out var anchor))
        {
            scope.Resource.Anchors[RequireString(anchor, scope.Child("$anchor"), "$anchor")] = node;
        }

        if (element.TryGetProperty("$dynamicAnchor", out var dynamicAnchor))
        {
            var name = RequireString(dynamicAnchor, scope.Child("$dynamicAnchor"), "$dynamicAnchor");
            scope.Resource.DynamicAnchors[name] = node;
            scope.Resource.Anchors.TryAdd(name, node);
        }

        var keywords = new List<Keyword>();
        Scope[] Child(string token) => [.. scopes.Select(s => s.Child(token))];
        Scope[] Child2(string token, string token2) => [.. scopes.Select(s => s.Child(token).Child(token2))];
        SchemaNode Sub(JsonElement value, string token) => Compile(value, Child(token), depth + 1);
        SchemaNode[] SubArray(JsonElement value, string token)
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            {
                throw Error(scope.Child(token), $"'{token}' must be a non-empty array of schemas, was {ErrorMessages.TypeName(value)}.");
            }

            return [.. value.EnumerateArray().Select((item, i) => Compile(item, [.. Child(token).Select(s => s.Child(i.ToString(CultureInfo.InvariantCulture)))], depth + 1))];
        }

        (string Name, SchemaNode Schema)[] SubMap(JsonElement value, string token)
        {
            RequireKind(value, JsonValueKind.Object, scope.Child(token), token, "an object");
            return [.. value.EnumerateObject().Select(p => (p.Name, Compile(p.Value, Child2(token, p.Name), depth + 1)))];
        }

        if (element.TryGetProperty("$defs", out var defs))
        {
            _ = SubMap(defs, "$defs");
        }

        if (element.TryGetProperty("definitions", out var definitions) && definitions.ValueKind == JsonValueKind.Object)
        {
            _ = SubMap(definitions, "definitions");
        }

        PropertiesKeyword? properties = null;
        PatternPropertiesKeyword? patternProperties = null;
        PrefixItemsKeyword? prefixItems = null;
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            var at = scope.Child(property.Name);
            switch (property.Name)
            {
                case "$ref":
                case "$dynamicRef":
                    {
                        var reference = RequireString(value, at, property.Name);
                        var keyword = new RefKeyword(node, property.Name, reference, UriUtilities.Resolve(scope.Resource.Uri, reference));
                        keywords.Add(keyword);
                        _pendingReferences.Enqueue(keyword);
                        break;
                    }

                case "type":
                    keywords.Add(CompileType(node, value, at));
                    break;
                case "enum":
                    RequireKind(value, JsonValueKind.Array, at, "enum", "an array");
                    keywords.Add(new EnumKeyword(node, value));
                    break;
                case "const":
                    keywords.Add(new ConstKeyword(node, value));
                    break;
                case "multipleOf":
                    RequireNumber(value, at, "multipleOf");
                    if (value.GetDouble() <= 0)
                    {
                        throw Error(at, $"'multipleOf' must be greater than 0, was {value.GetRawText()}.");
                    }

                    keywords.Add(new MultipleOfKeyword(node, value));
                    break;
                case "maximum":
                    keywords.Add(new NumberLimitKeyword(node, property.Name, Comparison.Maximum, RequireNumber(value, at, property.Name)));
                    break;
                case "exclusiveMaximum":
                    keywords.Add(new NumberLimitKeyword(node, property.Name, Comparison.ExclusiveMaximum, RequireNumber(value, at, property.Name)));
                    break;
                case "minimum":
                    keywords.Add(new NumberLimitKeyword(node, property.Name, Comparison.Minimum, RequireNumber(value, at, property.Name)));
                    break;
                case "exclusiveMinimum":
                    keywords.Add(new NumberLimitKeyword(node, property.Name, Comparison.ExclusiveMinimum, RequireNumber(value, at, property.Name)));
                    break;
                case "maxLength":
                    keywords.Add(new StringLengthKeyword(node, property.Name, RequireCount(value, at, property.Name), isMaximum: true));
                    break;
                case "minLength":
                    keywords.Add(new StringLengthKeyword(node, property.Name, RequireCount(value, at, property.Name), isMaximum: false));
                    break;
                case "pattern":
                    {
                        var pattern = RequireString(value, at, "pattern");
                        keywords.Add(new PatternKeyword(node, pattern, CreateRegex(pattern, at)));
                        break;
                    }

                case "format":
                    {
                        var format = RequireString(value, at, "format");
                        keywords.Add(new FormatKeyword(node, format, options.FormatAssertion ? FormatChecks.Find(format, options) : null));
                        break;
                    }

                case "maxItems":
                    keywords.Add(new ItemCountKeyword(node, property.Name, RequireCount(value, at, property.Name), isMaximum: true));
                    break;
                case "minItems":
                    keywords.Add(new ItemCountKeyword(node, property.Name, RequireCount(value, at, property.Name), isMaximum: false));
                    break;
                case "uniqueItems":
                    if (RequireBoolean(value, at, "uniqueItems"))
                    {
                        keywords.Add(new UniqueItemsKeyword(node));
                    }

                    break;
                case "maxProperties":
                    keywords.Add(new PropertyCountKeyword(node, property.Name, RequireCount(value, at, property.Name), isMaximum: true));
                    break;
                case "minProperties":
                    keywords.Add(new PropertyCountKeyword(node, property.Name, RequireCount(value, at, property.Name), isMaximum: false));
                    break;
                case "required":
                    keywords.Add(new RequiredKeyword(node, [.. RequireStringArray(value, at, "required").Distinct(StringComparer.Ordinal)]));
                    break;
                case "dependentRequired":
                    RequireKind(value, JsonValueKind.Object, at, "dependentRequired", "an object");
                    keywords.Add(new DependentRequiredKeyword(node, [.. value.EnumerateObject().Select(p => (p.Name, RequireStringArray(p.Value, at.Child(p.Name), "dependentRequired")))]));
                    break;
                case "allOf":
                    keywords.Add(new AllOfKeyword(node, SubArray(value, "allOf")));
                    break;
                case "anyOf":
                    keywords.Add(new AnyOfKeyword(node, SubArray(value, "anyOf")));
                    break;
                case "oneOf":
                    keywords.Add(new OneOfKeyword(node, SubArray(value, "oneOf")));
                    break;
                case "not":
                    keywords.Add(new NotKeyword(node, Sub(value, "not")));
                    break;
                case "if":
                    keywords.Add(new IfKeyword(
                        node,
                        Sub(value, "if"),
                        element.TryGetProperty("then", out var then) ? Sub(then, "then") : null,
                        element.TryGetProperty("else", out var otherwise) ? Sub(otherwise, "else") : null));
                    break;
                case "then" or "else" when !element.TryGetProperty("if", out _):
                    _ = Sub(value, property.Name);
                    break;
                case "dependentSchemas":
                    keywords.Add(new DependentSchemasKeyword(node, SubMap(value, "dependentSchemas")));
                    break;
                case "properties":
                    properties = new PropertiesKeyword(node, SubMap(value, "properties"));
                    keywords.Add(properties);
                    break;
                case "patternProperties":
                    RequireKind(value, JsonValueKind.Object, at, "patternProperties", "an object");
                    patternProperties = new PatternPropertiesKeyword(node, [.. value.EnumerateObject().Select(p => (p.Name, CreateRegex(p.Name, at.Child(p.Name)), Compile(p.Value, Child2("patternProperties", p.Name), depth + 1)))]);
                    keywords.Add(patternProperties);
                    break;
                case "propertyNames":
                    keywords.Add(new PropertyNamesKeyword(node, Sub(value, "propertyNames")));
                    break;
                case "prefixItems":
                    prefixItems = new PrefixItemsKeyword(node, SubArray(value, "prefixItems"));
                    keywords.Add(prefixItems);
                    break;
                case "contains":
                    {
                        var min = element.TryGetProperty("minContains", out var minContains) ? RequireCount(minContains, scope.Child("minContains"), "minContains") : 1;
                        long? max = element.TryGetProperty("maxContains", out var maxContains) ? RequireCount(maxContains, scope.Child("maxContains"), "maxContains") : null;
                        keywords.Add(new ContainsKeyword(node, Sub(value, "contains"), min, max));
                        break;
                    }

                case "unevaluatedProperties":
                    keywords.Add(new UnevaluatedPropertiesKeyword(node, Sub(value, "unevaluatedProperties")));
                    node.CollectsAnnotations = true;
                    break;
                case "unevaluatedItems":
                    keywords.Add(new UnevaluatedItemsKeyword(node, Sub(value, "unevaluatedItems")));
                    node.CollectsAnnotations = true;
                    break;
                case "contentSchema":
                    // An annotation in 2020-12; compiled so that references into it resolve.
                    _ = Sub(value, "contentSchema");
                    break;
            }
        }

        // Keywords that depend on siblings are created once those siblings exist.
        if (element.TryGetProperty("items", out var items))
        {
            keywords.Add(new ItemsKeyword(node, Sub(items, "items"), prefixItems?.Count ?? 0));
        }

        if (element.TryGetProperty("additionalProperties", out var additional))
        {
            keywords.Add(new AdditionalPropertiesKeyword(node, Sub(additional, "additionalProperties"), properties?.Table, patternProperties?.Patterns));
        }

        node.Keywords = [.. keywords.OrderBy(k => k.Order)];
        return node;
    }

    private void Register(SchemaNode node, Scope[] scopes)
    {
        foreach (var scope in scopes)
        {
            _nodes.TryAdd(scope.Resource.Uri + "#" + scope.Pointer, node);
        }
    }

    private void Resolve(RefKeyword reference)
    {
        var (baseUri, fragment) = UriUtilities.Split(reference.AbsoluteReference);
        baseUri = UriUtilities.Normalize(baseUri);
        var at = new Scope(reference.Owner.Resource, reference.Owner.ResourcePointer).Child(reference.Name);
        if (!_resources.TryGetValue(baseUri, out var resource) || resource.Root is null)
        {
            var registry = options.Registry;
            if ((registry is not null && registry.TryGet(baseUri, out var document)) || JsonSchemaRegistry.TryGetMetaSchema(baseUri, out document))
            {
                CompileDocument(document, baseUri);
                resource = _resources[baseUri];
            }
            else
            {
                throw Error(at, $"Cannot resolve the reference '{reference.Reference}': no schema is registered at '{baseUri}' (the validator never fetches schemas over the network; add the document to a JsonSchemaRegistry).");
            }
        }

        fragment = fragment is null ? null : Uri.UnescapeDataString(fragment);
        SchemaNode? target;
        if (string.IsNullOrEmpty(fragment))
        {
            target = resource.Root;
        }
        else if (fragment[0] == '/')
        {
            target = _nodes.GetValueOrDefault(resource.Uri + "#" + fragment) ?? CompilePointer(resource, fragment, at, reference);
        }
        else
        {
            target = resource.Anchors.GetValueOrDefault(fragment)
                ?? throw Error(at, $"Cannot resolve the reference '{reference.Reference}': '{baseUri}' has no anchor '{fragment}'.");
            if (reference.Name == "$dynamicRef" && resource.DynamicAnchors.ContainsKey(fragment))
            {
                reference.DynamicAnchor = fragment;
            }
        }

        reference.Target = target;
    }

    private SchemaNode CompilePointer(SchemaResource resource, string pointer, Scope at, RefKeyword reference)
    {
        var current = resource.RootElement;
        foreach (var token in pointer[1..].Split('/').Select(UriUtilities.UnescapePointerToken))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                throw Error(at, $"Cannot resolve the reference '{reference.Reference}': '{resource.Uri}' has nothing at '{pointer}'.");
            }
        }

        return Compile(current, [new Scope(resource, pointer)], 0);
    }

    private Regex CreateRegex(string pattern, Scope at)
    {
        try
        {
            return EcmaRegex.Create(pattern, options.RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw Error(at, $"'{pattern}' is not a valid regular expression: {ex.Message}");
        }
    }

    private static TypeKeyword CompileType(SchemaNode node, JsonElement value, Scope at)
    {
        var types = InstanceTypes.None;
        var names = new List<string>();
        if (value.ValueKind == JsonValueKind.String)
        {
            names.Add(value.GetString()!);
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                names.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Error(at, $"'type' must hold type names, but holds {item.GetRawText()}."));
            }
        }
        else
        {
            throw Error(at, $"'type' must be a string or an array of strings, was {ErrorMessages.TypeName(value)}.");
        }

        foreach (var name in names)
        {
            var type = TypeKeyword.Parse(name);
            if (type == InstanceTypes.None)
            {
                throw Error(at, $"'{name}' is not a JSON Schema type; expected one of array, boolean, integer, null, number, object, string.");
            }

            types |= type;
        }

        var expected = names.Count == 1 ? names[0] : "one of " + string.Join(", ", names);
        return new TypeKeyword(node, types, expected);
    }

    private static string RequireString(JsonElement value, Scope at, string keyword)
        => value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error(at, $"'{keyword}' must be a string, was {ErrorMessages.TypeName(value)}.");

    private static bool RequireBoolean(JsonElement value, Scope at, string keyword)
        => value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(at, $"'{keyword}' must be a boolean, was {ErrorMessages.TypeName(value)}."),
        };

    private static JsonElement RequireNumber(JsonElement value, Scope at, string keyword)
        => value.ValueKind == JsonValueKind.Number ? value : throw Error(at, $"'{keyword}' must be a number, was {ErrorMessages.TypeName(value)}.");

    private static long RequireCount(JsonElement value, Scope at, string keyword)
    {
        if (value.ValueKind == JsonValueKind.Number && NumberValue.IsInteger(value))
        {
            var number = value.GetDouble();
            if (number >= 0)
            {
                return number >= long.MaxValue ? long.MaxValue : (long)number;
            }
        }

        throw Error(at, $"'{keyword}' must be a non-negative integer, was {ErrorMessages.Preview(value)}.");
    }

    private static string[] RequireStringArray(JsonElement value, Scope at, string keyword)
    {
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
        {
            throw Error(at, $"'{keyword}' must be an array of strings, was {ErrorMessages.Preview(value)}.");
        }

        return [.. value.EnumerateArray().Select(i => i.GetString()!)];
    }

    private static void RequireKind(JsonElement value, JsonValueKind kind, Scope at, string keyword, string expected)
    {
        if (value.ValueKind != kind)
        {
            throw Error(at, $"'{keyword}' must be {expected}, was {ErrorMessages.TypeName(value)}.");
        }
    }

    private static JsonSchemaException Error(Scope at, string message)
    {
        var pointer = at.Pointer.Length == 0 ? "(root)" : at.Pointer;
        _ = Uri.TryCreate(at.Resource.Uri, UriKind.Absolute, out var baseUri);
        return new JsonSchemaException($"Invalid schema at '{pointer}' in '{at.Resource.Uri}': {message}", at.Pointer, baseUri);
    }
}
