using System.Text.Json;

namespace Port.Sdk.Jq.Streaming;

/// <summary>
/// Reads a sequence of JSON texts into jq values that hold only what a <see cref="JqProjection"/> keeps: members outside
/// it are skipped with <see cref="Utf8JsonReader.Skip"/>, which still checks their syntax, so invalid JSON is the same
/// error as with a full parse, at the same byte.
/// </summary>
internal static class ProjectedJsonReader
{
    /// <summary>Reads the whitespace-separated JSON texts of <paramref name="utf8"/>, lazily; a full parse when <paramref name="projection"/> is <see langword="null"/>.</summary>
    public static IEnumerable<JqValue> ParseMany(ReadOnlyMemory<byte> utf8, JqProjection? projection, string? source = null)
    {
        if (projection is null)
        {
            foreach (var value in JqJsonReader.ParseMany(utf8, source))
            {
                yield return value;
            }

            yield break;
        }

        var reader = new JqJsonReader();
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = JqJsonReader.MaxDepth, AllowMultipleValues = true });
        long offset = utf8.Span.StartsWith("\uFEFF"u8) ? 3 : 0;
        while (true)
        {
            var (done, value, consumed, next) = ReadNext(reader, projection, utf8.Span[(int)offset..], state, source, offset);
            if (done)
            {
                yield break;
            }

            offset += consumed;
            state = next;
            yield return value;
        }
    }

    private static (bool Done, JqValue Value, long Consumed, JsonReaderState State) ReadNext(
        JqJsonReader reader, JqProjection projection, ReadOnlySpan<byte> span, JsonReaderState state, string? source, long offset)
    {
        var json = new Utf8JsonReader(span, isFinalBlock: true, state);
        try
        {
            if (!json.Read())
            {
                return (true, default, 0, state);
            }

            var value = Read(reader, ref json, projection);
            return (false, value, json.BytesConsumed, json.CurrentState);
        }
        catch (JsonException ex)
        {
            // The same message as JqJsonReader.ParseMany's.
            var where = source is null ? string.Empty : $" in {source}";
            throw new JqException($"{JqJsonReader.Translate(ex).Message}{where} (at byte {offset + (ex.BytePositionInLine ?? 0)})", ex);
        }
    }

    /// <summary>Reads the value at the reader's token, leaving the reader on its last token (as <see cref="JqJsonReader.ReadValue"/> does).</summary>
    private static JqValue Read(JqJsonReader reader, ref Utf8JsonReader json, JqProjection node)
    {
        // The projection is as deep as the program's chains of keys, so this recursion is bounded by the program.
        if (node.Full)
        {
            return reader.ReadValue(ref json);
        }

        switch (json.TokenType)
        {
            case JsonTokenType.StartObject:
                {
                    var members = new List<KeyValuePair<string, JqValue>>();
                    var shared = true;
                    while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
                    {
                        var child = json.ValueIsEscaped || json.HasValueSequence ? node.Member(json.GetString()!) : node.Member(json.ValueSpan);
                        if (child is null)
                        {
                            json.Read();
                            json.Skip();
                            continue;
                        }

                        var key = reader.ReadName(ref json);
                        shared &= reader.LastNameShared;
                        json.Read();
                        members.Add(new KeyValuePair<string, JqValue>(key, Read(reader, ref json, child)));
                    }

                    return JqValue.FromObject(JqObject.FromMembers(members, shared));
                }

            case JsonTokenType.StartArray when node.Any is { } element:
                {
                    var items = new List<JqValue>();
                    while (json.Read() && json.TokenType != JsonTokenType.EndArray)
                    {
                        items.Add(Read(reader, ref json, element));
                    }

                    return JqValue.OwnList(items);
                }

            default:
                // A scalar, or an array where the program reads only keys (an error it raises on the whole array).
                return reader.ReadValue(ref json);
        }
    }
}
