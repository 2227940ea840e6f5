using System.Text;

namespace Port.Sdk.Jq.Tests.Limits;

/// <summary>Issue 13: the limits of a run are on by default, end in <see cref="JqLimitException"/>, and jq's <c>try</c> cannot catch them.</summary>
public sealed class JqLimitsTests
{
    private static List<string> Run(string program, string input = "null", JqRunOptions? options = null, JqOptions? compile = null)
        => [.. JqFilter.Compile(program, compile).Run(JqValue.Parse(input), options).Select(v => v.ToJson())];

    [Fact]
    public void Defaults_AreBounded()
    {
        var options = new JqRunOptions();

        Assert.Equal(100_000_000, options.MaxSteps);
        Assert.Equal(10_000_000, options.MaxOutputs);
        Assert.Equal(10_000, options.MaxDepth);
        Assert.Equal(10_000_000, options.MaxCollectionLength);
        Assert.Equal(50_000_000, options.MaxStringLength);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RegexMatchTimeout);
        Assert.Equal(1_000, new JqOptions().MaxDepth);
    }

    [Theory]
    [InlineData("[repeat(1)]", JqLimit.CollectionLength, "built an array or object of more than 1000 items")]
    [InlineData("[range(1e9)]", JqLimit.CollectionLength, "built an array or object of more than 1000 items")]
    [InlineData("reduce range(1e9) as $i ([]; . + [$i])", JqLimit.CollectionLength, "built an array or object of more than 1000 items")]
    [InlineData("setpath([5000]; 1)", JqLimit.CollectionLength, "built an array or object of more than 1000 items (5001; MaxCollectionLength)")]
    [InlineData("reduce range(40) as $i ([1]; [., .]) | flatten", JqLimit.CollectionLength, "more than 1000 items")]
    [InlineData("\"abc\" * 1e6", JqLimit.StringLength, "built a string of more than 1000 characters")]
    [InlineData("reduce range(1e9) as $i (\"\"; . + \"xy\")", JqLimit.StringLength, "built a string of more than 1000 characters")]
    [InlineData("[range(600) | \"xy\"] | join(\",\")", JqLimit.StringLength, "built a string of more than 1000 characters")]
    [InlineData("reduce range(30) as $i ([1]; [., .]) | tojson", JqLimit.StringLength, "built a string of more than 1000 characters")]
    [InlineData("[range(600) | \"ab\"] | add | gsub(\"a\"; \"xyz\")", JqLimit.StringLength, "built a string of more than 1000 characters")]
    [InlineData("reduce range(60) as $i ([1]; [., .]) | . == .", JqLimit.Steps, "step budget of 100000 (MaxSteps)")]
    public void GrowingValue_EndsWithTheLimitError(string program, JqLimit limit, string message)
    {
        var options = new JqRunOptions { MaxCollectionLength = 1_000, MaxStringLength = 1_000, MaxSteps = 100_000 };

        var ex = Assert.Throws<JqLimitException>(() => Run(program, options: options));

        Assert.Equal(limit, ex.Limit);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("try ([repeat(1)]) catch \"caught\"")]
    [InlineData("[(\"abc\" * 1e6)?]")]
    [InlineData("try (reduce range(40) as $i ([1]; [., .]) | flatten) catch \"caught\"")]
    [InlineData("label $out | try ([range(1e9)]) catch (\"caught\", break $out)")]
    public void SizeLimits_CannotBeCaughtByTry(string program)
    {
        var options = new JqRunOptions { MaxCollectionLength = 1_000, MaxStringLength = 1_000 };

        Assert.Throws<JqLimitException>(() => Run(program, options: options));
    }

    [Fact]
    public void ValuesGivenAsInput_AreNotLimitedBySize()
    {
        var input = "[" + string.Join(',', Enumerable.Range(0, 5_000)) + "]";

        Assert.Equal(["5000"], Run("length", input, new JqRunOptions { MaxCollectionLength = 1_000 }));
    }

    [Fact]
    public void ManualExample_RepeatUntilError_IsTwo()
    {
        Assert.Equal(["[2]"], Run("[repeat(.*2, error)?]", "1"));
    }

    [Fact]
    public void Repeat_FollowsJq182Definition()
    {
        // def repeat(f): def _repeat: f, _repeat; _repeat; — f of the same input, again and again (jq 1.6 agrees).
        Assert.Equal(["[2,2,2,2,2]"], Run("[limit(5; repeat(.*2))]", "1"));
        Assert.Equal(["[1,2,1,2,1]"], Run("[limit(5; repeat(1, 2))]"));
        Assert.Equal(["[1,2,4,8]"], Run("[while(. < 10; . * 2)]", "1"));
    }

    [Fact]
    public void Repeat_WithNoOutputs_EndsAtTheStepBudget()
    {
        var ex = Assert.Throws<JqLimitException>(() => Run("[repeat(empty)]", options: new JqRunOptions { MaxSteps = 50_000 }));

        Assert.Equal(JqLimit.Steps, ex.Limit);
        Assert.Equal(50_000, ex.Maximum);
    }

    [Theory]
    [InlineData("[1, {\"a\": 1}]", "[{\"a\": 1}]", "true")]
    [InlineData("[1, {\"a\": 1}]", "[1]", "true")]
    [InlineData("[1, {\"a\": 1}]", "[{\"b\": 1}]", "false")]
    [InlineData("[1, {\"a\": 1}]", "[\"1\"]", "false")]
    [InlineData("{\"a\": [1, {\"b\": 2}], \"c\": \"x\"}", "{\"a\": [{\"b\": 2}]}", "true")]
    [InlineData("[true, null]", "[false]", "false")]
    [InlineData("[[1, [2]], \"text\"]", "[[[2]], \"ex\"]", "true")]
    public void Contains_MixedArrays_AnswersAsJq18(string input, string argument, string expected)
    {
        Assert.Equal([expected], Run($"contains({argument})", input));
        Assert.Equal([expected], Run($"{argument} | inside({input})"));
    }

    [Theory]
    [InlineData("\"a\" | contains(1)", "string (\"a\") and number (1) cannot have their containment checked")]
    [InlineData("true | contains(false)", "boolean (true) and boolean (false) cannot have their containment checked")]
    public void Contains_DifferentKindsAtTheTop_IsJqError(string program, string message)
    {
        Assert.Equal([$"\"{message.Replace("\"", "\\\"", StringComparison.Ordinal)}\""], Run($"try ({program}) catch ."));
    }

    [Fact]
    public void DeepValue_OperationsRunOrFailWithJqErrors()
    {
        // 9,000 levels (the parser allows 10,000) on a 1 MB stack: each operation answers, or fails with a jq error or the
        // depth limit, and the host thread survives.
        var deep = new string('[', 9_000) + new string(']', 9_000);
        string?[] programs =
        [
            "contains([[[]]])", "[[[]]] | inside(.)", "flatten | length", ". == .", "[., .] | sort | length", "tojson | length",
            "[paths] | length", "del(.[0][0]) | tojson | length", "[..] | length", "unique | length", "[tostream] | length",
            "walk(.) | tojson | length", ". < [[1]]", "getpath([0, 0, 0]) | length",
        ];
        var outcomes = new List<string>();
        var thread = new Thread(
            () =>
            {
                foreach (var program in programs)
                {
                    try
                    {
                        outcomes.Add($"{program} => {string.Join(',', Run(program!, deep))}");
                    }
                    catch (JqException ex)
                    {
                        outcomes.Add($"{program} => {ex.GetType().Name}");
                    }
                }
            },
            maxStackSize: 1024 * 1024);
        thread.Start();
        thread.Join();

        Assert.Equal(programs.Length, outcomes.Count);
        Assert.Contains("contains([[[]]]) => true", outcomes);
        Assert.Contains("[..] | length => 9000", outcomes);
    }

    [Fact]
    public void DeepValueBuiltByProgram_ContainsFlattenEquality_FailWithDepthLimit()
    {
        foreach (var operation in new[] { "contains(.)", ". == .", "[., .] | sort", "inside(.)", "[., .] | unique" })
        {
            var ex = Record.Exception(() => Run($"reduce range(100000) as $i (0; [.]) | {operation}"));

            // Beyond 10,000 levels jq's own errors (Containment check too deep, Equality check too deep), or the stack guard.
            Assert.True(
                ex is JqLimitException { Limit: JqLimit.Depth } || (ex is JqException && ex.Message.Contains("too deep", StringComparison.Ordinal)),
                $"{operation}: {ex?.GetType().Name ?? "no error"}: {ex?.Message}");
        }
    }

    [Fact]
    public void DeepValueBuiltByProgram_PrintsAsJqDoes()
    {
        Assert.Equal(["true"], Run("reduce range(100000) as $i (0; [.]) | tojson | test(\"^\\\\[{10001}<skipped: too deep>\\\\]{10001}$\")"));
    }

    [Fact]
    public void QuadraticAppend_SpendsTheStepBudget()
    {
        // Each + copies what was built so far: the copies count as work, so the step budget bounds the time.
        var ex = Assert.Throws<JqLimitException>(() => Run("reduce range(1e9) as $i (\"\"; . + \"0123456789\")", options: new JqRunOptions { MaxSteps = 1_000_000 }));

        Assert.Equal(JqLimit.Steps, ex.Limit);
    }

    [Fact]
    public void RegexTimeout_IsJqErrorWithPattern_CatchableByTry()
    {
        var input = "\"" + new string('a', 50_000) + "!\"";
        var options = new JqRunOptions { RegexMatchTimeout = TimeSpan.FromMilliseconds(100) };

        var ex = Assert.Throws<JqException>(() => Run("test(\"(a+)+$\")", input, options));
        Assert.StartsWith("\"(a+)+$\" (at offset 0) timed out after 0.1 s matching a string of 50001 characters (RegexMatchTimeout)", ex.Message, StringComparison.Ordinal);

        Assert.Equal(["\"caught\""], Run("try test(\"(a+)+$\") catch \"caught\"", input, options));
        Assert.Equal(["\"caught\""], Run("try gsub(\"(a+)+$\"; \"x\") catch \"caught\"", input, options));
        Assert.Equal(["\"caught\""], Run("try [match(\"(a+)+$\"; \"g\")] catch \"caught\"", input, options));
    }

    [Theory]
    [InlineData("1e20 | todate", "gmtime() cannot represent 1e+20: dates must be in the years 1 to 9999")]
    [InlineData("-1e20 | gmtime", "gmtime() cannot represent -1e+20: dates must be in the years 1 to 9999")]
    [InlineData("[1e20, 0, 1, 0, 0, 0, 0, 0] | mktime", "mktime cannot represent the date [1E+20,0,1,0,0,0,0,0]: dates must be in the years 1 to 9999")]
    [InlineData("[2024, 1e10, 1, 0, 0, 0, 0, 0] | mktime", "mktime cannot represent the date [2024,1E+10,1,0,0,0,0,0]: dates must be in the years 1 to 9999")]
    [InlineData("[9999, 11, 31, 1e12, 0, 0, 0, 0] | mktime", "mktime cannot represent the date [9999,11,31,1E+12,0,0,0,0]: dates must be in the years 1 to 9999")]
    [InlineData("[9999, 11, 31, 23, 59, 59, 0, 0] | todate | . + \"!\" | strptime(\"%Y-%m-%dT%H:%M:%SZ!\") | mktime | . + 1e9 | todate", "gmtime() cannot represent 254402300799: dates must be in the years 1 to 9999")]
    public void ImpossibleDates_AreJqErrors(string program, string message)
    {
        Assert.Equal(message, Assert.Throws<JqException>(() => Run(program)).Message);
        Assert.Equal(["\"caught\""], Run($"try ({program}) catch \"caught\""));
    }

    [Fact]
    public void Gsub_LargeString_IsLinearAndExact()
    {
        var input = "\"" + string.Concat(Enumerable.Repeat("ab", 500_000)) + "\"";

        var result = JqFilter.Compile("gsub(\"a\"; \"x\") | [length, .[0:6], (explode | map(select(. == 120)) | length)]").First(JqValue.Parse(input));

        Assert.Equal("[1000000,\"xbxbxb\",500000]", result!.Value.ToJson());
    }

    [Fact]
    public void Gsub_HonoursCancellation()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var input = JqValue.FromString(new string('a', 100_000));

        Assert.Throws<OperationCanceledException>(() => JqFilter.Compile("gsub(\"a\"; \"b\")").Run(input, new JqRunOptions { CancellationToken = cancellation.Token }).ToList());
    }

    [Fact]
    public void RegexCache_IsBounded()
    {
        var filter = JqFilter.Compile("[range(2000) | tostring | . as $p | \"x\" | test(\"x|\" + $p)] | all");

        Assert.Equal(JqValue.True, filter.First(JqValue.Null));
        Assert.InRange(Functions.Regexes.CachedPatterns, 1, Functions.RegexCache.DefaultCapacity);
    }

    [Fact]
    public void Documentation_LimitsSnippet_Runs()
    {
        // The snippet of docs/jq.md, "Limits": keep the two in step.
        var filter = JqFilter.Compile("[.items[] | {identifier: .name}]");
        var options = new JqRunOptions
        {
            MaxSteps = 1_000_000,
            MaxOutputs = 1_000,
            MaxDepth = 1_000,
            MaxCollectionLength = 100_000,
            MaxStringLength = 1_000_000,
            RegexMatchTimeout = TimeSpan.FromMilliseconds(500),
        };
        var item = JqValue.Parse(Encoding.UTF8.GetBytes("""{"items": [{"name": "api"}]}"""));
        string? failure = null;
        try
        {
            foreach (var entity in filter.Run(item, options))
            {
                Console.WriteLine(entity);
            }
        }
        catch (JqLimitException ex)
        {
            failure = $"limit {ex.Limit} ({ex.Maximum}): {ex.Message}";
        }
        catch (JqException ex)
        {
            failure = ex.Message;
        }

        Assert.Null(failure);
    }
}
