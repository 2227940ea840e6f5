namespace Port.Sdk.GitHub;

/// <summary>
/// A webhook body kept while its signature is checked: in memory up to a threshold, then in a temporary file that is
/// deleted when the buffer is disposed. So a large unverified body costs disk for a moment, never the heap.
/// </summary>
internal sealed class WebhookBodyBuffer(int memoryThreshold) : IAsyncDisposable
{
    private readonly MemoryStream _memory = new();
    private FileStream? _file;

    public long Length => _file?.Length ?? _memory.Length;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_file is null && _memory.Length + data.Length > memoryThreshold)
        {
            _file = new FileStream(Path.Combine(Path.GetTempPath(), $"port-webhook-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            _memory.Position = 0;
            await _memory.CopyToAsync(_file, cancellationToken).ConfigureAwait(false);
            _memory.SetLength(0);
            _memory.Capacity = 0;
        }

        if (_file is not null)
        {
            await _file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _memory.Write(data.Span);
        }
    }

    /// <summary>The whole body, once its signature was found valid.</summary>
    public async Task<ReadOnlyMemory<byte>> ReadAllAsync(CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            return _memory.GetBuffer().AsMemory(0, (int)_memory.Length);
        }

        var bytes = new byte[_file.Length];
        _file.Position = 0;
        await _file.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        await _memory.DisposeAsync().ConfigureAwait(false);
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }
}
