using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
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

    private PathSegment[] _instancePath = new PathSegment[16];
    private int _instanceDepth;
    private bool _collect;
    private readonly List<string> _keywordPath = [];
    private SchemaResource[] _scope = new SchemaResource[16];
    private int _scopeDepth;
    private int _depth;
    private int _silence;
    private long _evaluationsLeft;
    private long _regexTicksLeft;
    private CancellationToken _cancellationToken;

    public JsonSchemaOptions Options { get; private set; } = JsonSchemaOptions.Default;

    /// <summary>The errors reported so far; created by the first one.</summary>
    public List<ValidationError>? Errors { get; private set; }

    /// <summary>True when errors are being reported (not the fast pass, not inside a silent branch).</summary>
    public bool Reporting => _collect && _silence == 0;

    public bool DepthExceeded { get; private set; }

    /// <summary>The budget limit that stopped this validation; once set, every evaluation fails at once.</summary>
    public ValidationLimit StoppedBy { get; private set; }

    /// <summary>Where the validation was stopped and why, for the pass that reports no errors.</summary>
    public (SchemaNode Node, Keyword? Keyword, string Message) StoppedAt { get; private set; }

    public ValidationBudget Budget => new(_evaluationsLeft, _regexTicksLeft);

    public static Evaluator Rent(JsonSchemaOptions options, bool collectErrors, ValidationBudget budget, CancellationToken cancellationToken)
    {
        var evaluator = t_cached ?? new Evaluator();
        t_cached = null;
        evaluator.Options = options;
        evaluator._collect = collectErrors;
        evaluator.Errors = null;
        evaluator._evaluationsLeft = budget.Evaluations;
        evaluator._regexTicksLeft = budget.RegexTicks;
        evaluator._cancellationToken = cancellationToken;
        return evaluator;
    }

    /// <summary>Spends one keyword evaluation of the budget; checks for cancellation every 1,024.</summary>
    public bool Spend(SchemaNode node, Keyword keyword)
    {
        if (StoppedBy != ValidationLimit.None)
        {
            return false;
        }

        if (--_evaluationsLeft < 0)
        {
            Stop(node, keyword, ValidationLimit.Evaluations, ErrorMessages.EvaluationsExceeded(Options.MaxEvaluations));
            return false;
        }

        if ((_evaluationsLeft & 1023) == 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
        }

        return true;
    }

    /// <summary>Matches a regex within the validation's regex-time budget.</summary>
    /// <returns>Whether it matched; false when the match timed out (<paramref name="timedOut"/>) or the budget is spent (<see cref="StoppedBy"/>).</returns>
    public bool IsMatch(SchemaNode node, Keyword keyword, Regex regex, string pattern, ReadOnlySpan<char> input, out bool timedOut)
    {
        timedOut = false;
        if (StoppedBy != ValidationLimit.None)
        {
            return false;
        }

        if (_regexTicksLeft <= 0)
        {
            Stop(node, keyword, ValidationLimit.RegexTime, ErrorMessages.RegexTimeExceeded(pattern, Options.MaxRegexTime));
            return false;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            timedOut = true;
            return false;
        }
        finally
        {
            _regexTicksLeft -= Stopwatch.GetTimestamp() - started;
        }
    }

    private void Stop(SchemaNode node, Keyword? keyword, ValidationLimit limit, string message)
    {
        StoppedBy = limit;
        StoppedAt = (node, keyword, message);
        var wasSilent = _silence;
        _silence = 0;
        Report(node, keyword, message);
        _silence = wasSilent;
    }

    public static void Return(Evaluator evaluator)
    {
        evaluator.Errors = null;
        evaluator._collect = false;
        Array.Clear(evaluator._instancePath, 0, evaluator._instanceDepth);
        evaluator._instanceDepth = 0;
        evaluator._keywordPath.Clear();
        Array.Clear(evaluator._scope, 0, evaluator._scopeDepth);
        evaluator._scopeDepth = 0;
        evaluator._depth = 0;
        evaluator._silence = 0;
        evaluator.DepthExceeded = false;
        evaluator.StoppedBy = ValidationLimit.None;
        evaluator.StoppedAt = default;
        evaluator._cancellationToken = default;
        t_cached = evaluator;
    }

    /// <summary>Whether evaluation of a schema must go on after a failed keyword: to report every error, or to collect annotations.</summary>
    public bool MustContinue(Annotations? annotations) => Reporting || annotations is not null;

    public bool Enter(SchemaNode node, out bool pushedScope)
    {
        pushedScope = false;
        if (StoppedBy != ValidationLimit.None)
        {
            return false;
        }

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
            pushedScope = true;
        }

        return true;
    }

    public void Leave(bool pushedScope)
    {
        _depth--;
        if (pushedScope)
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
        if (_collect)
        {
            _keywordPath.Add(segment);
        }
    }

    public void PopKeyword()
    {
        if (_collect)
        {
            _keywordPath.RemoveAt(_keywordPath.Count - 1);
        }
    }

    /// <summary>Pushes a property; its name is only read if an error is reported below it.</summary>
    public void PushProperty(JsonProperty property) => PushInstance(new PathSegment(property, null, -1));

    public void PushProperty(string name) => PushInstance(new PathSegment(default, name, -1));

    public void PushIndex(int index) => PushInstance(new PathSegment(default, null, index));

    private void PushInstance(PathSegment segment)
    {
        if (!_collect)
        {
            return;
        }

        if (_instanceDepth == _instancePath.Length)
        {
            Array.Resize(ref _instancePath, _instancePath.Length * 2);
        }

        _instancePath[_instanceDepth++] = segment;
    }

    public void PopInstance()
    {
        if (_collect)
        {
            _instancePath[--_instanceDepth] = default;
        }
    }

    private readonly record struct PathSegment(JsonProperty Property, string? Name, int Index)
    {
        public override string ToString()
            => Index >= 0 ? Index.ToString(System.Globalization.CultureInfo.InvariantCulture) : UriUtilities.EscapePointerToken(Name ?? Property.Name);
    }

    private readonly StringBuilder _builder = new();

    private static void AppendToken(StringBuilder builder, string token)
    {
        builder.Append('/');
        if (token.AsSpan().IndexOfAny('~', '/') < 0)
        {
            builder.Append(token);
        }
        else
        {
            builder.Append(UriUtilities.EscapePointerToken(token));
        }
    }

    public void Report(SchemaNode node, Keyword? keyword, string message)
    {
        if (!Reporting)
        {
            return;
        }

        var builder = _builder.Clear();
        for (var i = 0; i < _instanceDepth; i++)
        {
            builder.Append('/').Append(_instancePath[i].ToString());
        }

        var instance = builder.ToString();
        builder.Clear();
        foreach (var segment in _keywordPath)
        {
            AppendToken(builder, segment);
        }

        var absolute = node.AbsoluteLocation;
        if (keyword is not null)
        {
            AppendToken(builder, keyword.Name);
            absolute += "/" + keyword.Name;
        }

        var keywordLocation = builder.ToString();
        (Errors ??= []).Add(new ValidationError(instance, keywordLocation, absolute, keyword?.Name ?? "false", message));
    }
}
