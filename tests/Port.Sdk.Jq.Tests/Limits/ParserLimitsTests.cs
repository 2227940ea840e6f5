namespace Port.Sdk.Jq.Tests.Limits;

/// <summary>Issue 13: long chains and deep nesting in a program are parse errors with a position, never a stack overflow.</summary>
public sealed class ParserLimitsTests
{
    public static TheoryData<string, string> TooDeep => new()
    {
        { "binary operators", string.Join(" + ", Enumerable.Repeat("1", 200_000)) },
        { "and", string.Join(" and ", Enumerable.Repeat("true", 200_000)) },
        { "or", string.Join(" or ", Enumerable.Repeat("false", 200_000)) },
        { "pipes", string.Join(" | ", Enumerable.Repeat(".", 200_000)) },
        { "alternatives", string.Join(" // ", Enumerable.Repeat("null", 200_000)) },
        { "assignments", string.Concat(Enumerable.Repeat(".a = ", 100_000)) + "1" },
        { "fields", string.Concat(Enumerable.Repeat(".a", 200_000)) },
        { "parentheses", new string('(', 100_000) + "." + new string(')', 100_000) },
        { "arrays", new string('[', 100_000) + new string(']', 100_000) },
        { "objects", string.Concat(Enumerable.Repeat("{a:", 100_000)) + "1" + new string('}', 100_000) },
        { "negations", string.Concat(Enumerable.Repeat("- ", 100_000)) + "1" },
        { "try", string.Concat(Enumerable.Repeat("try ", 100_000)) + "1" },
        { "bindings", string.Concat(Enumerable.Repeat(". as $x | ", 100_000)) + "$x" },
        { "if", string.Concat(Enumerable.Repeat("if . then ", 100_000)) + "." + string.Concat(Enumerable.Repeat(" end", 100_000)) },
        { "elif", "if . then 1" + string.Concat(Enumerable.Repeat(" elif . then 1", 100_000)) + " end" },
        { "interpolation", string.Concat(Enumerable.Repeat("\"\\(", 50_000)) + "1" + string.Concat(Enumerable.Repeat(")\"", 50_000)) },
        { "definitions", string.Concat(Enumerable.Repeat("def f: ", 100_000)) + "." + new string(';', 100_000) + " f" },
        { "patterns", ". as " + new string('[', 100_000) + "$x" + new string(']', 100_000) + " | $x" },
        { "reduce", string.Concat(Enumerable.Repeat("reduce ", 50_000)) + "." + string.Concat(Enumerable.Repeat(" as $x (0; 1)", 50_000)) },
    };

    [Theory]
    [MemberData(nameof(TooDeep))]
    public void Compile_TooDeep_IsParseErrorWithPosition(string shape, string program)
    {
        // On a 1 MB stack, as a thread-pool thread of a host may have.
        Exception? error = null;
        var thread = new Thread(() => error = Record.Exception(() => JqFilter.Compile(program)), maxStackSize: 1024 * 1024);
        thread.Start();
        thread.Join();

        var ex = Assert.IsType<JqParseException>(error);
        Assert.True(ex.Reason!.StartsWith("the program is nested more than 1000 levels deep (JqOptions.MaxDepth)", StringComparison.Ordinal) || ex.Reason.StartsWith("the program is nested", StringComparison.Ordinal), $"{shape}: {ex.Message}");
        Assert.Equal(1, ex.Line);
        Assert.InRange(ex.Column, 1, program.Length + 1);
    }

    [Fact]
    public void Compile_ChainJustOverTheLimit_PointsIntoTheDeepestOperation()
    {
        var program = string.Join(" + ", Enumerable.Repeat("1", 1_001));

        var ex = Assert.Throws<JqParseException>(() => JqFilter.Compile(program));

        Assert.Equal("the program is nested more than 1000 levels deep (JqOptions.MaxDepth)", ex.Reason);
        Assert.Equal((1, 5), (ex.Line, ex.Column));
        Assert.Equal(1001, JqFilter.Compile(program, new JqOptions { MaxDepth = 1_002 }).First(JqValue.Null)!.Value.Number);
    }

    [Fact]
    public void Compile_DeepNestingOnLaterLine_ReportsLineAndColumn()
    {
        var program = ".a |\n  " + new string('[', 1_200) + new string(']', 1_200);

        var ex = Assert.Throws<JqParseException>(() => JqFilter.Compile(program));

        Assert.Equal(2, ex.Line);
        Assert.InRange(ex.Column, 3, 3 + 1_200);
    }

    [Fact]
    public void Compile_LongCommaList_IsOneLevel()
    {
        // [1, 2, ..., 200000]: generated programs list values; a comma chain does not nest.
        var program = "[" + string.Join(',', Enumerable.Range(1, 200_000)) + "] | length, add";

        Assert.Equal(["200000", "20000100000"], JqFilter.Compile(program).Run(JqValue.Null).Select(v => v.ToJson()));
    }

    [Fact]
    public void Compile_NestingWithinTheLimit_Runs()
    {
        var program = new string('[', 300) + "." + new string(']', 300) + " | flatten";

        Assert.Equal("[1]", JqFilter.Compile(program).First(JqValue.FromNumber(1))!.Value.ToJson());
    }

    [Fact]
    public void MaxDepth_BelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>("value", () => new JqOptions { MaxDepth = 0 });
    }
}
