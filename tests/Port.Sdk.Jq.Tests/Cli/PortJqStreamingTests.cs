using System.Text;
using Port.Sdk.Jq.Tests.Limits;

namespace Port.Sdk.Jq.Tests.Cli;

/// <summary>
/// Issue 15: <c>port jq</c> streams its input in chunks of whole top-level values, in memory that does not grow with the
/// input, and its output is the same as a run over the whole input at once.
/// </summary>
public sealed class PortJqStreamingTests
{
    /// <summary>
    /// Pretty-printed objects (values span lines) whose strings hold braces, brackets, escaped quotes and escaped
    /// newlines, so a chunk boundary found by counting nesting outside strings is tested across several megabytes.
    /// </summary>
    private static (string Input, string Expected) Records(int count)
    {
        var input = new StringBuilder();
        var expected = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var text = $"r{i} }}]{{[ \\\" \\n {new string('x', i % 50)}";
            input.Append(Invariant($"{{\n  \"id\": {i},\n  \"text\": \"{text}\",\n  \"tags\": [\n    \"a\",\n    {{ \"b\": [{i % 7}] }}\n  ]\n}}\n"));
            expected.Append(Invariant($"[{i},\"{text}\",{i % 7}]\n"));
        }

        return (input.ToString(), expected.ToString());
    }

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void ManyChunks_FromStdin_OutputIsInInputOrder()
    {
        var (input, expected) = Records(60_000);
        Assert.True(Encoding.UTF8.GetByteCount(input) > 4 << 20, "the input spans several chunks");

        var (code, stdout, stderr) = ChildProcess.PortJq(input, "-c", "[.id, .text, .tags[1].b[0]]");

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Equal(expected, stdout);
    }

    [Fact]
    public void ManyChunks_SequentialRunWithInputs_SameOutput()
    {
        // 'input' in the program: the one-thread path, which streams the same chunks.
        var (input, expected) = Records(60_000);

        var (code, stdout, stderr) = ChildProcess.PortJq(input, "-c", "[.id, .text, .tags[1].b[0]], (input | [.id, .text, .tags[1].b[0]])");

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Equal(expected, stdout);
    }

    [Fact]
    public void InputOfManyTimesTheHeapCap_RunsInBoundedMemory()
    {
        // 160 MB of JSON Lines through a process whose GC heap is capped at 64 MB: reading the file whole would be an
        // out-of-memory error; streaming holds a few one-megabyte chunks and their output at once.
        var file = Path.Combine(Path.GetTempPath(), $"port-jq-stream-{Guid.NewGuid():N}.jsonl");
        var line = Encoding.UTF8.GetBytes("{\"name\":\"payments-api\",\"stars\":12,\"topics\":[\"go\",\"grpc\"],\"owner\":{\"login\":\"acme\"},\"pad\":\"" + new string('p', 400) + "\"}\n");
        const int Lines = 320_000;
        try
        {
            using (var stream = File.Create(file))
            {
                for (var i = 0; i < Lines; i++)
                {
                    stream.Write(line);
                }
            }

            foreach (var program in new[] { "select(.stars > 100)", "input | empty" })
            {
                var (code, stdout, stderr) = ChildProcess.Run("port.dll", null, new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x4000000" }, "jq", "-c", program, file);

                Assert.True(code == 0, $"'{program}': exit {code}: {stderr[..Math.Min(stderr.Length, 2_000)]}");
                Assert.Equal(string.Empty, stdout);
            }

            var count = ChildProcess.Run("port.dll", null, new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x4000000" }, "jq", "-c", ".owner.login", file);
            Assert.Equal(0, count.ExitCode);
            Assert.Equal(Lines, count.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l == "\"acme\""));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void InvalidTextInALaterChunk_OutputBeforeItThenOneError()
    {
        var (input, expected) = Records(20_000);

        var (code, stdout, stderr) = ChildProcess.PortJq(input + "{\"id\": 1,}\n" + input, "-c", "[.id, .text, .tags[1].b[0]]");

        Assert.Equal(2, code);
        Assert.Equal(expected, stdout);
        Assert.StartsWith("jq: error (at <stdin>:0): Invalid JSON text", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
