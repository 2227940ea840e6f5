using System.Text.RegularExpressions;
using Port.Sdk.Jq;

namespace Port.Sdk.Integrations;

/// <summary>How Ocean's entity processor rewrites the jq expressions of a configuration before it runs them.</summary>
internal static partial class OceanJq
{
    /// <summary>
    /// Ocean's <c>_format_filter</c>: a single quote that opens a string (at the start or after whitespace, not before
    /// whitespace or a double quote) or closes one (not after whitespace or a double quote, before whitespace or the
    /// end) becomes a double quote, so <c>.description // ''</c> is <c>.description // ""</c>. Like Ocean's, the rule
    /// also rewrites such a quote inside a double-quoted string.
    /// </summary>
    public static string FormatQuotes(string expression)
        => expression.Contains('\'', StringComparison.Ordinal) ? SingleQuote().Replace(expression, "$1\"$2") : expression;

    /// <summary>
    /// The <c>del(path)</c> Ocean runs on an item before mapping its <c>itemsToParse</c> elements
    /// (<c>extract_jq_deletion_path_revised</c>): the first plain path (<c>.a.b</c>, <c>.a[0]</c>) of the expression's
    /// pipe segments, skipping <c>. as $x</c>, <c>.</c> and variables; <see langword="null"/> when there is none (Ocean
    /// would then delete <c>.</c> and skip the item).
    /// </summary>
    public static JqFilter? ItemsToParseDeletion(string itemsToParse)
    {
        var expression = itemsToParse.Trim();
        string chain;
        if (expression.StartsWith('('))
        {
            var parenthesized = Parenthesized().Match(expression);
            if (!parenthesized.Success)
            {
                return null;
            }

            chain = parenthesized.Groups[1].Value.Trim();
        }
        else
        {
            chain = expression;
        }

        foreach (var part in chain.Split('|'))
        {
            var segment = part.Trim();
            if (VariableBinding().IsMatch(segment) || segment == "." || segment.StartsWith('$'))
            {
                continue;
            }

            var path = SimplePath().Match(segment);
            if (path.Success)
            {
                return JqFilter.TryCompile($". | del({path.Value.Trim()})", out var filter, out _) ? filter : null;
            }
        }

        return null;
    }

    [GeneratedRegex("""(^|\s)'(?!\s|")|(?<!\s|")'(\s|$)""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SingleQuote();

    [GeneratedRegex(@"^\((.*?)\)", RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Parenthesized();

    [GeneratedRegex(@"^\.\s+as\s+\$\w+", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex VariableBinding();

    [GeneratedRegex(@"^(\.[\w]+|\.\[[^\]]+\])(\.[\w]+|\[[^\]]+\]|\.\[[^\]]+\])*", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SimplePath();
}
