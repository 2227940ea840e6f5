using System.Globalization;
using Port.Sdk.Jq.Ast;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq;

/// <summary>A function an application adds to the jq language, with a typed signature.</summary>
public sealed class JqFunction
{
    private readonly Func<JqValue, IReadOnlyList<JqValue>, JqValue> _body;

    internal JqFunction(string name, IReadOnlyList<Type> parameterTypes, Func<JqValue, IReadOnlyList<JqValue>, JqValue> body)
    {
        Name = name;
        ParameterTypes = parameterTypes;
        _body = body;
    }

    /// <summary>Gets the name jq programs call the function by.</summary>
    public string Name { get; }

    /// <summary>Gets the number of arguments.</summary>
    public int Arity => ParameterTypes.Count;

    /// <summary>Gets the .NET type of each argument: <see cref="string"/>, <see cref="double"/>, <see cref="long"/>, <see cref="bool"/> or <see cref="JqValue"/>.</summary>
    public IReadOnlyList<Type> ParameterTypes { get; }

    /// <summary>Calls the function.</summary>
    /// <param name="input">The input (<c>.</c>).</param>
    /// <param name="arguments">One value per argument.</param>
    /// <returns>The output.</returns>
    public JqValue Invoke(JqValue input, IReadOnlyList<JqValue> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return _body(input, arguments);
    }

    internal NativeFunction ToNative() => new(Name, Arity, (input, args, env, ctx) => Call(input, args, env, ctx));

    private IEnumerable<JqValue> Call(JqValue input, Node[] args, Env? env, Interpreter ctx)
    {
        if (args.Length == 0)
        {
            yield return Invoke(input, []);
            yield break;
        }

        foreach (var combination in Combinations(0, new JqValue[args.Length], input, args, env, ctx))
        {
            yield return Invoke(input, combination);
        }
    }

    private static IEnumerable<JqValue[]> Combinations(int index, JqValue[] values, JqValue input, Node[] args, Env? env, Interpreter ctx)
    {
        if (index == args.Length)
        {
            yield return (JqValue[])values.Clone();
            yield break;
        }

        foreach (var value in args[index].Eval(input, env, ctx))
        {
            values[index] = value;
            foreach (var result in Combinations(index + 1, values, input, args, env, ctx))
            {
                yield return result;
            }
        }
    }
}

/// <summary>
/// The functions an application adds to jq (a slugifier, a lookup in its own data). Arguments are values, like jq's
/// <c>$</c> parameters: a call whose argument outputs several values runs once per value.
/// </summary>
/// <example>
/// <code>
/// var functions = new JqFunctionRegistry()
///     .Register("slug", (JqValue input) => JqValue.FromString(input.String.ToLowerInvariant().Replace(' ', '-')))
///     .Register("pad", (JqValue input, string text, long width) => JqValue.FromString(text.PadLeft((int)width)));
/// var filter = JqFilter.Compile(".name | slug", new JqOptions { Functions = functions });
/// </code>
/// </example>
public sealed class JqFunctionRegistry
{
    private readonly Dictionary<(string, int), JqFunction> _functions = [];

    /// <summary>Gets the registered functions.</summary>
    public IReadOnlyCollection<JqFunction> Functions => _functions.Values;

    /// <summary>Registers a function of the input only.</summary>
    /// <param name="name">The name jq programs call it by.</param>
    /// <param name="body">The implementation.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a jq identifier.</exception>
    public JqFunctionRegistry Register(string name, Func<JqValue, JqValue> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Add(name, [], (input, _) => body(input));
    }

    /// <summary>Registers a function of the input and one typed argument.</summary>
    /// <typeparam name="T1">The argument's type: <see cref="string"/>, <see cref="double"/>, <see cref="long"/>, <see cref="bool"/> or <see cref="JqValue"/>.</typeparam>
    /// <param name="name">The name jq programs call it by.</param>
    /// <param name="body">The implementation.</param>
    /// <returns>This registry.</returns>
    public JqFunctionRegistry Register<T1>(string name, Func<JqValue, T1, JqValue> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Add(name, [typeof(T1)], (input, args) => body(input, Convert<T1>(name, 1, 1, args[0])));
    }

    /// <summary>Registers a function of the input and two typed arguments.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <param name="name">The name jq programs call it by.</param>
    /// <param name="body">The implementation.</param>
    /// <returns>This registry.</returns>
    public JqFunctionRegistry Register<T1, T2>(string name, Func<JqValue, T1, T2, JqValue> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Add(name, [typeof(T1), typeof(T2)], (input, args) => body(input, Convert<T1>(name, 2, 1, args[0]), Convert<T2>(name, 2, 2, args[1])));
    }

    /// <summary>Registers a function of the input and any number of untyped arguments.</summary>
    /// <param name="name">The name jq programs call it by.</param>
    /// <param name="arity">The number of arguments.</param>
    /// <param name="body">The implementation.</param>
    /// <returns>This registry.</returns>
    public JqFunctionRegistry Register(string name, int arity, Func<JqValue, IReadOnlyList<JqValue>, JqValue> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegative(arity);
        return Add(name, [.. Enumerable.Repeat(typeof(JqValue), arity)], body);
    }

    /// <summary>Looks up a function by name and arity.</summary>
    /// <param name="name">The name.</param>
    /// <param name="arity">The number of arguments.</param>
    /// <param name="function">The function, when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGet(string name, int arity, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out JqFunction? function)
        => _functions.TryGetValue((name, arity), out function);

    private JqFunctionRegistry Add(string name, Type[] types, Func<JqValue, IReadOnlyList<JqValue>, JqValue> body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!Parsing.Lexer.IsIdentifier(name))
        {
            throw new ArgumentException($"'{name}' is not a jq function name: use letters, digits and '_', not starting with a digit, and not a keyword.", nameof(name));
        }

        _functions[(name, types.Length)] = new JqFunction(name, types, body);
        return this;
    }

    private static T Convert<T>(string name, int arity, int position, JqValue value)
    {
        object? result = typeof(T) switch
        {
            var t when t == typeof(JqValue) => value,
            var t when t == typeof(string) && value.Kind == JqKind.String => value.String,
            var t when t == typeof(double) && value.Kind == JqKind.Number => value.Number,
            var t when t == typeof(long) && value.Kind == JqKind.Number && value.Number == Math.Floor(value.Number) => (long)value.Number,
            var t when t == typeof(bool) && value.Kind is JqKind.True or JqKind.False => value.Kind == JqKind.True,
            _ => null,
        };
        if (result is null)
        {
            var expected = typeof(T) == typeof(string) ? "a string" : typeof(T) == typeof(bool) ? "a boolean" : typeof(T) == typeof(long) ? "an integer" : "a number";
            throw new JqException(string.Create(CultureInfo.InvariantCulture, $"{name}/{arity}: argument {position} must be {expected}, got {value.TypeName} ({Runtime.ValueOps.ErrorText(value)})"));
        }

        return (T)result;
    }
}
