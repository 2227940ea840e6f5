namespace Port.Sdk.PostgreSql;

/// <summary>What a resync does when another instance is resyncing the same integration.</summary>
public enum PostgreSqlResyncLockMode
{
    /// <summary>Waits until the other resync ends (or its instance dies), then runs.</summary>
    Wait,

    /// <summary>Does not run: the resync is reported as skipped.</summary>
    Skip,
}
