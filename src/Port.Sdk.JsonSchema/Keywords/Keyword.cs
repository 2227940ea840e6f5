using System.Text.Json;
using Port.Sdk.JsonSchema.Internal;

namespace Port.Sdk.JsonSchema.Keywords;

/// <summary>One compiled keyword of a schema object.</summary>
internal abstract class Keyword(SchemaNode owner, string name)
{
    public SchemaNode Owner { get; } = owner;

    public string Name { get; } = name;

    /// <summary>Keywords that read sibling annotations run after the others.</summary>
    public virtual int Order => 0;

    public abstract bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? annotations);

    protected bool Fail(Evaluator evaluator, string message)
    {
        evaluator.Report(Owner, this, message);
        return false;
    }

    /// <summary>Evaluates a subschema at the same instance location, with the keyword (and an optional token) on the keyword path.</summary>
    protected bool EvaluateSubschema(SchemaNode schema, JsonElement instance, Evaluator evaluator, Annotations? annotations, string? token = null)
    {
        evaluator.PushKeyword(Name);
        if (token is not null)
        {
            evaluator.PushKeyword(token);
        }

        try
        {
            return schema.Evaluate(instance, evaluator, annotations);
        }
        finally
        {
            if (token is not null)
            {
                evaluator.PopKeyword();
            }

            evaluator.PopKeyword();
        }
    }

    protected bool EvaluateProperty(SchemaNode schema, string name, JsonElement value, Evaluator evaluator, string? token)
    {
        evaluator.PushProperty(name);
        try
        {
            return EvaluateSubschema(schema, value, evaluator, null, token);
        }
        finally
        {
            evaluator.PopInstance();
        }
    }

    /// <summary>Evaluates a property value; the property's name is only read (allocated) when errors are reported.</summary>
    protected bool EvaluateProperty(SchemaNode schema, JsonProperty property, Evaluator evaluator, string? token)
    {
        evaluator.PushProperty(property);
        try
        {
            return EvaluateSubschema(schema, property.Value, evaluator, null, token);
        }
        finally
        {
            evaluator.PopInstance();
        }
    }

    protected bool EvaluateItem(SchemaNode schema, int index, JsonElement value, Evaluator evaluator, string? token)
    {
        evaluator.PushIndex(index);
        try
        {
            return EvaluateSubschema(schema, value, evaluator, null, token);
        }
        finally
        {
            evaluator.PopInstance();
        }
    }
}
