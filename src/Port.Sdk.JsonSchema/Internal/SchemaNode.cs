using System.Text.Json;
using Port.Sdk.JsonSchema.Keywords;

namespace Port.Sdk.JsonSchema.Internal;

/// <summary>A schema resource: a subschema with its own base URI and the anchors declared in it.</summary>
internal sealed class SchemaResource(string uri)
{
    public string Uri { get; } = uri;

    public Dictionary<string, SchemaNode> Anchors { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, SchemaNode> DynamicAnchors { get; } = new(StringComparer.Ordinal);

    public SchemaNode? Root { get; set; }

    public JsonElement RootElement { get; set; }
}

/// <summary>One compiled (sub)schema: a boolean schema or an ordered list of keywords.</summary>
internal sealed class SchemaNode
{
    public SchemaNode(SchemaResource resource, string resourcePointer, bool? booleanValue)
    {
        Resource = resource;
        ResourcePointer = resourcePointer;
        BooleanValue = booleanValue;
    }

    public SchemaResource Resource { get; }

    /// <summary>The JSON Pointer of this node from the root of <see cref="Resource"/>.</summary>
    public string ResourcePointer { get; }

    public bool? BooleanValue { get; }

    public Keyword[] Keywords { get; set; } = [];

    /// <summary>True when a keyword of this node reads the annotations of its siblings (unevaluated*).</summary>
    public bool CollectsAnnotations { get; set; }

    public string AbsoluteLocation => Resource.Uri + "#" + ResourcePointer;

    public bool Evaluate(JsonElement instance, Evaluator evaluator, Annotations? parentAnnotations)
    {
        if (BooleanValue is bool value)
        {
            if (!value)
            {
                evaluator.Report(this, null, ErrorMessages.FalseSchema);
            }

            return value;
        }

        if (!evaluator.Enter(this, out var pushedScope))
        {
            return false;
        }

        try
        {
            var annotations = CollectsAnnotations || parentAnnotations is not null ? new Annotations() : null;
            var valid = true;
            foreach (var keyword in Keywords)
            {
                if (!evaluator.Spend(this, keyword))
                {
                    return false;
                }

                if (!keyword.Evaluate(instance, evaluator, annotations))
                {
                    valid = false;
                    if (!evaluator.MustContinue(annotations))
                    {
                        return false;
                    }
                }
            }

            if (valid && parentAnnotations is not null)
            {
                parentAnnotations.Merge(annotations!);
            }

            return valid;
        }
        finally
        {
            evaluator.Leave(pushedScope);
        }
    }
}

/// <summary>What the keywords of one schema evaluated at one instance location: the input of unevaluated*.</summary>
internal sealed class Annotations
{
    private HashSet<string>? _properties;
    private HashSet<int>? _items;

    public int PrefixItems { get; private set; }

    public bool AllItems { get; private set; }

    public bool AllProperties { get; private set; }

    public void AddProperty(string name) => (_properties ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);

    public void SetAllProperties() => AllProperties = true;

    public bool IsPropertyEvaluated(string name) => AllProperties || (_properties?.Contains(name) ?? false);

    public void SetPrefixItems(int count) => PrefixItems = Math.Max(PrefixItems, count);

    public void SetAllItems() => AllItems = true;

    public void AddItem(int index) => (_items ??= []).Add(index);

    public bool IsItemEvaluated(int index) => AllItems || index < PrefixItems || (_items?.Contains(index) ?? false);

    public void Merge(Annotations other)
    {
        if (other._properties is not null)
        {
            (_properties ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(other._properties);
        }

        if (other._items is not null)
        {
            (_items ??= []).UnionWith(other._items);
        }

        PrefixItems = Math.Max(PrefixItems, other.PrefixItems);
        AllItems |= other.AllItems;
        AllProperties |= other.AllProperties;
    }
}
