using System.Text;
using System.Text.RegularExpressions;
using Port.Sdk.Jq.Ast;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq.Functions;

/// <summary>jq's regex builtins on .NET regular expressions, whose syntax covers the Oniguruma (Perl) syntax jq uses.</summary>
internal static class Regexes
{
    private static readonly RegexCache Cache = new(RegexCache.DefaultCapacity);

    /// <summary>Gets how many compiled patterns the process-wide cache holds (at most <see cref="RegexCache.DefaultCapacity"/>).</summary>
    internal static int CachedPatterns => Cache.Count;

    /// <summary>The jq error for a match that ran past <see cref="JqRunOptions.RegexMatchTimeout"/>.</summary>
    public static JqException TimeoutError(RegexMatchTimeoutException ex)
        => new($"{JqValue.FromString(ex.Pattern).ToJson()} (at offset 0) timed out after {ex.MatchTimeout.TotalSeconds:0.###} s matching a string of {ex.Input.Length} characters (RegexMatchTimeout)", ex);

    private static (Regex Regex, bool Global, bool SkipEmpty) Compile(JqValue input, JqValue pattern, JqValue flags)
    {
        if (input.Kind != JqKind.String)
        {
            throw new JqException($"{input.TypeName} ({ValueOps.ErrorText(input)}) cannot be matched, as it is not a string");
        }

        if (pattern.Kind != JqKind.String)
        {
            throw new JqException($"{pattern.TypeName} ({ValueOps.ErrorText(pattern)}) cannot be matched, as it is not a string");
        }

        var options = RegexOptions.CultureInvariant;
        var global = false;
        var skipEmpty = false;
        if (flags.Kind == JqKind.String)
        {
            foreach (var flag in flags.String)
            {
                switch (flag)
                {
                    case 'g': global = true; break;
                    case 'i': options |= RegexOptions.IgnoreCase; break;
                    case 'x': options |= RegexOptions.IgnorePatternWhitespace; break;
                    case 's': options |= RegexOptions.Singleline; break;
                    case 'p': options |= RegexOptions.Singleline | RegexOptions.Multiline; break;
                    case 'n': skipEmpty = true; break;
                    case 'l': break;
                    default: throw new JqException($"{flags.String} is not a valid modifier string");
                }
            }
        }
        else if (flags.Kind != JqKind.Null)
        {
            throw new JqException($"{flags.TypeName} ({ValueOps.ErrorText(flags)}) is not a string");
        }

        try
        {
            var regex = Cache.Get(pattern.String, options, Limits.Current.RegexMatchTimeout);
            return (regex, global, skipEmpty);
        }
        catch (ArgumentException ex)
        {
            throw new JqException($"{pattern.String} (at offset 0) is not a valid regex: {ex.Message}");
        }
    }

    public static bool Test(JqValue input, JqValue pattern, JqValue flags)
    {
        var (regex, _, skipEmpty) = Compile(input, pattern, flags);
        try
        {
            return skipEmpty ? Matches(regex, input.String, global: true, skipEmpty).Any() : regex.IsMatch(input.String);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw TimeoutError(ex);
        }
    }

    /// <summary>The matches in order, each found once (no re-scan from the start): linear in the text for a linear pattern.</summary>
    private static IEnumerable<System.Text.RegularExpressions.Match> Matches(Regex regex, string text, bool global, bool skipEmpty)
    {
        var match = Run(() => regex.Match(text));
        while (match.Success)
        {
            if (!(skipEmpty && match.Length == 0))
            {
                yield return match;
            }

            if (!global)
            {
                yield break;
            }

            if (match.Length == 0 && match.Index >= text.Length)
            {
                yield break;
            }

            var previous = match;
            match = Run(() => previous.Length == 0 ? regex.Match(text, previous.Index + (char.IsHighSurrogate(text[previous.Index]) ? 2 : 1)) : previous.NextMatch());
        }
    }

    private static System.Text.RegularExpressions.Match Run(Func<System.Text.RegularExpressions.Match> match)
    {
        try
        {
            return match();
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw TimeoutError(ex);
        }
    }

    public static IEnumerable<JqValue> Match(JqValue input, JqValue pattern, JqValue flags)
    {
        var (regex, global, skipEmpty) = Compile(input, pattern, flags);
        var text = input.String;
        foreach (var match in Matches(regex, text, global, skipEmpty))
        {
            yield return ToObject(regex, text, match);
        }
    }

    private static int CodePoints(string text, int utf16Index)
    {
        var count = 0;
        for (var i = 0; i < utf16Index && i < text.Length; i++)
        {
            if (!char.IsLowSurrogate(text[i]))
            {
                count++;
            }
        }

        return count;
    }

    private static JqValue ToObject(Regex regex, string text, System.Text.RegularExpressions.Match match)
    {
        var result = new JqObject(4);
        result.SetInPlace("offset", JqValue.FromNumber(CodePoints(text, match.Index)));
        result.SetInPlace("length", JqValue.FromNumber(ValueOps.CodePointCount(match.Value)));
        result.SetInPlace("string", JqValue.FromString(match.Value));
        var captures = new List<JqValue>();
        for (var g = 1; g < match.Groups.Count; g++)
        {
            var group = match.Groups[g];
            var capture = new JqObject(4);
            var name = regex.GroupNameFromNumber(g);
            var isNamed = !int.TryParse(name, out _);
            if (group.Success)
            {
                capture.SetInPlace("offset", JqValue.FromNumber(CodePoints(text, group.Index)));
                capture.SetInPlace("length", JqValue.FromNumber(ValueOps.CodePointCount(group.Value)));
                capture.SetInPlace("string", JqValue.FromString(group.Value));
            }
            else
            {
                capture.SetInPlace("offset", JqValue.FromNumber(-1));
                capture.SetInPlace("length", JqValue.FromNumber(0));
                capture.SetInPlace("string", JqValue.Null);
            }

            capture.SetInPlace("name", isNamed ? JqValue.FromString(name) : JqValue.Null);
            captures.Add(JqValue.FromObject(capture));
        }

        result.SetInPlace("captures", JqValue.OwnList(captures));
        return JqValue.FromObject(result);
    }

    public static JqValue Split(JqValue input, JqValue pattern, JqValue flags)
    {
        var (regex, _, skipEmpty) = Compile(input, pattern, flags);
        var text = input.String;
        var parts = new List<JqValue>();
        var start = 0;
        foreach (var match in Matches(regex, text, global: true, skipEmpty))
        {
            parts.Add(JqValue.FromString(text[start..match.Index]));
            start = match.Index + match.Length;
        }

        parts.Add(JqValue.FromString(text[start..]));
        return JqValue.OwnList(parts);
    }

    /// <summary>
    /// <c>sub</c> and <c>gsub</c>, as jq 1.8 defines them: the replacement filter runs on each match's named captures, and
    /// its n-th outputs across matches build the n-th result. With no match, the input is the result. Each result grows in
    /// a builder over the list of matches (linear, as jq is), within the string limit, one step per match.
    /// </summary>
    public static IEnumerable<JqValue> Substitute(JqValue input, Node[] args, Env? env, Interpreter ctx, bool global)
    {
        foreach (var flags in args[2].Eval(input, env, ctx))
        {
            foreach (var pattern in args[0].Eval(input, env, ctx))
            {
                var (regex, isGlobal, skipEmpty) = Compile(input, pattern, flags);
                var text = input.String;
                var results = new List<StringBuilder?>();
                var position = 0;
                var matched = false;
                var names = regex.GetGroupNumbers().Where(g => g > 0).Select(g => (Number: g, Name: regex.GroupNameFromNumber(g)))
                    .Where(g => !int.TryParse(g.Name, out _)).ToArray();
                foreach (var match in Matches(regex, text, global || isGlobal, skipEmpty))
                {
                    ctx.Step();
                    matched = true;
                    var captures = new JqObject(names.Length);
                    foreach (var (number, name) in names)
                    {
                        var group = match.Groups[number];
                        captures.SetInPlace(name, group.Success ? JqValue.FromString(group.Value) : JqValue.Null);
                    }

                    var gapStart = position;
                    var gapLength = match.Index - position;
                    var index = 0;
                    foreach (var replacement in args[1].Eval(JqValue.FromObject(captures), env, ctx))
                    {
                        if (replacement.Kind != JqKind.String)
                        {
                            var soFar = JqValue.FromString(text.Substring(gapStart, gapLength));
                            throw new JqException($"{soFar.TypeName} ({ValueOps.ErrorText(soFar)}) and {replacement.TypeName} ({ValueOps.ErrorText(replacement)}) cannot be added");
                        }

                        while (results.Count <= index)
                        {
                            results.Add(null);
                        }

                        var builder = results[index] ??= new StringBuilder();
                        Limits.CheckString((long)builder.Length + gapLength + replacement.String.Length);
                        builder.Append(text, gapStart, gapLength).Append(replacement.String);
                        index++;
                    }

                    position = match.Index + match.Length;
                }

                if (!matched)
                {
                    yield return input;
                    continue;
                }

                var tailLength = text.Length - position;
                foreach (var result in results)
                {
                    Limits.CheckString((long)(result?.Length ?? 0) + tailLength);
                    yield return JqValue.FromString(result is null ? text[position..] : result.Append(text, position, tailLength).ToString());
                }
            }
        }
    }
}
