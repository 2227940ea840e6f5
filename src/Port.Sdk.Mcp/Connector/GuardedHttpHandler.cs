using System.Net;

namespace Port.Sdk.Mcp.Connector;

/// <summary>
/// The HTTP handler under the SDK's transport: bounds every response body while it is read (an <c>application/json</c>
/// body whole, an event stream per event), counts the requests that left, and notes a 404 to a request that named a
/// session (the server no longer knows it: it was restarted).
/// </summary>
internal sealed class GuardedHttpHandler(TransportGuard guard) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError))
        {
            // The request may have left before the connection broke.
            CountPost(request);
            throw;
        }

        CountPost(request);

        if (response.StatusCode == HttpStatusCode.NotFound && request.Headers.Contains("Mcp-Session-Id"))
        {
            guard.Expire();
        }
        else if (response.StatusCode == HttpStatusCode.BadRequest && request.Headers.Contains("Mcp-Session-Id"))
        {
            // Servers on the TypeScript SDK answer an unknown session with 400 "Bad Request: No valid session ID provided".
            var body = await ReadSmallAsync(response.Content, cancellationToken).ConfigureAwait(false);
            if (System.Text.Encoding.UTF8.GetString(body).Contains("session", StringComparison.OrdinalIgnoreCase))
            {
                guard.Expire();
            }

            var buffered = new ByteArrayContent(body);
            foreach (var (name, values) in response.Content.Headers)
            {
                buffered.Headers.TryAddWithoutValidation(name, values);
            }

            response.Content.Dispose();
            response.Content = buffered;
            return response;
        }

        var framing = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? MessageFraming.Events : MessageFraming.Whole;
        if (framing == MessageFraming.Whole && response.Content.Headers.ContentLength > guard.MaxMessageBytes)
        {
            var length = response.Content.Headers.ContentLength.Value;
            response.Dispose();
            throw guard.Trip(length);
        }

        response.Content = new BoundedContent(response.Content, framing, guard);
        return response;
    }

    private const int MaxErrorBody = 65_536;

    /// <summary>An error response's body, which must be small.</summary>
    private async Task<byte[]> ReadSmallAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new MemoryStream();
            var chunk = new byte[8_192];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxErrorBody)
                {
                    throw guard.Trip(buffer.Length + read);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private void CountPost(HttpRequestMessage request)
    {
        if (request.Method == HttpMethod.Post)
        {
            guard.Wrote();
        }
    }

    private sealed class BoundedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly MessageFraming _framing;
        private readonly TransportGuard _guard;

        public BoundedContent(HttpContent inner, MessageFraming framing, TransportGuard guard)
        {
            _inner = inner;
            _framing = framing;
            _guard = guard;
            foreach (var (name, values) in inner.Headers)
            {
                Headers.TryAddWithoutValidation(name, values);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
            => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
            => new BoundedReadStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _framing, _guard);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
