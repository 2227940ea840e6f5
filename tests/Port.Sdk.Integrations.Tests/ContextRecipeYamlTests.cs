namespace Port.Sdk.Integrations.Tests;

public sealed class ContextRecipeYamlTests
{
    [Fact]
    public void Parse_YamlRecipe_ReadsEveryPart()
    {
        var recipe = ContextRecipeYaml.Parse("""
            name: review-pull-request
            maxLength: 12000
            relations:
              - direction: upstream
                hops: 2
            scorecards:
              - identifier: readiness
                blueprint: service
                levels: [ { title: Basic }, { title: Gold } ]
                rules:
                  - identifier: owned
                    level: Gold
                    query: { combinator: and, rules: [ { property: $team, operator: isNotEmpty } ] }
            calls:
              - connector: github
                tool: get_pull_request_diff
                label: Diff
                arguments: '{owner: "acme", repo: .relations.service, pullNumber: .properties.number}'
                priority: 90
            """);

        Assert.Equal(("review-pull-request", 12000, 2), (recipe.Name, recipe.MaxLength, recipe.Relations[0].Hops));
        Assert.Equal("owned", recipe.Scorecards[0].Rules[0].Identifier);
        Assert.Equal(("github", "get_pull_request_diff", "Diff", 90), (recipe.Calls[0].Connector, recipe.Calls[0].Tool, recipe.Calls[0].Label, recipe.Calls[0].Priority));
    }

    [Fact]
    public void Parse_BadYaml_SaysWhere()
    {
        var ex = Assert.Throws<PortException>(() => ContextRecipeYaml.Parse("name: [unclosed\ncalls: 1\n", "bad.yml"));

        Assert.StartsWith("The context recipe 'bad.yml' is not YAML (bad.yml:", ex.Message, StringComparison.Ordinal);
    }
}

public sealed class PortYamlTests
{
    [Fact]
    public void PortAppConfig_UnclosedFlowSequence_IsAConfigErrorWithPosition()
    {
        var ex = Assert.Throws<PortAppConfigException>(() => PortAppConfig.Parse("resources: [unclosed\ncalls: 1\n", "cut.yml"));

        Assert.Equal("cut.yml:3:1: not valid YAML: the text ends inside a flow collection (an unclosed '[' or '{')", Assert.Single(ex.Errors));
    }

    [Fact]
    public void Parse_Scalars_FollowTheYaml12CoreSchema()
    {
        var json = PortYaml.Parse("a: 1\nb: 1.5\nc: true\nd: ~\ne: '1'\nf: text\ng: [x, 2]\n").GetRawText();

        Assert.Equal("""{"a":1,"b":1.5,"c":true,"d":null,"e":"1","f":"text","g":["x",2]}""", json);
    }
}
