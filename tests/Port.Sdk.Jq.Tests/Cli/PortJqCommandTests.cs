using System.Diagnostics;
using System.Text;
using Port.Sdk.Tests.Common;

namespace Port.Sdk.Jq.Tests.Cli;

/// <summary>Runs the real <c>port</c> executable (<c>dotnet port.dll jq ...</c>) as a child process.</summary>
public sealed class PortJqCommandTests
{
    private static (int ExitCode, string Stdout, string Stderr) Port(string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "port.dll"));
        start.ArgumentList.Add("jq");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Write(stdin ?? string.Empty);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Filter_FromStdin_PrettyPrintsLikeJq()
    {
        var (code, stdout, _) = Port("""{"a":1,"b":[true,{"c":null}],"d":{}}""", ".");

        Assert.Equal(0, code);
        Assert.Equal("{\n  \"a\": 1,\n  \"b\": [\n    true,\n    {\n      \"c\": null\n    }\n  ],\n  \"d\": {}\n}\n", stdout);
    }

    [Fact]
    public void OutputFlags_CompactRawJoinAsciiSortTabIndent()
    {
        Assert.Equal("{\"a\":\"é\"}\n", Port("{\"a\":\"é\"}", "-c", ".").Stdout);
        Assert.Equal("{\"a\":\"\\u00e9\"}\n", Port("{\"a\":\"é\"}", "-ca", ".").Stdout);
        Assert.Equal("x\ny\n", Port("[\"x\",\"y\"]", "-r", ".[]").Stdout);
        Assert.Equal("xy", Port("[\"x\",\"y\"]", "-j", ".[]").Stdout);
        Assert.Equal("{\"a\":2,\"b\":1}\n", Port("{\"b\":1,\"a\":2}", "-S", "-c", ".").Stdout);
        Assert.Equal("[\n\t1\n]\n", Port("[1]", "--tab", ".").Stdout);
        Assert.Equal("[\n    1\n]\n", Port("[1]", "--indent", "4", ".").Stdout);
    }

    [Fact]
    public void InputModes_NullSlurpRawAndFiles()
    {
        var file = Path.Combine(Path.GetTempPath(), $"port-jq-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, "1 2\n3");
        try
        {
            Assert.Equal("null\n", Port(null, "-n", ".").Stdout);
            Assert.Equal("[1,2,3]\n", Port(null, "-s", "-c", ".", file).Stdout);
            Assert.Equal("[1,2,3]\n", Port(null, "-n", "-c", "[inputs]", file).Stdout);
            Assert.Equal("\"1 2\"\n\"3\"\n", Port(null, "-R", ".", file).Stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Arguments_ArgArgjsonSlurpfileRawfileArgsJsonargs()
    {
        var file = Path.Combine(Path.GetTempPath(), $"port-jq-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, "{\"x\":1} {\"x\":2}");
        try
        {
            Assert.Equal("[\"v\",{\"k\":1}]\n", Port(null, "-nc", "--arg", "a", "v", "--argjson", "b", "{\"k\":1}", "[$a, $b]").Stdout);
            Assert.Equal("[{\"x\":1},{\"x\":2}]\n", Port(null, "-nc", "--slurpfile", "f", file, "$f").Stdout);
            Assert.Equal("\"{\\\"x\\\":1} {\\\"x\\\":2}\"\n", Port(null, "-n", "--rawfile", "f", file, "$f").Stdout);
            Assert.Equal("[\"p\",\"q\"]\n", Port(null, "-nc", "$ARGS.positional", "--args", "p", "q").Stdout);
            Assert.Equal("[1,{\"a\":2}]\n", Port(null, "-nc", "$ARGS.positional", "--jsonargs", "1", "{\"a\":2}").Stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ExitCodes_FollowJq()
    {
        var compile = Port(null, "-n", "1 +");
        Assert.Equal(3, compile.ExitCode);
        Assert.Contains("syntax error: unexpected end of program, expected a term at line 1, column 4", compile.Stderr, StringComparison.Ordinal);
        Assert.Contains("^", compile.Stderr, StringComparison.Ordinal);

        var runtime = Port("5", ".foo");
        Assert.Equal(5, runtime.ExitCode);
        Assert.Contains("Cannot index number with string (\"foo\")", runtime.Stderr, StringComparison.Ordinal);

        Assert.Equal(1, Port(null, "-ne", "false").ExitCode);
        Assert.Equal(4, Port(null, "-ne", "empty").ExitCode);
        Assert.Equal(0, Port(null, "-ne", "1").ExitCode);
        Assert.Equal(2, Port(null, "--bogus", ".").ExitCode);
        Assert.Equal(2, Port("{", ".").ExitCode);
    }

    [Fact]
    public void RunTests_ReportsLikeJq()
    {
        var file = Path.Combine(Path.GetTempPath(), $"port-jq-{Guid.NewGuid():N}.test");
        File.WriteAllText(file, "# two passing, one failing\n.a\n{\"a\":1}\n1\n\n[.[]|.+1]\n[1,2]\n[2,3]\n\n.\n1\n2\n\n%%FAIL\n{\n");
        try
        {
            var (code, stdout, _) = Port(null, "--run-tests", file);

            Assert.Equal(1, code);
            Assert.EndsWith("3 of 4 tests passed\n", stdout, StringComparison.Ordinal);
            Assert.Contains("*** Test failed", stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void RunTests_OfficialBase64Suite_AllPass()
    {
        var (code, stdout, _) = Port(null, "--run-tests", Path.Combine(RepositoryPaths.Conformance, "jq", "base64.test"));

        Assert.Equal(0, code);
        Assert.EndsWith("10 of 10 tests passed\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void RunTests_GrowingValueUnderDefaultLimits_FailsThatCaseWithTheLimitError()
    {
        // Issue 15: --run-tests applies the library's limits; the string doubles until it would pass MaxStringLength.
        var file = Path.Combine(Path.GetTempPath(), $"port-jq-{Guid.NewGuid():N}.test");
        File.WriteAllText(file, "[limit(5; repeat(.*2))]\n1\n[2,2,2,2,2]\n\nreduce range(100) as $i (\"x\"; . + .) | length\nnull\n1\n");
        try
        {
            var (code, stdout, _) = Port(null, "--run-tests", file);

            Assert.Equal(1, code);
            Assert.EndsWith("1 of 2 tests passed\n", stdout, StringComparison.Ordinal);
            Assert.Contains("limit: The jq program built a string of more than 50000000 characters", stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void NoLimits_LetsAValuePassTheDefaultSizeLimit()
    {
        const string Program = "reduce range(26) as $i (\"x\"; . + .) | length";

        var limited = Port(null, "-n", Program);
        var unlimited = Port(null, "-n", "--no-limits", Program);

        Assert.Equal(2, limited.ExitCode);
        Assert.Contains("MaxStringLength", limited.Stderr, StringComparison.Ordinal);
        Assert.Equal((0, "67108864\n"), (unlimited.ExitCode, unlimited.Stdout));
    }

    [Fact]
    public void MaxSteps_EndsTheRunAtThatBudget()
    {
        var (code, stdout, stderr) = Port(null, "-n", "--max-steps", "1000", "[range(5000)] | length");

        Assert.Equal((2, string.Empty), (code, stdout));
        Assert.Equal("jq: error (at <stdin>:0): The jq program exceeded its step budget of 1000 (MaxSteps).\n", stderr);
        Assert.Equal(2, Port(null, "-n", "--max-steps", "0", ".").ExitCode);
    }
}
