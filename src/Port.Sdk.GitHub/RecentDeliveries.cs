namespace Port.Sdk.GitHub;

/// <summary>The most recent <c>X-GitHub-Delivery</c> ids, least recently seen forgotten first. Not thread-safe: the handler locks around it.</summary>
internal sealed class RecentDeliveries(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<string>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _order = new();

    public int Count => _index.Count;

    /// <summary>Whether the id was seen; a seen id becomes the most recent.</summary>
    public bool Contains(string id)
    {
        if (!_index.TryGetValue(id, out var node))
        {
            return false;
        }

        _order.Remove(node);
        _order.AddFirst(node);
        return true;
    }

    public void Add(string id)
    {
        if (capacity == 0 || Contains(id))
        {
            return;
        }

        if (_index.Count >= capacity)
        {
            var oldest = _order.Last!;
            _order.RemoveLast();
            _index.Remove(oldest.Value);
        }

        _index[id] = _order.AddFirst(id);
    }
}
