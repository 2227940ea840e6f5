namespace Port.Sdk.Integrations;

/// <summary>The names <see cref="MappingFailure.Member"/> gives the members of an entity.</summary>
internal static class MappedMember
{
    public const string Title = "title";
    public const string Icon = "icon";
    public const string Team = "team";
    public const string PropertyPrefix = "properties.";
    public const string RelationPrefix = "relations.";
}
