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

    /// <summary>
    /// Gets or sets the deepest nesting the program's syntax may have: parentheses, arrays, objects, calls, and chains of
    /// operators such as <c>a + b + c</c> or <c>a | b | c</c> (each operator is one level; a chain of <c>,</c> is one level in
    /// all). A deeper program is a <see cref="JqParseException"/> at the place it gets too deep, never a stack overflow.
    /// </summary>
    /// <value>The default value is 1,000; hand-written and generated mappings stay far below it.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxDepth
    {
        get => _maxDepth;
        set => _maxDepth = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxDepth must be at least 1.");
    }

    private int _maxDepth = 1_000;
}

/// <summary>Options for one run of a compiled filter: limits, variables, inputs and the environment.</summary>
public sealed class JqRunOptions
{
    internal static JqRunOptions Default { get; } = new();

    /// <summary>
    /// Gets or sets how many evaluation steps a run may take before it fails with a <see cref="JqLimitException"/>
    /// (<see cref="JqLimit.Steps"/>). A step is one function call, one loop iteration or one output of a generator.
    /// </summary>
    /// <value>The default value is 100,000,000 (seconds of work); <see cref="long.MaxValue"/> for no budget, as jq has none.</value>
    public long MaxSteps { get; set; } = 100_000_000;

    /// <summary>Gets or sets how many values a run may output before it fails with a <see cref="JqLimitException"/> (<see cref="JqLimit.Outputs"/>).</summary>
    /// <value>The default value is 10,000,000; <see cref="long.MaxValue"/> for no limit.</value>
    public long MaxOutputs { get; set; } = 10_000_000;

    /// <summary>
    /// Gets or sets the deepest nesting of function calls and recursion a run may reach. Beyond it, or when the thread's
    /// stack runs low (a deep recursion of the program, or an operation such as <c>contains</c>, <c>flatten</c>, equality or
    /// <c>tojson</c> on a value nested too deeply), the run fails with a <see cref="JqLimitException"/>
    /// (<see cref="JqLimit.Depth"/>) rather than overflowing the stack.
    /// </summary>
    /// <value>The default value is 10,000.</value>
    public int MaxDepth { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets the most elements an array, or members an object, that the program builds may have (<c>[f]</c>,
    /// <c>+</c>, <c>setpath</c> with a large index, <c>transpose</c>...). Beyond it the run fails with a
    /// <see cref="JqLimitException"/> (<see cref="JqLimit.CollectionLength"/>) before the memory is taken. Values given as
    /// input are not limited by it.
    /// </summary>
    /// <value>The default value is 10,000,000 (about 250 MB of array).</value>
    public int MaxCollectionLength { get; set; } = 10_000_000;

    /// <summary>
    /// Gets or sets the most UTF-16 characters a string that the program builds may have (<c>+</c>, <c>*</c>, <c>join</c>,
    /// <c>tojson</c>, <c>gsub</c>, formats...). Beyond it the run fails with a <see cref="JqLimitException"/>
    /// (<see cref="JqLimit.StringLength"/>) before the memory is taken. Strings given as input are not limited by it.
    /// </summary>
    /// <value>The default value is 50,000,000 (100 MB).</value>
    public int MaxStringLength { get; set; } = 50_000_000;

    /// <summary>
    /// Gets or sets how long one regular-expression match (<c>test</c>, <c>match</c>, <c>capture</c>, <c>scan</c>,
    /// <c>split</c>, <c>sub</c>, <c>gsub</c>...) may run. A match that takes longer is a jq error naming the pattern, which
    /// <c>try</c> can catch.
    /// </summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan RegexMatchTimeout { get; set; } = TimeSpan.FromSeconds(2);

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
