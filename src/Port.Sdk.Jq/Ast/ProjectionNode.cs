using System.Text;
using System.Text.Json;

namespace Port.Sdk.Jq.Ast;

/// <summary>
/// A path of the input a program reads, in a tree: the members it reads by name, the elements or members it reads all
/// of (<c>.[]</c>, <c>map</c>, <c>.[0]</c>), or the whole value below. A node that exists but reads nothing under it
/// still keeps its kind (an object stays an object, empty), which is all that truth and type tests need.
/// </summary>
internal sealed class ProjectionNode
{
    private Dictionary<string, ProjectionNode>? _members;
    private List<(string Name, byte[] Utf8, ProjectionNode Node)>? _lookup;

    /// <summary>Gets or sets a value indicating whether the whole value at this path is read.</summary>
    public bool Whole { get; set; }

    /// <summary>Gets the node read for every element or member.</summary>
    public ProjectionNode? Any { get; private set; }

    /// <summary>The node of member <paramref name="name"/>.</summary>
    public ProjectionNode Child(string name)
    {
        _members ??= new Dictionary<string, ProjectionNode>(StringComparer.Ordinal);
        if (!_members.TryGetValue(name, out var child))
        {
            child = new ProjectionNode();
            _members[name] = child;
        }

        return child;
    }

    /// <summary>The node read for every element or member.</summary>
    public ProjectionNode AnyChild() => Any ??= new ProjectionNode();

    /// <summary>
    /// Prepares the tree for reading: a whole node drops its children, and what is read of every member is read of
    /// each named member too.
    /// </summary>
    public void Normalize()
    {
        if (Whole)
        {
            _members = null;
            Any = null;
        }

        Any?.Normalize();
        if (_members is not null)
        {
            foreach (var name in _members.Keys.ToList())
            {
                if (Any is not null)
                {
                    _members[name].UnionWith(Any);
                }

                _members[name].Normalize();
            }

            _lookup = [.. _members.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (m.Key, Encoding.UTF8.GetBytes(m.Key), m.Value))];
        }
    }

    /// <summary>Adds what <paramref name="other"/> reads to this node.</summary>
    public void UnionWith(ProjectionNode other)
    {
        if (other.Whole)
        {
            Whole = true;
        }

        if (other.Any is not null)
        {
            AnyChild().UnionWith(other.Any);
        }

        if (other._members is not null)
        {
            foreach (var (name, node) in other._members)
            {
                Child(name).UnionWith(node);
            }
        }
    }

    /// <summary>A deep copy.</summary>
    public ProjectionNode Clone()
    {
        var copy = new ProjectionNode();
        copy.UnionWith(this);
        return copy;
    }

    /// <summary>The paths read, in jq's syntax: <c>.owner.login</c>, <c>.topics[]</c>; a path read whole ends the list of its branch.</summary>
    public void CollectPaths(string prefix, List<string> paths)
    {
        if (Whole)
        {
            paths.Add(prefix.Length == 0 ? "." : prefix);
            return;
        }

        var before = paths.Count;
        var bracket = prefix.Length == 0 ? "." : prefix;
        Any?.CollectPaths(bracket + "[]", paths);
        if (_members is not null)
        {
            foreach (var (name, node) in _members.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                node.CollectPaths(IsIdentifier(name) ? prefix + "." + name : bracket + "[" + JqValue.FromString(name).ToJson() + "]", paths);
            }
        }

        if (paths.Count == before)
        {
            // Only the kind is read here (a truth or type test).
            paths.Add((prefix.Length == 0 ? "." : prefix) + " | type");
        }
    }

    private static bool IsIdentifier(string name)
        => name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Reads the value at the reader's current token, materialising only what this node reads.</summary>
    public JqValue Read(ref Utf8JsonReader json, JqJsonReader whole)
    {
        if (Whole)
        {
            return whole.ReadCurrent(ref json);
        }

        switch (json.TokenType)
        {
            case JsonTokenType.StartObject:
                {
                    var obj = new JqObject(_lookup?.Count ?? 4);
                    while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
                    {
                        var (name, child) = Match(ref json);
                        json.Read();
                        if (child is null)
                        {
                            json.Skip();
                            continue;
                        }

                        obj.SetInPlace(name!, child.Read(ref json, whole));
                    }

                    return JqValue.FromObject(obj);
                }

            case JsonTokenType.StartArray when _lookup is null:
                {
                    var items = new List<JqValue>();
                    while (json.Read() && json.TokenType != JsonTokenType.EndArray)
                    {
                        if (Any is null)
                        {
                            json.Skip();
                            continue;
                        }

                        items.Add(Any.Read(ref json, whole));
                    }

                    return JqValue.OwnList(items);
                }

            default:
                // Scalars, and an array read by member name (an error the program reports with the value): as they are.
                return whole.ReadCurrent(ref json);
        }
    }

    private (string? Name, ProjectionNode? Node) Match(ref Utf8JsonReader json)
    {
        if (_lookup is not null)
        {
            foreach (var (name, utf8, node) in _lookup)
            {
                if (json.ValueTextEquals(utf8))
                {
                    return (name, node);
                }
            }
        }

        // The member's name is read only when every member is.
        return Any is null ? (null, null) : (json.GetString(), Any);
    }
}
