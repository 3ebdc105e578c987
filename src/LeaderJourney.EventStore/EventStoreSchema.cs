namespace LeaderJourney.EventStore;

/// <summary>The store's own tables, shaped after the ones proven in production event stores.</summary>
internal static class EventStoreSchema
{
    public const string Component = "eventstore";

    // Error codes raised by append_events; class "LJ" is not used by PostgreSQL itself.
    public const string VersionConflict = "LJ001";
    public const string StreamExists = "LJ002";
    public const string StreamArchived = "LJ003";
    public const string StreamMissing = "LJ004";

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, "streams, events, gap skips and the append function", """
            create table {schema}.streams (
                id          uuid        primary key,
                type        text        not null,
                version     bigint      not null,
                tenant_id   text        not null,
                created     timestamptz not null default now(),
                timestamp   timestamptz not null default now(),
                is_archived boolean     not null default false);

            create sequence {schema}.events_seq_id;

            -- No foreign key to streams: append_events writes both, and the check would cost every insert.
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

            -- One round trip per append. The stream row is written first: that checks the expected
            -- version (and gives the transaction its id) before any sequence number is taken, so a
            -- writer that loses a race leaves no hole in the global sequence.
            create function {schema}.append_events(
                p_mode int, p_stream_id uuid, p_stream_type text, p_expected bigint, p_tenant text,
                p_ids uuid[], p_types text[], p_data jsonb[],
                p_correlation text, p_causation text, p_user text, p_headers jsonb)
            returns table (new_version bigint, first_seq bigint, last_seq bigint)
            language plpgsql as $$
            declare
                n bigint := cardinality(p_ids);
                v_version bigint;
                v_actual bigint;
                v_archived boolean;
            begin
                if p_mode = 0 then -- start a new stream
                    insert into {schema}.streams (id, type, version, tenant_id)
                    values (p_stream_id, p_stream_type, n, p_tenant)
                    on conflict (id) do nothing;
                    if not found then
                        raise exception using errcode = 'LJ002', message = 'stream exists';
                    end if;
                    v_version := n;
                else -- 1: append at an expected version; 2: append whatever the version
                    update {schema}.streams
                       set version = version + n, timestamp = now()
                     where id = p_stream_id and not is_archived and (p_mode = 2 or version = p_expected)
                    returning version into v_version;
                    if v_version is null then
                        select version, is_archived into v_actual, v_archived from {schema}.streams where id = p_stream_id;
                        if v_actual is null then
                            raise exception using errcode = 'LJ004', message = 'stream missing';
                        elsif v_archived then
                            raise exception using errcode = 'LJ003', message = 'stream archived';
                        else
                            -- The actual version travels in the message: Npgsql redacts details by default.
                            raise exception using errcode = 'LJ001', message = v_actual::text;
                        end if;
                    end if;
                end if;

                return query
                with inserted as (
                    insert into {schema}.events (id, stream_id, version, type, data, tenant_id, correlation_id, causation_id, user_name, headers)
                    select e.id, p_stream_id, v_version - n + e.ord, e.type, e.data, p_tenant, p_correlation, p_causation, p_user, p_headers
                      from unnest(p_ids, p_types, p_data) with ordinality as e(id, type, data, ord)
                     order by e.ord
                    returning seq_id)
                select v_version, min(seq_id), max(seq_id) from inserted;
            end;
            $$;
            """),
    ];
}
