using System.Text;
using Port.Sdk.Jq;

/// <summary>The generators: token soup, mutations of suite programs, deep and long programs, deep and wide inputs.</summary>
internal static class Shapes
{
    private static readonly string[] Tokens =
    [
        ".", "..", ".a", ".[0]", ".[]", "[", "]", "{", "}", "(", ")", "|", ",", "//", "?", "=", "|=", "+=", "+", "-", "*", "/", "%",
        "==", "<", "and", "or", "not", "if", "then", "else", "end", "reduce", "foreach", "as", "$x", "def f:", ";", "try", "catch",
        "1", "1e20", "\"s\"", "\"\\(.)\"", "@base64", "null", "true", "map(", "select(", "length", "path(", "paths", "to_entries",
        "limit(", "first(", "range(", ":", "tostream", "contains(", "inside(", "flatten", "tojson", "fromjson", "todate", "mktime",
        "gsub(\"a\";\"b\")", "test(\"(a+)+$\")", "del(..)", "repeat(", "walk(", "sort", "unique", "group_by(.)", "implode", "explode",
        "ltrimstr(", "splits(", "@sh", "@csv", "input", "getpath([\"a\"])", "setpath([1e7]; 1)", "\"x\" * 1e7", "[.[]]", "add",
    ];

    public static JqValue[] Inputs()
    {
        var deepArray = new string('[', 9_000) + new string(']', 9_000);
        var deepObject = string.Concat(Enumerable.Repeat("{\"a\":", 9_000)) + "1" + new string('}', 9_000);
        var wide = "[" + string.Join(',', Enumerable.Range(0, 10_000)) + "]";
        var wideObject = "{" + string.Join(',', Enumerable.Range(0, 5_000).Select(i => $"\"k{i}\":{i}")) + "}";
        var mixed = "[1,[2,[3,{\"a\":[4,{\"b\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"}]}]],\"text\",null,true,{\"c\":[]}]";
        return [.. new[] { "null", "1", "\"text\"", "[1,[2],{\"a\":3}]", "{\"a\":{\"b\":[1,2]},\"c\":\"x\"}", deepArray, deepObject, wide, wideObject, mixed }
            .Select(json => JqValue.Parse(Encoding.UTF8.GetBytes(json)))];
    }

    public static string RandomProgram(Random random)
    {
        var count = random.Next(1, 14);
        return string.Join(' ', Enumerable.Range(0, count).Select(_ => Tokens[random.Next(Tokens.Length)]));
    }

    public static string Mutate(string program, Random random)
    {
        var chars = program.ToList();
        var edits = random.Next(1, 4);
        for (var i = 0; i < edits && chars.Count > 0; i++)
        {
            var at = random.Next(chars.Count);
            switch (random.Next(4))
            {
                case 0:
                    chars.RemoveAt(at);
                    break;
                case 1:
                    chars.Insert(at, "()[]{}|.,;:$\"\\?-+"[random.Next(17)]);
                    break;
                case 2:
                    chars.InsertRange(at, Tokens[random.Next(Tokens.Length)] + " ");
                    break;
                default:
                    chars[at] = program[random.Next(program.Length)];
                    break;
            }
        }

        return new string([.. chars]);
    }

    /// <summary>Programs whose shape is the attack: long chains of operators, deep nesting, and values built to grow.</summary>
    public static string DeepProgram(Random random)
    {
        var n = random.Next(1, 4) switch { 1 => random.Next(10, 200), 2 => random.Next(500, 5_000), _ => random.Next(20_000, 60_000) };
        return random.Next(12) switch
        {
            0 => string.Join(" , ", Enumerable.Repeat(".", n)),
            1 => string.Join(" + ", Enumerable.Repeat("1", n)),
            2 => string.Join(" and ", Enumerable.Repeat("true", n)),
            3 => string.Join(" | ", Enumerable.Repeat(".", n)),
            4 => new string('(', n) + "." + new string(')', n),
            5 => new string('[', n) + new string(']', n),
            6 => string.Concat(Enumerable.Repeat("{a:", n)) + "1" + new string('}', n),
            7 => string.Join(" // ", Enumerable.Repeat("null", n)),
            8 => $"reduce range({n}) as $i (0; [.]) | {Tokens[random.Next(Tokens.Length)]}",
            9 => string.Concat(Enumerable.Repeat("- ", n)) + "1",
            10 => $"[limit({n}; repeat(.))] | tojson | length",
            _ => string.Concat(Enumerable.Repeat("try ", n)) + "error",
        };
    }

    public static string Describe(string program) => program.Length <= 200 ? program : $"{program[..200]}... ({program.Length} characters)";
}
