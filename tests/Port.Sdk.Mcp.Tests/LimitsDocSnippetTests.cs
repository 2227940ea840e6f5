namespace Port.Sdk.Mcp.Tests;

/// <summary>The C# snippet of docs/limits.md's MCP section, compiled and run.</summary>
public sealed class LimitsDocSnippetTests
{
    [Fact]
    public async Task McpSnippet_SetsTheCallTimeout()
    {
        // begin-snippet: docs/limits.md MCP
        var options = new McpConnectorOptions
        {
            Command = "node",
            Arguments = { "server.js" },
            CallTimeout = TimeSpan.FromSeconds(10), // bounds the argument check and the call together
        };
        await using var connector = new McpConnector("tools", options);
        // end-snippet

        Assert.Equal("tools", connector.Name);
        Assert.Equal(TimeSpan.FromSeconds(10), options.CallTimeout);
    }
}
