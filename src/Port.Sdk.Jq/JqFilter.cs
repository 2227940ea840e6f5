using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Port.Sdk.Jq.Ast;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq;

/// <summary>
/// A compiled jq program. Compile once with <see cref="Compile"/>, then run it any number of times, from any number of
/// threads: a filter is immutable, and each run keeps its own state.
/// </summary>
/// <example>
/// <code>
/// var filter = JqFilter.Compile("{identifier: .name, title: (.full_name // .name), archived}");
/// foreach (JqValue entity in filter.Run(JqValue.Parse(repositoryJson)))
/// {
///     Console.WriteLine(entity); // {"identifier":"api","title":"acme/api","archived":false}
/// }
/// </code>
/// </example>
public sealed class JqFilter
{
    private readonly Node _root;
    private readonly JqOptions _options;

    private JqFilter(string program, Node root, JqOptions options)
    {
        Program = program;
        _root = root;
        _options = options;
    }

    /// <summary>Gets the program text the filter was compiled from.</summary>
    public string Program { get; }

    private JqInputProjection? _projection;

    /// <summary>
    /// Gets the parts of the input the program can read, found once from the program's text, and a conversion from
    /// JSON that materialises only those: <c>filter.InputProjection.Parse(utf8)</c> or <c>.Convert(element)</c> gives an
    /// input on which the filter has the same outputs and errors as on the whole value.
    /// </summary>
    public JqInputProjection InputProjection => _projection ??= new JqInputProjection(InputPathAnalysis.Analyze(_root));

    /// <summary>Compiles a jq program.</summary>
    /// <param name="program">The program, such as <c>.items[] | select(.archived | not) | .name</c>.</param>
    /// <param name="options">Variables the program may use and functions it may call; <see langword="null"/> for none.</param>
    /// <returns>The compiled filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is <see langword="null"/>.</exception>
    /// <exception cref="JqParseException">The program does not compile; the exception gives the line, column and reason.</exception>
    public static JqFilter Compile(string program, JqOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        options ??= JqOptions.Default;
        var builtins = Functions.BuiltinLibrary.For(options.Functions);
        try
        {
            var root = Parsing.Parser.Parse(program, builtins, options.VariableNames, options.FileName, options.MaxDepth);
            return new JqFilter(program, root, options);
        }
        catch (InsufficientExecutionStackException)
        {
            throw new JqParseException($"the program is nested too deeply for this thread's stack (JqOptions.MaxDepth {options.MaxDepth})", program, 0);
        }
    }

    /// <summary>Compiles a jq program without throwing.</summary>
    /// <param name="program">The program.</param>
    /// <param name="filter">The compiled filter, when the program compiles.</param>
    /// <param name="error">The reason it does not compile, otherwise.</param>
    /// <param name="options">Variables and functions; <see langword="null"/> for none.</param>
    /// <returns><see langword="true"/> when the program compiles.</returns>
    public static bool TryCompile(string program, [NotNullWhen(true)] out JqFilter? filter, [NotNullWhen(false)] out JqParseException? error, JqOptions? options = null)
    {
        try
        {
            filter = Compile(program, options);
            error = null;
            return true;
        }
        catch (JqParseException ex)
        {
            filter = null;
            error = ex;
            return false;
        }
    }

    /// <summary>Runs the filter on one input and yields its outputs lazily.</summary>
    /// <param name="input">The input (<c>.</c>).</param>
    /// <param name="options">Limits, variable values, inputs and environment; <see langword="null"/> for the defaults.</param>
    /// <returns>The outputs, computed as they are enumerated.</returns>
    /// <exception cref="JqException">The program raised an error (thrown while enumerating).</exception>
    /// <exception cref="JqLimitException">A limit of <paramref name="options"/> was reached (thrown while enumerating).</exception>
    public IEnumerable<JqValue> Run(JqValue input, JqRunOptions? options = null)
    {
        options ??= JqRunOptions.Default;
        CheckVariables(options);
        return RunCore(input, options);
    }

    private void CheckVariables(JqRunOptions options)
    {
        foreach (var name in _options.VariableNames)
        {
            if (!options.Variables.ContainsKey(name))
            {
                throw new ArgumentException($"The program uses the variable '${name}', but no value was given for it in JqRunOptions.Variables.", nameof(options));
            }
        }
    }

    private IEnumerable<JqValue> RunCore(JqValue input, JqRunOptions options)
    {
        using var inputs = options.Inputs?.GetEnumerator();
        var ctx = new Interpreter(options, _options, inputs);

        // The usual mapping has one output: no enumerator chain at all.
        JqValue single = default;
        bool isSingle;
        var previous = Limits.Enter(ctx);
        try
        {
            isSingle = _root.TrySingle(input, null, ctx, out single);
        }
        catch (InsufficientExecutionStackException ex)
        {
            throw Limits.StackExhausted("the jq program", ex);
        }
        catch (OutOfMemoryException ex)
        {
            throw OutOfMemory(ex);
        }
        finally
        {
            Limits.Exit(previous);
        }

        if (isSingle)
        {
            if (options.MaxOutputs < 1)
            {
                throw TooManyOutputs(options);
            }

            yield return single;
            yield break;
        }

        long outputs = 0;
        using var values = _root.Eval(input, null, ctx).GetEnumerator();
        while (true)
        {
            previous = Limits.Enter(ctx);
            try
            {
                if (!values.MoveNext())
                {
                    yield break;
                }
            }
            catch (InsufficientExecutionStackException ex)
            {
                throw Limits.StackExhausted("the jq program", ex);
            }
            catch (BreakException)
            {
                throw new JqException("break");
            }
            catch (OutOfMemoryException ex)
            {
                throw OutOfMemory(ex);
            }
            finally
            {
                Limits.Exit(previous);
            }

            if (++outputs > options.MaxOutputs)
            {
                throw TooManyOutputs(options);
            }

            yield return values.Current;
        }
    }

    private static JqLimitException OutOfMemory(OutOfMemoryException ex)
        => new(JqLimit.Memory, 0, "The jq program ran out of memory; the values it built were released.", ex);

    private static JqLimitException TooManyOutputs(JqRunOptions options)
        => new(JqLimit.Outputs, options.MaxOutputs, $"The jq program produced more than {options.MaxOutputs} outputs (MaxOutputs).");

    /// <summary>Runs the filter on a <see cref="JsonNode"/> and yields its outputs as nodes.</summary>
    /// <param name="input">The input; <see langword="null"/> is JSON <c>null</c>.</param>
    /// <param name="options">Limits, variables, inputs and environment.</param>
    /// <returns>The outputs; JSON <c>null</c> is <see langword="null"/>.</returns>
    public IEnumerable<JsonNode?> Run(JsonNode? input, JqRunOptions? options = null)
        => Run(JqValue.FromJsonNode(input), options).Select(v => v.ToJsonNode());

    /// <summary>Runs the filter on a <see cref="JsonElement"/> and yields its outputs as elements.</summary>
    /// <param name="input">The input.</param>
    /// <param name="options">Limits, variables, inputs and environment.</param>
    /// <returns>The outputs.</returns>
    public IEnumerable<JsonElement> Run(JsonElement input, JqRunOptions? options = null)
        => Run(JqValue.FromJsonElement(input), options).Select(v => v.ToJsonElement());

    /// <summary>Runs the filter and returns its first output, or <see langword="null"/> when it has none.</summary>
    /// <param name="input">The input.</param>
    /// <param name="options">Limits, variables, inputs and environment.</param>
    /// <returns>The first output, or <see langword="null"/>.</returns>
    public JqValue? First(JqValue input, JqRunOptions? options = null)
    {
        options ??= JqRunOptions.Default;
        if (options.Inputs is null && options.MaxOutputs >= 1)
        {
            // The mapping path: a single-output program runs on this thread's spare interpreter, with no iterator, so
            // the run allocates only its output. Anything else runs as Run does.
            CheckVariables(options);
            var ctx = Interpreter.Rent(options, _options);
            var previous = Limits.Enter(ctx);
            bool isSingle;
            JqValue single;
            try
            {
                isSingle = _root.TrySingle(input, null, ctx, out single);
            }
            catch (InsufficientExecutionStackException ex)
            {
                throw Limits.StackExhausted("the jq program", ex);
            }
            catch (OutOfMemoryException ex)
            {
                throw OutOfMemory(ex);
            }
            finally
            {
                Limits.Exit(previous);
            }

            Interpreter.Return(ctx);
            if (isSingle)
            {
                return single;
            }
        }

        foreach (var value in Run(input, options))
        {
            return value;
        }

        return null;
    }

    /// <summary>Returns the program, normalised: the parsed program written back as jq.</summary>
    /// <returns>The normalised program.</returns>
    public override string ToString() => _root.ToString();
}
