using System.Text;
using Port.Sdk.Jq.Streaming;
using Port.Sdk.Tests.Common;

namespace Port.Sdk.Jq.Tests.Streaming;

/// <summary>
/// Issue 15: <c>port jq</c> builds jq values only for the parts of the input a program reads. For every program, the
/// outputs (and errors) over the projected values are those over the fully parsed input.
/// </summary>
public sealed class JqProjectionTests
{
    /// <summary>Inputs with nesting, arrays of objects, duplicate and escaped keys, unicode and odd numbers.</summary>
    private const string Inputs = """
        {"a":{"b":1,"c":[1,2,{"d":"x"}],"e":{"f":null}},"n":3,"s":"héllo \u00e9 😀","xs":[1,2,3],"items":[{"name":"p","v":1,"skip":{"deep":[1,2]}},{"name":"q","v":2}],"big":100000000000000000000,"f":1.000}
        {"a":[{"b":2},{"b":3}],"n":null,"xs":[],"items":[],"\u0061x":"escaped key","dup":1,"dup":2}
        {"a":"a string","n":0,"xs":{"k":1},"items":{"name":"obj"}}
        [1,{"a":2}]
        "top"
        42
        null
        {"a":{"b":{"b":{"b":7}}},"archived":false,"owner":{"login":"acme","id":1},"topics":["Go","API"],"license":{"spdx_id":"MIT","key":"mit"},"name":"svc"}
        """;

    public static TheoryData<string> Programs =>
    [
        ".",
        "..",
        "paths",
        "[paths]",
        "keys",
        "has(\"a\")",
        "to_entries",
        "del(.a)",
        "getpath([\"a\",\"b\"])",
        "$__loc__",
        "{loc: $__loc__, a: .a}",
        "empty",
        ".a",
        ".a.b",
        ".a.b.b.b",
        ".a[]?",
        ".a[0]?",
        ".a.c[2].d?",
        ".items[]?.name",
        ".items | map(.name)?",
        ".xs[1:]?",
        ".nope",
        ".a | keys?",
        ".a.e | has(\"f\")?",
        ".a | to_entries?",
        ".a | paths?",
        "[.a | ..]",
        ".ax, .dup",
        ".s, .big, .f",
        "select(.n != null) | .a",
        "if .n then .a else .xs end",
        "if .n then .s end",
        ".a as $x | $x.b?",
        ". as $root | .a | $root.n",
        "reduce .xs[]? as $x (0; . + $x)",
        "[foreach .xs[]? as $x (0; . + $x)]",
        "def f: .a; f",
        "def g(x): x | .b?; g(.a)",
        "try .a.b catch .",
        ".a.b?",
        "[.a.b, .n] | length",
        ".a // .n",
        "\"\\(.n) \\(.a.b?)\"",
        "{name, n: (.n // 0), first: .xs[0]?}",
        "select(.archived | not) | {identifier: .name, owner: (\"team-\" + .owner.login), topics: (.topics | map(ascii_downcase)), license: (.license.spdx_id // null)}",
        ".[0]?",
        "label $out | .a | ., break $out",
        ".a |= 1",
        "tostream",
        "length",
    ];

    [Theory]
    [MemberData(nameof(Programs))]
    public void ProjectedInput_SameOutputsAndErrorsAsFullParse(string program)
    {
        var filter = JqFilter.Compile(program);
        var projection = JqProjection.For(program);
        var bytes = Encoding.UTF8.GetBytes(Inputs);

        var full = Run(filter, JqValue.ParseMany(bytes));
        var projected = Run(filter, ProjectedJsonReader.ParseMany(bytes, projection));

        Assert.Equal(full, projected);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("paths")]
    [InlineData("keys")]
    [InlineData("has(\"a\")")]
    [InlineData("to_entries")]
    [InlineData("del(.a)")]
    [InlineData("getpath([\"a\"])")]
    [InlineData("length")]
    [InlineData("input")]
    [InlineData("[., input]")]
    [InlineData("[inputs]")]
    [InlineData(".a, .")]
    [InlineData(". as $x | 1")]
    [InlineData("def f: 1; f")]
    [InlineData("tostream")]
    public void For_ProgramThatMayReadTheWholeInput_IsNull(string program)
    {
        Assert.Null(JqProjection.For(program));
    }

    [Theory]
    [InlineData("empty", "{}")]
    [InlineData("$__loc__", "{}")]
    [InlineData(".a.b", "{a:{b}}")]
    [InlineData(".a.b, .a", "{a}")]
    [InlineData(".items[].name", "{items:{[]:{name}}}")]
    [InlineData(".a | keys", "{a}")]
    [InlineData("select(.n > 1) | .a.c[0]", "{a:{c:{[]:*}},n}")]
    [InlineData(".a.x as $v | .b", "{a:{x},b}")]
    public void For_ChainsOfKeys_KeepOnlyWhatIsRead(string program, string expected)
    {
        Assert.Equal(expected, JqProjection.For(program)?.ToString());
    }

    [Fact]
    public void For_BenchmarkMapping_KeepsItsElevenFields()
    {
        var program = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "benchmarks", "jq", "map.jq"));

        var projection = JqProjection.For(program);

        Assert.Equal("{archived,description,full_name,html_url,language,license:{spdx_id},name,owner:{login},stargazers_count,topics:{[]:*},visibility}", projection?.ToString());
    }

    [Fact]
    public void ParseMany_InvalidJsonInASkippedMember_SameErrorAsFullParse()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"a\":1,\"skip\":{\"x\":[1,2,}}\n");
        var projection = JqProjection.For(".a");
        Assert.NotNull(projection);

        var full = Assert.Throws<JqException>(() => JqValue.ParseMany(bytes, "in.json").ToList());
        var projected = Assert.Throws<JqException>(() => ProjectedJsonReader.ParseMany(bytes, projection, "in.json").ToList());

        Assert.Equal(full.Message, projected.Message);
    }

    [Fact]
    public void ParseMany_DeepSkippedMember_DepthLimitErrorAsFullParse()
    {
        var deep = new string('[', JqJsonReader.MaxDepth + 1) + new string(']', JqJsonReader.MaxDepth + 1);
        var bytes = Encoding.UTF8.GetBytes("{\"a\":1,\"skip\":" + deep + "}");
        var projection = JqProjection.For(".a");

        var full = Assert.Throws<JqException>(() => JqValue.ParseMany(bytes).ToList());
        var projected = Assert.Throws<JqException>(() => ProjectedJsonReader.ParseMany(bytes, projection).ToList());

        Assert.Equal(full.Message, projected.Message);
    }

    private static List<string> Run(JqFilter filter, IEnumerable<JqValue> inputs)
    {
        var results = new List<string>();
        var options = new JqRunOptions { InputFileName = "in.json" };
        foreach (var input in inputs)
        {
            try
            {
                foreach (var output in filter.Run(input, options))
                {
                    results.Add(output.ToJson());
                }
            }
            catch (JqException ex)
            {
                results.Add("error: " + ex.Message);
            }
        }

        return results;
    }
}
