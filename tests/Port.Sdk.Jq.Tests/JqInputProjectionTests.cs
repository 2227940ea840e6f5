using System.Text;
using System.Text.Json;

namespace Port.Sdk.Jq.Tests;

/// <summary>
/// Issue 15: converting only the fields a mapping reads. The static analysis lists the paths a program reads, and the
/// projected conversion gives every program the same outputs and errors as the full one.
/// </summary>
public sealed class JqInputProjectionTests
{
    private const string Mapping = """
        select(.archived | not)
        | {
            identifier: .name,
            title: (.full_name // .name),
            blueprint: "service",
            properties: {
              url: .html_url,
              description: (.description // ""),
              language: (.language // "unknown"),
              stars: .stargazers_count,
              topics: (.topics | map(ascii_downcase)),
              owner: ("team-" + .owner.login),
              license: (.license.spdx_id // null)
            },
            relations: {organization: .owner.login}
          }
        """;

    private const string Repository = """
        {"id":100000007,"name":"payments-api-7","full_name":"acme/payments-api-7","private":false,"owner":{"login":"acme","id":424242,"type":"Organization"},"html_url":"https://github.com/acme/payments-api-7","description":null,"stargazers_count":7,"language":"TypeScript","license":{"key":"mit","spdx_id":"MIT"},"topics":["Payments","PCI"],"visibility":"public","archived":false}
        """;

    [Fact]
    public void InputProjection_PortMapping_ListsThePathsRead()
    {
        var projection = JqFilter.Compile(Mapping).InputProjection;

        Assert.False(projection.IsWholeInput);
        Assert.Equal(
            [".archived | type", ".description", ".full_name", ".html_url", ".language", ".license.spdx_id", ".name", ".owner.login", ".stargazers_count", ".topics[]"],
            projection.Paths);
    }

    [Fact]
    public void Parse_PortMapping_SkipsWhatIsNotRead()
    {
        var filter = JqFilter.Compile(Mapping);
        var utf8 = Encoding.UTF8.GetBytes(Repository);

        var projected = filter.InputProjection.Parse(utf8);

        Assert.Equal(
            """{"name":"payments-api-7","full_name":"acme/payments-api-7","owner":{"login":"acme"},"html_url":"https://github.com/acme/payments-api-7","description":null,"stargazers_count":7,"language":"TypeScript","license":{"spdx_id":"MIT"},"topics":["Payments","PCI"],"archived":false}""",
            projected.ToJson());
        Assert.Equal(filter.First(JqValue.Parse(utf8))!.Value.ToJson(), filter.First(projected)!.Value.ToJson());
    }

    [Theory]
    [InlineData(".")]
    [InlineData(".a, .")]
    [InlineData("keys")]
    [InlineData("to_entries")]
    [InlineData("tojson")]
    [InlineData("..")]
    [InlineData("[paths]")]
    [InlineData("length")]
    [InlineData("reduce .[] as $x (0; . + $x)")]
    [InlineData("def f: .a; f")]
    [InlineData(".[.key]")]
    [InlineData(". as $all | .a | $all")]
    [InlineData(". == {}")]
    public void InputProjection_ProgramReadingEverything_IsWholeInput(string program)
    {
        var projection = JqFilter.Compile(program).InputProjection;

        Assert.True(projection.IsWholeInput, $"{program}: {projection}");
        Assert.Equal(["."], projection.Paths);
    }

    [Theory]
    [InlineData(".a.b", ".a.b")]
    [InlineData(".a | .b, .c", ".a.b, .a.c")]
    [InlineData(". as $r | .a | {x: $r.b.c}", ".a | type, .b.c")]
    [InlineData("if .kind == \"x\" then .a else .b end", ".a, .b, .kind")]
    [InlineData(".items[] | select(.enabled) | .name", ".items[].enabled | type, .items[].name")]
    [InlineData(".a | length", ".a")]
    [InlineData("\"\\(.first) \\(.last)\"", ".first, .last")]
    [InlineData("{\"weird key\": .[\"weird key\"]}", ".[\"weird key\"]")]
    [InlineData("$__loc__", ". | type")]
    [InlineData(".[] | .id", ".[].id")]
    public void InputProjection_Program_ListsItsPaths(string program, string paths)
        => Assert.Equal(paths, JqFilter.Compile(program).InputProjection.ToString());

    [Fact]
    public void Union_TwoFilters_ReadsWhatEitherReads()
    {
        var union = JqInputProjection.Union([JqFilter.Compile(".name").InputProjection, JqFilter.Compile(".owner.login").InputProjection]);

        Assert.Equal([".name", ".owner.login"], union.Paths);
        Assert.True(JqInputProjection.Union([JqFilter.Compile(".name").InputProjection, JqFilter.Compile("keys").InputProjection]).IsWholeInput);
        Assert.Throws<ArgumentNullException>("projections", () => JqInputProjection.Union(null!));
    }

    [Theory]
    [InlineData(".a.b", """{"a": [1, 2]}""")]
    [InlineData(".a[0]", """{"a": {"x": 1}}""")]
    [InlineData(".a.b + 1", """{"a": {"b": {"deep": [1, 2, 3]}}}""")]
    [InlineData(".a[]", """{"a": 5}""")]
    [InlineData(".a | ascii_downcase", """{"a": {"b": 1}}""")]
    public void Parse_ProgramFailingOnTheInput_FailsWithTheSameMessage(string program, string json)
    {
        var filter = JqFilter.Compile(program);
        var utf8 = Encoding.UTF8.GetBytes(json);

        var full = Assert.ThrowsAny<JqException>(() => filter.Run(JqValue.Parse(utf8)).ToList());
        var projected = Assert.ThrowsAny<JqException>(() => filter.Run(filter.InputProjection.Parse(utf8)).ToList());

        Assert.Equal(full.Message, projected.Message);
    }

    [Theory]
    [InlineData("{\"a\": 1")]
    [InlineData("{\"a\": 1} {\"a\": 2}")]
    [InlineData("{'a': 1}")]
    public void Parse_InvalidJson_FailsAsTheFullParserDoes(string json)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        var projection = JqFilter.Compile(".a").InputProjection;

        var full = Assert.ThrowsAny<JqException>(() => JqValue.Parse(utf8));
        var projected = Assert.ThrowsAny<JqException>(() => projection.Parse(utf8));

        Assert.Equal(full.Message, projected.Message);
    }

    [Fact]
    public void Parse_NaNLiteralInInput_ReadsItAsJqDoes()
    {
        var projection = JqFilter.Compile(".a").InputProjection;

        Assert.Equal("""{"a":null,"b":[1]}""", projection.Parse("""{"a": NaN, "b": [1]}"""u8).ToJson());
    }

    [Fact]
    public void Convert_JsonElement_MatchesParse()
    {
        using var document = JsonDocument.Parse(Repository);
        var projection = JqFilter.Compile(Mapping).InputProjection;

        Assert.Equal(projection.Parse(Encoding.UTF8.GetBytes(Repository)).ToJson(), projection.Convert(document.RootElement).ToJson());
    }

    /// <summary>Generated programs over generated documents: the projected input gives the same outputs or the same error as the whole input.</summary>
    [Fact]
    public void Run_GeneratedPrograms_ProjectedAndFullInputsAgree()
    {
        var random = new Random(15);
        var documents = Enumerable.Range(0, 6).Select(_ => Encoding.UTF8.GetBytes(RandomJson(random, 0).ToJson())).ToList();
        var projectedPrograms = 0;
        for (var i = 0; i < 1500; i++)
        {
            var program = RandomProgram(random, 0);
            if (!JqFilter.TryCompile(program, out var filter, out _))
            {
                continue;
            }

            if (!filter.InputProjection.IsWholeInput)
            {
                projectedPrograms++;
            }

            foreach (var document in documents)
            {
                var full = Outcome(filter, JqValue.Parse(document));
                var projected = Outcome(filter, filter.InputProjection.Parse(document));
                Assert.True(full == projected, $"program {program} on {Encoding.UTF8.GetString(document)} ({filter.InputProjection}):\nfull:      {full}\nprojected: {projected}");
            }
        }

        // Most generated programs read only part of the input, so the comparison exercises the projection.
        Assert.True(projectedPrograms > 750, $"only {projectedPrograms} of 1500 programs were projected");
    }

    private static string Outcome(JqFilter filter, JqValue input)
    {
        var outputs = new StringBuilder();
        try
        {
            foreach (var output in filter.Run(input, new JqRunOptions { MaxSteps = 100_000, MaxOutputs = 1_000 }))
            {
                outputs.Append(output.ToJson()).Append('\n');
            }
        }
        catch (JqException ex)
        {
            outputs.Append("error: ").Append(ex.Message);
        }

        return outputs.ToString();
    }

    private static readonly string[] Keys = ["a", "b", "name", "tags", "owner"];

    private static JqValue RandomJson(Random random, int depth)
    {
        var choice = depth > 3 ? random.Next(5) : random.Next(8);
        switch (choice)
        {
            case 0:
                return JqValue.Null;
            case 1:
                return random.Next(2) == 0 ? JqValue.True : JqValue.False;
            case 2:
                return JqValue.FromNumber(random.Next(-3, 10));
            case 3 or 4:
                return JqValue.FromString(Keys[random.Next(Keys.Length)] + random.Next(3));
            case 5:
                return JqValue.FromArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => RandomJson(random, depth + 1))]);
            default:
                {
                    var obj = new JqObject();
                    foreach (var key in Keys.Where(_ => random.Next(3) > 0))
                    {
                        obj = obj.With(key, RandomJson(random, depth + 1));
                    }

                    return JqValue.FromObject(obj);
                }
        }
    }

    private static string RandomProgram(Random random, int depth)
    {
        string Sub() => RandomProgram(random, depth + 1);
        string Key() => Keys[random.Next(Keys.Length)];
        var choice = depth > 3 ? random.Next(6) : random.Next(30);
        return choice switch
        {
            0 => "." + Key(),
            1 => "." + Key() + "." + Key(),
            2 => ".[]?",
            3 => "\"" + Key() + "\"",
            4 => random.Next(5).ToString(System.Globalization.CultureInfo.InvariantCulture),
            5 => "." + Key() + "[0]?",
            6 => $"({Sub()} // {Sub()})",
            7 => $"({Sub()} | {Sub()})",
            8 => $"{{{Key()}: {Sub()}, {Key()}: {Sub()}}}",
            9 => $"[{Sub()}]",
            10 => $"select({Sub()})",
            11 => $"(.{Key()} | map({Sub()}))",
            12 => $"({Sub()} == {Sub()})",
            13 => $"({Sub()} and {Sub()})",
            14 => $"({Sub()} + {Sub()})",
            15 => $"if {Sub()} then {Sub()} else {Sub()} end",
            16 => $"({Sub()} | not)",
            17 => $"({Sub()} | type)",
            18 => $"({Sub()} | length)",
            19 => $"\"x\\({Sub()})\"",
            20 => $"({Sub()})?",
            21 => $"({Sub()} as $v | {{v: $v, w: {Sub()}}})",
            22 => $"({Sub()} | tostring)",
            23 => $"try {Sub()} catch .",
            24 => $"({Sub()}, {Sub()})",
            25 => $"(.{Key()} | keys?)",
            26 => $"(.{Key()} | .[]?)",
            27 => $"({Sub()} | {{{Key()}}})",
            28 => $"(. as $r | .{Key()} | $r.{Key()})",
            _ => $"(.{Key()} // empty)",
        };
    }
}
