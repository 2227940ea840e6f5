namespace Port.Sdk.Cli.Commands;

/// <summary>
/// Reads a stream of JSON texts in chunks that end after a newline at nesting depth 0 (outside strings), so that each
/// chunk holds whole top-level values and can be parsed on its own, and memory stays at a few chunks whatever the
/// input's size. A single value larger than a chunk makes its chunk as large as the value.
/// </summary>
internal static class JsonTextChunker
{
    public const int DefaultChunkSize = 1 << 20;

    public static IEnumerable<byte[]> Read(Stream stream, int chunkSize = DefaultChunkSize)
    {
        var buffer = new byte[chunkSize * 2];
        var filled = 0;
        var scanned = 0;
        var depth = 0;
        var inString = false;
        var escaped = false;
        var end = false;
        while (true)
        {
            while (!end && filled < chunkSize)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var read = stream.Read(buffer, filled, buffer.Length - filled);
                if (read == 0)
                {
                    end = true;
                }

                filled += read;
            }

            var cut = -1;
            for (var i = scanned; i < filled && cut < 0; i++)
            {
                var b = buffer[i];
                if (inString)
                {
                    if (escaped)
                    {
                        escaped = false;
                    }
                    else if (b == (byte)'\\')
                    {
                        escaped = true;
                    }
                    else if (b == (byte)'"')
                    {
                        inString = false;
                    }

                    continue;
                }

                switch (b)
                {
                    case (byte)'"':
                        inString = true;
                        break;
                    case (byte)'{' or (byte)'[':
                        depth++;
                        break;
                    case (byte)'}' or (byte)']':
                        depth--;
                        break;
                    case (byte)'\n' when depth <= 0 && i + 1 >= chunkSize:
                        cut = i + 1;
                        break;
                }
            }

            if (cut > 0)
            {
                yield return buffer[..cut];
                Buffer.BlockCopy(buffer, cut, buffer, 0, filled - cut);
                filled -= cut;
                scanned = 0;
                continue;
            }

            scanned = filled;
            if (end)
            {
                if (filled > 0)
                {
                    yield return buffer[..filled];
                }

                yield break;
            }

            // No boundary yet (one value larger than a chunk): read on, into a larger buffer if need be.
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var more = stream.Read(buffer, filled, buffer.Length - filled);
            end = more == 0;
            filled += more;
        }
    }
}
