using System.Globalization;

namespace Port.Sdk.Jq;

/// <summary>One case of a test file in jq's own format (<c>jq --run-tests</c>).</summary>
/// <param name="Line">The one-based line of the program in the file.</param>
/// <param name="Program">The jq program.</param>
/// <param name="Input">The input JSON text, or <see langword="null"/> for a case that must fail to compile.</param>
/// <param name="ExpectedOutputs">The expected outputs as JSON texts; for a compile failure, the expected error message.</param>
/// <param name="MustFail">Whether the program must fail to compile (<c>%%FAIL</c>).</param>
public sealed record JqTestCase(int Line, string Program, string? Input, IReadOnlyList<string> ExpectedOutputs, bool MustFail);

/// <summary>The outcome of one <see cref="JqTestCase"/>.</summary>
/// <param name="Case">The case.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Reason">Why it failed, or <see langword="null"/>.</param>
public sealed record JqTestResult(JqTestCase Case, bool Passed, string? Reason);

/// <summary>Reads and runs test files in jq's format: program, input and expected outputs, separated by blank lines.</summary>
public static class JqTestSuite
{
    /// <summary>Parses a test file.</summary>
    /// <param name="text">The file's text.</param>
    /// <returns>The cases, in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<JqTestCase> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var cases = new List<JqTestCase>();
        var i = 0;
        while (i < lines.Length)
        {
            var line = lines[i];
            if (line.Length == 0 || line.StartsWith('#') || string.IsNullOrWhiteSpace(line))
            {
                i++;
                continue;
            }

            if (line.StartsWith("%%FAIL", StringComparison.Ordinal))
            {
                var program = i + 1 < lines.Length ? lines[i + 1] : string.Empty;
                var start = i + 2;
                i += 2;
                var messages = new List<string>();
                while (i < lines.Length && lines[i].Length > 0)
                {
                    messages.Add(lines[i]);
                    i++;
                }

                cases.Add(new JqTestCase(start, program, null, line.Contains("IGNORE MSG", StringComparison.Ordinal) ? [] : messages, MustFail: true));
                continue;
            }

            var programLine = i + 1;
            var input = i + 1 < lines.Length ? lines[i + 1] : "null";
            i += 2;
            var expected = new List<string>();
            while (i < lines.Length && lines[i].Length > 0 && !lines[i].StartsWith('#'))
            {
                expected.Add(lines[i]);
                i++;
            }

            cases.Add(new JqTestCase(programLine, line, input, expected, MustFail: false));
        }

        return cases;
    }

    /// <summary>Runs one case. Outputs are compared as JSON values; for <c>%%FAIL</c> cases, only the failure to compile is checked.</summary>
    /// <param name="testCase">The case.</param>
    /// <param name="compileOptions">Compile options, such as functions; <see langword="null"/> for none.</param>
    /// <param name="runOptions">Run options, such as limits; <see langword="null"/> for the defaults.</param>
    /// <returns>The result.</returns>
    public static JqTestResult Run(JqTestCase testCase, JqOptions? compileOptions = null, JqRunOptions? runOptions = null)
    {
        ArgumentNullException.ThrowIfNull(testCase);
        if (testCase.MustFail)
        {
            return JqFilter.TryCompile(testCase.Program, out _, out _, compileOptions)
                ? new JqTestResult(testCase, false, "compiled, but the test expects a compile error")
                : new JqTestResult(testCase, true, null);
        }

        JqFilter filter;
        try
        {
            filter = JqFilter.Compile(testCase.Program, compileOptions);
        }
        catch (JqParseException ex)
        {
            return new JqTestResult(testCase, false, "does not compile: " + ex.Message.Split('\n')[0]);
        }

        var actual = new List<JqValue>();
        string? error = null;
        JqValue input;
        try
        {
            input = JqValue.Parse(testCase.Input!);
        }
        catch (JqException ex)
        {
            return new JqTestResult(testCase, false, $"the input is not JSON: {ex.Message}");
        }

        try
        {
            // As in jq's own harness, a runtime error ends the outputs; the expected ones must all have come before it.
            foreach (var value in filter.Run(input, runOptions))
            {
                actual.Add(value);
            }
        }
        catch (JqLimitException ex)
        {
            return new JqTestResult(testCase, false, $"limit: {ex.Message} (after {actual.Count} outputs)");
        }
        catch (JqException ex)
        {
            error = ex.Message;
        }

        var expected = new List<JqValue>();
        foreach (var text in testCase.ExpectedOutputs)
        {
            try
            {
                expected.Add(JqValue.Parse(text));
            }
            catch (JqException)
            {
                return new JqTestResult(testCase, false, $"the expected output '{text}' is not JSON");
            }
        }

        if (actual.Count != expected.Count || actual.Zip(expected).Any(pair => !SameValue(pair.First, pair.Second)))
        {
            var got = string.Join(", ", actual.Select(v => v.ToJson()));
            var after = error is null ? string.Empty : $", then the error '{error}'";
            return new JqTestResult(testCase, false, string.Create(CultureInfo.InvariantCulture, $"expected {expected.Count} output(s) [{string.Join(", ", testCase.ExpectedOutputs)}], got {actual.Count} [{Truncate(got)}]{after}"));
        }

        return new JqTestResult(testCase, true, null);
    }

    private static bool SameValue(JqValue actual, JqValue expected)
    {
        // NaN never equals itself; a test expecting NaN's printed form (null) accepts it.
        if (actual.Kind == JqKind.Number && double.IsNaN(actual.Number))
        {
            return expected.Kind == JqKind.Null;
        }

        return JqValue.Compare(actual, expected) == 0;
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 197), "...");

    /// <summary>Formats a summary line as jq does: <c>N of M tests passed</c>.</summary>
    /// <param name="results">The results.</param>
    /// <returns>The summary.</returns>
    public static string Summary(IReadOnlyCollection<JqTestResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return string.Create(CultureInfo.InvariantCulture, $"{results.Count(r => r.Passed)} of {results.Count} tests passed");
    }
}
