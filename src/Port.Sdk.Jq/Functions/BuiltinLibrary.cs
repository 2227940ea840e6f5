using Port.Sdk.Jq.Ast;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq.Functions;

/// <summary>jq's builtins: those written in C# and those written in jq on top of them, plus an application's own.</summary>
internal sealed partial class BuiltinLibrary
{
    private static readonly Lazy<BuiltinLibrary> Shared = new(() => new BuiltinLibrary(null));
    private readonly Dictionary<(string, int), NativeFunction> _natives = [];
    private readonly Dictionary<(string, int), Closure> _defined = [];
    private Env? _env;

    private BuiltinLibrary(JqFunctionRegistry? registry)
    {
        RegisterNatives();
        if (registry is not null)
        {
            foreach (var function in registry.Functions)
            {
                _natives[(function.Name, function.Arity)] = function.ToNative();
            }
        }

        Parsing.Parser.ParseDefinitions(JqDefinitions, this, definition =>
        {
            var closure = new Closure(definition, null);
            _env = Env.BindFunction(_env, definition.Name, definition.Arity, closure);
            closure.Env = _env;
            _defined[(definition.Name, definition.Arity)] = closure;
        });
    }

    public static BuiltinLibrary For(JqFunctionRegistry? registry)
        => registry is null || registry.Functions.Count == 0 ? Shared.Value : new BuiltinLibrary(registry);

    public IEnumerable<string> Names => _natives.Keys.Concat(_defined.Keys).Where(k => !k.Item1.StartsWith('_')).Select(k => $"{k.Item1}/{k.Item2}").Distinct();

    public bool TryResolve(string name, int arity, out Closure? closure, out NativeFunction? native)
    {
        // Definitions in jq take precedence over natives of the same name, so the library can refine a native.
        if (_defined.TryGetValue((name, arity), out closure))
        {
            native = null;
            return true;
        }

        closure = null;
        return _natives.TryGetValue((name, arity), out native);
    }

    private void Add(NativeFunction function) => _natives[(function.Name, function.Arity)] = function;
}
