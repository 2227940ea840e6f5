using System.Text;

namespace Port.Sdk.Jq.Tests.Limits;

/// <summary>
/// Issue 13, as a host sees it: hostile data and programs through the real <c>port jq</c> in a child process under a
/// 1 GB heap cap. A stack overflow or an unhandled exception would end the child with a signal (134, 139) or a .NET
/// crash report; each case must instead end with its output, or one <c>jq: error</c> line and jq's exit code.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly string DeepInput = new string('[', 9_999) + new string(']', 9_999);

    private static void AssertOneErrorLine(string stderr, string expected)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1 && lines[0].StartsWith("jq: error", StringComparison.Ordinal), $"Expected one 'jq: error' line, got:\n{stderr}");
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
    }

    /// <summary>Programs on an input nested 9,999 levels (the parser allows 10,000): an answer, or the error they end in.</summary>
    public static TheoryData<string, string> DeepInputPrograms => new()
    {
        { "contains([[[]]])", "true" },
        { "[[[]]] | inside(.)", "true" },
        { "flatten", "[]" },
        { ". == .", "true" },
        { "[., .] | sort | length", "2" },
        { "tojson | length", "19998" },
        { "[..] | length", "9999" },
        { "unique | length", "1" },
        { "del(.[0][0]) | tojson | length", "4" },
        { "group_by(.) | length", "1" },
        { "{a: .} | .a < [1]", "false" },
        { "[paths] | length", "error: The jq program ran out of memory" },
        { "[tostream] | length", "error: The jq program ran out of memory" },
        { "walk(.) == .", "error: The jq program exceeded its recursion depth limit of 10000 (MaxDepth)" },
    };

    [Theory]
    [MemberData(nameof(DeepInputPrograms))]
    public void DeepInput_FromStdin_AnswersOrEndsInOneErrorLine(string program, string expected)
    {
        var (code, stdout, stderr) = ChildProcess.PortJq(DeepInput, "-c", program);

        if (expected.StartsWith("error: ", StringComparison.Ordinal))
        {
            Assert.True(code == 2, $"exit {code}: {stderr[..Math.Min(stderr.Length, 2_000)]}");
            AssertOneErrorLine(stderr, expected["error: ".Length..]);
        }
        else
        {
            Assert.True(code == 0, $"exit {code}: {stderr[..Math.Min(stderr.Length, 2_000)]}");
            Assert.Equal(expected + "\n", stdout);
        }
    }

    [Theory]
    [InlineData("contains(.)")]
    [InlineData("inside(.)")]
    [InlineData("flatten | length")]
    [InlineData(". == .")]
    [InlineData("[., .] | sort | length")]
    [InlineData("tojson | length")]
    [InlineData("[paths] | length")]
    [InlineData("del(.[0][0]) | length")]
    [InlineData("[..] | length")]
    [InlineData("walk(.) | length")]
    [InlineData("unique | length")]
    public void DeeperValueBuiltByProgram_EndsInOneErrorLine(string operation)
    {
        // 300,000 levels: far past what any recursion survives; the input parser's 10,000 does not apply to built values.
        var (code, stdout, stderr) = ChildProcess.PortJq(null, "-n", $"reduce range(300000) as $i (0; [.]) | {operation}");

        // Either an answer (the operation runs without recursion) or jq's error / the depth limit: never a crash.
        if (code == 0)
        {
            Assert.NotEmpty(stdout);
            Assert.Equal(string.Empty, stderr);
        }
        else
        {
            Assert.True(code is 2 or 5, $"exit {code}: {stderr}");
            AssertOneErrorLine(stderr, "jq: error (at <stdin>:0): ");
            Assert.Matches("too deep|nested too deeply|recursion depth limit of 10000 \\(MaxDepth\\)|ran out of memory|\\(MaxSteps\\)", stderr);
        }
    }

    public static TheoryData<string, string> LongPrograms => new()
    {
        { "binary operators", string.Join(" + ", Enumerable.Repeat("1", 200_000)) },
        { "and", string.Join(" and ", Enumerable.Repeat("true", 200_000)) },
        { "pipes", string.Join(" | ", Enumerable.Repeat(".", 200_000)) },
        { "parentheses", new string('(', 200_000) + "." + new string(')', 200_000) },
        { "arrays", new string('[', 200_000) + new string(']', 200_000) },
        { "objects", string.Concat(Enumerable.Repeat("{a:", 200_000)) + "1" + new string('}', 200_000) },
    };

    [Theory]
    [MemberData(nameof(LongPrograms))]
    public void LongOrDeepProgram_IsCompileErrorWithPosition(string shape, string program)
    {
        var file = Path.Combine(Path.GetTempPath(), $"port-jq-{Guid.NewGuid():N}.jq");
        File.WriteAllText(file, program);
        try
        {
            var (code, _, stderr) = ChildProcess.PortJq(null, "-n", "--from-file", file);

            Assert.True(code == 3, $"{shape}: exit {code}: {stderr[..Math.Min(stderr.Length, 2_000)]}");
            Assert.Contains("jq: error: syntax error: the program is nested more than 1000 levels deep (JqOptions.MaxDepth) at line 1, column ", stderr, StringComparison.Ordinal);
            Assert.EndsWith("jq: 1 compile error\n", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void LongCommaChain_Runs()
    {
        var file = Path.Combine(Path.GetTempPath(), $"port-jq-{Guid.NewGuid():N}.jq");
        File.WriteAllText(file, "[" + string.Join(" , ", Enumerable.Repeat("1", 200_000)) + "] | length");
        try
        {
            Assert.Equal((0, "200000\n", string.Empty), ChildProcess.PortJq(null, "-n", "--from-file", file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void RegexTimeout_IsJqError_EvenUnderTry()
    {
        var input = "\"" + new string('a', 100_000) + "!\"";

        var (code, stdout, stderr) = ChildProcess.PortJq(input, "test(\"(a+)+$\")");
        Assert.Equal(5, code);
        Assert.Equal(string.Empty, stdout);
        AssertOneErrorLine(stderr, "\"(a+)+$\" (at offset 0) timed out after 2 s");

        var caught = ChildProcess.PortJq(input, "try test(\"(a+)+$\") catch \"caught\"");
        Assert.Equal((0, "\"caught\"\n", string.Empty), caught);
    }

    [Theory]
    [InlineData("1e20 | todate", "gmtime() cannot represent 1e+20")]
    [InlineData("[1e20, 0, 1, 0, 0, 0, 0, 0] | mktime", "mktime cannot represent the date")]
    [InlineData("[2024, 1e10, 1, 0, 0, 0, 0, 0] | mktime", "mktime cannot represent the date")]
    public void ImpossibleDate_IsJqError_EvenUnderTry(string program, string message)
    {
        var (code, _, stderr) = ChildProcess.PortJq(null, "-n", program);
        Assert.Equal(5, code);
        AssertOneErrorLine(stderr, message);

        Assert.Equal((0, "\"caught\"\n", string.Empty), ChildProcess.PortJq(null, "-n", $"try ({program}) catch \"caught\""));
    }

    [Theory]
    [InlineData("[repeat(1)]", "MaxCollectionLength")]
    [InlineData("[range(1e9)]", "MaxCollectionLength")]
    [InlineData("reduce range(1e9) as $i (\"\"; . + \"0123456789\")", "MaxSteps")]
    [InlineData("\"x\" * 1e9", "MaxStringLength")]
    [InlineData("reduce range(64) as $i ([1]; [., .]) | flatten", "MaxCollectionLength")]
    [InlineData("reduce range(64) as $i ([1]; [., .]) | tojson", "MaxStringLength")]
    [InlineData("[limit(1e9; repeat(empty))]", "MaxSteps")]
    [InlineData("try ([repeat(1)]) catch \"caught\"", "MaxCollectionLength")]
    public void GrowingValue_UnderDefaultLimits_EndsWithLimitError(string program, string limit)
    {
        var (code, stdout, stderr) = ChildProcess.PortJq(null, "-n", program);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        AssertOneErrorLine(stderr, limit);
    }

    [Fact]
    public void GsubOverLargeString_Finishes()
    {
        var input = "\"" + string.Concat(Enumerable.Repeat("ab", 2_000_000)) + "\"";

        var (code, stdout, stderr) = ChildProcess.PortJq(input, "gsub(\"a\"; \"x\") | length");

        Assert.Equal((0, "4000000\n", string.Empty), (code, stdout, stderr));
    }

    [Fact]
    public void ErrorMessageOfHugeSharedValue_IsShort()
    {
        // An error quoting a value whose parts repeat 2^64 times prints its first bytes, not the value.
        var (code, _, stderr) = ChildProcess.PortJq(null, "-n", "reduce range(64) as $i ([1]; [., .]) | . + 1");

        Assert.Equal(5, code);
        AssertOneErrorLine(stderr, "jq: error (at <stdin>:0): array ([[[[[[[[[[[[[[[[[[[[[[[[[[...) and number (1) cannot be added");
        Assert.True(Encoding.UTF8.GetByteCount(stderr) < 200, stderr);
    }
}
