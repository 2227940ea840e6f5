using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Port.Sdk.Mcp;

/// <summary>
/// The opaque cursor of <c>search_entities</c>: the offset of the next page and a fingerprint of the search it belongs to
/// (blueprint and query), so a cursor passed with another search is refused instead of paging the wrong results.
/// The same cursor gives the same page while the catalog does not change.
/// </summary>
internal static class SearchCursor
{
    private const string Version = "v1";

    public static string Create(int offset, string fingerprint)
        => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Version}:{offset}:{fingerprint}")));

    public static string Fingerprint(string? blueprint, string? rawQuery)
    {
        var text = $"{blueprint?.Length.ToString(CultureInfo.InvariantCulture) ?? "-"}:{blueprint}:{rawQuery}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 12));
    }

    /// <summary>Reads a cursor; throws a <see cref="ToolArgumentException"/> for one this server did not issue for this search.</summary>
    public static int Read(string cursor, string fingerprint)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw Invalid();
        }

        var parts = text.Split(':');
        if (parts is not [Version, var offsetText, var issuedFor] || !int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            throw Invalid();
        }

        return issuedFor == fingerprint ? offset
            : throw new ToolArgumentException("cursor", "The argument 'cursor' belongs to another search: pass it with the same 'blueprint' and 'query' as the call that returned it.");
    }

    private static ToolArgumentException Invalid() => new("cursor", "The argument 'cursor' is not a cursor this server issued: pass a 'nextCursor' from a previous 'search_entities' result unchanged.");
}
