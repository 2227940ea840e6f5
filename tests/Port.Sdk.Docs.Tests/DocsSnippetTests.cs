using Port.Sdk.Tests.Common;

namespace Port.Sdk.Docs.Tests;

/// <summary>Every C# snippet of the Markdown pages compiles against the packages its page names.</summary>
public sealed class DocsSnippetTests
{
    public static TheoryData<string, int> Snippets()
    {
        var data = new TheoryData<string, int>();
        foreach (var snippet in MarkdownSnippets.All(RepositoryPaths.Root))
        {
            data.Add(snippet.File, snippet.Line);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Snippet_Compiles(string file, int line)
    {
        var snippet = MarkdownSnippets.All(RepositoryPaths.Root).Single(s => s.File == file && s.Line == line);
        if (snippet.SkipReason is not null)
        {
            Assert.False(string.IsNullOrWhiteSpace(snippet.SkipReason), $"{snippet}: a snippet-skip marker needs a reason.");
            return;
        }

        Assert.True(snippet.Packages.Count > 0, $"{snippet}: the page names no package ('dotnet add package NAME'), so nothing says what the snippet compiles against.");
        var errors = SnippetCompiler.Errors(snippet);
        Assert.True(errors.Count == 0, $"{snippet} does not compile against {string.Join(", ", snippet.Packages)}:\n{string.Join('\n', errors)}\n--- snippet ---\n{snippet.Code}");
    }

    [Fact]
    public void Pages_HaveSnippets_AndNoMisspeltMarkers()
    {
        var snippets = MarkdownSnippets.All(RepositoryPaths.Root);

        Assert.Contains(snippets, s => s.File == "docs/catalog.md");
        Assert.Contains(snippets, s => s.File == "src/Port.Sdk/README.md");
        Assert.Empty(MarkdownSnippets.Pages(RepositoryPaths.Root).SelectMany(p => MarkdownSnippets.UnknownMarkers(RepositoryPaths.Root, p)));
    }

    [Fact]
    public void Compiler_ReportsErrors_OnThePagesLines()
    {
        var snippet = new MarkdownSnippet("docs/example.md", 40, "var x = 1;\nint y = \"text\";", null, 0, null, ["Port.Sdk.Jq"]);

        var error = Assert.Single(SnippetCompiler.Errors(snippet));

        Assert.StartsWith("docs/example.md:41: error CS0029: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Compiler_OnlySeesThePagesPackages()
    {
        const string Code = "using Port.Sdk.Integrations;\nvar config = PortAppConfig.Parse(\"resources: []\");";

        Assert.Empty(SnippetCompiler.Errors(new MarkdownSnippet("a.md", 1, Code, null, 0, null, ["Port.Sdk.Integrations"])));
        Assert.Contains(SnippetCompiler.Errors(new MarkdownSnippet("a.md", 1, Code, null, 0, null, ["Port.Sdk.Jq"])), e => e.Contains("error CS0234: The type or namespace name 'Integrations' does not exist in the namespace 'Port.Sdk'", StringComparison.Ordinal));
    }

    [Fact]
    public void Context_IsCompiledBeforeTheFragment()
    {
        var page = Path.Combine(Path.GetTempPath(), $"port-docs-{Guid.NewGuid():N}.md");
        File.WriteAllText(page, """
            Install: `dotnet add package Port.Sdk.Jq`

            <!-- snippet-context
            using Port.Sdk.Jq;
            var json = "[1, 2]";
            -->
            ```csharp
            foreach (var value in JqFilter.Compile(".[]").Run(JqValue.Parse(json)))
                Console.WriteLine(value);
            ```
            """);
        try
        {
            var snippet = Assert.Single(MarkdownSnippets.Read(Path.GetTempPath(), page));

            Assert.Equal(8, snippet.Line);
            Assert.Equal(4, snippet.ContextLine);
            Assert.Equal(new[] { "Port.Sdk.Jq" }, snippet.Packages);
            Assert.Empty(SnippetCompiler.Errors(snippet));
        }
        finally
        {
            File.Delete(page);
        }
    }
}
