using System.Text;
using System.Text.RegularExpressions;

namespace Port.Sdk.Docs.Tests;

/// <summary>Finds the C# snippets of the repository's Markdown pages and the markers that go with them.</summary>
internal static partial class MarkdownSnippets
{
    /// <summary>Gets the pages whose snippets are compiled: README.md, docs/*.md and each package's README.md.</summary>
    public static IEnumerable<string> Pages(string root) =>
        new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md"))
            .Concat(Directory.GetDirectories(Path.Combine(root, "src")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists))
            .Order(StringComparer.Ordinal);

    public static IReadOnlyList<MarkdownSnippet> All(string root) => [.. Pages(root).SelectMany(page => Read(root, page))];

    /// <summary>Reads the <c>```csharp</c> (or <c>cs</c>, <c>c#</c>) blocks of a page.</summary>
    public static IReadOnlyList<MarkdownSnippet> Read(string root, string page)
    {
        var lines = File.ReadAllLines(page);
        var file = Path.GetRelativePath(root, page).Replace('\\', '/');
        var packages = lines.SelectMany(l => AddPackage().Matches(l)).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
        var snippets = new List<MarkdownSnippet>();
        string? fence = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (fence is not null)
            {
                if (trimmed.StartsWith(fence, StringComparison.Ordinal) && trimmed.Trim() == fence)
                {
                    fence = null;
                }

                continue;
            }

            var open = FenceOpen().Match(trimmed);
            if (!open.Success)
            {
                continue;
            }

            fence = open.Groups[1].Value;
            if (open.Groups[2].Value.ToLowerInvariant() is not ("csharp" or "cs" or "c#"))
            {
                continue;
            }

            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].TrimStart().TrimEnd() != fence)
            {
                end++;
            }

            var indent = lines[i].Length - trimmed.Length;
            var code = string.Join('\n', lines[start..end].Select(l => l.Length >= indent && string.IsNullOrWhiteSpace(l[..indent]) ? l[indent..] : l.TrimStart()));
            var (context, contextLine, skip) = Marker(lines, i);
            snippets.Add(new MarkdownSnippet(file, start + 1, code, context, contextLine, skip, packages));
            i = end;
            fence = null;
        }

        return snippets;
    }

    /// <summary>
    /// Reads the HTML comment right before a block (blank lines between are allowed):
    /// <c>&lt;!-- snippet-context</c> then C# lines then <c>--&gt;</c>, or <c>&lt;!-- snippet-skip: reason --&gt;</c>.
    /// </summary>
    private static (string? Context, int ContextLine, string? Skip) Marker(string[] lines, int fenceLine)
    {
        var last = fenceLine - 1;
        while (last >= 0 && string.IsNullOrWhiteSpace(lines[last]))
        {
            last--;
        }

        if (last < 0 || !lines[last].TrimEnd().EndsWith("-->", StringComparison.Ordinal))
        {
            return (null, 0, null);
        }

        var first = last;
        while (first >= 0 && !lines[first].Contains("<!--", StringComparison.Ordinal))
        {
            first--;
        }

        if (first < 0)
        {
            return (null, 0, null);
        }

        var opening = lines[first].Trim();
        if (opening.StartsWith("<!-- snippet-skip:", StringComparison.Ordinal))
        {
            return (null, 0, opening["<!-- snippet-skip:".Length..^"-->".Length].Trim());
        }

        if (opening != "<!-- snippet-context")
        {
            return (null, 0, null);
        }

        var body = new StringBuilder();
        for (var j = first + 1; j < last; j++)
        {
            body.Append(lines[j]).Append('\n');
        }

        var closing = lines[last].TrimEnd();
        body.Append(closing[..^"-->".Length]);
        return (body.ToString(), first + 2, null);
    }

    /// <summary>Finds markers that are misspelt (they would be ignored silently).</summary>
    public static IEnumerable<string> UnknownMarkers(string root, string page)
    {
        var file = Path.GetRelativePath(root, page).Replace('\\', '/');
        var lines = File.ReadAllLines(page);
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (trimmed.StartsWith("<!--", StringComparison.Ordinal) && trimmed.Contains("snippet", StringComparison.OrdinalIgnoreCase)
                && trimmed != "<!-- snippet-context" && !trimmed.StartsWith("<!-- snippet-skip:", StringComparison.Ordinal))
            {
                yield return $"{file}:{i + 1}: unknown marker '{trimmed}' (use '<!-- snippet-context' or '<!-- snippet-skip: reason -->')";
            }
        }
    }

    [GeneratedRegex(@"^(`{3,})\s*([^\s`]*)")]
    private static partial Regex FenceOpen();

    [GeneratedRegex(@"dotnet add package ([A-Za-z0-9_.\-]+)")]
    private static partial Regex AddPackage();
}
