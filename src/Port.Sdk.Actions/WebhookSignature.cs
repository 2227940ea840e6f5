using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Port.Sdk.Actions;

/// <summary>
/// Port's webhook signature: <c>x-port-signature</c> is <c>v1,</c> followed by the Base64 HMAC-SHA-256 of
/// <c>"{timestamp}.{body}"</c> keyed with the secret, and <c>x-port-timestamp</c> the timestamp in seconds since the epoch.
/// </summary>
public static class WebhookSignature
{
    /// <summary>Gets the name of the signature header.</summary>
    public const string SignatureHeader = "x-port-signature";

    /// <summary>Gets the name of the timestamp header.</summary>
    public const string TimestampHeader = "x-port-timestamp";

    /// <summary>Signs a body.</summary>
    /// <param name="secret">The secret.</param>
    /// <param name="timestamp">The timestamp, in seconds since the epoch.</param>
    /// <param name="body">The body, exactly as sent.</param>
    /// <returns>The value of <see cref="SignatureHeader"/>: <c>v1,{base64}</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="secret"/> or <paramref name="body"/> is <see langword="null"/>.</exception>
    public static string Sign(string secret, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        var content = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), content));
    }

    /// <summary>Checks a signature in constant time.</summary>
    /// <param name="secret">The secret.</param>
    /// <param name="timestamp">The value of <see cref="TimestampHeader"/>.</param>
    /// <param name="body">The body, exactly as received.</param>
    /// <param name="signature">The value of <see cref="SignatureHeader"/>.</param>
    /// <returns><see langword="true"/> when the signature is the body's.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static bool Verify(string secret, string timestamp, string body, string signature)
    {
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(signature);
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var expected = Encoding.UTF8.GetBytes(Sign(secret, seconds, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(signature));
    }
}
