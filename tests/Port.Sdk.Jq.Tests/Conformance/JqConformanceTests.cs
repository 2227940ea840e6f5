using System.Globalization;
using System.Text;
using Port.Sdk.Tests.Common;
using Xunit.Abstractions;

namespace Port.Sdk.Jq.Tests.Conformance;

/// <summary>
/// Runs jq 1.8.2's own test files from <c>../shared/conformance/jq/</c> through the engine. Cases known to fail are listed
/// with the reason in <c>Conformance/known-failures.txt</c>; any other failure, and any listed case that passes, fails a test.
/// </summary>
public sealed class JqConformanceTests(ITestOutputHelper output)
{
    private static readonly string[] Files = ["jq.test", "onig.test", "base64.test", "uri.test"];

    public static TheoryData<string> SuiteFiles => [.. Files];

    [Fact]
    public void OfficialSuite_PassRate_AtLeast98Percent()
    {
        var results = Files.SelectMany(file => RunFile(file).Select(r => (File: file, Result: r))).ToList();
        var known = KnownFailures();
        var report = new StringBuilder();
        var passed = results.Count(r => r.Result.Passed);
        report.AppendLine(CultureInfo.InvariantCulture, $"jq conformance: {passed} of {results.Count} cases passed ({(double)passed / results.Count:P2}).");
        var unexpected = new List<string>();
        foreach (var (file, result) in results.Where(r => !r.Result.Passed))
        {
            var id = Id(file, result.Case);
            var isKnown = known.ContainsKey(id);
            report.AppendLine(CultureInfo.InvariantCulture, $"  {id} => {(isKnown ? "known: " + known[id] : "UNEXPECTED: " + result.Reason)}");
            if (!isKnown)
            {
                unexpected.Add($"{id} => {result.Reason}");
            }
        }

        var failedIds = results.Where(r => !r.Result.Passed).Select(r => Id(r.File, r.Result.Case)).ToHashSet(StringComparer.Ordinal);
        var nowPassing = known.Keys.Where(k => !failedIds.Contains(k)).ToList();
        foreach (var id in nowPassing)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {id} => listed as a known failure but passes: remove it from known-failures.txt");
        }

        output.WriteLine(report.ToString());
        Console.WriteLine(report.ToString());
        Assert.True((double)passed / results.Count >= 0.98, $"Pass rate {(double)passed / results.Count:P2} is below 98%.");
        Assert.Empty(unexpected);
        Assert.Empty(nowPassing);
    }

    internal static string Id(string file, JqTestCase testCase) => $"{file}:{testCase.Line}: {testCase.Program}";

    private static List<JqTestResult> RunFile(string file)
    {
        var cases = JqTestSuite.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Conformance, "jq", file)));
        var results = new List<JqTestResult>();
        foreach (var testCase in cases)
        {
            results.Add(RunIsolated(testCase));
        }

        return results;
    }

    /// <summary>Runs a case on a thread with a large stack (deep-recursion cases need it, as jq's own C stack does) and a step budget.</summary>
    internal static JqTestResult RunIsolated(JqTestCase testCase)
    {
        JqTestResult? result = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = JqTestSuite.Run(testCase, null, new JqRunOptions { MaxSteps = 50_000_000 });
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    result = new JqTestResult(testCase, false, $"{ex.GetType().Name}: {ex.Message}");
                }
            },
            maxStackSize: 256 * 1024 * 1024);
        thread.Start();
        thread.Join();
        return result!;
    }

    private static Dictionary<string, string> KnownFailures()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Conformance", "known-failures.txt")))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var arrow = line.LastIndexOf(" => ", StringComparison.Ordinal);
            result[line[..arrow]] = line[(arrow + 4)..];
        }

        return result;
    }
}
