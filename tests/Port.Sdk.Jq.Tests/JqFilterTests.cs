using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Port.Sdk.Jq.Tests;

public sealed class JqFilterTests
{
    private static IReadOnlyList<string> Run(string program, string input = "null", JqRunOptions? options = null, JqOptions? compile = null)
        => [.. JqFilter.Compile(program, compile).Run(JqValue.Parse(input), options).Select(v => v.ToJson())];

    [Fact]
    public void Run_PortStyleMapping_BuildsEntity()
    {
        const string Repository = """{"id": 123456789012345678901, "name": "payments-api", "full_name": "acme/payments-api", "language": null, "topics": ["pci", "dotnet"], "archived": false, "html_url": "https://github.com/acme/payments-api"}""";

        var outputs = Run(
            """{identifier: .name, title: (.full_name // .name), properties: {url: .html_url, language: (.language // "unknown"), topics: (.topics | map(ascii_upcase)), id: .id}} | select(.properties.url | startswith("https://"))""",
            Repository);

        Assert.Equal(["""{"identifier":"payments-api","title":"acme/payments-api","properties":{"url":"https://github.com/acme/payments-api","language":"unknown","topics":["PCI","DOTNET"],"id":123456789012345678901}}"""], outputs);
    }

    [Theory]
    [InlineData("100000000000000000001", "100000000000000000001")]
    [InlineData("1.000", "1.000")]
    [InlineData("1e1000", "1E+1000")]
    [InlineData("13911860366432393", "13911860366432393")]
    public void Run_NumberPassedThrough_KeepsLiteralPrecision(string input, string expected)
    {
        Assert.Equal([expected], Run(".", input));
        Assert.Equal([expected], Run("[.] | .[0]", input));
    }

    [Fact]
    public void Run_Arithmetic_ConvertsToDouble()
    {
        Assert.Equal(["13911860366432392"], Run(". + 0", "13911860366432393"));
    }

    [Fact]
    public void Run_IsLazy_StopsWhenTheConsumerStops()
    {
        var filter = JqFilter.Compile("range(1e18)");

        Assert.Equal([0d, 1d, 2d], filter.Run(JqValue.Null).Take(3).Select(v => v.Number));
    }

    [Theory]
    [InlineData("1 +", 1, 4, "unexpected end of program, expected a term")]
    [InlineData(".a | {b: }", 1, 10, "unexpected '}', expected a term")]
    [InlineData("[1, 2", 1, 6, "unexpected end of program, expected ']'")]
    [InlineData(".a |\n  foo(1)", 2, 3, "foo/1 is not defined")]
    [InlineData("$undefined", 1, 1, "$undefined is not defined")]
    [InlineData("if . then 1", 1, 12, "expected 'elif', 'else' or 'end'")]
    public void Compile_SyntaxError_GivesLineColumnCaretAndExpectation(string program, int line, int column, string reason)
    {
        var ex = Assert.Throws<JqParseException>(() => JqFilter.Compile(program));

        Assert.Equal(line, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        var lines = ex.Message.Split(Environment.NewLine);
        Assert.Equal(new string(' ', 4 + column - 1) + "^", lines[^1]);
        Assert.False(JqFilter.TryCompile(program, out _, out var error));
        Assert.Equal(ex.Message, error.Message);
    }

    [Theory]
    [InlineData(".foo", "5", "Cannot index number with string (\"foo\")")]
    [InlineData(".[0]", "{}", "Cannot index object with number (0)")]
    [InlineData(".[]", "true", "Cannot iterate over boolean (true)")]
    [InlineData(". + 1", "\"a\"", "string (\"a\") and number (1) cannot be added")]
    [InlineData("error(\"custom\")", "null", "custom")]
    public void Run_RuntimeError_HasJqWordingAndIsCatchable(string program, string input, string message)
    {
        var ex = Assert.Throws<JqException>(() => Run(program, input));

        Assert.Equal(message, ex.Message);
        Assert.Equal([JqValue.FromString(message).ToJson()], Run($"try ({program}) catch .", input));
    }

    [Fact]
    public void Run_InfiniteRecursion_EndsWithLimitError()
    {
        var ex = Assert.Throws<JqLimitException>(() => Run("def f: f; f", options: new JqRunOptions { MaxDepth = 2_000 }));

        Assert.Contains("recursion depth limit of 2000 (MaxDepth)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_HugeLimit_EndsWithStepBudgetError()
    {
        var ex = Assert.Throws<JqLimitException>(() => Run("[limit(1e9; repeat(1))]", options: new JqRunOptions { MaxSteps = 1_000_000 }));

        Assert.Contains("step budget of 1000000 (MaxSteps)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_LimitErrors_CannotBeCaughtByTry()
    {
        Assert.Throws<JqLimitException>(() => Run("try ([limit(1e9; repeat(1))]) catch \"caught\"", options: new JqRunOptions { MaxSteps = 10_000 }));
    }

    [Fact]
    public void Run_OutputLimit_Enforced()
    {
        var ex = Assert.Throws<JqLimitException>(() => Run("range(100)", options: new JqRunOptions { MaxOutputs = 10 }));

        Assert.Contains("more than 10 outputs (MaxOutputs)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Cancelled_ThrowsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => Run("[range(1e7)] | length", options: new JqRunOptions { CancellationToken = cancellation.Token }));
    }

    [Fact]
    public void Parse_InputNested100000Levels_IsAJqError()
    {
        var deep = new StringBuilder().Append('[', 100_000).Append(']', 100_000).ToString();

        var ex = Assert.Throws<JqException>(() => JqValue.Parse(deep));
        Assert.Contains("Exceeds depth limit for parsing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_RecursionOverValueNested100000Levels_EndsWithError()
    {
        const string Program = "reduce range(100000) as $_ ([]; [.]) | def depth: if length > 0 then .[0] | depth + 1 else 0 end; depth";

        Assert.Throws<JqLimitException>(() => Run(Program));
        Assert.Equal(["100001"], Run("reduce range(100000) as $_ ([]; [.]) | [..] | length"));
        Assert.Contains("<skipped: too deep>", Run("reduce range(100000) as $_ ([]; [.]) | tojson")[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Registry_TypedFunctions_AreCallableAndChecked()
    {
        var functions = new JqFunctionRegistry()
            .Register("slug", (JqValue input) => JqValue.FromString(input.String.ToLowerInvariant().Replace(' ', '-')))
            .Register("pad", (JqValue _, string text, long width) => JqValue.FromString(text.PadLeft((int)width, '0')));
        var options = new JqOptions { Functions = functions };

        Assert.Equal(["\"payments-api\""], Run(".name | slug", """{"name": "Payments API"}""", compile: options));
        Assert.Equal(["\"007\"", "\"0007\""], Run("pad(\"7\"; 3, 4)", compile: options));
        var ex = Assert.Throws<JqException>(() => Run("pad(7; 3)", compile: options));
        Assert.Equal("pad/2: argument 1 must be a string, got number (7)", ex.Message);
        Assert.Throws<JqParseException>(() => JqFilter.Compile("slug"));
        Assert.Throws<ArgumentException>("name", () => new JqFunctionRegistry().Register("not valid", (JqValue v) => v));
    }

    [Fact]
    public void Variables_BoundBeforeCompiling_AreRequiredAtRun()
    {
        var compile = new JqOptions();
        compile.VariableNames.Add("integration");
        var filter = JqFilter.Compile("{source: $integration, name: .name}", compile);
        var run = new JqRunOptions();
        run.Variables["integration"] = JqValue.FromString("github");

        Assert.Equal("""{"source":"github","name":"api"}""", filter.First(JqValue.Parse("""{"name":"api"}"""), run)!.Value.ToJson());
        Assert.Throws<ArgumentException>("options", () => filter.Run(JqValue.Null).ToList());
    }

    [Fact]
    public void Environment_NotExposedUnlessGiven()
    {
        Assert.Equal(["{}"], Run("$ENV"));
        var options = new JqRunOptions { Environment = new Dictionary<string, string> { ["HOME"] = "/home/port" } };
        Assert.Equal(["\"/home/port\""], Run("env.HOME", options: options));
    }

    [Fact]
    public void Run_JsonNodeAndJsonElement_RoundTrip()
    {
        var filter = JqFilter.Compile(".items[] | {n: .name}");
        var node = JsonNode.Parse("""{"items": [{"name": "a"}, {"name": "b"}]}""");
        using var document = JsonDocument.Parse("""{"items": [{"name": "c"}]}""");

        Assert.Equal(["""{"n":"a"}""", """{"n":"b"}"""], filter.Run(node).Select(n => n!.ToJsonString()));
        Assert.Equal(["""{"n":"c"}"""], filter.Run(document.RootElement).Select(e => e.GetRawText()));
    }

    [Fact]
    public void Filter_UsedFromManyThreads_GivesSameResults()
    {
        var filter = JqFilter.Compile("[.[] | select(. % 2 == 0) | . * 10] | add");
        var input = JqValue.Parse("[1,2,3,4,5,6]");

        var results = new double[1000];
        Parallel.For(0, results.Length, i => results[i] = filter.First(input)!.Value.Number);

        Assert.All(results, r => Assert.Equal(120, r));
    }

    [Theory]
    [InlineData(".a.b[0]")]
    [InlineData("{identifier: .name, title: (.t // \"x\")}")]
    [InlineData("reduce .[] as $x (0; . + $x)")]
    [InlineData("def f($a): $a + 1; [.[] | f(.)]")]
    [InlineData("if . then 1 elif . == 2 then 2 else 3 end")]
    [InlineData("\"a\\(.b)c\"")]
    [InlineData(". as [$a, {b: $c}] | $a")]
    public void ToString_RoundTrips(string program)
    {
        var normalised = JqFilter.Compile(program).ToString();
        var again = JqFilter.Compile(normalised).ToString();

        Assert.Equal(normalised, again);
    }

    [Theory]
    [InlineData("""{"a":1,"b":[true,false,null,"x\u00e9\"y"],"c":{"d":1.5e300,"e":100000000000000000000000000001},"f":[]}""")]
    [InlineData("[1, 1.0, -0, 3.14159, 1e1000]")]
    [InlineData("\"text\"")]
    public void WriteTo_Utf8JsonWriter_GivesTheSameJsonValueAsToJson(string json)
    {
        var value = JqValue.Parse(json);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            value.WriteTo(writer);
        }

        Assert.Equal(value.ToJson(), JqValue.Parse(buffer.WrittenSpan).ToJson());
    }

    [Fact]
    public void First_HostFunctionRunsAnotherFilter_EachRunKeepsItsOwnState()
    {
        // The single-output path reuses one interpreter and one string builder per thread: a filter run from inside
        // another's run (a host function) must get its own.
        var inner = JqFilter.Compile("\"<\\(.)>\" | ascii_upcase");
        var registry = new JqFunctionRegistry().Register("wrap", v => inner.First(v)!.Value);
        var outer = JqFilter.Compile("{a: \"x\\(.name | wrap)y\\(.name)\", b: (.name | ascii_downcase), c: (.name | ascii_upcase)}", new JqOptions { Functions = registry });

        var first = outer.First(JqValue.Parse("""{"name":"Api"}"""));
        var second = outer.First(JqValue.Parse("""{"name":"web"}"""));

        Assert.Equal("""{"a":"x<API>yApi","b":"api","c":"API"}""", first!.Value.ToJson());
        Assert.Equal("""{"a":"x<WEB>yweb","b":"web","c":"WEB"}""", second!.Value.ToJson());
    }

    [Fact]
    public void First_RepeatedRuns_StartEachWithTheWholeStepBudget()
    {
        var filter = JqFilter.Compile("{identifier: .name, title: (.full_name // .name)}");
        var input = JqValue.Parse("""{"name":"api"}""");
        var options = new JqRunOptions { MaxSteps = 20 };

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("""{"identifier":"api","title":"api"}""", filter.First(input, options)!.Value.ToJson());
        }

        var tight = new JqRunOptions { MaxSteps = 1 };
        var error = Assert.Throws<JqLimitException>(() => filter.First(input, tight));
        Assert.Equal(JqLimit.Steps, error.Limit);
        Assert.Equal("""{"identifier":"api","title":"api"}""", filter.First(input, options)!.Value.ToJson());
    }
}
