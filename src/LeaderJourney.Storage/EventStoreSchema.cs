namespace LeaderJourney.Storage;

/// <summary>The store's own tables beside Marten's: the personal-data keys.</summary>
internal static class EventStoreSchema
{
    public const string Component = "eventstore";

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        // The events and streams are Marten's (mt_events, mt_streams, created by Marten's own schema
        // migration). Version 1 created this store's own `streams` and `events` before the move onto
        // Marten; a database that has them is moved by the upgrade at start-up (see docs/architecture.md).
        new(1, "gap skips", """
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
        // The read-all that stepped over holes is gone: Marten's daemon reads the events (its own
        // high-water mark and skips, mt_high_water_skips).
        new(3, "no gap skips of our own", """
            drop table if exists {schema}.event_gap_skips;
            """),
        // Every process that caches keys hears of a shred as it commits, whoever made it (the erasure, a
        // demographics withdrawal, an update by hand; a row deleted by hand is not announced): see
        // KeyShredListener. A row left without key material is a shred; so is a final row, inserted
        // without any (the notice then ends in ":final"). A rotation's re-wrap keeps a key and says nothing.
        new(4, "shreds announced", """
            create function {schema}.announce_key_shredded() returns trigger language plpgsql as $$
            begin
                perform pg_notify('leaderjourney_keys_shredded',
                    '{schema}:' || new.subject_id::text || case when new.final then ':final' else '' end);
                return null;
            end $$;
            create trigger subject_keys_shredded after insert or update of wrapped_key on {schema}.subject_keys
                for each row when (new.wrapped_key is null) execute function {schema}.announce_key_shredded();
            """),
    ];
}
