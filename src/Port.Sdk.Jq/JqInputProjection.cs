using System.Text.Json;
using Port.Sdk.Jq.Ast;

namespace Port.Sdk.Jq;

/// <summary>
/// The parts of an input that a compiled program can read, and a conversion from JSON that materialises only those:
/// a mapping such as <c>{identifier: .name, owner: .owner.login}</c> over a GitHub repository object needs two of its
/// eighty members. Running the program on the projected value gives the same outputs and errors as on the whole value.
/// </summary>
/// <remarks>
/// The paths are found statically (<see cref="JqFilter.InputProjection"/>). A program that uses <c>.</c> as a value,
/// <c>..</c>, <c>keys</c>, <c>to_entries</c>, <c>tojson</c>, paths, <c>reduce</c> or a definition of its own reads the whole
/// input (<see cref="IsWholeInput"/>), and the conversion then reads everything. Several filters over one item (the
/// identifier, title and properties of a mapping) share one conversion through <see cref="Union"/>.
/// </remarks>
public sealed class JqInputProjection
{
    private readonly ProjectionNode? _root;
    private IReadOnlyList<string>? _paths;

    internal JqInputProjection(ProjectionNode? root)
    {
        _root = root;
    }

    /// <summary>Gets the projection that reads the whole input.</summary>
    public static JqInputProjection WholeInput { get; } = new(null);

    /// <summary>Gets a value indicating whether the program may read all of its input, so nothing is left out.</summary>
    public bool IsWholeInput => _root is null;

    /// <summary>
    /// Gets the paths read, in jq's syntax and in order: <c>.name</c>, <c>.owner.login</c>, <c>.topics[]</c> (every element),
    /// <c>.archived | type</c> (only the kind, for a truth test); <c>.</c> alone when the whole input is read.
    /// </summary>
    public IReadOnlyList<string> Paths
    {
        get
        {
            if (_paths is null)
            {
                var paths = new List<string>();
                if (_root is null)
                {
                    paths.Add(".");
                }
                else
                {
                    _root.CollectPaths(string.Empty, paths);
                }

                _paths = paths;
            }

            return _paths;
        }
    }

    /// <summary>Combines projections: the result reads what any of them reads.</summary>
    /// <param name="projections">The projections, such as those of every filter of one mapping.</param>
    /// <returns>The combined projection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="projections"/> is <see langword="null"/>.</exception>
    public static JqInputProjection Union(IEnumerable<JqInputProjection> projections)
    {
        ArgumentNullException.ThrowIfNull(projections);
        var root = new ProjectionNode();
        foreach (var projection in projections)
        {
            ArgumentNullException.ThrowIfNull(projection, nameof(projections));
            if (projection._root is null)
            {
                return WholeInput;
            }

            root.UnionWith(projection._root);
        }

        root.Normalize();
        return new JqInputProjection(root);
    }

    /// <summary>Parses one JSON text from UTF-8 bytes, materialising only the paths read; the rest is skipped unread.</summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <returns>The value, with the members the program cannot read left out.</returns>
    /// <exception cref="JqException">The text is not one JSON value; the message is the one <see cref="JqValue.Parse(ReadOnlySpan{byte})"/> gives.</exception>
    public JqValue Parse(ReadOnlySpan<byte> utf8Json)
        => _root is not null && TryRead(_root, utf8Json, JqJsonReader.MaxDepth, out var value) ? value : JqValue.Parse(utf8Json);

    /// <summary>Converts a <see cref="JsonElement"/>, materialising only the paths read.</summary>
    /// <param name="element">The element, such as an item an integration fetched.</param>
    /// <returns>The value, with the members the program cannot read left out.</returns>
    public JqValue Convert(JsonElement element)
        => _root is not null && element.ValueKind != JsonValueKind.Undefined
            && TryRead(_root, System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element), int.MaxValue / 2, out var value)
            ? value
            : JqValue.FromJsonElement(element);

    private static bool TryRead(ProjectionNode root, ReadOnlySpan<byte> utf8Json, int maxDepth, out JqValue value)
    {
        try
        {
            var json = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = maxDepth });
            if (json.Read())
            {
                value = root.Read(ref json, JqJsonReader.ForThread);
                if (!json.Read())
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not standard JSON, or not one text: the full parser accepts what jq accepts and words the error as jq does.
        }

        value = default;
        return false;
    }

    /// <summary>Returns the paths read, separated by commas.</summary>
    /// <returns>Such as <c>.name, .owner.login</c>.</returns>
    public override string ToString() => string.Join(", ", Paths);
}
