using System.Globalization;

namespace Port.Sdk.Jq;

/// <summary>
/// Exact comparison of decimal number literals, as jq 1.8 built with decNumber compares two numbers that both keep
/// their literal: <c>13911860366432393 == 13911860366432392</c> is false although both round to the same double.
/// </summary>
internal static class DecimalLiteral
{
    /// <summary>
    /// Compares two decimal texts (<c>-1.50e3</c>, <c>100</c>) by value. Only called when their doubles are equal, so
    /// both are finite or the same infinity of the same sign.
    /// </summary>
    public static int Compare(string a, string b)
    {
        var x = Normalize(a);
        var y = Normalize(b);
        if (x.Digits.Length == 0 || y.Digits.Length == 0)
        {
            // Zero (of either sign) against another number: the doubles were equal, so both are zero.
            return x.Digits.Length == y.Digits.Length ? 0 : (x.Digits.Length == 0 ? (y.Negative ? 1 : -1) : (x.Negative ? -1 : 1));
        }

        if (x.Negative != y.Negative)
        {
            return x.Negative ? -1 : 1;
        }

        var magnitude = CompareMagnitude(x, y);
        return x.Negative ? -magnitude : magnitude;
    }

    private static int CompareMagnitude((bool Negative, string Digits, long Exponent) x, (bool Negative, string Digits, long Exponent) y)
    {
        // The position of the leading digit decides first; then the digits, the shorter padded with zeros.
        var leadX = x.Exponent + x.Digits.Length;
        var leadY = y.Exponent + y.Digits.Length;
        if (leadX != leadY)
        {
            return leadX < leadY ? -1 : 1;
        }

        var length = Math.Max(x.Digits.Length, y.Digits.Length);
        for (var i = 0; i < length; i++)
        {
            var dx = i < x.Digits.Length ? x.Digits[i] : '0';
            var dy = i < y.Digits.Length ? y.Digits[i] : '0';
            if (dx != dy)
            {
                return dx < dy ? -1 : 1;
            }
        }

        return 0;
    }

    /// <summary>Sign, significant digits (no leading or trailing zeros) and the exponent of the last digit.</summary>
    private static (bool Negative, string Digits, long Exponent) Normalize(string literal)
    {
        var span = literal.AsSpan().Trim();
        var negative = false;
        if (span.Length > 0 && (span[0] == '-' || span[0] == '+'))
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        long exponent = 0;
        var e = span.IndexOfAny('e', 'E');
        if (e >= 0)
        {
            _ = long.TryParse(span[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent);
            span = span[..e];
        }

        var dot = span.IndexOf('.');
        string digits;
        if (dot >= 0)
        {
            exponent -= span.Length - dot - 1;
            digits = string.Concat(span[..dot], span[(dot + 1)..]);
        }
        else
        {
            digits = span.ToString();
        }

        digits = digits.TrimStart('0');
        var trimmed = digits.TrimEnd('0');
        exponent += digits.Length - trimmed.Length;
        return (negative, trimmed, exponent);
    }
}
