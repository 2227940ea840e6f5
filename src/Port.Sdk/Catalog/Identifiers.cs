using System.Text.RegularExpressions;

namespace Port.Sdk;

/// <summary>Port's identifier rules, as its API enforces them.</summary>
public static partial class Identifiers
{
    /// <summary>The longest blueprint identifier.</summary>
    public const int MaxBlueprintLength = 100;

    /// <summary>The longest entity identifier.</summary>
    public const int MaxEntityLength = 1000;

    [GeneratedRegex(@"^[A-Za-z0-9@_=\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex BlueprintPattern();

    [GeneratedRegex(@"^[A-Za-z0-9@_.+:\\/=\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EntityPattern();

    /// <summary>Checks a blueprint identifier (also used for relation and property names).</summary>
    /// <param name="identifier">The identifier.</param>
    /// <returns><see langword="null"/> when valid, else the reason.</returns>
    public static string? CheckBlueprint(string? identifier) => Check(identifier, MaxBlueprintLength, BlueprintPattern(), "letters, digits and @ _ = -");

    /// <summary>Checks an entity identifier.</summary>
    /// <param name="identifier">The identifier.</param>
    /// <returns><see langword="null"/> when valid, else the reason.</returns>
    public static string? CheckEntity(string? identifier) => Check(identifier, MaxEntityLength, EntityPattern(), "letters, digits and @ _ . + : / = -");

    private static string? Check(string? identifier, int max, Regex pattern, string allowed)
    {
        if (string.IsNullOrEmpty(identifier))
        {
            return "the identifier is empty";
        }

        if (identifier.Length > max)
        {
            return $"the identifier is {identifier.Length} characters long, more than {max}";
        }

        return pattern.IsMatch(identifier) ? null : $"the identifier '{identifier}' may contain only {allowed}";
    }
}
