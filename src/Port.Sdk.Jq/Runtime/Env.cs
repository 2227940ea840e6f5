namespace Port.Sdk.Jq.Runtime;

/// <summary>A function definition: its parameters (filters, or <c>$</c> values) and body.</summary>
internal sealed class FunctionDefinition(string name, (string Name, bool IsValue)[] parameters, Ast.Node body)
{
    public string Name { get; } = name;

    public (string Name, bool IsValue)[] Parameters { get; } = parameters;

    public Ast.Node Body { get; set; } = body;

    public int Arity => Parameters.Length;
}

/// <summary>A function (or filter argument) together with the environment it was defined in.</summary>
internal sealed class Closure(FunctionDefinition definition, Env? env)
{
    public FunctionDefinition Definition { get; } = definition;

    public Env? Env { get; set; } = env;
}

/// <summary>
/// The lexical environment at run time: an immutable linked list of variable, function and label bindings.
/// Names are resolved when the program is compiled, so lookups here always succeed.
/// </summary>
internal sealed class Env
{
    private Env(Env? parent, string name, int arity, JqValue value, Closure? closure, object? label)
    {
        Parent = parent;
        Name = name;
        Arity = arity;
        Value = value;
        Closure = closure;
        Label = label;
    }

    public Env? Parent { get; }

    public string Name { get; }

    /// <summary>-1 for a variable, -2 for a label, else a function's arity.</summary>
    public int Arity { get; }

    public JqValue Value { get; }

    public Closure? Closure { get; }

    public object? Label { get; }

    public static Env BindVariable(Env? parent, string name, JqValue value) => new(parent, name, -1, value, null, null);

    public static Env BindFunction(Env? parent, string name, int arity, Closure closure) => new(parent, name, arity, default, closure, null);

    public static Env BindLabel(Env? parent, string name, object label) => new(parent, name, -2, default, null, label);

    public static JqValue LookupVariable(Env? env, string name)
    {
        for (var e = env; e is not null; e = e.Parent)
        {
            if (e.Arity == -1 && (ReferenceEquals(e.Name, name) || e.Name == name))
            {
                return e.Value;
            }
        }

        throw new JqException($"${name} is not defined");
    }

    public static Closure LookupFunction(Env? env, string name, int arity)
    {
        for (var e = env; e is not null; e = e.Parent)
        {
            if (e.Arity == arity && (ReferenceEquals(e.Name, name) || e.Name == name))
            {
                return e.Closure!;
            }
        }

        throw new JqException($"{name}/{arity} is not defined");
    }

    public static object LookupLabel(Env? env, string name)
    {
        for (var e = env; e is not null; e = e.Parent)
        {
            if (e.Arity == -2 && e.Name == name)
            {
                return e.Label!;
            }
        }

        throw new JqException($"$*label-{name} is not defined");
    }
}

/// <summary>A path into a value, as an immutable list that shares its prefix.</summary>
internal sealed class PathList(PathList? parent, JqValue key)
{
    public PathList? Parent { get; } = parent;

    public JqValue Key { get; } = key;

    public int Count { get; } = (parent?.Count ?? 0) + 1;

    /// <summary>Marks a value that did not come from a path expression.</summary>
    public static PathList Invalid { get; } = new(null, JqValue.Null);

    /// <summary>Throws jq's error when a path is needed from a value that has none.</summary>
    public static PathList? Require(PathList? path, JqValue value)
        => ReferenceEquals(path, Invalid) ? throw new JqException($"Invalid path expression with result {ValueOps.ErrorText(value)}") : path;

    public static PathList? Access(PathList? path, JqValue target, JqValue key)
    {
        if (ReferenceEquals(path, Invalid))
        {
            var what = key.Kind == JqKind.String ? $"element {key.ToJson()}" : $"element {key.ToJson()}";
            throw new JqException($"Invalid path expression near attempt to access {what} of {ValueOps.ErrorText(target)}");
        }

        return new PathList(path, key);
    }

    public static void RequireIterable(PathList? path, JqValue target)
    {
        if (ReferenceEquals(path, Invalid))
        {
            throw new JqException($"Invalid path expression near attempt to iterate through {ValueOps.ErrorText(target)}");
        }
    }

    public static PathList? Append(PathList? path, JqValue key) => new(path, key);

    public static JqValue ToValue(PathList? path)
    {
        if (ReferenceEquals(path, Invalid))
        {
            throw new JqException("Invalid path expression");
        }

        if (path is null)
        {
            return JqValue.EmptyArray;
        }

        Limits.Work(path.Count);
        var items = new JqValue[path.Count];
        for (var p = path; p is not null; p = p.Parent)
        {
            items[p.Count - 1] = p.Key;
        }

        return JqValue.OwnList([.. items]);
    }

    public static PathList? FromValue(JqValue array)
    {
        PathList? path = null;
        foreach (var key in array.Array)
        {
            path = new PathList(path, key);
        }

        return path;
    }
}

/// <summary>Thrown by <c>break $label</c> and caught by its <c>label</c>.</summary>
internal sealed class BreakException(object label) : Exception("break")
{
    public object Label { get; } = label;
}
