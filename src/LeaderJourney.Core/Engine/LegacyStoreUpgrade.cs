using LeaderJourney.Storage;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace LeaderJourney.Core.Engine;

/// <summary>
/// Moves a database written by the previous store (its <c>streams</c> and <c>events</c> tables) into
/// Marten's <c>mt_streams</c> and <c>mt_events</c>, keeping every event's global sequence, stream
/// version, timestamp, affiliate, actor, correlation and data as stored (personal values stay sealed
/// under the same keys, so an erasure reaches the moved events too). It runs as two INSERT ... SELECT
/// statements in one transaction: the server streams the rows, the host holds none, and a failure
/// moves nothing. Marten's sequence continues after the last moved event. Stream kinds are renamed to
/// Marten's aliases (<see cref="StreamKinds"/>). In the same transaction the old tables are dropped, so
/// no stale copy stays behind (and no code but this reads them); the move is recorded in
/// <c>schema_migrations</c> as component <see cref="Component"/>. Every host and <c>leaderjourney
/// migrate</c> run it at start-up, after Marten's schema exists; on a database without the old tables
/// it does nothing.
/// </summary>
public static class LegacyStoreUpgrade
{
    public const string Component = "marten-upgrade";

    public sealed record Outcome(bool Moved, long Streams, long Events, long LastSequence);

    public static async Task<Outcome> MoveAsync(NpgsqlDataSource dataSource, DocumentStore store, string schema, EventTypeRegistry types, CancellationToken ct = default)
    {
        SchemaName.Validate(schema);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // One upgrade at a time per schema (hosts starting together), then decide on what is committed.
        await Execute(connection, tx, $"select pg_advisory_xact_lock(hashtext('{schema}.marten-upgrade'))", ct);
        await Execute(connection, tx, $"""
            create table if not exists {schema}.schema_migrations (
                component text not null, version int not null, description text not null,
                applied_at timestamptz not null default now(), primary key (component, version))
            """, ct);
        if (await Scalar<bool>(connection, tx, $"select to_regclass('{schema}.events') is null", ct)
            || await Scalar<bool>(connection, tx, $"select exists (select 1 from {schema}.schema_migrations where component = '{Component}')", ct))
            return new Outcome(false, 0, 0, 0);
        // A host of the previous version still running (a rolling deploy) must not commit into the old
        // tables between the copy and the drop: it waits here, then fails on the dropped table.
        await Execute(connection, tx, $"lock table {schema}.streams, {schema}.events in exclusive mode", ct);

        var unknownKinds = await Strings(connection, tx, $"select distinct type from {schema}.streams where not (type = any($1)) order by 1", StreamKinds.ByLegacyName.Keys.ToArray(), ct);
        if (unknownKinds.Count > 0)
            throw new StoreUpgradeException($"The old store holds streams of a kind LeaderJourney does not know ({string.Join(", ", unknownKinds)}); nothing was moved.");
        var unknownTypes = await Strings(connection, tx, $"select distinct type from {schema}.events where not (type = any($1)) order by 1", types.Names.ToArray(), ct);
        if (unknownTypes.Count > 0)
            throw new StoreUpgradeException($"The old store holds events of a type LeaderJourney does not know ({string.Join(", ", unknownTypes)}); nothing was moved.");

        var kinds = StreamKinds.ByLegacyName.ToArray();
        long streams;
        await using (var command = new NpgsqlCommand($"""
            insert into {schema}.mt_streams (tenant_id, id, type, version, timestamp, created, is_archived)
            select s.tenant_id, s.id, k.alias, s.version, s.timestamp, s.created, s.is_archived
              from {schema}.streams s join unnest($1::text[], $2::text[]) as k(legacy, alias) on k.legacy = s.type
            """, connection, tx))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = kinds.Select(k => k.Key).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = kinds.Select(k => store.Events.AggregateAliasFor(k.Value)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            streams = await command.ExecuteNonQueryAsync(ct);
        }

        var names = types.Names.Where(n => types.TypeOfName(n) is not null).ToArray();
        long events;
        await using (var command = new NpgsqlCommand($"""
            insert into {schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type,
                                            correlation_id, causation_id, headers, user_name, is_archived)
            select e.seq_id, e.id, e.stream_id, e.version, e.data, e.type, e.timestamp, e.tenant_id, t.dotnet,
                   e.correlation_id, e.causation_id, e.headers, e.user_name, e.is_archived
              from {schema}.events e left join unnest($1::text[], $2::text[]) as t(name, dotnet) on t.name = e.type
             order by e.seq_id
            """, connection, tx))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names.Select(n => DotNetTypeName(types.TypeOfName(n)!)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            events = await command.ExecuteNonQueryAsync(ct);
        }

        var sourceEvents = await Scalar<long>(connection, tx, $"select count(*) from {schema}.events", ct);
        var sourceStreams = await Scalar<long>(connection, tx, $"select count(*) from {schema}.streams", ct);
        if (events != sourceEvents || streams != sourceStreams)
            throw new StoreUpgradeException($"The move would carry {events} of {sourceEvents} events and {streams} of {sourceStreams} streams; nothing was moved.");

        // Marten draws the next number after the last moved one (and after any hole the old store had).
        var last = await Scalar<long>(connection, tx, $"""
            select setval('{schema}.mt_events_sequence', greatest(
                (select coalesce(max(seq_id), 0) from {schema}.mt_events),
                (select last_value from {schema}.events_seq_id), 1))
            """, ct);
        await Execute(connection, tx, $"drop table {schema}.events; drop table {schema}.streams", ct);
        await Execute(connection, tx, $"""
            insert into {schema}.schema_migrations (component, version, description)
            values ('{Component}', 1, 'moved {streams} streams and {events} events of the previous store into Marten''s tables')
            """, ct);
        await tx.CommitAsync(ct);
        return new Outcome(true, streams, events, last);
    }

    /// <summary>The CLR type name Marten records beside each event (<c>Namespace.Type, Assembly</c>).</summary>
    private static string DotNetTypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<IReadOnlyList<string>> Strings(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, string[] known, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = known, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result.Add(reader.GetString(0));
        return result;
    }
}

/// <summary>The old store holds something the move cannot carry; nothing was moved.</summary>
public sealed class StoreUpgradeException(string message) : EventStoreException(message);
