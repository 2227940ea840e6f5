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
