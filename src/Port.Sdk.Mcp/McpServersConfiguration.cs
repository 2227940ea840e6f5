using System.Text.Json;

namespace Port.Sdk.Mcp;

/// <summary>
/// Reads connector options from the <c>mcpServers</c> JSON that MCP clients share (Claude Desktop, VS Code and the
/// like): <c>{ "mcpServers": { "github": { "command": "...", "args": [...], "env": { ... }, "cwd": "..." },
/// "docs": { "url": "https://...", "headers": { ... } } } }</c>, so an existing file configures the same servers here.
/// </summary>
public static class McpServersConfiguration
{
    /// <summary>Reads the connectors of an <c>mcpServers</c> document.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">The file name used in error messages.</param>
    /// <returns>Each connector's options, by name.</returns>
    /// <exception cref="PortException">The text is not valid; every error is listed with its JSON pointer.</exception>
    public static IReadOnlyDictionary<string, McpConnectorOptions> Parse(string json, string source = "mcp.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new PortException($"The MCP servers file '{source}' is not JSON: {ex.Message}", ex);
        }

        var errors = new List<string>();
        var connectors = new Dictionary<string, McpConnectorOptions>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("mcpServers", out var servers) || servers.ValueKind != JsonValueKind.Object)
        {
            throw new PortException($"The MCP servers file '{source}' must be an object with an 'mcpServers' object.");
        }

        foreach (var server in servers.EnumerateObject())
        {
            var pointer = $"/mcpServers/{server.Name}";
            var options = new McpConnectorOptions();
            if (server.Value.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{pointer}: must be an object");
                continue;
            }

            foreach (var property in server.Value.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "command" when property.Value.ValueKind == JsonValueKind.String:
                        options.Command = property.Value.GetString();
                        break;
                    case "args" when property.Value.ValueKind == JsonValueKind.Array:
                        foreach (var arg in property.Value.EnumerateArray())
                        {
                            options.Arguments.Add(arg.ToString());
                        }

                        break;
                    case "cwd" when property.Value.ValueKind == JsonValueKind.String:
                        options.WorkingDirectory = property.Value.GetString();
                        break;
                    case "env" when property.Value.ValueKind == JsonValueKind.Object:
                        foreach (var variable in property.Value.EnumerateObject())
                        {
                            options.Environment[variable.Name] = variable.Value.ToString();
                        }

                        break;
                    case "url" when property.Value.ValueKind == JsonValueKind.String && Uri.TryCreate(property.Value.GetString(), UriKind.Absolute, out var url):
                        options.Endpoint = url;
                        break;
                    case "headers" when property.Value.ValueKind == JsonValueKind.Object:
                        foreach (var header in property.Value.EnumerateObject())
                        {
                            options.Headers[header.Name] = header.Value.ToString();
                        }

                        break;
                    case "type" or "disabled" or "autoApprove" or "alwaysAllow":
                        break;
                    default:
                        errors.Add($"{pointer}/{property.Name}: not a field of a server here, or of the wrong type; the fields are command, args, cwd, env, url, headers");
                        break;
                }
            }

            if ((options.Command is null) == (options.Endpoint is null))
            {
                errors.Add($"{pointer}: needs either 'command' (a stdio server) or 'url' (an HTTP server)");
                continue;
            }

            connectors[server.Name] = options;
        }

        if (errors.Count > 0)
        {
            throw new PortException($"The MCP servers file '{source}' is not valid ({errors.Count} errors):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", errors)}");
        }

        return connectors;
    }
}
