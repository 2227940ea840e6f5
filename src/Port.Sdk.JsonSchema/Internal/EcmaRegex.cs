using System.Text;
using System.Text.RegularExpressions;

namespace Port.Sdk.JsonSchema.Internal;

/// <summary>
/// Builds a .NET <see cref="Regex"/> from an ECMA-262 pattern, as JSON Schema specifies: <c>\d</c> and <c>\w</c> are
/// ASCII-only and <c>$</c> does not match before a final newline. Every match runs with a timeout.
/// </summary>
internal static partial class EcmaRegex
{
    private static readonly Dictionary<string, string> UnicodeProperties = new(StringComparer.Ordinal)
    {
        ["Letter"] = "L", ["Lowercase_Letter"] = "Ll", ["Uppercase_Letter"] = "Lu", ["Titlecase_Letter"] = "Lt",
        ["Modifier_Letter"] = "Lm", ["Other_Letter"] = "Lo", ["Mark"] = "M", ["Number"] = "N", ["Decimal_Number"] = "Nd",
        ["digit"] = "Nd", ["Letter_Number"] = "Nl", ["Other_Number"] = "No", ["Punctuation"] = "P", ["punct"] = "P",
        ["Symbol"] = "S", ["Math_Symbol"] = "Sm", ["Currency_Symbol"] = "Sc", ["Separator"] = "Z", ["Space_Separator"] = "Zs",
        ["Other"] = "C", ["Control"] = "Cc", ["cntrl"] = "Cc", ["Format"] = "Cf", ["Private_Use"] = "Co", ["Surrogate"] = "Cs",
        ["Unassigned"] = "Cn",
    };

    [GeneratedRegex(@"\(\?[a-zA-Z]+\)")]
    private static partial Regex InlineFlags();

    [GeneratedRegex(@"(?<!\\)(?:\\\\)*\\[aAZzeG]")]
    private static partial Regex NonEcmaEscape();

    public static Regex Create(string pattern, TimeSpan timeout)
        => new(Translate(pattern), RegexOptions.CultureInvariant, timeout);

    public static bool IsValid(string pattern)
    {
        try
        {
            // Constructs .NET accepts but ECMA-262 does not: inline comments and flags, \a, \A, \Z.
            if (pattern.Contains("(?#", StringComparison.Ordinal) || InlineFlags().IsMatch(pattern) || NonEcmaEscape().IsMatch(pattern))
            {
                return false;
            }

            _ = new Regex(Translate(pattern), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static string Translate(string pattern)
    {
        var result = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                switch (next)
                {
                    case 'd':
                        result.Append(inClass ? "0-9" : "[0-9]");
                        break;
                    case 'D':
                        result.Append(inClass ? "\\P{Nd}" : "[^0-9]");
                        break;
                    case 'w':
                        result.Append(inClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]");
                        break;
                    case 'W':
                        result.Append(inClass ? "\\W" : "[^a-zA-Z0-9_]");
                        break;
                    case 'p' or 'P' when i + 1 < pattern.Length && pattern[i + 1] == '{' && pattern.IndexOf('}', i) is var close and > 0:
                        {
                            var name = pattern[(i + 2)..close];
                            if (name.StartsWith("Script=", StringComparison.Ordinal) || name.StartsWith("sc=", StringComparison.Ordinal))
                            {
                                name = "Is" + name[(name.IndexOf('=', StringComparison.Ordinal) + 1)..];
                            }

                            result.Append('\\').Append(next).Append('{').Append(UnicodeProperties.GetValueOrDefault(name, name)).Append('}');
                            i = close;
                            break;
                        }
                    default:
                        result.Append('\\').Append(next);
                        break;
                }

                continue;
            }

            if (c == '[' && !inClass)
            {
                // ECMA-262 allows the empty classes [] (matches nothing) and [^] (matches anything).
                if (pattern.AsSpan(i).StartsWith("[]"))
                {
                    result.Append("(?!)");
                    i++;
                    continue;
                }

                if (pattern.AsSpan(i).StartsWith("[^]"))
                {
                    result.Append("[\\s\\S]");
                    i += 2;
                    continue;
                }

                inClass = true;
            }
            else if (c == ']' && inClass)
            {
                inClass = false;
            }
            else if (c == '$' && !inClass)
            {
                // ECMA-262 '$' is the end of input (no multiline flag); .NET's also matches before a final '\n'.
                result.Append("(?!.|\\n)");
                continue;
            }

            result.Append(c);
        }

        return result.ToString();
    }
}
