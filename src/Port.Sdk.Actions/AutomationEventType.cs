namespace Port.Sdk.Actions;

/// <summary>What starts an automation: <c>trigger.event.type</c>.</summary>
public enum AutomationEventType
{
    /// <summary>An entity of the blueprint was created (<c>ENTITY_CREATED</c>).</summary>
    EntityCreated,

    /// <summary>An entity of the blueprint was updated (<c>ENTITY_UPDATED</c>).</summary>
    EntityUpdated,

    /// <summary>An entity of the blueprint was deleted (<c>ENTITY_DELETED</c>).</summary>
    EntityDeleted,

    /// <summary>An entity of the blueprint was created, updated or deleted (<c>ANY_ENTITY_CHANGE</c>).</summary>
    AnyEntityChange,

    /// <summary>A timer property of an entity of the blueprint expired (<c>TIMER_PROPERTY_EXPIRED</c>).</summary>
    TimerPropertyExpired,

    /// <summary>A run of the action was created (<c>RUN_CREATED</c>).</summary>
    RunCreated,

    /// <summary>A run of the action was updated (<c>RUN_UPDATED</c>).</summary>
    RunUpdated,

    /// <summary>A run of the action was created or updated (<c>ANY_RUN_CHANGE</c>).</summary>
    AnyRunChange,
}
