using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Port.Sdk.Cli.Commands;

/// <summary>Raw items read from a file: a JSON array of items, or JSON texts one after another (JSON Lines).</summary>
internal static class JsonItems
{
    public static IReadOnlyList<JsonElement> Read(string path, TextReader stdin)
    {
        var bytes = path == "-" ? System.Text.Encoding.UTF8.GetBytes(stdin.ReadToEnd()) : File.ReadAllBytes(path);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
        var values = new List<JsonElement>();
        while (reader.Read())
        {
            values.Add(JsonElement.ParseValue(ref reader));
        }

        return values is [{ ValueKind: JsonValueKind.Array } array] ? [.. array.EnumerateArray()] : values;
    }
}

/// <summary>An integration whose items of each kind are read from a file: what <c>port sync</c> runs.</summary>
internal sealed class FileIntegration(string identifier, IReadOnlyDictionary<string, string> files, Action<string, int>? read = null) : IIntegration
{
    public string Identifier => identifier;

    public IReadOnlyList<string> Kinds { get; } = [.. files.Keys];

    public async IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var items = JsonItems.Read(files[kind], TextReader.Null);
        foreach (var page in items.Chunk(100))
        {
            cancellationToken.ThrowIfCancellationRequested();
            read?.Invoke(kind, page.Length);
            yield return page;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public async IAsyncEnumerable<IntegrationEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }
}
