namespace LeaderJourney.Storage.Projections;

internal static class ProjectionSchema
{
    public const string Component = "projections";

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, "projection generations, dead letters, stream versions and the new-events notification function", """
            -- One row per built or building set of a projection's tables. Exactly one generation of a
            -- projection is active (readers use it); a building one becomes active once it has caught up.
            create table {schema}.projection_generations (
                name         text        not null,
                generation   int         not null,
                version      int         not null,
                status       text        not null check (status in ('building', 'active', 'retired')),
                position     bigint      not null default 0,
                state        text        not null default 'running' check (state in ('running', 'failed')),
                last_error   text,
                created_at   timestamptz not null default now(),
                updated_at   timestamptz not null default now(),
                activated_at timestamptz,
                primary key (name, generation));
            create unique index projection_one_active on {schema}.projection_generations (name) where status = 'active';

            -- Events a projection could not apply after its retries; the projection stops at the first one.
            create table {schema}.projection_dead_letters (
                id          bigserial   primary key,
                name        text        not null,
                generation  int         not null,
                seq_id      bigint      not null,
                stream_id   uuid        not null,
                event_type  text        not null,
                error       text        not null,
                attempts    int         not null,
                parked_at   timestamptz not null default now(),
                resolved_at timestamptz);

            -- The last stream version an inline projection applied per stream, so an event that reaches
            -- it twice (at append time and from the daemon) is applied once.
            create table {schema}.projection_stream_versions (
                name       text   not null,
                generation int    not null,
                stream_id  uuid   not null,
                version    bigint not null,
                primary key (name, generation, stream_id));

            -- Wakes the daemon when events commit (NOTIFY is delivered at commit); polling is the fallback.
            create function {schema}.notify_events() returns trigger language plpgsql as $$
            begin
                perform pg_notify('{schema}_events', '');
                return null;
            end $$;
            """),
        // The events moved into Marten's mt_events (a database from before the move had the trigger on
        // its own events table, which the upgrade drops with the table).
        new(2, "the new-events notification on Marten's events table", """
            drop trigger if exists events_notify on {schema}.mt_events;
            create trigger events_notify after insert on {schema}.mt_events
                for each statement execute function {schema}.notify_events();
            """),
        // Marten runs the projections now: its daemon keeps each slot's progression, and an inline
        // generation is only written by appends once it is active, so no per-stream versions are needed;
        // Marten's daemon polls and needs no notification from the events table.
        new(3, "Marten keeps the progression: no per-stream versions, no notification trigger", """
            drop table if exists {schema}.projection_stream_versions;
            drop trigger if exists events_notify on {schema}.mt_events;
            drop function if exists {schema}.notify_events();
            """),
        new(4, "the last event an inline generation's build applied with appends held off", """
            alter table {schema}.projection_generations add column built_through bigint not null default 0;
            """),
        // An append writes its inline read models from the generations as its process last saw them and
        // checks, in its own batch and under the lock a switch-over waits on, that they are still so
        // (MartenSlot.AppendScope); if not, the append fails whole with LJ001 and is tried again.
        new(5, "an append's check that the generations it wrote to are still the live ones", """
            -- A procedure: CALL returns no result set, so it can stand anywhere in Marten's batch.
            create procedure {schema}.assert_generations(p_name text, p_expected text) language plpgsql as $$
            begin
                if coalesce((select string_agg(generation || ':' || version || ':' || status || ':' || state, ';' order by generation desc)
                               from {schema}.projection_generations where name = p_name and status = 'active'), '') <> p_expected then
                    raise exception 'The generations of % changed during this append', p_name using errcode = 'LJ001';
                end if;
            end $$;
            """),
    ];
}
