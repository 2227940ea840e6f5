using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Port.Sdk.Actions;

namespace Port.Sdk.Sqlite;

/// <summary>The <see cref="IPortBuilder"/> extensions of the SQLite store.</summary>
public static class SqlitePortBuilderExtensions
{
    /// <summary>
    /// Keeps the catalog in a SQLite file, created (and migrated) if needed, and the runs of Port.Sdk.Actions in the same
    /// file (<see cref="SqliteActionRunStore"/>) unless another run store is registered.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The database file.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static IPortBuilder UseSqliteStore(this IPortBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        builder.Services.TryAddSingleton<IActionRunStore>(_ => new SqliteActionRunStore(path));
        return builder.UseStore(_ => new SqliteEntityStore(path));
    }
}
