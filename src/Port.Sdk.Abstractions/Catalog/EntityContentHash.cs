using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Port.Sdk;

/// <summary>
/// The hash of what a write decides about an entity — identifier, blueprint, title, icon, team, properties (in
/// ordinal key order), relations and data source — and not its timestamps. Two entities with the same hash need not
/// be rewritten: a sync compares a mapped entity's hash with <see cref="EntityStamp.ContentHash"/>. Stores that
/// persist the hash compute it with this method when they write, so every store agrees.
/// </summary>
public static class EntityContentHash
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Computes the hash of an entity.</summary>
    /// <param name="entity">The entity.</param>
    /// <returns>The SHA-256 of its canonical JSON without timestamps, as 64 lowercase hexadecimal digits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entity"/> is <see langword="null"/>.</exception>
    public static string Compute(Entity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        writer.Reset(buffer);
        {
            writer.WriteStartObject();
            writer.WriteString("identifier", entity.Identifier);
            writer.WriteString("blueprint", entity.Blueprint);
            WriteOptional(writer, "title", entity.Title);
            WriteOptional(writer, "icon", entity.Icon);
            writer.WriteStartArray("team");
            foreach (var team in entity.Team)
            {
                writer.WriteStringValue(team);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("properties");
            var names = entity.Properties.Keys.ToArray();
            Array.Sort(names, StringComparer.Ordinal);
            foreach (var name in names)
            {
                writer.WritePropertyName(name);
                entity.Properties[name].WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("relations");
            foreach (var name in entity.Relations.Keys.Order(StringComparer.Ordinal))
            {
                var relation = entity.Relations[name];
                writer.WriteStartArray(name);
                writer.WriteBooleanValue(relation.IsMany);
                foreach (var target in relation.Targets)
                {
                    writer.WriteStringValue(target);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            if (entity.DataSource is { } source)
            {
                writer.WriteStartObject("dataSource");
                writer.WriteString("integration", source.Integration);
                writer.WriteString("kind", source.Kind);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.Flush();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
