using System.Runtime.CompilerServices;

namespace Port.Sdk.Jq.Runtime;

/// <summary>
/// The size and stack limits of the run on this thread. Value operations (<c>+</c>, <c>join</c>, <c>tojson</c>...) are static
/// and take no interpreter, so the run's options are ambient: set by <see cref="JqFilter"/> around each step of a run, and
/// <see cref="JqRunOptions"/>' defaults outside one.
/// </summary>
internal static class Limits
{
    [ThreadStatic]
    private static Interpreter? t_current;

    public static JqRunOptions Current => t_current?.Options ?? JqRunOptions.Default;

    public static Interpreter? Enter(Interpreter run)
    {
        var previous = t_current;
        t_current = run;
        return previous;
    }

    public static void Exit(Interpreter? previous) => t_current = previous;

    /// <summary>
    /// Counts a step of the run on this thread, if any: value operations that can take long on shared values (equality,
    /// <c>contains</c>, <c>flatten</c>, printing a value whose parts repeat) spend the step budget as jq programs do.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Step() => t_current?.Step();

    /// <summary>Counts the work of copying <paramref name="units"/> items or characters, see <see cref="Interpreter.Work"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Work(long units) => t_current?.Work(units);

    /// <summary>Fails before an array or object of <paramref name="count"/> items is built, when that is over the limit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckCollection(long count)
    {
        if (count > Current.MaxCollectionLength)
        {
            ThrowCollection(count);
        }
    }

    /// <summary>Fails before a string of <paramref name="length"/> UTF-16 characters is built, when that is over the limit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckString(long length)
    {
        if (length > Current.MaxStringLength)
        {
            ThrowString(length);
        }
    }

    /// <summary>Fails with a depth limit when the thread's stack runs low, before a recursive operation goes one level deeper.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EnsureStack(string operation)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            ThrowStack(operation);
        }
    }

    public static JqLimitException StackExhausted(string operation, Exception? inner = null)
        => new(JqLimit.Depth, Current.MaxDepth, $"The value or program is nested too deeply for {operation} on this thread's stack (MaxDepth {Current.MaxDepth}).", inner);

    private static void ThrowCollection(long count)
        => throw new JqLimitException(JqLimit.CollectionLength, Current.MaxCollectionLength, $"The jq program built an array or object of more than {Current.MaxCollectionLength} items ({count}; MaxCollectionLength).");

    private static void ThrowString(long length)
        => throw new JqLimitException(JqLimit.StringLength, Current.MaxStringLength, $"The jq program built a string of more than {Current.MaxStringLength} characters ({length}; MaxStringLength).");

    private static void ThrowStack(string operation) => throw StackExhausted(operation);
}
