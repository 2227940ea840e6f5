namespace Port.Sdk.Actions;

/// <summary>The event an automation listens to: <c>trigger.event</c>.</summary>
/// <param name="Type">The event type.</param>
/// <param name="BlueprintIdentifier">The blueprint whose entities start it (entity events).</param>
/// <param name="ActionIdentifier">The action whose runs start it (run events).</param>
/// <param name="PropertyIdentifier">The timer property (<see cref="AutomationEventType.TimerPropertyExpired"/>).</param>
public sealed record AutomationEvent(AutomationEventType Type, string? BlueprintIdentifier, string? ActionIdentifier, string? PropertyIdentifier);
