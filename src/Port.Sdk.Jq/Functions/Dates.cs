using System.Globalization;
using System.Text;
using Port.Sdk.Jq.Runtime;

namespace Port.Sdk.Jq.Functions;

/// <summary>jq's date builtins, in UTC: broken-down time is <c>[year, month (0-11), day, hours, minutes, seconds, weekday, yearday]</c>.</summary>
internal static class Dates
{
    private static readonly double MinSeconds = (DateTime.MinValue - DateTime.UnixEpoch).TotalSeconds;
    private static readonly double MaxSeconds = Math.Floor((DateTime.MaxValue - DateTime.UnixEpoch).TotalSeconds);

    public static JqValue GmTime(double seconds)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds))
        {
            throw new JqException("gmtime() requires a finite number");
        }

        var whole = Math.Floor(seconds);
        if (whole < MinSeconds || whole > MaxSeconds)
        {
            throw new JqException($"gmtime() cannot represent {JqValue.FromNumber(seconds).ToJson()}: dates must be in the years 1 to 9999");
        }

        var time = DateTime.UnixEpoch.AddSeconds(whole);
        return Broken(time, seconds - whole);
    }

    private static JqValue Broken(DateTime time, double fraction) => JqValue.OwnList(
    [
        JqValue.FromNumber(time.Year), JqValue.FromNumber(time.Month - 1), JqValue.FromNumber(time.Day), JqValue.FromNumber(time.Hour),
        JqValue.FromNumber(time.Minute), JqValue.FromNumber(time.Second + fraction), JqValue.FromNumber((int)time.DayOfWeek), JqValue.FromNumber(time.DayOfYear - 1),
    ]);

    private static DateTime FromBroken(JqValue value, string function)
    {
        if (value.Kind != JqKind.Array || value.Array.Count == 0 || value.Array.Take(6).Any(v => v.Kind != JqKind.Number))
        {
            throw new JqException($"{function} requires parsed datetime inputs");
        }

        // Missing trailing fields default to the start of the period, as jq 1.8 allows.
        var a = value.Array;
        double Field(int i, double fallback) => i < a.Count ? a[i].Number : fallback;
        var year = Field(0, 1970);
        var month = Field(1, 0);
        if (!(year is >= 1 and <= 9999) || !(Math.Abs(month) <= 12 * 10_000))
        {
            throw OutOfRange(value, function);
        }

        try
        {
            return new DateTime((int)year, 1, 1, 0, 0, 0, DateTimeKind.Utc)
                .AddMonths((int)month).AddDays(Field(2, 1) - 1).AddHours(Field(3, 0)).AddMinutes(Field(4, 0)).AddSeconds(Math.Floor(Field(5, 0)));
        }
        catch (ArgumentException)
        {
            throw OutOfRange(value, function);
        }
    }

    private static JqException OutOfRange(JqValue value, string function)
        => new($"{function} cannot represent the date {ValueOps.ErrorText(value)}: dates must be in the years 1 to 9999");

    public static JqValue MkTime(JqValue value)
    {
        if (value.Kind != JqKind.Array)
        {
            throw new JqException("mktime requires array of 6 numbers");
        }

        return JqValue.FromNumber(Math.Floor((FromBroken(value, "mktime") - DateTime.UnixEpoch).TotalSeconds));
    }

    public static string StrFTime(JqValue input, JqValue format, string function)
    {
        if (format.Kind != JqKind.String)
        {
            throw new JqException($"{function} requires a string format");
        }

        if (input.Kind == JqKind.Number)
        {
            input = GmTime(input.Number);
        }
        else if (input.Kind != JqKind.Array)
        {
            throw new JqException($"{function} requires parsed datetime inputs");
        }

        var time = FromBroken(input, function);
        var builder = new StringBuilder();
        var f = format.String;
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] != '%' || i + 1 >= f.Length)
            {
                builder.Append(f[i]);
                continue;
            }

            var c = f[++i];
            builder.Append(c switch
            {
                'Y' => time.Year.ToString(CultureInfo.InvariantCulture),
                'C' => (time.Year / 100).ToString("00", CultureInfo.InvariantCulture),
                'y' => (time.Year % 100).ToString("00", CultureInfo.InvariantCulture),
                'm' => time.Month.ToString("00", CultureInfo.InvariantCulture),
                'd' => time.Day.ToString("00", CultureInfo.InvariantCulture),
                'e' => time.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2),
                'H' => time.Hour.ToString("00", CultureInfo.InvariantCulture),
                'I' => (time.Hour % 12 == 0 ? 12 : time.Hour % 12).ToString("00", CultureInfo.InvariantCulture),
                'M' => time.Minute.ToString("00", CultureInfo.InvariantCulture),
                'S' => time.Second.ToString("00", CultureInfo.InvariantCulture),
                'j' => time.DayOfYear.ToString("000", CultureInfo.InvariantCulture),
                'Z' => "UTC",
                'z' => "+0000",
                'a' => time.ToString("ddd", CultureInfo.InvariantCulture),
                'A' => time.ToString("dddd", CultureInfo.InvariantCulture),
                'b' or 'h' => time.ToString("MMM", CultureInfo.InvariantCulture),
                'B' => time.ToString("MMMM", CultureInfo.InvariantCulture),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'c' => time.ToString("ddd MMM ", CultureInfo.InvariantCulture) + time.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) + time.ToString(" HH:mm:ss yyyy", CultureInfo.InvariantCulture),
                'D' => time.ToString("MM/dd/yy", CultureInfo.InvariantCulture),
                'F' => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                'T' => time.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                'R' => time.ToString("HH:mm", CultureInfo.InvariantCulture),
                's' => ((long)(time - DateTime.UnixEpoch).TotalSeconds).ToString(CultureInfo.InvariantCulture),
                'u' => (time.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)time.DayOfWeek).ToString(CultureInfo.InvariantCulture),
                'w' => ((int)time.DayOfWeek).ToString(CultureInfo.InvariantCulture),
                'G' => ISOWeek.GetYear(time).ToString(CultureInfo.InvariantCulture),
                'V' => ISOWeek.GetWeekOfYear(time).ToString("00", CultureInfo.InvariantCulture),
                'U' => ((time.DayOfYear + 6 - (int)time.DayOfWeek) / 7).ToString("00", CultureInfo.InvariantCulture),
                'n' => "\n",
                't' => "\t",
                '%' => "%",
                _ => "%" + c,
            });
        }

        return builder.ToString();
    }

    public static JqValue StrPTime(JqValue input, JqValue format)
    {
        if (input.Kind != JqKind.String)
        {
            throw new JqException($"strptime/1 requires string inputs and arguments");
        }

        if (format.Kind != JqKind.String)
        {
            throw new JqException("strptime/1 requires string inputs and arguments");
        }

        var text = input.String;
        var f = format.String;
        int year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, offsetMinutes = 0;
        var pos = 0;
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] != '%' || i + 1 >= f.Length)
            {
                if (char.IsWhiteSpace(f[i]))
                {
                    while (pos < text.Length && char.IsWhiteSpace(text[pos]))
                    {
                        pos++;
                    }

                    continue;
                }

                if (pos >= text.Length || text[pos] != f[i])
                {
                    throw Fail(text, f);
                }

                pos++;
                continue;
            }

            var c = f[++i];
            switch (c)
            {
                case 'Y': year = ReadInt(text, ref pos, 4, text, f); break;
                case 'm': month = ReadInt(text, ref pos, 2, text, f); break;
                case 'd' or 'e': day = ReadInt(text, ref pos, 2, text, f); break;
                case 'H': hour = ReadInt(text, ref pos, 2, text, f); break;
                case 'M': minute = ReadInt(text, ref pos, 2, text, f); break;
                case 'S': second = ReadInt(text, ref pos, 2, text, f); break;
                case 'j': day = ReadInt(text, ref pos, 3, text, f); month = 1; break;
                case 'y': year = 1900 + ReadInt(text, ref pos, 2, text, f); if (year < 1969) { year += 100; } break;
                case 'Z':
                    while (pos < text.Length && char.IsAsciiLetter(text[pos]))
                    {
                        pos++;
                    }

                    break;
                case 'z':
                    {
                        if (pos < text.Length && text[pos] is 'Z' or 'z')
                        {
                            pos++;
                            break;
                        }

                        if (pos >= text.Length || text[pos] is not ('+' or '-'))
                        {
                            throw Fail(text, f);
                        }

                        var sign = text[pos++] == '-' ? -1 : 1;
                        var hh = ReadInt(text, ref pos, 2, text, f);
                        if (pos < text.Length && text[pos] == ':')
                        {
                            pos++;
                        }

                        var mm = ReadInt(text, ref pos, 2, text, f);
                        offsetMinutes = sign * ((hh * 60) + mm);
                        break;
                    }

                case 'b' or 'B' or 'h':
                    {
                        var names = CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames;
                        var found = false;
                        for (var m = 0; m < 12 && !found; m++)
                        {
                            var full = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[m];
                            foreach (var name in new[] { full, names[m] })
                            {
                                if (string.Compare(text, pos, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0)
                                {
                                    month = m + 1;
                                    pos += name.Length;
                                    found = true;
                                    break;
                                }
                            }
                        }

                        if (!found)
                        {
                            throw Fail(text, f);
                        }

                        break;
                    }

                case 'a' or 'A':
                    while (pos < text.Length && char.IsAsciiLetter(text[pos]))
                    {
                        pos++;
                    }

                    break;
                case 'T':
                    hour = ReadInt(text, ref pos, 2, text, f);
                    Expect(text, ref pos, ':', f);
                    minute = ReadInt(text, ref pos, 2, text, f);
                    Expect(text, ref pos, ':', f);
                    second = ReadInt(text, ref pos, 2, text, f);
                    break;
                case 's':
                    {
                        var start = pos;
                        while (pos < text.Length && (char.IsAsciiDigit(text[pos]) || (pos == start && text[pos] == '-')))
                        {
                            pos++;
                        }

                        if (!long.TryParse(text.AsSpan(start, pos - start), CultureInfo.InvariantCulture, out var epoch) || epoch < MinSeconds || epoch > MaxSeconds)
                        {
                            throw Fail(text, f);
                        }

                        var t = DateTime.UnixEpoch.AddSeconds(epoch);
                        (year, month, day, hour, minute, second) = (t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second);
                        break;
                    }

                case '%':
                    Expect(text, ref pos, '%', f);
                    break;
                default:
                    throw new JqException($"strptime/1: unsupported format '%{c}'");
            }
        }

        if (pos != text.Length)
        {
            throw Fail(text, f);
        }

        try
        {
            var time = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(month - 1).AddDays(day - 1).AddHours(hour).AddMinutes(minute - offsetMinutes).AddSeconds(second);
            return Broken(time, 0);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Fail(text, f);
        }
    }

    private static void Expect(string text, ref int pos, char c, string format)
    {
        if (pos >= text.Length || text[pos] != c)
        {
            throw Fail(text, format);
        }

        pos++;
    }

    private static int ReadInt(string text, ref int pos, int maxDigits, string input, string format)
    {
        var start = pos;
        while (pos < text.Length && pos - start < maxDigits && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }

        if (pos == start)
        {
            throw Fail(input, format);
        }

        return int.Parse(text.AsSpan(start, pos - start), CultureInfo.InvariantCulture);
    }

    private static JqException Fail(string text, string format)
        => new($"date \"{text}\" does not match format \"{format}\"");
}
