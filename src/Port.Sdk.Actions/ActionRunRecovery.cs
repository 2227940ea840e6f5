namespace Port.Sdk.Actions;

/// <summary>What <see cref="PortActions.StartAsync"/> does with a run a dead process left <c>IN_PROGRESS</c> while invoking it.</summary>
public enum ActionRunRecovery
{
    /// <summary>The run is marked <c>FAILURE</c>, with a status label that names the process that died.</summary>
    MarkFailed,

    /// <summary>The run is invoked again from its saved context (at-least-once: the backend may see it twice).</summary>
    Resume,
}
