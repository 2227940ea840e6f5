using System.Text;
using Port.Sdk.Jq;

namespace Port.Sdk.Cli.Commands;

/// <summary>
/// Runs a filter over a stream of JSON texts on every core: the input is cut into chunks at top-level value boundaries,
/// each chunk is parsed, filtered and formatted on its own, and the chunks' output is written in input order, so that
/// the result is the same as a sequential run. Used only when the program does not read further inputs itself.
/// </summary>
internal static class ParallelJqRunner
{
    private const int ChunkSize = 1 << 20;

    /// <summary>Something that happened at an offset of a chunk's output: a runtime error, a halt, or an input error.</summary>
    private readonly record struct ChunkEvent(long Offset, string Message, int? HaltCode, bool Fatal);

    private sealed record ChunkResult(byte[] Output, List<ChunkEvent> Events, bool AnyOutput, bool LastTruthy);

    public static int Run(
        JqFilter filter,
        JqRunOptions runOptions,
        ReadOnlyMemory<byte> input,
        string sourceName,
        Action<TextWriter, JqValue> writeValue,
        Stream stdout,
        TextWriter stderr,
        bool exitStatus)
    {
        var chunks = Split(input);
        var results = InOrder(chunks, chunk => Process(filter, runOptions, chunk, sourceName, writeValue));

        var exitCode = 0;
        var anyOutput = false;
        var lastTruthy = false;
        foreach (var result in results)
        {
            long written = 0;
            foreach (var e in result.Events)
            {
                stdout.Write(result.Output, (int)written, (int)(e.Offset - written));
                written = e.Offset;
                stdout.Flush();
                stderr.Write(e.Message);
                if (e.HaltCode is { } halt)
                {
                    return halt;
                }

                if (e.Fatal)
                {
                    return exitCode == 0 ? 2 : exitCode;
                }

                exitCode = 5;
            }

            stdout.Write(result.Output, (int)written, result.Output.Length - (int)written);
            if (result.AnyOutput)
            {
                anyOutput = true;
                lastTruthy = result.LastTruthy;
            }
        }

        stdout.Flush();
        if (exitCode != 0)
        {
            return exitCode;
        }

        return exitStatus ? (!anyOutput ? 4 : lastTruthy ? 0 : 1) : 0;
    }

    /// <summary>
    /// Processes chunks on one worker per core, at most a few chunks ahead of the writer, and yields the results in
    /// input order. The writer blocks (it does not spin) while the next result is not ready.
    /// </summary>
    private static IEnumerable<ChunkResult> InOrder(List<ReadOnlyMemory<byte>> chunks, Func<ReadOnlyMemory<byte>, ChunkResult> process)
    {
        var workers = Math.Max(1, Environment.ProcessorCount);
        var slots = new TaskCompletionSource<ChunkResult>[chunks.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new TaskCompletionSource<ChunkResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        using var window = new SemaphoreSlim(workers * 2);
        using var stop = new CancellationTokenSource();
        var next = -1;
        var threads = new Thread[workers];
        for (var w = 0; w < workers; w++)
        {
            threads[w] = new Thread(
                () =>
                {
                    while (true)
                    {
                        try
                        {
                            window.Wait(stop.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            return;
                        }

                        var index = Interlocked.Increment(ref next);
                        if (index >= chunks.Count)
                        {
                            return;
                        }

                        try
                        {
                            slots[index].SetResult(process(chunks[index]));
                        }
                        catch (Exception ex)
                        {
                            slots[index].SetException(ex);
                        }
                    }
                },
                64 * 1024 * 1024) { IsBackground = true, Name = $"port jq worker {w}" };
            threads[w].Start();
        }

        try
        {
            for (var i = 0; i < slots.Length; i++)
            {
                var result = slots[i].Task.GetAwaiter().GetResult();
                window.Release();
                yield return result;
            }
        }
        finally
        {
            stop.Cancel();
        }
    }

    /// <summary>Cuts the input after a newline at nesting depth 0 (outside strings), every megabyte or so.</summary>
    private static List<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> input)
    {
        var chunks = new List<ReadOnlyMemory<byte>>();
        var span = input.Span;
        var start = 0;
        var depth = 0;
        var inString = false;
        var escaped = false;
        for (var i = 0; i < span.Length; i++)
        {
            var b = span[i];
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
                case (byte)'\n' when depth == 0 && i + 1 - start >= ChunkSize:
                    chunks.Add(input[start..(i + 1)]);
                    start = i + 1;
                    break;
            }
        }

        if (start < span.Length)
        {
            chunks.Add(input[start..]);
        }

        return chunks;
    }

    private static ChunkResult Process(JqFilter filter, JqRunOptions runOptions, ReadOnlyMemory<byte> chunk, string sourceName, Action<TextWriter, JqValue> writeValue)
    {
        using var memory = new MemoryStream(chunk.Length / 2);
        var events = new List<ChunkEvent>();
        var anyOutput = false;
        var lastTruthy = false;
        using (var writer = new StreamWriter(memory, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" })
        {
            try
            {
                foreach (var value in JqValue.ParseMany(chunk, sourceName))
                {
                    try
                    {
                        foreach (var output in filter.Run(value, runOptions))
                        {
                            anyOutput = true;
                            lastTruthy = output.IsTruthy;
                            writeValue(writer, output);
                        }
                    }
                    catch (JqHaltException halt)
                    {
                        writer.Flush();
                        var message = halt.HaltValue is { } haltValue ? (haltValue.Kind == JqKind.String ? haltValue.String : haltValue.ToJson() + "\n") : string.Empty;
                        events.Add(new ChunkEvent(memory.Length, message, halt.ExitCode, Fatal: true));
                        break;
                    }
                    catch (JqException ex) when (ex is not JqLimitException)
                    {
                        writer.Flush();
                        events.Add(new ChunkEvent(memory.Length, $"jq: error (at {sourceName}:0): {ex.Message}\n", null, Fatal: false));
                    }
                }
            }
            catch (JqException ex)
            {
                writer.Flush();
                events.Add(new ChunkEvent(memory.Length, $"jq: error (at {sourceName}:0): {ex.Message}\n", null, Fatal: true));
            }
        }

        return new ChunkResult(memory.ToArray(), events, anyOutput, lastTruthy);
    }
}
