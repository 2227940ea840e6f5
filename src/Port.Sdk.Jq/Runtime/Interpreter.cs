using System.Runtime.CompilerServices;

namespace Port.Sdk.Jq.Runtime;

/// <summary>The state of one run of a filter: limits, counters, inputs and the host's hooks.</summary>
internal sealed class Interpreter(JqRunOptions options, JqOptions compileOptions, IEnumerator<JqValue>? inputs)
{
    private long _steps;
    private int _depth;

    public JqRunOptions Options { get; } = options;

    public JqOptions CompileOptions { get; } = compileOptions;

    public IEnumerator<JqValue>? Inputs { get; } = inputs;

    private JqValue? _environment;

    /// <summary>Gets <c>$ENV</c>, built on first use: most runs never read it.</summary>
    public JqValue Environment => _environment ??= Options.Environment is null
        ? JqValue.FromObject(new JqObject(0))
        : JqValue.FromObject(ToObject(Options.Environment));

    /// <summary>Counts one evaluation step and enforces the step budget and cancellation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step()
    {
        if (++_steps > Options.MaxSteps)
        {
            throw new JqLimitException(JqLimit.Steps, Options.MaxSteps, $"The jq program exceeded its step budget of {Options.MaxSteps} (MaxSteps).");
        }

        if ((_steps & 1023) == 0)
        {
            Options.CancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Counts the work of copying <paramref name="units"/> items or characters (one step per 32): building a value by
    /// appending to a copy, <c>reduce ... (""; . + "x")</c>, is quadratic, and must spend the step budget as it goes.
    /// </summary>
    public void Work(long units)
    {
        var steps = units >> 5;
        if (steps == 0)
        {
            return;
        }

        _steps += steps;
        if (_steps > Options.MaxSteps)
        {
            throw new JqLimitException(JqLimit.Steps, Options.MaxSteps, $"The jq program exceeded its step budget of {Options.MaxSteps} (MaxSteps).");
        }

        Options.CancellationToken.ThrowIfCancellationRequested();
    }

    public void Enter()
    {
        if (++_depth > Options.MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            _depth--;
            throw new JqLimitException(JqLimit.Depth, Options.MaxDepth, $"The jq program exceeded its recursion depth limit of {Options.MaxDepth} (MaxDepth), or the stack of this thread.");
        }
    }

    public void Leave() => _depth--;

    public long Steps => _steps;

    private static JqObject ToObject(IReadOnlyDictionary<string, string> values)
    {
        var obj = new JqObject(values.Count);
        foreach (var (key, value) in values)
        {
            obj.SetInPlace(key, JqValue.FromString(value));
        }

        return obj;
    }
}
