namespace Port.Sdk.Integrations;

/// <summary>
/// An integration whose live events wait in a queue of its own (a webhook's deliveries). When the host stops, the
/// runtime calls <see cref="CompleteEvents"/> and keeps applying events until <see cref="IIntegration.WatchAsync"/>
/// ends, so the events already accepted are applied before the process exits (within the host's shutdown timeout).
/// </summary>
public interface IDrainableIntegration : IIntegration
{
    /// <summary>
    /// Stops accepting new events; <see cref="IIntegration.WatchAsync"/> then yields the events already queued and ends.
    /// If the enumeration is cancelled before the queue is empty, the integration reports (logs) the events left, with
    /// their delivery ids.
    /// </summary>
    void CompleteEvents();
}
