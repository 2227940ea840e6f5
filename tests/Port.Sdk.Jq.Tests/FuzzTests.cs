using Port.Sdk.Jq.Tests.Conformance;
using Port.Sdk.Tests.Common;

namespace Port.Sdk.Jq.Tests;

/// <summary>Random and mutated programs: compiling gives a result or a parse error, running gives outputs or a jq error, nothing else.</summary>
public sealed class FuzzTests
{
    private static readonly string[] Tokens =
    [
        ".", "..", ".a", ".[0]", ".[]", "[", "]", "{", "}", "(", ")", "|", ",", "//", "?", "?//", "=", "|=", "+=", "+", "-", "*", "/", "%",
        "==", "<", "and", "or", "not", "if", "then", "elif", "else", "end", "reduce", "foreach", "as", "$x", "$__loc__", "def", "f:", ";",
        "try", "catch", "label", "$out", "break", "1", "\"s\"", "\"\\(.)\"", "@base64", "null", "true", "map(", "select(", "length",
        "path(", "getpath([\"a\"])", "to_entries", "limit(", "first(", "range(", ":", "a", "b", "$x:", "..", "@csv", "tostream", "input",
    ];

    [Fact]
    public void Parser_RandomAndMutatedPrograms_OnlyParseErrorsOrJqErrors()
    {
        var random = new Random(20261124);
        var seeds = JqTestSuite.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Conformance, "jq", "jq.test"))).Select(c => c.Program).ToArray();
        var inputs = new[] { "null", "1", "\"text\"", "[1,[2],{\"a\":3}]", "{\"a\":{\"b\":[1,2]},\"c\":\"x\"}" }.Select(JqValue.Parse).ToArray();
        var compiled = 0;
        var failures = new List<string>();

        for (var i = 0; i < 6000; i++)
        {
            // A third each: token soup, mutated suite programs, and suite programs run on inputs they were not written for.
            var seed = seeds[random.Next(seeds.Length)];
            var program = (i % 3) switch { 0 => RandomProgram(random), 1 => Mutate(seed, random), _ => seed };
            try
            {
                if (!JqFilter.TryCompile(program, out var filter, out _))
                {
                    continue;
                }

                compiled++;
                var result = RunBounded(filter, inputs[random.Next(inputs.Length)]);
                if (result is not null)
                {
                    failures.Add($"{program} => {result}");
                }
            }
            catch (Exception ex) when (ex is not JqParseException)
            {
                failures.Add($"{program} => {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(compiled > 2000, $"Only {compiled} programs compiled; the generator is not exercising the interpreter.");
        Assert.Empty(failures);
    }

    private static string? RunBounded(JqFilter filter, JqValue input)
    {
        string? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    foreach (var _ in filter.Run(input, new JqRunOptions { MaxSteps = 20_000, MaxOutputs = 1_000, MaxDepth = 500 }))
                    {
                    }
                }
                catch (JqException)
                {
                    // jq errors, including limits, are the expected failures.
                }
                catch (Exception ex)
                {
                    failure = $"{ex.GetType().Name}: {ex.Message}";
                }
            },
            16 * 1024 * 1024);
        thread.Start();
        return thread.Join(TimeSpan.FromSeconds(30)) ? failure : "did not finish within 30 s";
    }

    private static string RandomProgram(Random random)
    {
        var count = random.Next(1, 12);
        return string.Join(' ', Enumerable.Range(0, count).Select(_ => Tokens[random.Next(Tokens.Length)]));
    }

    private static string Mutate(string program, Random random)
    {
        var chars = program.ToList();
        var edits = random.Next(1, 4);
        for (var i = 0; i < edits && chars.Count > 0; i++)
        {
            var at = random.Next(chars.Count);
            switch (random.Next(3))
            {
                case 0:
                    chars.RemoveAt(at);
                    break;
                case 1:
                    chars.Insert(at, "()[]{}|.,;:$\"\\?-+"[random.Next(17)]);
                    break;
                default:
                    chars[at] = program[random.Next(program.Length)];
                    break;
            }
        }

        return new string([.. chars]);
    }
}
