using System.Diagnostics;
using System.Text;
using Port.Sdk.Jq.Tests.Limits;
using Xunit.Abstractions;

namespace Port.Sdk.Jq.Tests.Cli;

/// <summary>
/// Issue 15: the bytes <c>port jq</c> writes (UTF-8, straight from jq values, inputs parsed only where the program reads
/// them) are jq's, for each output flag: wherever jq 1.6 (<c>/usr/bin/jq</c>) and gojq (installed by .ci/run) print the
/// same bytes for an input, <c>port jq</c> must print those bytes (with <c>-a</c>, which gojq lacks, jq 1.6's bytes).
/// </summary>
public sealed class PortJqOutputTests(ITestOutputHelper output)
{
    /// <summary>One JSON text per line; keys sorted in some (gojq always sorts them), unsorted in others.</summary>
    private static readonly string[] Documents =
    [
        """{"a":1,"b":[true,false,null],"c":{"d":"x","e":[]},"f":{}}""",
        """{"z":1,"a":2,"m":{"y":[1,{"q":null}],"b":"u"}}""",
        """{"s":"h\u00e9llo \u65e5\u672c \ud83d\ude00 \u0001 \u001f \u007f \u2028 \" \\ \n \t \r \b \f /"}""",
        """{"n":[0,-1,1.5,1e3,1E-5,3.14159,0.1,1e100,123456789,-0.5,2.5e-8,1000000]}""",
        """{"\u00e9":"non-ASCII key","a b":"space","":"empty key"}""",
        """[[[[["deep"]]]],[],{}]""",
        "\"a top-level string with \\u00e9\"",
        "12",
        "null",
        "true",
        """{"name":"payments-api","stars":12,"topics":["go","grpc"],"owner":{"login":"acme","id":7},"archived":false}""",
    ];

    private static readonly string[][] FlagSets =
    [
        [],
        ["-c"],
        ["-S"],
        ["-c", "-S"],
        ["--tab"],
        ["--indent", "1"],
        ["--indent", "7"],
        ["-a"],
        ["-c", "-a"],
        ["-S", "--tab", "-a"],
    ];

    [Fact]
    public void OutputFlags_SameBytesAsJqAndGojqWhereTheyAgree()
    {
        var jq = Tool("jq");
        var gojq = Tool("gojq");
        var file = Path.Combine(Path.GetTempPath(), $"port-jq-output-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(file, string.Join('\n', Documents) + "\n");
        try
        {
            var compared = 0;
            var mismatches = new List<string>();
            foreach (var flags in FlagSets)
            {
                // '.' parses and writes everything; the second program reads a few keys (a projected parse).
                foreach (var program in new[] { ".", "if type == \"object\" then .c, .m.y, .s, .n, .owner.login, .topics else empty end" })
                {
                    var expected = Values(Run(jq, [.. flags, program, file]));
                    // gojq (0.12) always writes keys sorted and has no -S, and has no -a: with -a, an output is compared
                    // where jq 1.6 and gojq agree on it without -a.
                    string[] withoutAscii = [.. flags.Where(f => f != "-a")];
                    var agreed = flags.Contains("-a") ? Values(Run(jq, [.. withoutAscii, program, file])) : expected;
                    var reference = Values(Run(gojq, [.. withoutAscii.Where(f => f != "-S"), program, file]));
                    var (code, stdout, stderr) = ChildProcess.PortJq(null, [.. flags, program, file]);
                    Assert.True(code == 0, $"port jq {string.Join(' ', flags)} '{program}': exit {code}: {stderr}");
                    var ours = Values(stdout);
                    Assert.Equal(expected.Count, ours.Count);
                    for (var i = 0; i < expected.Count; i++)
                    {
                        if (i >= reference.Count || i >= agreed.Count || reference[i] != agreed[i])
                        {
                            continue;
                        }

                        compared++;
                        if (ours[i] != expected[i])
                        {
                            mismatches.Add($"{string.Join(' ', flags)} '{program}' output {i}:\n  jq:   {Escape(expected[i])}\n  port: {Escape(ours[i])}");
                        }
                    }
                }
            }

            output.WriteLine($"{compared} outputs compared where jq 1.6 and gojq agree.");
            Assert.Empty(mismatches);
            Assert.True(compared >= 100, $"only {compared} outputs could be compared");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void RawOutput_SameBytesAsJqAndGojq()
    {
        var jq = Tool("jq");
        var gojq = Tool("gojq");
        const string Input = "{\"a\":\"h\u00e9llo\\n\\u00e9 \\ud83d\\ude00\",\"b\":[\"x\",1,null,{\"c\":\"\\t\"}]}\n\"top\"\n";
        var file = Path.Combine(Path.GetTempPath(), $"port-jq-raw-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, Input);
        try
        {
            foreach (var flags in new[] { new[] { "-r" }, ["-j"], ["-r", "-c"] })
            {
                var program = "if type == \"object\" then .a, .b[] else . end";
                var expected = Run(jq, [.. flags, program, file]);
                Assert.Equal(expected, Run(gojq, [.. flags, program, file]));

                var (code, stdout, stderr) = ChildProcess.PortJq(null, [.. flags, program, file]);

                Assert.True(code == 0, stderr);
                Assert.Equal(Escape(expected), Escape(stdout));
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Splits printed output into its top-level values: each ends at a line that closes one or is a scalar.</summary>
    private static List<string> Values(string printed)
    {
        var values = new List<string>();
        var current = new StringBuilder();
        foreach (var line in printed.Split('\n'))
        {
            if (line.Length == 0 && current.Length == 0)
            {
                continue;
            }

            current.Append(line).Append('\n');
            var opens = current.Length == line.Length + 1 && line is "{" or "[";
            if (!opens && (current.Length == line.Length + 1 || line.StartsWith('}') || line.StartsWith(']')))
            {
                values.Add(current.ToString());
                current.Clear();
            }
        }

        Assert.Equal(0, current.Length);
        return values;
    }

    private static string Escape(string text) => text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    private static string Tool(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"'{name}' is not installed; .ci/run installs it (apt-get install {name}).");
    }

    private static string Run(string tool, string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = new UTF8Encoding(false) };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)}: exit {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
