using System.Globalization;
using System.Text.Json;

namespace Port.Sdk.JsonSchema.Internal;

/// <summary>A JSON number as both an exact decimal (when it fits) and a double.</summary>
internal readonly struct NumberValue
{
    public NumberValue(JsonElement element)
    {
        HasDecimal = element.TryGetDecimal(out var d);
        Decimal = d;
        Double = element.GetDouble();
    }

    public bool HasDecimal { get; }

    public decimal Decimal { get; }

    public double Double { get; }

    public int CompareTo(in NumberValue other)
        => HasDecimal && other.HasDecimal ? Decimal.CompareTo(other.Decimal) : Double.CompareTo(other.Double);

    public bool IsMultipleOf(in NumberValue divisor)
    {
        if (HasDecimal && divisor.HasDecimal)
        {
            try
            {
                return Decimal % divisor.Decimal == 0m;
            }
            catch (OverflowException)
            {
                // Fall through to double arithmetic.
            }
        }

        var quotient = Double / divisor.Double;
        return double.IsFinite(quotient) && Math.Abs(quotient - Math.Round(quotient)) < 1e-9 * Math.Max(1, Math.Abs(quotient));
    }

    public override string ToString()
        => HasDecimal ? Decimal.ToString(CultureInfo.InvariantCulture) : Double.ToString("R", CultureInfo.InvariantCulture);

    public static bool IsInteger(JsonElement element)
    {
        if (element.TryGetInt64(out _))
        {
            return true;
        }

        if (element.TryGetDecimal(out var d))
        {
            return d == decimal.Truncate(d);
        }

        var value = element.GetDouble();
        return double.IsFinite(value) && Math.Floor(value) == value;
    }

    public static bool AreEqual(JsonElement a, JsonElement b)
    {
        if (a.TryGetDecimal(out var x) && b.TryGetDecimal(out var y))
        {
            return x == y;
        }

        return a.GetDouble() == b.GetDouble();
    }
}
