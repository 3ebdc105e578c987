namespace LeaderJourney.EventStore;

/// <summary>The store's own tables, shaped after the ones proven in production event stores.</summary>
internal static class EventStoreSchema
{
    public const string Component = "eventstore";

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, "streams, events and gap skips", """
            create table {schema}.streams (
                id          uuid        primary key,
                type        text        not null,
                version     bigint      not null,
                tenant_id   text        not null,
                created     timestamptz not null default now(),
                timestamp   timestamptz not null default now(),
                is_archived boolean     not null default false);

            create sequence {schema}.events_seq_id;

            -- No foreign key to streams: the append statement writes both, and the check would cost every insert.
            create table {schema}.events (
                seq_id         bigint      primary key default nextval('{schema}.events_seq_id'),
                id             uuid        not null,
                stream_id      uuid        not null,
                version        bigint      not null,
                type           text        not null,
                data           jsonb       not null,
                timestamp      timestamptz not null default now(),
                tenant_id      text        not null,
                correlation_id text,
                causation_id   text,
                user_name      text,
                headers        jsonb,
                is_archived    boolean     not null default false,
                constraint events_stream_version unique (stream_id, version));
            alter sequence {schema}.events_seq_id owned by {schema}.events.seq_id;
            -- Projections that read only some event types scan by type in global order.
            create index events_type_seq_id on {schema}.events (type, seq_id);

            -- Every hole in the global sequence that a reader ever stepped over, and why.
            create table {schema}.event_gap_skips (
                from_seq   bigint      not null,
                to_seq     bigint      not null,
                skipped_at timestamptz not null default now(),
                reason     text        not null,
                primary key (from_seq, to_seq));
            """),
        // Personal data is encrypted per subject; deleting a subject's key erases it everywhere the
        // events went. Rows stay after a shred (without key material) so a final erasure is never undone.
        new(2, "subject keys", """
            create table {schema}.subject_keys (
                subject_id    uuid        not null,
                generation    int         not null,
                wrapped_key   bytea,
                master_key_id text,
                created_at    timestamptz not null,
                shredded_at   timestamptz,
                final         boolean     not null default false,
                primary key (subject_id, generation),
                constraint subject_keys_wrapped check ((wrapped_key is null) = (master_key_id is null)));
            create index subject_keys_master_key on {schema}.subject_keys (master_key_id) where wrapped_key is not null;
            """),
    ];
}
