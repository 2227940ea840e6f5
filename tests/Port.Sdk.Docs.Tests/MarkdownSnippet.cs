namespace Port.Sdk.Docs.Tests;

/// <summary>A <c>```csharp</c> block of a Markdown page, with what its page says about it.</summary>
/// <param name="File">The page, relative to the repository root, with forward slashes.</param>
/// <param name="Line">The 1-based line of the block's first line of code.</param>
/// <param name="Code">The code in the block.</param>
/// <param name="Context">The C# of a <c>&lt;!-- snippet-context --&gt;</c> comment before the block: what a fragment takes for granted.</param>
/// <param name="ContextLine">The 1-based line of the context's first line of code.</param>
/// <param name="SkipReason">The reason of a <c>&lt;!-- snippet-skip: reason --&gt;</c> comment before the block.</param>
/// <param name="Packages">The packages the page tells the reader to add (<c>dotnet add package NAME</c>).</param>
internal sealed record MarkdownSnippet(string File, int Line, string Code, string? Context, int ContextLine, string? SkipReason, IReadOnlyList<string> Packages)
{
    public override string ToString() => $"{File}:{Line}";
}
