using System.Text.Json;

namespace Port.Sdk.Integrations.Tests.RealWorld;

/// <summary>
/// Issue 11: Port's own Ocean files run through the SDK unchanged. Every configuration loads, and every kind of the
/// six integrations maps its sample items to exactly the entities Ocean's semantics give (<c>expected/</c>).
/// </summary>
public sealed class OceanMappingTests
{
    public static TheoryData<string> Configs() => [.. OceanFiles.Configs().Select(f => Path.GetRelativePath(OceanFiles.Root, f))];

    public static TheoryData<string, string> Kinds()
    {
        var data = new TheoryData<string, string>();
        foreach (var integration in OceanFiles.Integrations())
        {
            foreach (var kind in OceanFiles.Kinds(integration))
            {
                data.Add(integration, kind);
            }
        }

        return data;
    }

    [Fact]
    public void SharedFolder_HoldsTheIntegrationsAndConfigs()
    {
        Assert.True(OceanFiles.Integrations().Count() >= 6, $"expected the six Ocean integrations under {OceanFiles.Root}");
        Assert.True(OceanFiles.Configs().Count() >= 43, $"expected 43 configurations under {OceanFiles.Root}");
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Config_Loads(string file)
    {
        var path = Path.Combine(OceanFiles.Root, file);
        var config = PortAppConfig.Load(path);

        // Every resource of the file is read (an empty list, as custom.yml has, is a valid configuration).
        Assert.Equal(File.ReadAllLines(path).Count(l => l.TrimStart().StartsWith("- kind:", StringComparison.Ordinal)), config.Resources.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Kind_MapsToTheEntitiesOceanGives(string integration, string kind)
    {
        var mapper = new JqSemanticMapper(PortAppConfig.Load(OceanFiles.Config(integration)));
        var context = new MappingContext(integration);
        var actual = new List<string>();
        foreach (var item in OceanFiles.Items(integration, kind))
        {
            foreach (var entity in mapper.Map(kind, item, context).Entities)
            {
                actual.Add(OceanFiles.Normalize(JsonSerializer.SerializeToElement(entity, PortJson.Options)));
            }
        }

        var expected = OceanFiles.Expected(integration, kind).Select(OceanFiles.Normalize).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }
}
