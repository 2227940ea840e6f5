using System.Runtime.CompilerServices;

namespace Port.Sdk.Jq.Runtime;

/// <summary>The state of one run of a filter: limits, counters, inputs and the host's hooks.</summary>
internal sealed class Interpreter
{
    [ThreadStatic]
    private static Interpreter? t_spare;

    private long _steps;
    private int _depth;

    public Interpreter(JqRunOptions options, JqOptions compileOptions, IEnumerator<JqValue>? inputs)
    {
        Options = options;
        CompileOptions = compileOptions;
        Inputs = inputs;
    }

    public JqRunOptions Options { get; private set; }

    public JqOptions CompileOptions { get; private set; }

    public IEnumerator<JqValue>? Inputs { get; private set; }

    private JqValue? _environment;

    /// <summary>
    /// Takes this thread's spare interpreter for a run that finishes before it returns (<see cref="JqFilter.First(JqValue, JqRunOptions?)"/>),
    /// or a new one when the spare is in use (a host function that runs another filter): a run then allocates only its outputs.
    /// </summary>
    public static Interpreter Rent(JqRunOptions options, JqOptions compileOptions)
    {
        var spare = t_spare;
        if (spare is null)
        {
            return new Interpreter(options, compileOptions, null);
        }

        t_spare = null;
        spare.Options = options;
        spare.CompileOptions = compileOptions;
        return spare;
    }

    /// <summary>Gives back a rented interpreter once its run is over, holding none of that run's options or values.</summary>
    public static void Return(Interpreter run)
    {
        run._steps = 0;
        run._depth = 0;
        run._environment = null;
        run.Options = JqRunOptions.Default;
        run.CompileOptions = JqOptions.Default;
        run.Inputs = null;
        t_spare = run;
    }

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
