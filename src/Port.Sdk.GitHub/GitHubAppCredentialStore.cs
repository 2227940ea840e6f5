using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Octokit;
using Octokit.Internal;

namespace Port.Sdk.GitHub;

/// <summary>A GitHub App installation's identity: the app, its private key, and the installation to act as.</summary>
public sealed class GitHubAppOptions
{
    /// <summary>Gets or sets the app's identifier (the JWT's issuer).</summary>
    public long AppId { get; set; }

    /// <summary>Gets or sets the app's private key, in PEM (<c>-----BEGIN RSA PRIVATE KEY-----</c> as GitHub gives it, or PKCS#8). Never logged or reported.</summary>
    public string PrivateKeyPem { get; set; } = string.Empty;

    /// <summary>Gets or sets the installation whose tokens the integration uses.</summary>
    public long InstallationId { get; set; }

    /// <summary>Gets or sets how long before an installation token expires a new one is fetched.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Octokit credentials of a GitHub App installation: a JWT signed (RS256) with the app's private key is exchanged
/// for an installation token, which is kept and replaced <see cref="GitHubAppOptions.RefreshBeforeExpiry"/> before it
/// expires. Neither the key nor a token appears in an exception.
/// </summary>
internal sealed class GitHubAppCredentialStore : ICredentialStore, IDisposable
{
    private readonly GitHubAppOptions _app;
    private readonly Uri _baseAddress;
    private readonly IHttpClient _http;
    private readonly TimeProvider _time;
    private readonly RSA _key = RSA.Create();
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (Credentials Credentials, DateTimeOffset ExpiresAt)? _current;
    private int _exchanges;

    public GitHubAppCredentialStore(GitHubAppOptions app, Uri baseAddress, IHttpClient http, TimeProvider time)
    {
        _app = app;
        _baseAddress = baseAddress;
        _http = http;
        _time = time;
        try
        {
            _key.ImportFromPem(app.PrivateKeyPem);
        }
        catch (ArgumentException ex)
        {
            // The key's text is not repeated: only that it is not a PEM RSA key.
            throw new ArgumentException("The GitHub App's 'PrivateKeyPem' is not a PEM-encoded RSA private key.", nameof(app), ex);
        }
    }

    /// <summary>Gets how many installation tokens were fetched.</summary>
    public int Exchanges => Volatile.Read(ref _exchanges);

    public async Task<Credentials> GetCredentials()
    {
        if (_current is { } current && current.ExpiresAt - _time.GetUtcNow() > _app.RefreshBeforeExpiry)
        {
            return current.Credentials;
        }

        await _refresh.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_current is { } again && again.ExpiresAt - _time.GetUtcNow() > _app.RefreshBeforeExpiry)
            {
                return again.Credentials;
            }

            var jwt = new Credentials(CreateJwt(), AuthenticationType.Bearer);
            var client = new GitHubClient(new Connection(new ProductHeaderValue("Port.Sdk.GitHub", "0.1"), _baseAddress, new InMemoryCredentialStore(jwt), _http, new SimpleJsonSerializer()));
            AccessToken token;
            try
            {
                token = await client.GitHubApps.CreateInstallationToken(_app.InstallationId).ConfigureAwait(false);
            }
            catch (ApiException ex)
            {
                throw new PortException($"GitHub answered {(int)ex.StatusCode} when the app '{_app.AppId}' asked for a token of installation '{_app.InstallationId}': {ex.Message}", ex);
            }

            Interlocked.Increment(ref _exchanges);
            _current = (new Credentials(token.Token, AuthenticationType.Bearer), token.ExpiresAt);
            return _current.Value.Credentials;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>The app's JWT: issued a minute in the past (clock drift, as GitHub advises), valid for nine minutes.</summary>
    private string CreateJwt()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var header = Base64Url("""{"alg":"RS256","typ":"JWT"}"""u8);
        var claims = Base64Url(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"iat":{{now - 60}},"exp":{{now + 540}},"iss":"{{_app.AppId}}"}""")));
        var signature = _key.SignData(Encoding.ASCII.GetBytes($"{header}.{claims}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{claims}.{Base64Url(signature)}";
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        _key.Dispose();
        _refresh.Dispose();
    }
}
