namespace Port.Sdk.Mcp.Connector;

/// <summary>What one session's transport saw: how many messages were written, and whether a read bound tripped or the session expired.</summary>
internal sealed class TransportGuard(long maxMessageBytes)
{
    private long _writes;
    private int _tripped;
    private int _sessionExpired;

    public long MaxMessageBytes { get; } = maxMessageBytes;

    public long Writes => Interlocked.Read(ref _writes);

    public bool Tripped => Volatile.Read(ref _tripped) != 0;

    public bool SessionExpired => Volatile.Read(ref _sessionExpired) != 0;

    public void Wrote() => Interlocked.Increment(ref _writes);

    public TransportGuardException Trip(long read)
    {
        Volatile.Write(ref _tripped, 1);
        return new TransportGuardException($"a message from the server passed {MaxMessageBytes:N0} bytes (MaxMessageBytes) after {read:N0} bytes; it was not read further.");
    }

    public void Expire() => Volatile.Write(ref _sessionExpired, 1);
}

/// <summary>A read bound tripped: thrown into the SDK's reader, which closes the transport.</summary>
internal sealed class TransportGuardException(string message) : IOException(message);
