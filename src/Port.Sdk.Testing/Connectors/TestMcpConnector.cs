using System.Text.Json;

namespace Port.Sdk.Testing;

/// <summary>
/// A hand-written <see cref="IMcpConnector"/> whose behaviour is set by callbacks, for tests of code that uses
/// connectors (such as the context composer) without a server. Unset callbacks return empty answers.
/// </summary>
/// <param name="name">The connector's name.</param>
public sealed class TestMcpConnector(string name) : IMcpConnector
{
    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <summary>Gets or sets what <see cref="CallToolAsync"/> does.</summary>
    public Func<string, IReadOnlyDictionary<string, JsonElement>, CancellationToken, Task<McpToolResult>>? CallToolHandler { get; set; }

    /// <summary>Gets or sets the tools <see cref="ListToolsAsync"/> returns.</summary>
    public IReadOnlyList<McpToolDescription> Tools { get; set; } = [];

    /// <summary>Gets the calls made, in order: the tool and its arguments.</summary>
    public IList<(string Tool, IReadOnlyDictionary<string, JsonElement> Arguments)> Calls { get; } = [];

    /// <inheritdoc/>
    public Task<IReadOnlyList<McpToolDescription>> ListToolsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Tools);

    /// <inheritdoc/>
    public Task<McpToolResult> CallToolAsync(string tool, IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken = default)
    {
        lock (Calls)
        {
            Calls.Add((tool, arguments));
        }

        return CallToolHandler?.Invoke(tool, arguments, cancellationToken) ?? Task.FromResult(new McpToolResult(string.Empty));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<McpResourceDescription>> ListResourcesAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<McpResourceDescription>>([]);

    /// <inheritdoc/>
    public Task<IReadOnlyList<McpResourceContent>> ReadResourceAsync(string uri, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<McpResourceContent>>([]);

    /// <inheritdoc/>
    public Task<IReadOnlyList<McpPromptDescription>> ListPromptsAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<McpPromptDescription>>([]);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
