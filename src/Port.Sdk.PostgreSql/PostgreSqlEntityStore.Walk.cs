// "await using" of ADO.NET objects cannot take ConfigureAwait without losing their type; every other await here has it.
#pragma warning disable CA2007

using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Port.Sdk.PostgreSql;

/// <summary>The relation walk of <see cref="PostgreSqlEntityStore"/>: one recursive query over the relations table.</summary>
public sealed partial class PostgreSqlEntityStore
{
    /// <summary>How many paths one walk query may follow before the store walks hop by hop instead.</summary>
    private const int MaxWalkPaths = 100_000;

    /// <inheritdoc/>
    /// <remarks>
    /// One <c>WITH RECURSIVE</c> query follows the relations table in both directions (through existing entities, never
    /// back through an entity already on the path) and keeps, for each entity reached, its shortest path (the first in
    /// ordinal order among equals). The paths followed are capped at 100,000: a walk that reaches more (a dense graph,
    /// many hops) is done hop by hop with <see cref="EntityRelationWalk.WalkAsync"/>, whose work grows with the entities
    /// reached rather than the paths. Retried like a read (<see cref="PostgreSqlStoreOptions.MaxReadRetries"/>).
    /// </remarks>
    public async IAsyncEnumerable<RelatedEntity> WalkRelationsAsync(EntityKey start, int hops, RelationDirection? direction, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hops, 1);
        var found = await ReadAsync(connection => WalkOnceAsync(connection, start, hops, direction, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            await foreach (var related in EntityRelationWalk.WalkAsync(this, start, hops, direction, cancellationToken).ConfigureAwait(false))
            {
                yield return related;
            }

            yield break;
        }

        foreach (var related in found)
        {
            yield return related;
        }
    }

    /// <summary>The walk in one query, or <see langword="null"/> when it would follow more than <see cref="MaxWalkPaths"/> paths.</summary>
    private async Task<List<RelatedEntity>?> WalkOnceAsync(NpgsqlConnection connection, EntityKey start, int hops, RelationDirection? direction, CancellationToken cancellationToken)
    {
        // Each arm is joined by index per row (a join on a union of both directions would scan the relations table).
        // Node keys on a path are "blueprint U+001F identifier": neither part holds U+001F in practice, and a clash
        // would only stop a walk early through an entity it has been through.
        await using var command = Command(
            connection,
            $"""
            WITH RECURSIVE w(bp, id, hop, path, nodes) AS (
                SELECT blueprint, identifier, 0, ARRAY[]::text[], ARRAY[blueprint || chr(31) || identifier]
                FROM {_s}.entities WHERE blueprint = $1 AND identifier = $2
              UNION ALL
                SELECT ed.to_bp, ed.to_id, w.hop + 1, w.path || ed.via, w.nodes || (ed.to_bp || chr(31) || ed.to_id)
                FROM w
                CROSS JOIN LATERAL (
                    SELECT r.target_blueprint AS to_bp, r.target_identifier AS to_id, r.relation AS via
                    FROM {_s}.relations r WHERE $4 AND r.source_blueprint = w.bp AND r.source_identifier = w.id
                      AND EXISTS (SELECT 1 FROM {_s}.entities t WHERE t.blueprint = r.target_blueprint AND t.identifier = r.target_identifier)
                  UNION ALL
                    SELECT r.source_blueprint, r.source_identifier, '~' || r.relation
                    FROM {_s}.relations r WHERE $5 AND r.target_blueprint = w.bp AND r.target_identifier = w.id
                ) ed
                WHERE w.hop < $3 AND NOT (ed.to_bp || chr(31) || ed.to_id) = ANY (w.nodes)
            ),
            capped AS (SELECT bp, id, hop, path FROM w WHERE hop > 0 LIMIT {MaxWalkPaths + 1}),
            best AS (SELECT DISTINCT ON (bp, id) bp, id, hop, path FROM capped ORDER BY bp, id, hop, path COLLATE "C")
            SELECT (SELECT count(*) FROM capped), b.hop, b.path, e.json::text
            FROM best b JOIN {_s}.entities e ON e.blueprint = b.bp AND e.identifier = b.id
            ORDER BY b.hop, b.bp COLLATE "C", b.id COLLATE "C"
            """,
            Text(start.Blueprint),
            Text(start.Identifier),
            new NpgsqlParameter { Value = hops, NpgsqlDbType = NpgsqlDbType.Integer },
            new NpgsqlParameter { Value = direction is null or RelationDirection.Upstream, NpgsqlDbType = NpgsqlDbType.Boolean },
            new NpgsqlParameter { Value = direction is null or RelationDirection.Downstream, NpgsqlDbType = NpgsqlDbType.Boolean });
        var found = new List<RelatedEntity>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.GetInt64(0) > MaxWalkPaths)
            {
                return null;
            }

            found.Add(new RelatedEntity(PortJson.ReadEntity(reader.GetString(3)), reader.GetInt32(1), reader.GetFieldValue<string[]>(2)));
        }

        return found;
    }
}
