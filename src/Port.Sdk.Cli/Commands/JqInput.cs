using System.Text;
using Port.Sdk.Jq;
using Port.Sdk.Jq.Streaming;

namespace Port.Sdk.Cli.Commands;

/// <summary>Reads jq's inputs: JSON texts (or raw lines) from files or standard input, as UTF-8 bytes.</summary>
internal static class JqInput
{
    /// <summary>
    /// The inputs, read lazily: JSON texts stream through in chunks of whole top-level values (see
    /// <see cref="JsonTextChunker"/>), so memory does not grow with the input. The files are opened before the first
    /// value is read, so that a missing one is an error before any output. With a <paramref name="projection"/>, each
    /// value holds only the parts of the input it keeps.
    /// </summary>
    public static IEnumerable<JqValue> Read(IReadOnlyList<string> files, Stream stdin, bool raw, bool slurp, JqProjection? projection = null)
    {
        if (raw)
        {
            var sources = files.Count == 0 ? [ReadAll(stdin)] : files.Select(File.ReadAllBytes).ToList();
            var text = string.Concat(sources.Select(s => Encoding.UTF8.GetString(s)));
            if (slurp)
            {
                return [JqValue.FromString(text)];
            }

            return RawLines(text);
        }

        var streams = files.Count == 0 ? [(Name: "<stdin>", Stream: stdin)] : files.Select(f => (Name: f, Stream: (Stream)File.OpenRead(f))).ToList();
        var values = streams.SelectMany(s => ReadJson(s.Stream, s.Name, files.Count > 0, projection));
        return slurp ? [JqValue.FromArray(values)] : values;
    }

    public static IEnumerable<JqValue> ReadJson(byte[] bytes, string name) => JqValue.ParseMany(bytes, name);

    private static IEnumerable<JqValue> ReadJson(Stream stream, string name, bool dispose, JqProjection? projection)
    {
        try
        {
            foreach (var chunk in JsonTextChunker.Read(stream))
            {
                foreach (var value in ProjectedJsonReader.ParseMany(chunk, projection, name))
                {
                    yield return value;
                }
            }
        }
        finally
        {
            if (dispose)
            {
                stream.Dispose();
            }
        }
    }

    private static IEnumerable<JqValue> RawLines(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                yield return JqValue.FromString(text[start..]);
                yield break;
            }

            yield return JqValue.FromString(text[start..end]);
            start = end + 1;
        }
    }

    public static byte[] ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
