using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Port.Sdk.Integrations;

/// <summary>
/// A code-first <see cref="ISemanticMapper"/>: C# delegates over typed items instead of a YAML file. An exception
/// thrown by a delegate is a failure of that item; the other items go on.
/// </summary>
/// <example>
/// <code>
/// var mapper = new CodeSemanticMapper()
///     .Map("repository", RepoJsonContext.Default.Repository, repo => new Entity
///     {
///         Identifier = repo.Name,
///         Blueprint = "service",
///         Relations = new Dictionary&lt;string, EntityRelation&gt; { ["team"] = EntityRelation.To(repo.Owner.Login) },
///     });
/// </code>
/// </example>
public sealed class CodeSemanticMapper : ISemanticMapper
{
    private readonly Dictionary<string, List<Func<JsonElement, IEnumerable<Entity>>>> _maps = new(StringComparer.Ordinal);

    /// <summary>Maps items of a kind, read as <typeparamref name="TItem"/>, to one entity each (or none, when the delegate returns <see langword="null"/>).</summary>
    /// <typeparam name="TItem">The item's .NET type.</typeparam>
    /// <param name="kind">The kind.</param>
    /// <param name="typeInfo">How to read <typeparamref name="TItem"/> (source-generated, so the mapper works trimmed and with Native AOT).</param>
    /// <param name="map">The mapping.</param>
    /// <returns>This mapper.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public CodeSemanticMapper Map<TItem>(string kind, JsonTypeInfo<TItem> typeInfo, Func<TItem, Entity?> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return MapMany(kind, typeInfo, item => map(item) is { } entity ? [entity] : []);
    }

    /// <summary>Maps items of a kind, read as <typeparamref name="TItem"/>, to any number of entities.</summary>
    /// <typeparam name="TItem">The item's .NET type.</typeparam>
    /// <param name="kind">The kind.</param>
    /// <param name="typeInfo">How to read <typeparamref name="TItem"/>.</param>
    /// <param name="map">The mapping.</param>
    /// <returns>This mapper.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public CodeSemanticMapper MapMany<TItem>(string kind, JsonTypeInfo<TItem> typeInfo, Func<TItem, IEnumerable<Entity>> map)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(map);
        return Map(kind, element => element.Deserialize(typeInfo) is { } item ? map(item) : []);
    }

    /// <summary>Maps items of a kind straight from their JSON.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="map">The mapping.</param>
    /// <returns>This mapper.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public CodeSemanticMapper Map(string kind, Func<JsonElement, IEnumerable<Entity>> map)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(map);
        if (!_maps.TryGetValue(kind, out var list))
        {
            list = [];
            _maps[kind] = list;
        }

        list.Add(map);
        return this;
    }

    /// <inheritdoc/>
    public MappingResult Map(string kind, JsonElement item, MappingContext context)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(context);
        if (!_maps.TryGetValue(kind, out var maps))
        {
            return MappingResult.NotSelected;
        }

        var entities = new List<Entity>();
        var failures = new List<MappingFailure>();
        foreach (var map in maps)
        {
            try
            {
                foreach (var entity in map(item))
                {
                    entities.Add(entity with { DataSource = entity.DataSource ?? new EntityDataSource(context.Integration, kind) });
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or NullReferenceException or FormatException or KeyNotFoundException)
            {
                failures.Add(new MappingFailure(kind, "(code)", $"{ex.GetType().Name}: {ex.Message}"));
            }
        }

        return new MappingResult(entities, failures);
    }
}
