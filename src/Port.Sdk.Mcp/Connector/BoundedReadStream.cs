namespace Port.Sdk.Mcp.Connector;

/// <summary>Where one message ends in a stream, for <see cref="BoundedReadStream"/>.</summary>
internal enum MessageFraming
{
    /// <summary>One message per line (stdio).</summary>
    Lines,

    /// <summary>Server-sent events: a blank line ends an event.</summary>
    Events,

    /// <summary>The whole stream is one message (an <c>application/json</c> body).</summary>
    Whole,
}

/// <summary>
/// A read-only stream that fails (and trips its <see cref="TransportGuard"/>) as soon as one message passes the
/// guard's byte bound, before the bytes past it reach the reader: the SDK never holds more than the bound of one message.
/// </summary>
internal sealed class BoundedReadStream(Stream inner, MessageFraming framing, TransportGuard guard) : Stream
{
    private long _current;
    private bool _afterNewline;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Count(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Count(buffer.Span[..read]);
        return read;
    }

    private void Count(ReadOnlySpan<byte> bytes)
    {
        if (guard.Tripped)
        {
            throw guard.Trip(_current);
        }

        switch (framing)
        {
            case MessageFraming.Whole:
                _current += bytes.Length;
                break;
            case MessageFraming.Lines:
                var rest = bytes;
                for (var newline = rest.IndexOf((byte)'\n'); newline >= 0; newline = rest.IndexOf((byte)'\n'))
                {
                    if (_current + newline > guard.MaxMessageBytes)
                    {
                        throw guard.Trip(_current + newline);
                    }

                    _current = 0;
                    rest = rest[(newline + 1)..];
                }

                _current += rest.Length;
                break;
            default:
                foreach (var b in bytes)
                {
                    if (b == '\n')
                    {
                        _current = _afterNewline ? 0 : _current + 1;
                        _afterNewline = true;
                    }
                    else if (b != '\r')
                    {
                        _current++;
                        _afterNewline = false;
                    }
                }

                break;
        }

        if (_current > guard.MaxMessageBytes)
        {
            throw guard.Trip(_current);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
