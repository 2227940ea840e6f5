using Xunit.Abstractions;

namespace Port.Sdk.JsonSchema.Tests.Conformance;

/// <summary>
/// Runs every case of the official JSON Schema Test Suite (draft 2020-12). Cases known to fail are listed with the
/// reason in <c>Conformance/known-failures.txt</c>; any other failure, and any listed case that now passes, fails a test.
/// </summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    private const double RequiredPassRate = 0.98;

    [Fact]
    public void RequiredSuite_PassRate_AtLeast98Percent()
    {
        var cases = TestSuite.Load(".");
        var report = RunAll(cases, formatAssertion: false, "known-failures.txt");
        output.WriteLine(report.Text);
        Console.WriteLine(report.Text);

        Assert.True(cases.Count >= 1299, $"Expected the 1,299 required cases, found {cases.Count}.");
        Assert.True(report.PassRate >= RequiredPassRate, $"Pass rate {report.PassRate:P2} is below {RequiredPassRate:P0}.");
        Assert.Empty(report.Unexpected);
        Assert.Empty(report.NowPassing);
    }

    [Fact]
    public void OptionalFormatSuite_WithFormatAssertion_MatchesKnownFailures()
    {
        var cases = TestSuite.Load("optional/format");
        var report = RunAll(cases, formatAssertion: true, "known-failures-format.txt");
        output.WriteLine(report.Text);
        Console.WriteLine(report.Text);

        Assert.Empty(report.Unexpected);
        Assert.Empty(report.NowPassing);
    }

    private static Report RunAll(IReadOnlyList<SuiteCase> cases, bool formatAssertion, string knownFailuresFile)
    {
        var known = TestSuite.KnownFailures(knownFailuresFile);
        var failures = new List<(SuiteCase Case, string Reason)>();
        foreach (var suiteCase in cases)
        {
            var (ok, reason) = TestSuite.Run(suiteCase, formatAssertion);
            if (!ok)
            {
                failures.Add((suiteCase, reason!));
            }
        }

        var failedIds = failures.Select(f => f.Case.Id).ToHashSet(StringComparer.Ordinal);
        var unexpected = failures.Where(f => !known.ContainsKey(f.Case.Id)).Select(f => $"{f.Case.Id} => {f.Reason}").ToList();
        var nowPassing = known.Keys.Where(k => !failedIds.Contains(k)).ToList();
        var passed = cases.Count - failures.Count;
        var text = new System.Text.StringBuilder()
            .AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"JSON Schema Test Suite: {passed} of {cases.Count} cases passed ({(double)passed / cases.Count:P2}), format assertion {(formatAssertion ? "on" : "off")}.")
            .AppendLine("Failing cases:");
        foreach (var (suiteCase, reason) in failures)
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {suiteCase.Id} => {(known.TryGetValue(suiteCase.Id, out var why) ? "known: " + why : "UNEXPECTED: " + reason)}");
        }

        foreach (var id in nowPassing)
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {id} => listed as a known failure but now passes: remove it from {knownFailuresFile}");
        }

        return new Report((double)passed / cases.Count, unexpected, nowPassing, text.ToString());
    }

    private sealed record Report(double PassRate, IReadOnlyList<string> Unexpected, IReadOnlyList<string> NowPassing, string Text);
}
