using System.Text;
using System.Text.Json;

namespace Port.Sdk;

/// <summary>
/// Reads blueprints as Port and Ocean write them: one blueprint object, a JSON array of blueprints (Ocean's
/// <c>.port/resources/blueprints.json</c>), or a directory of such <c>*.json</c> files. The blueprints may reference
/// each other in any order: register them together with <c>PortCatalog.RegisterBlueprintsAsync</c>, which checks
/// references against the whole set.
/// </summary>
public static class BlueprintFile
{
    /// <summary>Reads the blueprints of JSON text: one blueprint object, or an array of them.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="file">The file the text came from, named in errors; <see langword="null"/> for text given in code.</param>
    /// <returns>The blueprints, in the order written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="BlueprintFileException">The text is not a blueprint or an array of blueprints; the error gives the line and JSON Pointer.</exception>
    public static IReadOnlyList<Blueprint> Parse(string json, string? file = null)
        => [.. ParseSources(json, file).Select(s => s.Blueprint)];

    /// <summary>Reads the blueprints of JSON text, each with its JSON Pointer in the text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="file">The file the text came from, named in errors and in the sources.</param>
    /// <returns>The blueprints with their sources, in the order written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="BlueprintFileException">The text is not a blueprint or an array of blueprints.</exception>
    public static IReadOnlyList<BlueprintSource> ParseSources(string json, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var errors = new List<CatalogError>();
        var sources = ParseInto(json, file, errors, out var inner);
        return errors.Count > 0 ? throw new BlueprintFileException(errors, inner) : sources;
    }

    /// <summary>Reads the blueprints of a file, or of every <c>*.json</c> file of a directory (not its subdirectories, in ordinal order of names).</summary>
    /// <param name="path">A file or a directory.</param>
    /// <returns>The blueprints, file by file, in the order written.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is <see langword="null"/> or blank.</exception>
    /// <exception cref="FileNotFoundException">Neither a file nor a directory is at <paramref name="path"/>.</exception>
    /// <exception cref="BlueprintFileException">A file is not a blueprint or an array of blueprints; every such file is named, with line and JSON Pointer.</exception>
    public static IReadOnlyList<Blueprint> Load(string path) => [.. LoadSources(path).Select(s => s.Blueprint)];

    /// <summary>Reads the blueprints of a file or a directory, each with the file and JSON Pointer it came from.</summary>
    /// <param name="path">A file or a directory.</param>
    /// <returns>The blueprints with their sources.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is <see langword="null"/> or blank.</exception>
    /// <exception cref="FileNotFoundException">Neither a file nor a directory is at <paramref name="path"/>.</exception>
    /// <exception cref="BlueprintFileException">A file is not a blueprint or an array of blueprints.</exception>
    public static IReadOnlyList<BlueprintSource> LoadSources(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string[] files;
        if (Directory.Exists(path))
        {
            files = [.. Directory.GetFiles(path, "*.json").Order(StringComparer.Ordinal)];
        }
        else if (File.Exists(path))
        {
            files = [path];
        }
        else
        {
            throw new FileNotFoundException($"There is no blueprint file or directory at '{path}'.", path);
        }

        var errors = new List<CatalogError>();
        var sources = new List<BlueprintSource>();
        Exception? first = null;
        foreach (var file in files)
        {
            sources.AddRange(ParseInto(File.ReadAllText(file), file, errors, out var inner));
            first ??= inner;
        }

        return errors.Count > 0 ? throw new BlueprintFileException(errors, first) : sources;
    }

    /// <summary>
    /// Names, in registration errors, the file each blueprint came from and the pointer within it: an error at
    /// <c>/relations/team/target</c> of the third blueprint of a file becomes <c>/2/relations/team/target</c> of that file.
    /// </summary>
    /// <param name="errors">The errors, such as <c>CatalogValidationException.Errors</c>.</param>
    /// <param name="sources">Where the blueprints came from, as <see cref="LoadSources"/> returns them.</param>
    /// <returns>The errors, with <see cref="CatalogError.File"/> set for the blueprints that came from a file; others unchanged.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IReadOnlyList<CatalogError> Locate(IEnumerable<CatalogError> errors, IEnumerable<BlueprintSource> sources)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(sources);
        var byIdentifier = new Dictionary<string, BlueprintSource>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            byIdentifier.TryAdd(source.Blueprint.Identifier ?? string.Empty, source);
        }

        return [.. errors.Select(e => e.Entity is null && e.File is null && byIdentifier.TryGetValue(e.Blueprint, out var source) && source.File is not null
            ? e with { File = source.File, Pointer = source.Pointer + e.Pointer }
            : e)];
    }

    private static List<BlueprintSource> ParseInto(string json, string? file, List<CatalogError> errors, out Exception? inner)
    {
        inner = null;
        var sources = new List<BlueprintSource>();
        try
        {
            switch (FirstToken(json))
            {
                case JsonTokenType.StartObject:
                    sources.Add(new BlueprintSource(PortJson.ReadBlueprint(json), file, string.Empty));
                    break;
                case JsonTokenType.StartArray:
                    var list = JsonSerializer.Deserialize(json, PortJsonContext.Default.ListBlueprint) ?? [];
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (list[i] is null)
                        {
                            errors.Add(new CatalogError(string.Empty, null, $"/{i}", "json", "a blueprint cannot be null") { File = file });
                            continue;
                        }

                        sources.Add(new BlueprintSource(list[i], file, $"/{i}"));
                    }

                    break;
                default:
                    errors.Add(new CatalogError(string.Empty, null, string.Empty, "json", "the JSON must be a blueprint object or an array of blueprints") { File = file, Line = 1 });
                    break;
            }
        }
        catch (JsonException ex)
        {
            inner = ex;
            errors.Add(new CatalogError(string.Empty, null, ToPointer(ex.Path), "json", Reason(ex)) { File = file, Line = ex.LineNumber + 1, Column = ex.BytePositionInLine + 1 });
        }

        return sources;
    }

    private static JsonTokenType FirstToken(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        return reader.Read() ? reader.TokenType : JsonTokenType.None;
    }

    /// <summary>The exception's sentence without the path and position it appends (those are in the record).</summary>
    private static string Reason(JsonException ex)
    {
        var message = ex.Message;
        var at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        var text = (at > 0 ? message[..at] : message).TrimEnd();
        return text.Length > 0 && text[^1] == '.' ? text[..^1] : text;
    }

    /// <summary>Turns System.Text.Json's path (<c>$[2].schema.properties['a.b']</c>) into a JSON Pointer (<c>/2/schema/properties/a.b</c>).</summary>
    internal static string ToPointer(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return string.Empty;
        }

        var pointer = new StringBuilder();
        var i = path[0] == '$' ? 1 : 0;
        while (i < path.Length)
        {
            string segment;
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                segment = path[(i + 1)..end];
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end < 0 ? path.Length : end;
                segment = path[(i + 2)..end];
                i = Math.Min(path.Length, end + 2);
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i + 1);
                end = end < 0 ? path.Length : end;
                segment = path[(i + 1)..end];
                i = Math.Min(path.Length, end + 1);
            }
            else
            {
                segment = path[i..];
                i = path.Length;
            }

            pointer.Append('/').Append(segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }

        return pointer.ToString();
    }
}
