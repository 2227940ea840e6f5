using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Port.Sdk.Mcp.AspNetCore;

/// <summary>Checks a request's Origin and bearer token before the MCP endpoint sees it.</summary>
internal sealed class PortMcpRequestGuard(PortMcpHttpOptions options)
{
    private readonly byte[]? _token = options.BearerToken is { } token ? Encoding.UTF8.GetBytes(token) : null;
    private readonly HashSet<string> _origins = new(options.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
    private readonly bool _allowLocalhost = options.AllowLocalhostOrigins;

    public async Task<bool> AdmitAsync(HttpContext context)
    {
        if (context.Request.Headers.Origin is { Count: > 0 } origin && !IsAllowed(origin.ToString()))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, $"The origin '{origin}' may not call this MCP server.").ConfigureAwait(false);
            return false;
        }

        if (_token is not null && !HasToken(context.Request.Headers.Authorization.ToString()))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "This MCP server needs 'Authorization: Bearer <token>'.").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    private bool IsAllowed(string origin)
    {
        if (_origins.Contains(origin))
        {
            return true;
        }

        return _allowLocalhost && Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && (uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase));
    }

    private bool HasToken(string authorization)
    {
        const string Scheme = "Bearer ";
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, _token);
    }

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message, context.RequestAborted);
    }
}
