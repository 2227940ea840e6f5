using System.Text.Json;

namespace Port.Sdk;

/// <summary>
/// A source of a tool's data: streams raw API objects per kind, page by page, and may raise live events. The runtime
/// maps the objects into entities with an <see cref="ISemanticMapper"/>, validates and writes them, and deletes the
/// entities this integration wrote before and did not see again.
/// </summary>
public interface IIntegration
{
    /// <summary>Gets the identifier written into each entity's <see cref="EntityDataSource"/>, such as <c>github-acme</c>.</summary>
    string Identifier { get; }

    /// <summary>Gets the kinds of raw items the integration serves, such as <c>repository</c> and <c>pull-request</c>.</summary>
    IReadOnlyList<string> Kinds { get; }

    /// <summary>Streams every raw item of a kind, a page at a time.</summary>
    /// <param name="kind">One of <see cref="Kinds"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Pages of raw items, in the tool's own JSON shape.</returns>
    IAsyncEnumerable<IReadOnlyList<JsonElement>> FetchAsync(string kind, CancellationToken cancellationToken = default);

    /// <summary>Streams live events (a webhook's deliveries), until cancelled. An integration without events yields none.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The events, as they arrive.</returns>
    IAsyncEnumerable<IntegrationEvent> WatchAsync(CancellationToken cancellationToken = default);
}

/// <summary>A live change in the tool: an item of a kind was created or changed, or deleted.</summary>
/// <param name="Kind">The kind of the item.</param>
/// <param name="Item">The item, in the tool's own JSON shape.</param>
/// <param name="Deleted">Whether the item was deleted in the tool.</param>
public sealed record IntegrationEvent(string Kind, JsonElement Item, bool Deleted = false)
{
    /// <summary>
    /// Gets the identifier of the delivery the event came from (GitHub's <c>X-GitHub-Delivery</c>), if the tool gives
    /// one: the runtime names it when the event cannot be applied.
    /// </summary>
    public string? DeliveryId { get; init; }
}
