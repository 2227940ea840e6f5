namespace Port.Sdk.JsonSchema.Internal;

internal static class UriUtilities
{
    /// <summary>Removes an empty trailing fragment so that <c>http://x/y#</c> and <c>http://x/y</c> are one key.</summary>
    public static string Normalize(string uri) => uri.EndsWith('#') ? uri[..^1] : uri;

    public static (string Base, string? Fragment) Split(string uri)
    {
        var hash = uri.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? (uri, null) : (uri[..hash], uri[(hash + 1)..]);
    }

    /// <summary>Resolves a URI reference against an absolute base, as RFC 3986 section 5 does.</summary>
    public static string Resolve(string baseUri, string reference)
    {
        if (reference.Length == 0)
        {
            return Split(baseUri).Base;
        }

        if (reference[0] == '#')
        {
            return Split(baseUri).Base + reference;
        }

        if (HasScheme(reference))
        {
            return reference;
        }

        if (Uri.TryCreate(baseUri, UriKind.Absolute, out var b) && b.IsAbsoluteUri && !IsOpaque(baseUri)
            && Uri.TryCreate(b, reference, out var resolved))
        {
            var text = resolved.OriginalString;
            return reference.EndsWith('#') || !text.EndsWith('#') ? text : text[..^1];
        }

        // Opaque bases (urn:, tag:) have no path to merge into; the reference replaces everything after the scheme-specific part.
        return reference;
    }

    public static bool HasScheme(string reference)
    {
        for (var i = 0; i < reference.Length; i++)
        {
            var c = reference[i];
            if (c == ':')
            {
                return i > 0;
            }

            if (!(char.IsAsciiLetter(c) || (i > 0 && (char.IsAsciiDigit(c) || c is '+' or '-' or '.'))))
            {
                return false;
            }
        }

        return false;
    }

    private static bool IsOpaque(string uri)
    {
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && (colon + 1 >= uri.Length || uri[colon + 1] != '/');
    }

    public static string EscapePointerToken(string token)
        => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    public static string UnescapePointerToken(string token)
        => token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
}
