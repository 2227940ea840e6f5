using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Port.Sdk.JsonSchema.Internal;

namespace Port.Sdk.JsonSchema.Keywords;

internal sealed class AllOfKeyword(SchemaNode owner, SchemaNode[] schemas) : Keyword(owner, "allOf")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        var valid = true;
        for (var i = 0; i < schemas.Length; i++)
        {
            if (!EvaluateSubschema(schemas[i], instance, evaluator, annotations, Index(i)))
            {
                valid = false;
                if (!evaluator.MustContinue(annotations))
                {
                    return false;
                }
            }
        }

        return valid;
    }

    internal static string Index(int i) => i < Indexes.Length ? Indexes[i] : i.ToString(CultureInfo.InvariantCulture);

    private static readonly string[] Indexes = [.. Enumerable.Range(0, 64).Select(i => i.ToString(CultureInfo.InvariantCulture))];
}

internal sealed class AnyOfKeyword(SchemaNode owner, SchemaNode[] schemas) : Keyword(owner, "anyOf")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        var valid = false;
        evaluator.BeginSilent();
        try
        {
            for (var i = 0; i < schemas.Length; i++)
            {
                if (EvaluateSubschema(schemas[i], instance, evaluator, annotations, AllOfKeyword.Index(i)))
                {
                    valid = true;
                    if (annotations is null)
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            evaluator.EndSilent();
        }

        return valid || Fail(evaluator, ErrorMessages.AnyOf(schemas.Length));
    }
}

internal sealed class OneOfKeyword(SchemaNode owner, SchemaNode[] schemas) : Keyword(owner, "oneOf")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        var first = -1;
        var second = -1;
        var branch = annotations is null ? null : new Annotations();
        evaluator.BeginSilent();
        try
        {
            for (var i = 0; i < schemas.Length && second < 0; i++)
            {
                if (EvaluateSubschema(schemas[i], instance, evaluator, branch, AllOfKeyword.Index(i)))
                {
                    if (first < 0)
                    {
                        first = i;
                    }
                    else
                    {
                        second = i;
                    }
                }
            }
        }
        finally
        {
            evaluator.EndSilent();
        }

        if (first >= 0 && second < 0)
        {
            if (annotations is not null)
            {
                annotations.Merge(branch!);
            }

            return true;
        }

        return Fail(evaluator, first < 0 ? ErrorMessages.OneOfNone(schemas.Length) : ErrorMessages.OneOfMany(first, second));
    }
}

internal sealed class NotKeyword(SchemaNode owner, SchemaNode schema) : Keyword(owner, "not")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        bool matched;
        evaluator.BeginSilent();
        try
        {
            matched = EvaluateSubschema(schema, instance, evaluator, null);
        }
        finally
        {
            evaluator.EndSilent();
        }

        return !matched || Fail(evaluator, ErrorMessages.Not);
    }
}

internal sealed class IfKeyword(SchemaNode owner, SchemaNode condition, SchemaNode? then, SchemaNode? otherwise) : Keyword(owner, "if")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        bool matched;
        evaluator.BeginSilent();
        try
        {
            matched = EvaluateSubschema(condition, instance, evaluator, annotations);
        }
        finally
        {
            evaluator.EndSilent();
        }

        var branch = matched ? then : otherwise;
        if (branch is null)
        {
            return true;
        }

        // then/else sit beside if in the schema, so their keyword path does not include "if".
        evaluator.PushKeyword(matched ? "then" : "else");
        try
        {
            return branch.Evaluate(instance, evaluator, annotations);
        }
        finally
        {
            evaluator.PopKeyword();
        }
    }
}

internal sealed class DependentSchemasKeyword(SchemaNode owner, (string Name, SchemaNode Schema)[] dependencies) : Keyword(owner, "dependentSchemas")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var valid = true;
        foreach (var (name, schema) in dependencies)
        {
            if (instance.TryGetProperty(name, out _) && !EvaluateSubschema(schema, instance, evaluator, annotations, name))
            {
                valid = false;
                if (!evaluator.MustContinue(annotations))
                {
                    return false;
                }
            }
        }

        return valid;
    }
}

internal sealed class PropertiesKeyword : Keyword
{
    private readonly SchemaNode[] _schemas;

    public PropertiesKeyword(SchemaNode owner, (string Name, SchemaNode Schema)[] properties)
        : base(owner, "properties")
    {
        _schemas = [.. properties.Select(p => p.Schema)];
        Table = new Utf8NameTable([.. properties.Select(p => p.Name)]);
    }

    public Utf8NameTable Table { get; }

    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var valid = true;
        foreach (var property in instance.EnumerateObject())
        {
            var index = Table.Find(property);
            if (index < 0)
            {
                continue;
            }

            var name = Table.Names[index];
            annotations?.AddProperty(name);
            if (!EvaluateProperty(_schemas[index], name, property.Value, evaluator, name))
            {
                valid = false;
                if (!evaluator.MustContinue(annotations))
                {
                    return false;
                }
            }
        }

        return valid;
    }
}

internal sealed class PatternPropertiesKeyword(SchemaNode owner, (string Pattern, Regex Regex, SchemaNode Schema)[] patterns) : Keyword(owner, "patternProperties")
{
    public (string Pattern, Regex Regex, SchemaNode Schema)[] Patterns { get; } = patterns;

    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var valid = true;
        Span<char> buffer = stackalloc char[Utf8Text.StackBufferSize];
        foreach (var property in instance.EnumerateObject())
        {
            var name = Utf8Text.GetName(property, buffer);
            foreach (var (pattern, regex, schema) in Patterns)
            {
                if (!evaluator.IsMatch(Owner, this, regex, pattern, name, out var timedOut))
                {
                    if (timedOut)
                    {
                        valid = Fail(evaluator, ErrorMessages.PatternTimeout(pattern, regex.MatchTimeout));
                    }
                    else if (evaluator.StoppedBy != ValidationLimit.None)
                    {
                        return false;
                    }

                    if (!valid && !evaluator.MustContinue(annotations))
                    {
                        return false;
                    }

                    continue;
                }

                annotations?.AddProperty(property.Name);
                if (!EvaluateProperty(schema, property, evaluator, pattern))
                {
                    valid = false;
                    if (!evaluator.MustContinue(annotations))
                    {
                        return false;
                    }
                }
            }
        }

        return valid;
    }
}

internal sealed class AdditionalPropertiesKeyword(SchemaNode owner, SchemaNode schema, Utf8NameTable? declared, (string Pattern, Regex Regex, SchemaNode Schema)[]? patterns) : Keyword(owner, "additionalProperties")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var valid = true;
        Span<char> buffer = stackalloc char[Utf8Text.StackBufferSize];
        foreach (var property in instance.EnumerateObject())
        {
            if ((declared is not null && declared.Find(property) >= 0) || (patterns is not null && MatchesPattern(Utf8Text.GetName(property, buffer), evaluator)))
            {
                continue;
            }

            annotations?.AddProperty(property.Name);
            bool ok;
            if (schema.BooleanValue == false)
            {
                ok = Fail(evaluator, ErrorMessages.PropertyNotAllowed(property.Name, Name));
            }
            else
            {
                ok = EvaluateProperty(schema, property, evaluator, null);
            }

            if (!ok)
            {
                valid = false;
                if (!evaluator.MustContinue(annotations))
                {
                    return false;
                }
            }
        }

        return valid;
    }

    private bool MatchesPattern(ReadOnlySpan<char> name, Evaluator evaluator)
    {
        foreach (var (pattern, regex, _) in patterns!)
        {
            // A timed-out pattern was already reported by patternProperties.
            if (evaluator.IsMatch(Owner, this, regex, pattern, name, out _))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class PropertyNamesKeyword(SchemaNode owner, SchemaNode schema) : Keyword(owner, "propertyNames")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var valid = true;
        foreach (var property in instance.EnumerateObject())
        {
            bool ok;
            evaluator.BeginSilent();
            try
            {
                ok = EvaluateSubschema(schema, StringElement(property.Name), evaluator, null);
            }
            finally
            {
                evaluator.EndSilent();
            }

            if (!ok)
            {
                valid = Fail(evaluator, ErrorMessages.PropertyName(property.Name));
                if (!evaluator.Reporting)
                {
                    return false;
                }
            }
        }

        return valid;
    }

    private static JsonElement StringElement(string value)
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(value, JsonNodeContext.Default.String));
        return document.RootElement.Clone();
    }
}

internal sealed class PrefixItemsKeyword(SchemaNode owner, SchemaNode[] schemas) : Keyword(owner, "prefixItems")
{
    public int Count => schemas.Length;

    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        var valid = true;
        var index = 0;
        foreach (var item in instance.EnumerateArray())
        {
            if (index >= schemas.Length)
            {
                break;
            }

            if (!EvaluateItem(schemas[index], index, item, evaluator, AllOfKeyword.Index(index)))
            {
                valid = false;
                if (!evaluator.MustContinue(annotations))
                {
                    return false;
                }
            }

            index++;
        }

        annotations?.SetPrefixItems(index);
        return valid;
    }
}

internal sealed class ItemsKeyword(SchemaNode owner, SchemaNode schema, int prefixCount) : Keyword(owner, "items")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        var valid = true;
        var index = 0;
        foreach (var item in instance.EnumerateArray())
        {
            if (index >= prefixCount)
            {
                var ok = schema.BooleanValue == false
                    ? Fail(evaluator, ErrorMessages.ItemNotAllowed(index, Name))
                    : EvaluateItem(schema, index, item, evaluator, null);
                if (!ok)
                {
                    valid = false;
                    if (!evaluator.MustContinue(annotations))
                    {
                        return false;
                    }
                }
            }

            index++;
        }

        annotations?.SetAllItems();
        return valid;
    }
}

internal sealed class ContainsKeyword(SchemaNode owner, SchemaNode schema, long minContains, long? maxContains) : Keyword(owner, "contains")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        var found = 0;
        var index = 0;
        evaluator.BeginSilent();
        try
        {
            foreach (var item in instance.EnumerateArray())
            {
                if (EvaluateItem(schema, index, item, evaluator, null))
                {
                    found++;
                    annotations?.AddItem(index);
                }

                index++;
            }
        }
        finally
        {
            evaluator.EndSilent();
        }

        if (found < minContains)
        {
            return Fail(evaluator, ErrorMessages.MinContains(minContains, found));
        }

        if (maxContains is long max && found > max)
        {
            return Fail(evaluator, ErrorMessages.MaxContains(max, found));
        }

        return true;
    }
}

internal sealed class RefKeyword(SchemaNode owner, string name, string reference, string absoluteReference) : Keyword(owner, name)
{
    public string Reference { get; } = reference;

    public string AbsoluteReference { get; } = absoluteReference;

    public SchemaNode? Target { get; set; }

    /// <summary>For a <c>$dynamicRef</c> whose static target declares the same <c>$dynamicAnchor</c>: the anchor name.</summary>
    public string? DynamicAnchor { get; set; }

    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        var target = Target!;
        if (DynamicAnchor is not null)
        {
            target = evaluator.FindDynamicAnchor(DynamicAnchor) ?? target;
        }

        return EvaluateSubschema(target, instance, evaluator, annotations);
    }
}

internal sealed class UnevaluatedPropertiesKeyword(SchemaNode owner, SchemaNode schema) : Keyword(owner, "unevaluatedProperties")
{
    public override int Order => 1;

    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var valid = true;
        foreach (var property in instance.EnumerateObject())
        {
            if (annotations!.IsPropertyEvaluated(property.Name))
            {
                continue;
            }

            var ok = schema.BooleanValue == false
                ? Fail(evaluator, ErrorMessages.PropertyNotAllowed(property.Name, Name))
                : EvaluateProperty(schema, property, evaluator, null);
            if (!ok)
            {
                valid = false;
                if (!evaluator.Reporting)
                {
                    return false;
                }
            }
        }

        if (valid)
        {
            annotations!.SetAllProperties();
        }

        return valid;
    }
}

internal sealed class UnevaluatedItemsKeyword(SchemaNode owner, SchemaNode schema) : Keyword(owner, "unevaluatedItems")
{
    public override int Order => 1;

    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        var valid = true;
        var index = 0;
        foreach (var item in instance.EnumerateArray())
        {
            if (!annotations!.IsItemEvaluated(index))
            {
                var ok = schema.BooleanValue == false
                    ? Fail(evaluator, ErrorMessages.ItemNotAllowed(index, Name))
                    : EvaluateItem(schema, index, item, evaluator, null);
                if (!ok)
                {
                    valid = false;
                    if (!evaluator.Reporting)
                    {
                        return false;
                    }
                }
            }

            index++;
        }

        if (valid)
        {
            annotations!.SetAllItems();
        }

        return valid;
    }
}
