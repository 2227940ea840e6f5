using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Port.Sdk.PostgreSql;

/// <summary>The <see cref="IPortBuilder"/> extensions of the PostgreSQL store.</summary>
public static class PostgreSqlPortBuilderExtensions
{
    /// <summary>Keeps the catalog in PostgreSQL, in a data source the store creates (and disposes with the container).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="configure">Sets the schema and behaviour; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty.</exception>
    public static IPortBuilder UsePostgreSqlStore(this IPortBuilder builder, string connectionString, Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseStore(_ => new PostgreSqlEntityStore(connectionString, Options(configure)));
    }

    /// <summary>
    /// Keeps the catalog in PostgreSQL, through the <see cref="NpgsqlDataSource"/> registered in the container (for
    /// example by Npgsql.DependencyInjection's <c>AddNpgsqlDataSource</c>), which the container owns.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the schema and behaviour; <see langword="null"/> for the defaults.</param>
    /// <param name="serviceKey">The key of a keyed data source; <see langword="null"/> for the unkeyed one.</param>
    /// <returns>The builder provided in <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IPortBuilder UsePostgreSqlStore(this IPortBuilder builder, Action<PostgreSqlStoreOptions>? configure = null, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStore(services => new PostgreSqlEntityStore(
            serviceKey is null ? services.GetRequiredService<NpgsqlDataSource>() : services.GetRequiredKeyedService<NpgsqlDataSource>(serviceKey),
            Options(configure)));
    }

    private static PostgreSqlStoreOptions Options(Action<PostgreSqlStoreOptions>? configure)
    {
        var options = new PostgreSqlStoreOptions();
        configure?.Invoke(options);
        return options;
    }
}
