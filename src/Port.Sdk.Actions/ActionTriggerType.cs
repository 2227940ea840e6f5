namespace Port.Sdk.Actions;

/// <summary>How an action is started: <c>trigger.type</c>.</summary>
public enum ActionTriggerType
{
    /// <summary>A self-service action (<c>self-service</c>), invoked by a person or a program.</summary>
    SelfService,

    /// <summary>An automation (<c>automation</c>), invoked by a catalog or run event.</summary>
    Automation,
}
