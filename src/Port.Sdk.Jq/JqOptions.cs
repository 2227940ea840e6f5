namespace Port.Sdk.Jq;

/// <summary>Options for compiling a jq program.</summary>
public sealed class JqOptions
{
    internal static JqOptions Default { get; } = new();

    /// <summary>
    /// Gets the names of variables the program may use, bound to values when it runs (<see cref="JqRunOptions.Variables"/>),
    /// such as <c>item</c> for <c>$item</c>. Names are given without the <c>$</c>.
    /// </summary>
    public ISet<string> VariableNames { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the functions an application adds to the language.</summary>
    /// <value>The default value is <see langword="null"/>: only jq's own builtins.</value>
    public JqFunctionRegistry? Functions { get; set; }

    /// <summary>Gets or sets the name <c>$__loc__</c> and error messages give the program.</summary>
    /// <value>The default value is <c>&lt;top-level&gt;</c>, as jq names a program given on the command line.</value>
    public string FileName { get; set; } = "<top-level>";
}

/// <summary>Options for one run of a compiled filter: limits, variables, inputs and the environment.</summary>
public sealed class JqRunOptions
{
    internal static JqRunOptions Default { get; } = new();

    /// <summary>Gets or sets how many evaluation steps a run may take before it fails with a <see cref="JqLimitException"/>.</summary>
    /// <value>The default value is <see cref="long.MaxValue"/> (no budget), as jq has none.</value>
    public long MaxSteps { get; set; } = long.MaxValue;

    /// <summary>Gets or sets how many values a run may output before it fails with a <see cref="JqLimitException"/>.</summary>
    /// <value>The default value is <see cref="long.MaxValue"/>.</value>
    public long MaxOutputs { get; set; } = long.MaxValue;

    /// <summary>
    /// Gets or sets the deepest nesting of function calls and recursion a run may reach. Beyond it, or when the thread's
    /// stack runs low, the run fails with a <see cref="JqLimitException"/> rather than overflowing the stack.
    /// </summary>
    /// <value>The default value is 10,000.</value>
    public int MaxDepth { get; set; } = 10_000;

    /// <summary>Gets or sets the token that cancels a run; checked every 1,024 steps.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Gets the values of the variables named in <see cref="JqOptions.VariableNames"/>, by name without <c>$</c>.</summary>
    public IDictionary<string, JqValue> Variables { get; } = new Dictionary<string, JqValue>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets what <c>$ENV</c> and <c>env</c> return. The process environment is not exposed unless given here,
    /// so that expressions from configuration files cannot read secrets.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: an empty object.</value>
    public IReadOnlyDictionary<string, string>? Environment { get; set; }

    /// <summary>Gets or sets the values <c>input</c> and <c>inputs</c> read.</summary>
    /// <value>The default value is <see langword="null"/>: no more inputs.</value>
    public IEnumerable<JqValue>? Inputs { get; set; }

    /// <summary>Gets or sets what receives the messages of <c>debug</c> and <c>stderr</c>.</summary>
    /// <value>The default value is <see langword="null"/>: the messages are dropped.</value>
    public Action<string>? Diagnostics { get; set; }

    /// <summary>Gets or sets the name <c>input_filename</c> returns.</summary>
    public string? InputFileName { get; set; }

    /// <summary>Gets or sets the clock <c>now</c> reads.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
