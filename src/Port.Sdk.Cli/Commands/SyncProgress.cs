using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Port.Sdk.Cli.Commands;

/// <summary>
/// The progress line of <c>port sync</c> on a terminal: per kind, the items read, the entities mapped and the entities
/// written, rewritten in place (carriage return, erase line) at most four times a second and erased at the end, so
/// that what remains on the screen is the report. Never used when standard error is redirected (a pipe, a file, CI).
/// </summary>
internal sealed class SyncProgress : IDisposable
{
    private static readonly long Interval = Stopwatch.Frequency / 4;

    private readonly TextWriter _terminal;
    private readonly string[] _kinds;
    private readonly long[] _read;
    private readonly long[] _mapped;
    private readonly long[] _written;

    // Which kind mapped each entity, so that a write the catalog reports is counted for its kind.
    private readonly ConcurrentDictionary<EntityKey, int> _kindOf = new();
    private readonly Lock _gate = new();
    private long _lastRender;
    private bool _shown;

    private SyncProgress(TextWriter terminal, IReadOnlyList<string> kinds)
    {
        _terminal = terminal;
        _kinds = [.. kinds];
        _read = new long[kinds.Count];
        _mapped = new long[kinds.Count];
        _written = new long[kinds.Count];
    }

    /// <summary>A progress line on <paramref name="stderr"/> when it is the process's standard error and a terminal; otherwise <see langword="null"/>.</summary>
    public static SyncProgress? ForTerminal(TextWriter stderr, IReadOnlyList<string> kinds)
        => ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb"
            ? new SyncProgress(stderr, kinds)
            : null;

    public void Read(string kind, int items)
    {
        Interlocked.Add(ref _read[Index(kind)], items);
        Render();
    }

    public void Mapped(string kind, IReadOnlyList<Entity> entities)
    {
        var index = Index(kind);
        foreach (var entity in entities)
        {
            _kindOf[new EntityKey(entity.Blueprint, entity.Identifier)] = index;
        }

        Interlocked.Add(ref _mapped[index], entities.Count);
        Render();
    }

    public void Written(EntityKey key)
    {
        if (_kindOf.TryGetValue(key, out var index))
        {
            Interlocked.Increment(ref _written[index]);
            Render();
        }
    }

    /// <summary>Erases the progress line.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_shown)
            {
                _terminal.Write("\r\u001b[K");
                _terminal.Flush();
                _shown = false;
            }
        }
    }

    private int Index(string kind) => Math.Max(0, Array.IndexOf(_kinds, kind));

    private void Render()
    {
        // The first update is shown at once; the others at most every quarter of a second.
        var now = Stopwatch.GetTimestamp();
        var last = Interlocked.Read(ref _lastRender);
        if (last != 0 && now - last < Interval)
        {
            return;
        }

        lock (_gate)
        {
            if (_lastRender != 0 && now - _lastRender < Interval)
            {
                return;
            }

            Interlocked.Exchange(ref _lastRender, now);
            var line = new StringBuilder("\r\u001b[K");
            for (var i = 0; i < _kinds.Length; i++)
            {
                line.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? string.Empty : " | ")}{_kinds[i]}: {Interlocked.Read(ref _read[i]):N0} read, {Interlocked.Read(ref _mapped[i]):N0} mapped, {Interlocked.Read(ref _written[i]):N0} written");
            }

            _terminal.Write(line.ToString());
            _terminal.Flush();
            _shown = true;
        }
    }
}

/// <summary>A mapper that counts what the mapper it wraps maps, for <see cref="SyncProgress"/>.</summary>
internal sealed class ProgressMapper(ISemanticMapper inner, SyncProgress progress) : ISemanticMapper
{
    public MappingResult Map(string kind, System.Text.Json.JsonElement item, MappingContext context)
    {
        var result = inner.Map(kind, item, context);
        progress.Mapped(kind, result.Entities);
        return result;
    }
}
