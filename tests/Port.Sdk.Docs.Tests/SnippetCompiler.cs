using System.Collections.Concurrent;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Port.Sdk.Docs.Tests;

/// <summary>
/// Compiles a snippet as a console app (a library when it has no statements) of a project that references the
/// packages its page names, with the SDK's implicit usings and nullable on. Errors come back as
/// <c>file:line: error CSxxxx: message</c>, on the Markdown page's lines.
/// </summary>
internal static class SnippetCompiler
{
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);
    private static readonly ConcurrentDictionary<string, MetadataReference> References = new(StringComparer.Ordinal);

    /// <summary>Gets the errors of a snippet: empty when it compiles.</summary>
    public static IReadOnlyList<string> Errors(MarkdownSnippet snippet)
    {
        var code = CSharpSyntaxTree.ParseText(snippet.Code, Parse).GetCompilationUnitRoot();
        var context = snippet.Context is null ? null : CSharpSyntaxTree.ParseText(snippet.Context, Parse).GetCompilationUnitRoot();
        var source = new StringBuilder();
        foreach (var directive in (context?.Usings ?? []).Concat(code.Usings))
        {
            source.Append(directive.ToString()).Append('\n');
        }

        // Statements first (the context's, then the snippet's), then the types: top-level statements must precede type declarations.
        Append(source, context, snippet.File, snippet.ContextLine, statements: true);
        Append(source, code, snippet.File, snippet.Line, statements: true);
        Append(source, context, snippet.File, snippet.ContextLine, statements: false);
        Append(source, code, snippet.File, snippet.Line, statements: false);

        var hasStatements = code.Members.Concat(context?.Members ?? []).OfType<GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [CSharpSyntaxTree.ParseText(ImplicitUsings, Parse), CSharpSyntaxTree.ParseText(source.ToString(), Parse, path: snippet.File)],
            ReferencesFor(snippet.Packages),
            new CSharpCompilationOptions(hasStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        return [.. compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{d.Location.GetMappedLineSpan().Path}:{d.Location.GetMappedLineSpan().StartLinePosition.Line + 1}: error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")];
    }

    private static void Append(StringBuilder source, CompilationUnitSyntax? unit, string file, int firstLine, bool statements)
    {
        if (unit is null)
        {
            return;
        }

        foreach (var member in unit.Members.Where(m => m is GlobalStatementSyntax == statements))
        {
            var line = unit.SyntaxTree.GetLineSpan(member.FullSpan).StartLinePosition.Line;
            source.Append($"#line {firstLine + line} \"{file}\"\n").Append(member.ToFullString().TrimEnd()).Append('\n');
        }
    }

    /// <summary>The assemblies of the ASP.NET Core shared framework this process runs on (it references it through Port.Sdk.Testing).</summary>
    private static List<string> AspNetCoreFramework()
    {
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var marker = $"{Path.DirectorySeparatorChar}Microsoft.AspNetCore.App{Path.DirectorySeparatorChar}";
        var directory = tpa.Where(p => p.Contains(marker, StringComparison.Ordinal)).Select(Path.GetDirectoryName).FirstOrDefault()
            ?? throw new InvalidOperationException("The ASP.NET Core shared framework is not loaded in the test process.");
        return [.. Directory.GetFiles(directory!, "*.dll")];
    }

    /// <summary>
    /// The references of a console project that adds <paramref name="packages"/>: the packages' assemblies and
    /// their dependencies (from the test's output folder), the .NET shared framework, and ASP.NET Core's when an
    /// assembly of those needs it (a package with a framework reference to it).
    /// </summary>
    private static List<MetadataReference> ReferencesFor(IReadOnlyList<string> packages)
    {
        var baseDirectory = AppContext.BaseDirectory;
        var framework = Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "*.dll").ToList();
        var aspNetCore = AspNetCoreFramework();
        var aspNetCoreNames = aspNetCore.Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);
        var paths = framework;

        var closure = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(packages);
        var needsAspNetCore = false;
        while (pending.TryPop(out var name))
        {
            var path = Path.Combine(baseDirectory, name + ".dll");
            if (!File.Exists(path))
            {
                needsAspNetCore |= aspNetCoreNames.Contains(name);
                continue;
            }

            if (!closure.Add(path))
            {
                continue;
            }

            using var reader = new PEReader(File.OpenRead(path));
            var metadata = reader.GetMetadataReader();
            foreach (var handle in metadata.AssemblyReferences)
            {
                pending.Push(metadata.GetString(metadata.GetAssemblyReference(handle).Name));
            }
        }

        // A package's own (newer) version of an assembly the shared framework also has wins, as in the SDK's conflict resolution.
        var packaged = closure.Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);
        paths.RemoveAll(p => packaged.Contains(Path.GetFileNameWithoutExtension(p)));
        paths.AddRange(closure);
        if (needsAspNetCore)
        {
            paths.AddRange(aspNetCore.Where(p => !packaged.Contains(Path.GetFileNameWithoutExtension(p))));
        }

        return [.. paths.Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).Select(p => References.GetOrAdd(p, static p => MetadataReference.CreateFromFile(p)))];
    }
}
