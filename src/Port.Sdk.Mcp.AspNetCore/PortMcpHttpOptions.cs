namespace Port.Sdk.Mcp.AspNetCore;

/// <summary>How <see cref="PortMcpEndpointRouteBuilderExtensions.MapPortMcp"/> guards the catalog's Streamable HTTP endpoint.</summary>
public sealed class PortMcpHttpOptions
{
    /// <summary>Gets or sets the bearer token every request must send (<c>Authorization: Bearer TOKEN</c>); a request without it gets 401.</summary>
    /// <value>The default value is <see langword="null"/>: no token is checked (use the application's own authentication then).</value>
    public string? BearerToken { get; set; }

    /// <summary>Gets or sets a value indicating whether browser origins on this machine (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>, any port) are allowed.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AllowLocalhostOrigins { get; set; } = true;

    /// <summary>
    /// Gets the other origins (<c>scheme://host[:port]</c>) a browser request may come from. A request with an <c>Origin</c> header that is
    /// neither local (when <see cref="AllowLocalhostOrigins"/>) nor listed gets 403, which stops DNS-rebinding attacks from web pages.
    /// Requests without an <c>Origin</c> header (non-browser clients) are not affected.
    /// </summary>
    /// <value>The default value is empty.</value>
    public IList<string> AllowedOrigins { get; } = [];
}
