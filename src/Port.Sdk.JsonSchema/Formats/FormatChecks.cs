using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Port.Sdk.JsonSchema.Internal;

namespace Port.Sdk.JsonSchema.Formats;

/// <summary>The built-in checks used when <see cref="JsonSchemaOptions.FormatAssertion"/> is on.</summary>
/// <remarks>
/// Port's <c>yaml</c>, <c>markdown</c>, <c>proto</c>, <c>team</c> and <c>entity</c> formats are labels: any string passes here.
/// <c>team</c> and <c>entity</c> name catalog identifiers, which only the catalog can check.
/// </remarks>
internal static partial class FormatChecks
{
    private static readonly Dictionary<string, Func<string, bool>> Checks = new(StringComparer.Ordinal)
    {
        ["date-time"] = IsDateTime,
        ["date"] = IsDate,
        ["time"] = IsTime,
        ["duration"] = IsDuration,
        ["email"] = IsEmail,
        ["idn-email"] = IsEmail,
        ["hostname"] = IsHostname,
        ["idn-hostname"] = IsIdnHostname,
        ["ipv4"] = IsIPv4,
        ["ipv6"] = IsIPv6,
        ["uri"] = IsUri,
        ["uri-reference"] = IsUriReference,
        ["iri"] = IsIri,
        ["iri-reference"] = IsIriReference,
        ["uri-template"] = IsUriTemplate,
        ["uuid"] = IsUuid,
        ["regex"] = EcmaRegex.IsValid,
        ["json-pointer"] = IsJsonPointer,
        ["relative-json-pointer"] = IsRelativeJsonPointer,

        // Port's own formats.
        ["url"] = IsUrl,
        ["user"] = IsEmail,
        ["timer"] = IsDateTime,
        ["team"] = static _ => true,
        ["yaml"] = static _ => true,
        ["markdown"] = static _ => true,
        ["proto"] = static _ => true,
        ["entity"] = static _ => true,
    };

    public static Func<string, bool>? Find(string format, JsonSchemaOptions options)
        => options.Formats.TryGetValue(format, out var custom) ? custom : Checks.GetValueOrDefault(format);

    public static bool IsDate(string value)
    {
        if (value.Length != 10 || value[4] != '-' || value[7] != '-'
            || !TryDigits(value, 0, 4, out var year) || !TryDigits(value, 5, 2, out var month) || !TryDigits(value, 8, 2, out var day))
        {
            return false;
        }

        return month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(Math.Max(1, year), month);
    }

    public static bool IsTime(string value) => IsTime(value, out _);

    private static bool IsTime(string value, out bool leapSecondOk)
    {
        leapSecondOk = false;
        if (value.Length < 9 || value[2] != ':' || value[5] != ':'
            || !TryDigits(value, 0, 2, out var hour) || !TryDigits(value, 3, 2, out var minute) || !TryDigits(value, 6, 2, out var second))
        {
            return false;
        }

        var i = 8;
        if (i < value.Length && value[i] == '.')
        {
            var start = ++i;
            while (i < value.Length && char.IsAsciiDigit(value[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        if (i >= value.Length)
        {
            return false;
        }

        int offsetMinutes;
        if (value[i] is 'Z' or 'z' && i == value.Length - 1)
        {
            offsetMinutes = 0;
        }
        else if (value[i] is '+' or '-' && value.Length - i == 6 && value[i + 3] == ':'
            && TryDigits(value, i + 1, 2, out var offsetHour) && TryDigits(value, i + 4, 2, out var offsetMinute)
            && offsetHour <= 23 && offsetMinute <= 59)
        {
            offsetMinutes = (offsetHour * 60) + offsetMinute;
            if (value[i] == '+')
            {
                offsetMinutes = -offsetMinutes;
            }
        }
        else
        {
            return false;
        }

        if (hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        if (second == 60)
        {
            // A leap second is only valid at 23:59:60 UTC.
            var utc = ((((hour * 60) + minute + offsetMinutes) % 1440) + 1440) % 1440;
            leapSecondOk = utc == (23 * 60) + 59;
            return leapSecondOk;
        }

        return true;
    }

    public static bool IsDateTime(string value)
    {
        var t = value.IndexOfAny(['T', 't']);
        return t == 10 && IsDate(value[..10]) && IsTime(value[11..]);
    }

    [GeneratedRegex(@"^P(?:(?:\d+Y(?:\d+M(?:\d+D)?)?|\d+M(?:\d+D)?|\d+D)(?:T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S))?|T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S)|\d+W)\z", RegexOptions.CultureInvariant)]
    private static partial Regex DurationRegex();

    public static bool IsDuration(string value) => value.All(char.IsAscii) && DurationRegex().IsMatch(value);

    public static bool IsEmail(string value)
    {
        var at = value.LastIndexOf('@');
        if (at <= 0 || at == value.Length - 1)
        {
            return false;
        }

        var local = value[..at];
        var domain = value[(at + 1)..];
        if (local.Length > 64)
        {
            return false;
        }

        if (local.StartsWith('"') && local.EndsWith('"') && local.Length >= 2)
        {
            // A quoted local part may hold anything printable.
        }
        else if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal)
            || local.Any(c => !(char.IsLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".Contains(c, StringComparison.Ordinal) || c > 127)))
        {
            return false;
        }

        if (domain.StartsWith('[') && domain.EndsWith(']'))
        {
            var literal = domain[1..^1];
            return literal.StartsWith("IPv6:", StringComparison.Ordinal) ? IsIPv6(literal[5..]) : IsIPv4(literal);
        }

        return IsIdnHostname(domain);
    }

    public static bool IsHostname(string value)
    {
        if (value.Length == 0 || value.Length > 253 || !value.All(char.IsAscii))
        {
            return false;
        }

        return IsIdnHostname(value);
    }

    public static bool IsIdnHostname(string value)
    {
        var trimmed = value;
        if (trimmed.Length == 0 || trimmed.Length > 253)
        {
            return false;
        }

        foreach (var label in trimmed.Split('.'))
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-'))
            {
                return false;
            }

            if (label.Length >= 4 && label[2] == '-' && label[3] == '-' && !label.StartsWith("xn", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || (c > 127 && char.IsLetterOrDigit(c))))
                {
                    return false;
                }
            }
        }

        return true;
    }

    public static bool IsIPv4(string value)
    {
        var parts = value.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0') || int.Parse(part, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsIPv6(string value)
    {
        if (value.Length == 0 || value.Contains('%', StringComparison.Ordinal) || value.Any(c => !(char.IsAsciiHexDigit(c) || c is ':' or '.')))
        {
            return false;
        }

        var doubleColon = value.IndexOf("::", StringComparison.Ordinal);
        if (doubleColon >= 0 && value.IndexOf("::", doubleColon + 1, StringComparison.Ordinal) >= 0)
        {
            return false;
        }

        var groups = value.Split(':');
        var count = 0;
        for (var i = 0; i < groups.Length; i++)
        {
            var group = groups[i];
            if (group.Length == 0)
            {
                continue;
            }

            if (group.Contains('.', StringComparison.Ordinal))
            {
                if (i != groups.Length - 1 || !IsIPv4(group))
                {
                    return false;
                }

                count += 2;
                continue;
            }

            if (group.Length > 4 || group.Contains('.', StringComparison.Ordinal))
            {
                return false;
            }

            count++;
        }

        if (doubleColon < 0)
        {
            return count == 8 && !value.StartsWith(':') && !value.EndsWith(':');
        }

        if ((value.StartsWith(':') && !value.StartsWith("::", StringComparison.Ordinal)) || (value.EndsWith(':') && !value.EndsWith("::", StringComparison.Ordinal)))
        {
            return false;
        }

        return count < 8 && IPAddress.TryParse(value, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
    }

    // RFC 3986 appendix B, with the character rules of section 2 and 3.
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*:(?://(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*@)?(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::[0-9]*)?(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)*|/?(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)*)?)(?:\?(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?(?:#(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex UriRegex();

    [GeneratedRegex(@"^(?:(?://(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*@)?(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::[0-9]*)?(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)*)|/?(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=@]|%[0-9A-Fa-f]{2})+(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)*)?)(?:\?(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?(?:#(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex RelativeReferenceRegex();

    public static bool IsUri(string value) => UriRegex().IsMatch(value);

    public static bool IsUriReference(string value) => UriRegex().IsMatch(value) || RelativeReferenceRegex().IsMatch(value);

    public static bool IsIri(string value) => IsUri(AsciiFold(value));

    public static bool IsIriReference(string value) => IsUriReference(AsciiFold(value));

    public static bool IsUrl(string value)
        => IsUri(value) && (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    /// <summary>RFC 6570 level 4: literals, and expressions of an optional operator and a list of varspecs.</summary>
    public static bool IsUriTemplate(string value)
    {
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c == '{')
            {
                var end = value.IndexOf('}', i + 1);
                if (end < 0 || !IsUriTemplateExpression(value.AsSpan(i + 1, end - i - 1)))
                {
                    return false;
                }

                i = end + 1;
                continue;
            }

            if (c == '%')
            {
                if (i + 2 >= value.Length || !char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2]))
                {
                    return false;
                }

                i += 3;
                continue;
            }

            if (c <= ' ' || c == 0x7F || "\"<>\\^`|}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }

            i++;
        }

        return true;
    }

    private static bool IsUriTemplateExpression(ReadOnlySpan<char> expression)
    {
        if (expression.Length > 0 && "+#./;?&".Contains(expression[0]))
        {
            expression = expression[1..];
        }

        foreach (var range in expression.Split(','))
        {
            var varspec = expression[range];
            var colon = varspec.IndexOf(':');
            var name = varspec;
            if (varspec.EndsWith("*"))
            {
                name = varspec[..^1];
            }
            else if (colon >= 0)
            {
                name = varspec[..colon];
                var length = varspec[(colon + 1)..];
                if (length.Length is 0 or > 4 || length[0] == '0')
                {
                    return false;
                }

                foreach (var d in length)
                {
                    if (!char.IsAsciiDigit(d))
                    {
                        return false;
                    }
                }
            }

            if (name.Length == 0 || name[0] == '.' || name[^1] == '.' || name.Contains("..", StringComparison.Ordinal))
            {
                return false;
            }

            for (var j = 0; j < name.Length; j++)
            {
                var c = name[j];
                if (c == '%' && j + 2 < name.Length && char.IsAsciiHexDigit(name[j + 1]) && char.IsAsciiHexDigit(name[j + 2]))
                {
                    j += 2;
                }
                else if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [GeneratedRegex(@"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\z", RegexOptions.CultureInvariant)]
    private static partial Regex UuidRegex();

    public static bool IsUuid(string value) => UuidRegex().IsMatch(value);

    public static bool IsJsonPointer(string value)
    {
        if (value.Length > 0 && value[0] != '/')
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '~' && (i + 1 >= value.Length || value[i + 1] is not ('0' or '1')))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsRelativeJsonPointer(string value)
    {
        var i = 0;
        while (i < value.Length && char.IsAsciiDigit(value[i]))
        {
            i++;
        }

        if (i == 0 || (i > 1 && value[0] == '0'))
        {
            return false;
        }

        var rest = value[i..];
        return rest == "#" || IsJsonPointer(rest);
    }

    private static string AsciiFold(string value)
    {
        if (value.All(char.IsAscii))
        {
            return value;
        }

        // IRIs allow any non-ASCII character where URIs allow unreserved ones.
        return string.Concat(value.Select(c => c > 127 ? "a" : c.ToString()));
    }

    private static bool TryDigits(string value, int start, int count, out int result)
    {
        result = 0;
        if (start + count > value.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                return false;
            }

            result = (result * 10) + (value[i] - '0');
        }

        return true;
    }
}
