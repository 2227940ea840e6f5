using System.Collections.Concurrent;
using Port.Sdk.Jq;
using Port.Sdk.Jq.Streaming;

namespace Port.Sdk.Cli.Commands;

/// <summary>
/// Runs a filter over a stream of JSON texts on every core: the input is cut into chunks at top-level value boundaries,
/// each chunk is parsed, filtered and formatted on its own, and the chunks' output is written in input order, so that
/// the result is the same as a sequential run. Used only when the program does not read further inputs itself.
/// Reading, evaluating and writing overlap, and only a few chunks are in flight at once: memory does not grow with the
/// input.
/// </summary>
internal static class ParallelJqRunner
{
    /// <summary>Something that happened at an offset of a chunk's output: a runtime error, a halt, or an input error.</summary>
    private readonly record struct ChunkEvent(int Offset, string Message, int? HaltCode, bool Fatal);

    private sealed record ChunkResult(Utf8JqWriter Output, List<ChunkEvent> Events, bool AnyOutput, bool LastTruthy);

    public static int Run(
        JqFilter filter,
        JqRunOptions runOptions,
        JqProjection? projection,
        IEnumerable<byte[]> chunks,
        string sourceName,
        Action<Utf8JqWriter, JqValue> writeValue,
        Stream stdout,
        TextWriter stderr,
        bool exitStatus)
    {
        var results = InOrder(chunks, chunk => Process(filter, runOptions, projection, chunk, sourceName, writeValue));

        var exitCode = 0;
        var anyOutput = false;
        var lastTruthy = false;
        foreach (var result in results)
        {
            using var output = result.Output;
            var bytes = output.WrittenSpan;
            var written = 0;
            foreach (var e in result.Events)
            {
                stdout.Write(bytes[written..e.Offset]);
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

            stdout.Write(bytes[written..]);
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
    /// Reads chunks on one thread and processes them on one worker per core, at most a few chunks ahead of the writer,
    /// and yields the results in input order. The writer blocks (it does not spin) while the next result is not ready.
    /// </summary>
    private static IEnumerable<ChunkResult> InOrder(IEnumerable<byte[]> chunks, Func<byte[], ChunkResult> process)
    {
        var workers = Math.Max(1, Environment.ProcessorCount);

        // Neither the collections nor the token source are disposed: the reader and the workers may still be leaving
        // them when the writer stops early (a halt or an input error), and they hold no unmanaged resource until then.
        var stop = new CancellationTokenSource();
        var work = new BlockingCollection<(byte[] Chunk, TaskCompletionSource<ChunkResult> Slot)>(workers);
        var ordered = new BlockingCollection<TaskCompletionSource<ChunkResult>>(workers * 2);
        var reader = new Thread(
            () =>
            {
                try
                {
                    foreach (var chunk in chunks)
                    {
                        var slot = new TaskCompletionSource<ChunkResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                        ordered.Add(slot, stop.Token);
                        work.Add((chunk, slot), stop.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // A read error reaches the writer in input order, after the chunks read before it.
                    var failed = new TaskCompletionSource<ChunkResult>();
                    failed.SetException(ex);
                    ordered.Add(failed);
                }
                finally
                {
                    work.CompleteAdding();
                    ordered.CompleteAdding();
                }
            }) { IsBackground = true, Name = "port jq reader" };
        reader.Start();

        for (var w = 0; w < workers; w++)
        {
            new Thread(
                () =>
                {
                    try
                    {
                        foreach (var (chunk, slot) in work.GetConsumingEnumerable(stop.Token))
                        {
                            try
                            {
                                slot.SetResult(process(chunk));
                            }
                            catch (Exception ex)
                            {
                                slot.SetException(ex);
                            }
                        }
                    }
                    catch (OperationCanceledException)
                    {
                    }
                },
                64 * 1024 * 1024) { IsBackground = true, Name = $"port jq worker {w}" }.Start();
        }

        try
        {
            foreach (var slot in ordered.GetConsumingEnumerable())
            {
                yield return slot.Task.GetAwaiter().GetResult();
            }
        }
        finally
        {
            stop.Cancel();
        }
    }

    private static ChunkResult Process(JqFilter filter, JqRunOptions runOptions, JqProjection? projection, byte[] chunk, string sourceName, Action<Utf8JqWriter, JqValue> writeValue)
    {
        var writer = new Utf8JqWriter(chunk.Length / 2);
        var events = new List<ChunkEvent>();
        var anyOutput = false;
        var lastTruthy = false;
        try
        {
            foreach (var value in ProjectedJsonReader.ParseMany(chunk, projection, sourceName))
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
                    var message = halt.HaltValue is { } haltValue ? (haltValue.Kind == JqKind.String ? haltValue.String : haltValue.ToJson() + "\n") : string.Empty;
                    events.Add(new ChunkEvent(writer.Length, message, halt.ExitCode, Fatal: true));
                    break;
                }
                catch (JqException ex) when (ex is not JqLimitException)
                {
                    events.Add(new ChunkEvent(writer.Length, $"jq: error (at {sourceName}:0): {ex.Message}\n", null, Fatal: false));
                }
            }
        }
        catch (JqException ex)
        {
            events.Add(new ChunkEvent(writer.Length, $"jq: error (at {sourceName}:0): {ex.Message}\n", null, Fatal: true));
        }
        catch
        {
            writer.Dispose();
            throw;
        }

        return new ChunkResult(writer, events, anyOutput, lastTruthy);
    }
}
