using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Port.Sdk.JsonSchema.Internal;

namespace Port.Sdk.JsonSchema.Keywords;

[Flags]
internal enum InstanceTypes
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    Number = 16,
    Integer = 32,
    String = 64,
}

internal sealed class TypeKeyword(SchemaNode owner, InstanceTypes types, string expected) : Keyword(owner, "type")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        var ok = instance.ValueKind switch
        {
            JsonValueKind.Null => (types & InstanceTypes.Null) != 0,
            JsonValueKind.True or JsonValueKind.False => (types & InstanceTypes.Boolean) != 0,
            JsonValueKind.Object => (types & InstanceTypes.Object) != 0,
            JsonValueKind.Array => (types & InstanceTypes.Array) != 0,
            JsonValueKind.String => (types & InstanceTypes.String) != 0,
            JsonValueKind.Number => (types & InstanceTypes.Number) != 0
                || ((types & InstanceTypes.Integer) != 0 && NumberValue.IsInteger(instance)),
            _ => false,
        };
        return ok || Fail(evaluator, ErrorMessages.Type(expected, ErrorMessages.TypeName(instance)));
    }

    public static InstanceTypes Parse(string name) => name switch
    {
        "null" => InstanceTypes.Null,
        "boolean" => InstanceTypes.Boolean,
        "object" => InstanceTypes.Object,
        "array" => InstanceTypes.Array,
        "number" => InstanceTypes.Number,
        "integer" => InstanceTypes.Integer,
        "string" => InstanceTypes.String,
        _ => InstanceTypes.None,
    };
}

internal sealed class ConstKeyword(SchemaNode owner, JsonElement value) : Keyword(owner, "const")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
        => JsonEquality.AreEqual(instance, value) || Fail(evaluator, ErrorMessages.Const(value));
}

internal sealed class EnumKeyword : Keyword
{
    private readonly JsonElement _values;
    private readonly JsonElement[] _items;
    private readonly byte[]?[] _utf8Strings;
    private string? _message;

    public EnumKeyword(SchemaNode owner, JsonElement values)
        : base(owner, "enum")
    {
        _values = values;
        _items = [.. values.EnumerateArray()];
        _utf8Strings = [.. _items.Select(i => i.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(i.GetString()!) : null)];
    }

    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        var isString = instance.ValueKind == JsonValueKind.String;
        for (var i = 0; i < _items.Length; i++)
        {
            if (isString ? _utf8Strings[i] is { } utf8 && instance.ValueEquals(utf8) : JsonEquality.AreEqual(instance, _items[i]))
            {
                return true;
            }
        }

        return Fail(evaluator, _message ??= ErrorMessages.Enum(_values));
    }
}

internal enum Comparison
{
    Maximum,
    ExclusiveMaximum,
    Minimum,
    ExclusiveMinimum,
}

internal sealed class NumberLimitKeyword(SchemaNode owner, string name, Comparison comparison, JsonElement limit) : Keyword(owner, name)
{
    private readonly NumberValue _limit = new(limit);

    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Number)
        {
            return true;
        }

        var value = new NumberValue(instance);
        var c = value.CompareTo(_limit);
        var ok = comparison switch
        {
            Comparison.Maximum => c <= 0,
            Comparison.ExclusiveMaximum => c < 0,
            Comparison.Minimum => c >= 0,
            _ => c > 0,
        };
        if (ok)
        {
            return true;
        }

        var limitText = _limit.ToString();
        var actual = value.ToString();
        return Fail(evaluator, comparison switch
        {
            Comparison.Maximum => ErrorMessages.Maximum(limitText, actual),
            Comparison.ExclusiveMaximum => ErrorMessages.ExclusiveMaximum(limitText, actual),
            Comparison.Minimum => ErrorMessages.Minimum(limitText, actual),
            _ => ErrorMessages.ExclusiveMinimum(limitText, actual),
        });
    }
}

internal sealed class MultipleOfKeyword(SchemaNode owner, JsonElement divisor) : Keyword(owner, "multipleOf")
{
    private readonly NumberValue _divisor = new(divisor);

    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Number)
        {
            return true;
        }

        var value = new NumberValue(instance);
        return value.IsMultipleOf(_divisor) || Fail(evaluator, ErrorMessages.MultipleOf(_divisor.ToString(), value.ToString()));
    }
}

internal sealed class StringLengthKeyword(SchemaNode owner, string name, long limit, bool isMaximum) : Keyword(owner, name)
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.String)
        {
            return true;
        }

        var length = Utf8Text.CodePointCount(instance);
        if (isMaximum ? length <= limit : length >= limit)
        {
            return true;
        }

        return Fail(evaluator, isMaximum ? ErrorMessages.MaxLength(limit, length) : ErrorMessages.MinLength(limit, length));
    }
}

internal sealed class PatternKeyword(SchemaNode owner, string pattern, Regex regex) : Keyword(owner, "pattern")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.String)
        {
            return true;
        }

        Span<char> buffer = stackalloc char[Utf8Text.StackBufferSize];
        if (evaluator.IsMatch(Owner, this, regex, pattern, Utf8Text.GetChars(instance, buffer), out var timedOut))
        {
            return true;
        }

        if (timedOut)
        {
            return Fail(evaluator, ErrorMessages.PatternTimeout(pattern, regex.MatchTimeout));
        }

        // A spent regex budget was reported where it stopped the validation.
        return evaluator.StoppedBy == ValidationLimit.None && Fail(evaluator, ErrorMessages.Pattern(pattern));
    }
}

internal sealed class FormatKeyword(SchemaNode owner, string format, Func<string, bool>? check) : Keyword(owner, "format")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (check is null || instance.ValueKind != JsonValueKind.String)
        {
            return true;
        }

        return check(instance.GetString()!) || Fail(evaluator, ErrorMessages.Format(format));
    }
}

internal sealed class ItemCountKeyword(SchemaNode owner, string name, long limit, bool isMaximum) : Keyword(owner, name)
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        var count = instance.GetArrayLength();
        if (isMaximum ? count <= limit : count >= limit)
        {
            return true;
        }

        return Fail(evaluator, isMaximum ? ErrorMessages.MaxItems(limit, count) : ErrorMessages.MinItems(limit, count));
    }
}

internal sealed class UniqueItemsKeyword(SchemaNode owner) : Keyword(owner, "uniqueItems")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        return JsonHash.FirstDuplicate(instance) is not { } pair || Fail(evaluator, ErrorMessages.UniqueItems(pair.First, pair.Second));
    }
}

internal sealed class PropertyCountKeyword(SchemaNode owner, string name, long limit, bool isMaximum) : Keyword(owner, name)
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var count = instance.GetPropertyCount();
        if (isMaximum ? count <= limit : count >= limit)
        {
            return true;
        }

        return Fail(evaluator, isMaximum ? ErrorMessages.MaxProperties(limit, count) : ErrorMessages.MinProperties(limit, count));
    }
}

internal sealed class RequiredKeyword(SchemaNode owner, string[] names) : Keyword(owner, "required")
{
    private readonly Utf8NameTable _table = new(names);

    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Object || names.Length == 0)
        {
            return true;
        }

        // One pass over the instance marks which required names are present.
        Span<bool> found = names.Length <= 256 ? stackalloc bool[names.Length] : new bool[names.Length];
        var missing = names.Length;
        foreach (var property in instance.EnumerateObject())
        {
            var index = _table.Find(property);
            if (index >= 0 && !found[index])
            {
                found[index] = true;
                if (--missing == 0)
                {
                    return true;
                }
            }
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (!found[i])
            {
                Fail(evaluator, ErrorMessages.Required(names[i]));
                if (!evaluator.Reporting)
                {
                    break;
                }
            }
        }

        return false;
    }
}

internal sealed class DependentRequiredKeyword(SchemaNode owner, (string Name, string[] Required)[] dependencies) : Keyword(owner, "dependentRequired")
{
    public override bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var valid = true;
        foreach (var (name, required) in dependencies)
        {
            if (!instance.TryGetProperty(name, out _))
            {
                continue;
            }

            foreach (var dependency in required)
            {
                if (!instance.TryGetProperty(dependency, out _))
                {
                    valid = Fail(evaluator, ErrorMessages.DependentRequired(dependency, name));
                    if (!evaluator.Reporting)
                    {
                        return false;
                    }
                }
            }
        }

        return valid;
    }
}
