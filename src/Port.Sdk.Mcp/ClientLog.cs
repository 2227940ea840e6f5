using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

// MCP logging (logging/setLevel, notifications/message) is deprecated by the 2026-07-28 specification (SEP-2577), but the
// 2025 versions that clients speak today have it, and clients show these messages: it stays until the SDK drops it.
#pragma warning disable MCP9005

namespace Port.Sdk.Mcp;

/// <summary>
/// Log notifications to each connected client (<c>notifications/message</c>), at or above the level that client set with
/// <c>logging/setLevel</c> (<see cref="LoggingLevel.Info"/> until it sets one). Messages leave the process: they hold catalog
/// identifiers and counts, never file paths or exception details.
/// </summary>
internal static class ClientLog
{
    private const string Logger = "port-catalog";

    /// <summary>The level the client set; the SDK keeps it per session (a handler's <see cref="McpServer"/> is a per-request view of it).</summary>
    public static LoggingLevel Level(McpServer server) => server.LoggingLevel ?? LoggingLevel.Info;

    public static async ValueTask WriteAsync(McpServer server, LoggingLevel level, string message, CancellationToken cancellationToken)
    {
        if (level < Level(server))
        {
            return;
        }

        var notification = new LoggingMessageNotificationParams { Level = level, Logger = Logger, Data = System.Text.Json.JsonSerializer.SerializeToElement(message, McpServerJsonContext.Default.String) };
        try
        {
            await server.SendNotificationAsync(NotificationMethods.LoggingMessageNotification, notification, ModelContextProtocol.McpJsonUtilities.DefaultOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // A client that went away cannot be told; the call it made still completes or is cancelled on its own.
        }
    }
}
