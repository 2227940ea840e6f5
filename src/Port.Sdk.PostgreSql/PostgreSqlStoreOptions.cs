namespace Port.Sdk.PostgreSql;

/// <summary>How a <see cref="PostgreSqlEntityStore"/> lays out and uses its database.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>
    /// Gets or sets the schema that holds the catalog's tables, created if missing: lowercase letters, digits and
    /// underscores, starting with a letter or underscore. Several catalogs can share one database under different schemas.
    /// </summary>
    /// <value>The default value is <c>port</c>.</value>
    public string Schema { get; set; } = "port";

    /// <summary>Gets or sets what a resync does when another instance holds the lock of the same integration.</summary>
    /// <value>The default value is <see cref="PostgreSqlResyncLockMode.Wait"/>.</value>
    public PostgreSqlResyncLockMode ResyncLockMode { get; set; } = PostgreSqlResyncLockMode.Wait;

    /// <summary>
    /// Gets or sets how many times a change set is written again after a transient failure (a dropped connection, a
    /// failover, a deadlock). Rewriting is safe: a change set writes whole entities, so writing it twice ends in the same state.
    /// </summary>
    /// <value>The default value is 3.</value>
    public int MaxWriteRetries { get; set; } = 3;

    /// <summary>
    /// Gets or sets how many times a read is run again on a new connection after a transient failure (a dropped
    /// connection, a failover). A query is retried only until its first row is read: one that fails after streaming rows
    /// throws, as a retry would stream them again.
    /// </summary>
    /// <value>The default value is 3.</value>
    public int MaxReadRetries { get; set; } = 3;

    /// <summary>Gets or sets how long the change feed keeps a change: a watcher that resumes from an older point gets an error.</summary>
    /// <value>The default value is 24 hours.</value>
    public TimeSpan ChangeRetention { get; set; } = TimeSpan.FromHours(24);
}
