namespace Port.Sdk.Integrations;

/// <summary>The names of the integrations registered in a service collection, kept as an instance in it so a second registration of a name is refused at once.</summary>
internal sealed class IntegrationRegistrations
{
    private readonly List<string> _names = [];

    public IReadOnlyList<string> Names => _names;

    public bool Contains(string name) => _names.Contains(name, StringComparer.Ordinal);

    public void Add(string name)
    {
        if (Contains(name))
        {
            throw new ArgumentException($"An integration named '{name}' is already registered; give each integration its own name.", nameof(name));
        }

        _names.Add(name);
    }
}
