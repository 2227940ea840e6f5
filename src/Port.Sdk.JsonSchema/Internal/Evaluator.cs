using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Port.Sdk.JsonSchema.Keywords;

namespace Port.Sdk.JsonSchema.Internal;

/// <summary>
/// The mutable state of one validation: depth, dynamic scope and, on the error-reporting pass, the paths and errors.
/// Instances are cached per thread, so validating a valid instance allocates nothing.
/// </summary>
internal sealed class Evaluator
{
    [ThreadStatic]
    private static Evaluator? t_cached;

    private readonly List<object> _instancePath = [];
    private readonly List<string> _keywordPath = [];
    private SchemaResource[] _scope = new SchemaResource[16];
    private int _scopeDepth;
    private int _depth;
    private int _silence;

    public JsonSchemaOptions Options { get; private set; } = JsonSchemaOptions.Default;

    public List<ValidationError>? Errors { get; private set; }

    /// <summary>True when errors are being reported (not the fast pass, not inside a silent branch).</summary>
    public bool Reporting => Errors is not null && _silence == 0;

    public bool DepthExceeded { get; private set; }

    public static Evaluator Rent(JsonSchemaOptions options, bool collectErrors)
    {
        var evaluator = t_cached ?? new Evaluator();
        t_cached = null;
        evaluator.Options = options;
        evaluator.Errors = collectErrors ? [] : null;
        return evaluator;
    }

    public static void Return(Evaluator evaluator)
    {
        evaluator.Errors = null;
        evaluator._instancePath.Clear();
        evaluator._keywordPath.Clear();
        Array.Clear(evaluator._scope, 0, evaluator._scopeDepth);
        evaluator._scopeDepth = 0;
        evaluator._depth = 0;
        evaluator._silence = 0;
        evaluator._pushedScope.Clear();
        evaluator.DepthExceeded = false;
        t_cached = evaluator;
    }

    /// <summary>Whether evaluation of a schema must go on after a failed keyword: to report every error, or to collect annotations.</summary>
    public bool MustContinue(Annotations? annotations) => Reporting || annotations is not null;

    public bool Enter(SchemaNode node)
    {
        if (++_depth > Options.MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            _depth--;
            if (!DepthExceeded)
            {
                DepthExceeded = true;
                var wasSilent = _silence;
                _silence = 0;
                Report(node, null, ErrorMessages.DepthExceeded(Options.MaxDepth));
                _silence = wasSilent;
            }

            return false;
        }

        if (_scopeDepth == 0 || !ReferenceEquals(_scope[_scopeDepth - 1], node.Resource))
        {
            if (_scopeDepth == _scope.Length)
            {
                Array.Resize(ref _scope, _scope.Length * 2);
            }

            _scope[_scopeDepth++] = node.Resource;
            _pushedScope.Push(true);
        }
        else
        {
            _pushedScope.Push(false);
        }

        return true;
    }

    private readonly Stack<bool> _pushedScope = new();

    public void Leave(SchemaNode node)
    {
        _ = node;
        _depth--;
        if (_pushedScope.Pop())
        {
            _scope[--_scopeDepth] = null!;
        }
    }

    /// <summary>Finds the outermost resource in the dynamic scope that declares <c>$dynamicAnchor</c> <paramref name="name"/>.</summary>
    public SchemaNode? FindDynamicAnchor(string name)
    {
        for (var i = 0; i < _scopeDepth; i++)
        {
            if (_scope[i].DynamicAnchors.TryGetValue(name, out var node))
            {
                return node;
            }
        }

        return null;
    }

    public void BeginSilent() => _silence++;

    public void EndSilent() => _silence--;

    public void PushKeyword(string segment)
    {
        if (Errors is not null)
        {
            _keywordPath.Add(segment);
        }
    }

    public void PopKeyword()
    {
        if (Errors is not null)
        {
            _keywordPath.RemoveAt(_keywordPath.Count - 1);
        }
    }

    public void PushProperty(JsonProperty property)
    {
        if (Errors is not null)
        {
            _instancePath.Add(property.Name);
        }
    }

    public void PushProperty(string name)
    {
        if (Errors is not null)
        {
            _instancePath.Add(name);
        }
    }

    public void PushIndex(int index)
    {
        if (Errors is not null)
        {
            _instancePath.Add(index);
        }
    }

    public void PopInstance()
    {
        if (Errors is not null)
        {
            _instancePath.RemoveAt(_instancePath.Count - 1);
        }
    }

    public void Report(SchemaNode node, Keyword? keyword, string message)
    {
        if (!Reporting)
        {
            return;
        }

        var instance = new StringBuilder();
        foreach (var segment in _instancePath)
        {
            instance.Append('/').Append(segment is string s ? UriUtilities.EscapePointerToken(s) : ((int)segment).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var keywordLocation = new StringBuilder();
        foreach (var segment in _keywordPath)
        {
            keywordLocation.Append('/').Append(UriUtilities.EscapePointerToken(segment));
        }

        var absolute = node.AbsoluteLocation;
        if (keyword is not null)
        {
            keywordLocation.Append('/').Append(UriUtilities.EscapePointerToken(keyword.Name));
            absolute += "/" + UriUtilities.EscapePointerToken(keyword.Name);
        }

        Errors!.Add(new ValidationError(instance.ToString(), keywordLocation.ToString(), absolute, keyword?.Name ?? "false", message));
    }
}
