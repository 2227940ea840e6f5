namespace Port.Sdk.PostgreSql;

/// <summary>The schema migrations of the PostgreSQL store, in order; the version recorded is how many have run.</summary>
internal static class PostgreSqlMigrations
{
    public static string[] For(string s) =>
    [
        $"""
        CREATE TABLE {s}.blueprints (identifier text PRIMARY KEY, json jsonb NOT NULL);
        CREATE TABLE {s}.entities (
            blueprint text NOT NULL, identifier text NOT NULL, json jsonb NOT NULL,
            created_at text, source_integration text, source_kind text, content_hash text,
            PRIMARY KEY (blueprint, identifier));
        CREATE INDEX entities_properties ON {s}.entities USING gin ((json -> 'properties') jsonb_path_ops);
        CREATE INDEX entities_source ON {s}.entities (source_integration, source_kind);
        CREATE TABLE {s}.relations (
            source_blueprint text NOT NULL, source_identifier text NOT NULL, relation text NOT NULL,
            target_blueprint text NOT NULL, target_identifier text NOT NULL,
            PRIMARY KEY (source_blueprint, source_identifier, relation, target_blueprint, target_identifier));
        CREATE INDEX relations_by_target ON {s}.relations (target_blueprint, target_identifier);
        CREATE TABLE {s}.changes (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kind smallint NOT NULL,
            blueprint text NOT NULL, identifier text NOT NULL, json jsonb, at timestamptz NOT NULL DEFAULT now());
        CREATE INDEX changes_at ON {s}.changes (at);
        """,
    ];
}
