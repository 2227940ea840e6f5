using System.Globalization;
using System.Text;
using System.Text.Json;
using Port.Sdk.JsonSchema.Tests.Conformance;
using Xunit.Abstractions;

namespace Port.Sdk.JsonSchemaNet.Tests.Conformance;

/// <summary>
/// The official JSON Schema Test Suite (draft 2020-12, from <c>../shared/conformance</c>) through both engines side by
/// side: Port.Sdk.JsonSchema (the default) and JsonSchema.Net through <see cref="JsonSchemaNetValidator"/>. Each
/// engine's pass count must stay at or above its floor, measured when the floors were recorded; every failure is listed.
/// </summary>
public sealed class SideBySideConformanceTests(ITestOutputHelper output)
{
    // Measured on 2026-12-02 with the suite in ../shared/conformance (1,299 required, 96 optional, 764 format cases):
    // raise a floor when an engine passes more; a count below its floor is a regression (of ours, or of the adapter).
    private static readonly Dictionary<(string Engine, string Part), int> Floors = new()
    {
        [("Port.Sdk.JsonSchema", "required")] = 1298,
        [("JsonSchema.Net", "required")] = 1294,
        [("Port.Sdk.JsonSchema", "optional")] = 90,
        [("JsonSchema.Net", "optional")] = 71,
        [("Port.Sdk.JsonSchema", "format")] = 706,
        [("JsonSchema.Net", "format")] = 691,
    };

    [Theory]
    [InlineData("required", ".", false)]
    [InlineData("optional", "optional", false)]
    [InlineData("format", "optional/format", true)]
    public void Suite_BothEngines_PassAtLeastTheirFloors(string part, string folder, bool formatAssertion)
    {
        var cases = TestSuite.Load(folder);
        var ours = cases.Select(c => (c, TestSuite.Run(c, formatAssertion))).ToList();
        var theirs = RunJsonSchemaNet(cases, formatAssertion);

        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"JSON Schema Test Suite 2020-12, {part} ({cases.Count} cases, format assertion {(formatAssertion ? "on" : "off")}):");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (engine, results) in new[] { ("Port.Sdk.JsonSchema", ours), ("JsonSchema.Net", theirs) })
        {
            var passed = results.Count(r => r.Item2.Passed);
            counts[engine] = passed;
            report.AppendLine(CultureInfo.InvariantCulture, $"  {engine}: {passed} of {cases.Count} passed (floor {Floors[(engine, part)]})");
        }

        foreach (var (engine, results) in new[] { ("Port.Sdk.JsonSchema", ours), ("JsonSchema.Net", theirs) })
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {engine} fails:");
            foreach (var (suiteCase, (_, reason)) in results.Where(r => !r.Item2.Passed))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"    {suiteCase.Id} => {reason}");
            }
        }

        output.WriteLine(report.ToString());
        Console.WriteLine(report.ToString());

        Assert.True(cases.Count > 0, $"No cases under '{Path.Combine(TestSuite.Directory, folder)}'.");
        foreach (var (engine, passed) in counts)
        {
            Assert.True(passed >= Floors[(engine, part)], $"{engine} passed {passed} {part} cases, below its floor of {Floors[(engine, part)]}.");
        }
    }

    private static List<(SuiteCase, (bool Passed, string? Reason))> RunJsonSchemaNet(IReadOnlyList<SuiteCase> cases, bool formatAssertion)
    {
        var options = new JsonSchemaNetOptions { FormatAssertion = formatAssertion };
        var remotes = Path.Combine(TestSuite.Directory, "remotes");
        foreach (var path in Directory.GetFiles(remotes, "*.json", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(remotes, path).Replace('\\', '/');
            options.Documents[new Uri("http://localhost:1234/" + relative)] = JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
        }

        var validator = new JsonSchemaNetValidator(options);
        var results = new List<(SuiteCase, (bool, string?))>(cases.Count);
        foreach (var suiteCase in cases)
        {
            try
            {
                var errors = validator.Compile(suiteCase.Schema).Validate(suiteCase.Data);
                var valid = errors.Count == 0;
                results.Add((suiteCase, valid == suiteCase.Valid
                    ? (true, null)
                    : (false, suiteCase.Valid ? "rejected a valid instance: " + string.Join("; ", errors.Select(e => $"{e.InstanceLocation} {e.KeywordLocation}: {e.Message}")) : "accepted an invalid instance")));
            }
            catch (SchemaCompilationException ex)
            {
                results.Add((suiteCase, (false, "schema rejected: " + ex.Message)));
            }
        }

        return results;
    }
}
