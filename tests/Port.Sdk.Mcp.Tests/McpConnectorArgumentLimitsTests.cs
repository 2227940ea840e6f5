using System.Text;
using System.Text.Json;
using Port.Sdk.Tests.Common;

namespace Port.Sdk.Mcp.Tests;

/// <summary>
/// Argument checking against a hostile server's tool schemas (tests/mcp-servers/hostile-schema-server.mjs, a real
/// MCP server over stdio): it ends within the schema's evaluation budget, inside the call, instead of running on.
/// </summary>
public sealed class McpConnectorArgumentLimitsTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly string _marker = $"port-mcp-hostile-{Guid.NewGuid():N}";

    public void Dispose()
    {
        foreach (var process in NpmServers.ProcessesWith(_marker))
        {
            process.Kill();
            process.Dispose();
        }

        _timeout.Dispose();
    }

    private McpConnector Hostile()
    {
        // The SDK the script imports comes with server-everything.
        if (!Directory.Exists(Path.Combine(NpmServers.Directory, "node_modules", "@modelcontextprotocol", "sdk")))
        {
            throw new InvalidOperationException("The MCP SDK is missing from tests/mcp-servers/node_modules: run 'npm ci --prefix tests/mcp-servers' (.ci/run does).");
        }

        var script = Path.Combine(RepositoryPaths.Root, "tests", "mcp-servers", "hostile-schema-server.mjs");
        return new McpConnector("hostile", new McpConnectorOptions { Command = "node", Arguments = { $"--title={_marker}", script }, CallTimeout = TimeSpan.FromSeconds(10) });
    }

    private static Dictionary<string, JsonElement> Items(int count, bool duplicateLast)
    {
        var json = new StringBuilder("{\"items\":[");
        for (var i = 0; i < count; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("{\"id\":").Append(duplicateLast && i == count - 1 ? 0 : i).Append(".0}");
        }

        return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json.Append("]}").ToString())!;
    }

    [Fact]
    public async Task CallToolAsync_OneOfFanOutSchema_IsRefusedWithinTheEvaluationBudget()
    {
        await using var connector = Hostile();

        var ex = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("fanout", new Dictionary<string, JsonElement>(), _timeout.Token));

        Assert.Equal(McpFailureKind.Refused, ex.Kind);
        Assert.Contains("could not be checked against the tool's input schema within its limits (Evaluations)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("validation stopped after 1000000 keyword evaluations (MaxEvaluations)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallToolAsync_UniqueItemsOn5000ItemArgument_IsCheckedAndCalled()
    {
        await using var connector = Hostile();

        var result = await connector.CallToolAsync("unique", Items(5_000, duplicateLast: false), _timeout.Token);

        Assert.Equal("5000 items", result.Text);
    }

    [Fact]
    public async Task CallToolAsync_UniqueItemsOn5000ItemArgumentWithADuplicate_IsRefusedWithTheItems()
    {
        await using var connector = Hostile();

        var ex = await Assert.ThrowsAsync<McpConnectorException>(() => connector.CallToolAsync("unique", Items(5_000, duplicateLast: true), _timeout.Token));

        Assert.Equal(McpFailureKind.Refused, ex.Kind);
        Assert.Contains("/items: must have unique items, but items 0 and 4999 are equal", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallToolAsync_CancelledWhileChecking_ThrowsOperationCanceled()
    {
        await using var connector = Hostile();
        _ = await connector.ListToolsAsync(_timeout.Token);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connector.CallToolAsync("fanout", new Dictionary<string, JsonElement>(), cancelled.Token));
    }
}
