using System.Text.Json;

namespace Port.Sdk.Integrations.Tests;

/// <summary>The C# snippets of docs/limits.md, compiled and run.</summary>
public sealed class LimitsDocSnippetTests
{
    [Fact]
    public void YamlSnippet_ReadsWithTheGivenLimits()
    {
        // begin-snippet: docs/limits.md YAML
        var options = new PortYamlOptions
        {
            MaxDepth = 128,                    // at most PortYamlOptions.DepthCeiling (1,000)
            MaxAliasExpansion = 100_000,       // nodes aliases may add
            MaxDocumentLength = 4 * 1_048_576, // characters, aliases expanded
        };
        JsonElement json = PortYaml.Parse("catalog: {services: [api, web]}", options);
        // Past a limit: YamlDotNet.Core.YamlException, with ex.Start.Line and ex.Start.Column.
        // end-snippet

        Assert.Equal(2, json.GetProperty("catalog").GetProperty("services").GetArrayLength());
    }
}
