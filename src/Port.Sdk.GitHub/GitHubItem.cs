using System.Buffers;
using System.Text.Json;

namespace Port.Sdk.GitHub;

/// <summary>Raw GitHub items with properties added: <c>__repository</c> on items read per repository, and what a kind completes (members, parsed content).</summary>
internal static class GitHubItem
{
    /// <summary>Gets an empty object, to build an item from nothing.</summary>
    public static JsonElement Empty { get; } = Parse("{}"u8);

    /// <summary>The item with <c>__repository</c> (when given) and the properties set, replacing any of the same name.</summary>
    public static JsonElement With(JsonElement item, string? repository, params (string Name, JsonElement Value)[] set)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in item.EnumerateObject())
            {
                if (!(repository is not null && property.Name == "__repository") && set.All(s => s.Name != property.Name))
                {
                    property.WriteTo(writer);
                }
            }

            if (repository is not null)
            {
                writer.WriteString("__repository", repository);
            }

            foreach (var (name, value) in set)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Parse(buffer.WrittenSpan);
    }

    /// <summary>A JSON string.</summary>
    public static JsonElement Text(string text) => JsonSerializer.SerializeToElement(text, GitHubJsonContext.Default.String);

    /// <summary>A JSON array of strings.</summary>
    public static JsonElement Strings(IEnumerable<string> values) => JsonSerializer.SerializeToElement([.. values], GitHubJsonContext.Default.StringArray);

    private static JsonElement Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonElement.ParseValue(ref reader);
    }
}
