using System.Text.Json;
using System.Text.Json.Serialization;

namespace Port.Sdk.Integrations.Tests;

public sealed class CodeSemanticMapperTests
{
    [Fact]
    public void Map_TypedDelegates_BuildEntitiesAndReportFailures()
    {
        var mapper = new CodeSemanticMapper()
            .Map("repository", RepoContext.Default.Repo, repo => new Entity
            {
                Identifier = repo.Name ?? throw new InvalidOperationException("a repository without a name"),
                Blueprint = "service",
                Title = repo.FullName,
                Relations = new Dictionary<string, EntityRelation> { ["team"] = EntityRelation.To(repo.Owner!.Login!) },
            });
        var context = new MappingContext("github-acme");

        var good = mapper.Map("repository", JsonDocument.Parse("""{ "name": "api", "full_name": "acme/api", "owner": { "login": "acme" } }""").RootElement, context);
        var bad = mapper.Map("repository", JsonDocument.Parse("""{ "full_name": "acme/x" }""").RootElement, context);
        var other = mapper.Map("issue", JsonDocument.Parse("{}").RootElement, context);

        var entity = Assert.Single(good.Entities);
        Assert.Equal("acme/api", entity.Title);
        Assert.Equal(new EntityDataSource("github-acme", "repository"), entity.DataSource);
        Assert.Equal("InvalidOperationException: a repository without a name", Assert.Single(bad.Failures).Message);
        Assert.Same(MappingResult.NotSelected, other);
    }
}

internal sealed record Repo(string? Name, [property: JsonPropertyName("full_name")] string? FullName, Owner? Owner);

internal sealed record Owner(string? Login);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Repo))]
internal sealed partial class RepoContext : JsonSerializerContext;
