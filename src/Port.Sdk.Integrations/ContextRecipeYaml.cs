using YamlDotNet.Core;

namespace Port.Sdk.Integrations;

/// <summary>Reads <see cref="ContextRecipe"/>s written in YAML (the same fields as <see cref="ContextRecipe.Parse"/>'s JSON).</summary>
public static class ContextRecipeYaml
{
    /// <summary>Reads a recipe from YAML.</summary>
    /// <param name="yaml">The recipe.</param>
    /// <param name="source">The file name used in error messages.</param>
    /// <returns>The recipe, with every jq expression compiled.</returns>
    /// <exception cref="PortException">The text is not YAML (with line and column), or not a valid recipe (every error with its JSON pointer).</exception>
    public static ContextRecipe Parse(string yaml, string source = "recipe.yml")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        try
        {
            return ContextRecipe.Parse(PortYaml.Parse(yaml).GetRawText(), source);
        }
        catch (YamlException ex)
        {
            throw new PortException($"The context recipe '{source}' is not YAML ({source}:{ex.Start.Line}:{ex.Start.Column}): {ex.Message}", ex);
        }
    }

    /// <summary>Reads a recipe file (<c>.yml</c>, <c>.yaml</c> or <c>.json</c>).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The recipe.</returns>
    /// <exception cref="PortException">The file is not a valid recipe.</exception>
    public static ContextRecipe Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var text = File.ReadAllText(path);
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ContextRecipe.Parse(text, path) : Parse(text, path);
    }
}
