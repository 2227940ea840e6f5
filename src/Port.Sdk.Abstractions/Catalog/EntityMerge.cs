using System.Text.Json;

namespace Port.Sdk;

/// <summary>
/// Port's merge of an entity into the one stored (<c>merge=true</c> on its entity API, Ocean's
/// <c>enableMergeEntity</c>): the properties and relations the patch names replace those of the same name, the others
/// stay; the title, icon and team are replaced only when the patch gives them.
/// </summary>
public static class EntityMerge
{
    /// <summary>Merges a patch into an entity.</summary>
    /// <param name="existing">The entity as it is.</param>
    /// <param name="patch">What to merge into it, for the same blueprint and identifier.</param>
    /// <returns>The merged entity, with <paramref name="existing"/>'s timestamps.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static Entity Apply(Entity existing, Entity patch)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(patch);
        var properties = new Dictionary<string, JsonElement>(existing.Properties, StringComparer.Ordinal);
        foreach (var (name, value) in patch.Properties)
        {
            properties[name] = value;
        }

        var relations = new Dictionary<string, EntityRelation>(existing.Relations, StringComparer.Ordinal);
        foreach (var (name, value) in patch.Relations)
        {
            relations[name] = value;
        }

        return existing with
        {
            Title = patch.Title ?? existing.Title,
            Icon = patch.Icon ?? existing.Icon,
            Team = patch.Team.Count > 0 ? patch.Team : existing.Team,
            Properties = properties,
            Relations = relations,
            DataSource = patch.DataSource ?? existing.DataSource,
        };
    }
}
