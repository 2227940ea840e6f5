using System.Globalization;
using System.Text;
using Port.Sdk.Limits.Child;
using YamlDotNet.Core;

namespace Port.Sdk.Integrations.Tests;

/// <summary>Issue 13: hostile YAML ends in the reader's documented error, with its position, within the limits.</summary>
public sealed class PortYamlLimitsTests : IDisposable
{
    /// <summary>A bound for one child run, not an assertion: a child still running then is killed and the test fails.</summary>
    private static readonly TimeSpan KillAfter = TimeSpan.FromMinutes(2);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("port-yaml-limits-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Repeat(string text, int count) => new StringBuilder(text.Length * count).Insert(0, text, count).ToString();

    private static string BillionLaughs(int levels = 9, int width = 10)
    {
        var text = new StringBuilder("a0: &a0 [\"lol\"]\n");
        for (var level = 1; level < levels; level++)
        {
            text.Append(CultureInfo.InvariantCulture, $"a{level}: &a{level} [").AppendJoin(", ", Enumerable.Repeat($"*a{level - 1}", width)).Append("]\n");
        }

        return text.ToString();
    }

    private static void AssertOk(ChildResult result, string expectedStdout)
    {
        Assert.False(result.Killed, result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expectedStdout, result.Stdout.TrimEnd());
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    public void Parse_FlowNested100000Levels_InAChild_IsADepthErrorAtTheLevelPastTheLimit(string open, string close)
    {
        var path = Write("deep.yml", Repeat(open, 100_000) + "1" + Repeat(close, 100_000));

        var result = ChildProcess.Run(KillAfter, "yaml", path);

        var column = (64 * open.Length) + 1;
        AssertOk(result, $"YamlException 1:{column}: The YAML is nested more than 64 levels deep (PortYamlOptions.MaxDepth).");
    }

    [Fact]
    public void PortAppConfig_FlowNested100000Levels_InAChild_IsAConfigErrorWithFileLineAndColumn()
    {
        var path = Write("port-app-config.yml", "resources: " + Repeat("[", 100_000) + Repeat("]", 100_000));

        var result = ChildProcess.Run(KillAfter, "config", path);

        AssertOk(result, $"PortAppConfigException {path}:1:75: not valid YAML: The YAML is nested more than 64 levels deep (PortYamlOptions.MaxDepth).");
    }

    [Fact]
    public void PortAppConfig_SearchQueryNested10000Levels_InAChild_IsAConfigErrorWithFileLineAndColumn()
    {
        var query = Repeat("{combinator: '\"and\"', rules: [", 10_000) + Repeat("]}", 10_000);
        var path = Write("port-app-config.yml", "resources:\n  - kind: repository\n    selector: {query: 'true'}\n"
            + "    port: {entity: {mappings: {identifier: .name, blueprint: '\"service\"', relations: {owner: " + query + "}}}}\n");

        var result = ChildProcess.Run(KillAfter, "config", path);

        Assert.True(result.ExitCode == 0 && !result.Killed, result.ToString());
        Assert.StartsWith($"PortAppConfigException {path}:4:", result.Stdout, StringComparison.Ordinal);
        Assert.EndsWith(": not valid YAML: The YAML is nested more than 64 levels deep (PortYamlOptions.MaxDepth).", result.Stdout.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_400KilobyteNestedFlowPortYml_InAChild_IsADepthError()
    {
        // The GitHub integration reads a repository's port.yml with PortYaml.Parse: one pushed file must not crash the host.
        var path = Write("port.yml", "service: " + Repeat("{a: [", 60_000) + Repeat("]}", 60_000));
        Assert.True(new FileInfo(path).Length >= 400_000);

        var result = ChildProcess.Run(KillAfter, "yaml", path);

        AssertOk(result, "YamlException 1:169: The YAML is nested more than 64 levels deep (PortYamlOptions.MaxDepth).");
    }

    [Fact]
    public void Parse_BillionLaughs_InAChild_IsAnAliasExpansionErrorAtTheAlias()
    {
        var path = Write("lol.yml", BillionLaughs());

        var result = ChildProcess.Run(KillAfter, "yaml", path);

        // Aliases add 20 (a1), 210 (a2), 2,110 (a3), then 2,111 each in a4: its fourth passes 10,000.
        AssertOk(result, "YamlException 5:25: Aliases expand to more than 10000 nodes (PortYamlOptions.MaxAliasExpansion).");
    }

    [Fact]
    public void PortAppConfig_BillionLaughs_IsAConfigErrorWithFileLineAndColumn()
    {
        var ex = Assert.Throws<PortAppConfigException>(() => PortAppConfig.Parse("resources: []\n" + BillionLaughs(), "lol.yml"));

        Assert.Equal("lol.yml:6:25: not valid YAML: Aliases expand to more than 10000 nodes (PortYamlOptions.MaxAliasExpansion).", Assert.Single(ex.Errors));
    }

    [Fact]
    public void PortAppConfig_ComplexKey_IsAConfigErrorWithFileLineAndColumn()
    {
        var ex = Assert.Throws<PortAppConfigException>(() => PortAppConfig.Parse("resources: []\n? [a, b]\n: c\n", "key.yml"));

        Assert.Equal("key.yml:2:3: not valid YAML: A mapping key is a collection ('? [a, b]: c' or an alias of one); only scalar keys are supported, as in JSON.", Assert.Single(ex.Errors));
    }

    [Fact]
    public void Parse_AliasOfACollectionAsKey_IsAYamlErrorAtTheAlias()
    {
        var ex = Assert.Throws<YamlException>(() => PortYaml.Parse("a: &x [1]\nb: {*x : 2}\n"));

        Assert.Equal((2, 5), ((int)ex.Start.Line, (int)ex.Start.Column));
        Assert.StartsWith("A mapping key is a collection", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ScalarAliasAsKey_IsRead()
        => Assert.Equal("""{"a":"k","k":2}""", PortYaml.Parse("a: &x k\n*x : 2\n").GetRawText());

    [Fact]
    public void Parse_SmallAliasUse_IsExpanded()
        => Assert.Equal("""{"base":{"x":1},"copy":{"x":1}}""", PortYaml.Parse("base: &b {x: 1}\ncopy: *b\n").GetRawText());

    [Fact]
    public void Parse_AliasOfADeepValue_CountsItsDepthWhereItStands()
    {
        var options = new PortYamlOptions { MaxDepth = 5 };
        var yaml = "a: &d [[[1]]]\nb: [[*d]]\n";

        var ex = Assert.Throws<YamlException>(() => PortYaml.Parse(yaml, options));

        Assert.Equal("With the alias '*d' expanded, the YAML is nested more than 5 levels deep (PortYamlOptions.MaxDepth).", ex.Message);
        Assert.Equal((2, 6), ((int)ex.Start.Line, (int)ex.Start.Column));
        Assert.Equal("""{"a":[[[1]]],"b":[[[[[1]]]]]}""", PortYaml.Parse(yaml, new PortYamlOptions { MaxDepth = 6 }).GetRawText());
    }

    [Fact]
    public void Parse_AliasThatRepeatsALongScalar_CountsItsCharactersAgainstTheDocumentLength()
    {
        var yaml = $"s: &s {new string('x', 1_000)}\nl: [{string.Join(", ", Enumerable.Repeat("*s", 100))}]\n";
        var options = new PortYamlOptions { MaxDocumentLength = 50_000 };

        var ex = Assert.Throws<YamlException>(() => PortYaml.Parse(yaml, options));

        Assert.Equal("With its aliases expanded, the YAML is more than 50000 characters long (PortYamlOptions.MaxDocumentLength).", ex.Message);
    }

    [Fact]
    public void Parse_TextLongerThanTheLimit_IsAnErrorAtTheStart()
    {
        var ex = Assert.Throws<YamlException>(() => PortYaml.Parse("a: " + new string('x', 2_000), new PortYamlOptions { MaxDocumentLength = 1_000 }));

        Assert.Equal("The YAML text is 2003 characters long; at most 1000 are read (PortYamlOptions.MaxDocumentLength).", ex.Message);
        Assert.Equal(1, ex.Start.Line);
    }

    [Fact]
    public void Parse_RecursiveAlias_IsAnError()
    {
        var ex = Assert.Throws<YamlException>(() => PortYaml.Parse("a: &a [1, *a]\n"));

        Assert.Equal("The alias '*a' stands inside the value it repeats (a recursive alias).", ex.Message);
    }

    [Fact]
    public void Parse_AliasToNoAnchor_IsAnError()
    {
        var ex = Assert.Throws<YamlException>(() => PortYaml.Parse("a: *nowhere\n"));

        Assert.Equal("The alias '*nowhere' refers to no anchor before it.", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_001)]
    public void Parse_MaxDepthOutOfRange_Throws(int depth)
        => Assert.Throws<ArgumentOutOfRangeException>("MaxDepth", () => PortYaml.Parse("a: 1", new PortYamlOptions { MaxDepth = depth }));

    [Fact]
    public void Parse_AtTheDepthCeiling_InAChild_Reads()
    {
        // The representation model recurses per level: the ceiling must be safe on a 1 MiB stack, where the child reads.
        var path = Write("ceiling.yml", Repeat("[", 999) + Repeat("]", 999));

        var result = ChildProcess.Run(KillAfter, "yaml", path);

        AssertOk(result, "YamlException 1:65: The YAML is nested more than 64 levels deep (PortYamlOptions.MaxDepth).");
        var atCeiling = Write("at-ceiling.yml", Repeat("[", 1_000) + Repeat("]", 1_000));
        AssertOk(ChildProcess.Run(KillAfter, "yaml", atCeiling, "1000"), "ok Array");
    }

    [Fact]
    public void Fuzz_SeedFixedRound_InAChild_EndsInDocumentedErrorsOnly()
    {
        // PORT_SDK_FUZZ_COUNT=20000 (and PORT_SDK_FUZZ_SEED) make this the longer run; the default is a short CI round.
        var count = int.TryParse(Environment.GetEnvironmentVariable("PORT_SDK_FUZZ_COUNT"), CultureInfo.InvariantCulture, out var n) ? n : 200;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PORT_SDK_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 13;

        // The bound is generous: the round shares two cores with the other tests; it only has to end.
        var result = ChildProcess.Run(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(count / 5.0), "fuzz-yaml", seed.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture));

        Assert.False(result.Killed, result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"yaml fuzz seed {seed}: {count} cases, ", result.Stdout, StringComparison.Ordinal);
    }
}
