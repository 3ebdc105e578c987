using LeaderJourney.IntegrationTests.Infrastructure;
using JasperFx.Events;
using LeaderJourney.Core.Engine;
using LeaderJourney.Storage;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace LeaderJourney.Bench;

/// <summary>A leader-journey-like payload of realistic size.</summary>
public sealed record TrainingCompleted(Guid LeaderId, string ThemeCode, int Level, string Title, decimal Hours, DateOnly CompletedOn, string RecordedBy);

/// <summary>The kind of the benchmark's streams.</summary>
public sealed class Bench;

/// <summary>Each case returns how many events it wrote or read. The raw cases use a table shaped like the store's own.</summary>
public sealed class StoreBench : IAsyncDisposable
{
    private const string EventType = "bench.training-completed";
    private readonly NpgsqlDataSource _dataSource;
    private readonly Store _store;
    private readonly EventTypeRegistry _types;

    private readonly DocumentStore _marten;

    private StoreBench(NpgsqlDataSource dataSource, Store store, DocumentStore marten, EventTypeRegistry types, string serverVersion)
    {
        _dataSource = dataSource;
        _store = store;
        _marten = marten;
        _types = types;
        ServerVersion = serverVersion;
    }

    public string Schema => _store.Schema;
    public string ServerVersion { get; }

    public static async Task<StoreBench> CreateAsync(string connectionString)
    {
        var dataSource = Database.CreateDataSource(connectionString, "leaderjourney-bench");
        var schema = $"bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
        var types = new EventTypeRegistry().Register<TrainingCompleted>(EventType).RegisterStreamKind<Bench>("bench");
        var store = await Store.OpenAsync(dataSource, schema, types);
        await using (var command = dataSource.CreateCommand($"""
            create sequence {schema}.raw_seq;
            create table {schema}.raw_events (like {schema}.mt_events including defaults including constraints including indexes);
            alter table {schema}.raw_events alter column seq_id set default nextval('{schema}.raw_seq');
            """))
            await command.ExecuteNonQueryAsync();
        var marten = store.Marten;
        await using var connection = await dataSource.OpenConnectionAsync();
        return new StoreBench(dataSource, store, marten, types, connection.PostgreSqlVersion.ToString());
    }

    private static TrainingCompleted Payload(int i) => new(Guid.NewGuid(), $"ADV.{i % 6 + 1}", i % 3 + 1,
        "Power mapping for local leaders: a day-long workshop", 6.5m, new DateOnly(2025, 1, 1).AddDays(i % 365), "staff-member-17");

    public async Task<long> OurSingleAppends(int writers, int total)
    {
        var each = total / writers;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            var stream = Guid.NewGuid();
            await _store.StartStreamAsync(stream, "bench", [Payload(0)]);
            for (var version = 1; version < each; version++)
                await _store.AppendAsync(stream, version, [Payload(version)]);
        })));
        return each * writers;
    }

    public async Task<long> RawSingleInserts(int writers, int total)
    {
        var each = total / writers;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            var stream = Guid.NewGuid();
            await using var connection = await _dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand(
                $"insert into {Schema}.raw_events (id, stream_id, version, type, data, tenant_id) values ($1, $2, $3, $4, $5, $6)", connection);
            var id = new NpgsqlParameter<Guid>();
            var version = new NpgsqlParameter<long>();
            var data = new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Jsonb };
            command.Parameters.Add(id);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = stream });
            command.Parameters.Add(version);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EventType });
            command.Parameters.Add(data);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = AppendMetadata.DefaultTenant });
            await command.PrepareAsync();
            for (var v = 1; v <= each; v++)
            {
                id.TypedValue = Guid.CreateVersion7();
                version.TypedValue = v;
                data.TypedValue = Serialize(Payload(v));
                await command.ExecuteNonQueryAsync();
            }
        })));
        return each * writers;
    }

    /// <summary>The same appends through Marten sessions: each at the version it expects, as commands append.</summary>
    public async Task<long> MartenSingleAppends(int writers, int total)
    {
        var each = total / writers;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            var stream = Guid.NewGuid();
            await using (var start = _marten.LightweightSession(BenchTenant))
            {
                start.Events.StartStream<Bench>(stream, Payload(0));
                await start.SaveChangesAsync();
            }
            for (var version = 1; version < each; version++)
            {
                await using var session = _marten.LightweightSession(BenchTenant);
                session.Events.Append(stream, version + 1, Payload(version));
                await session.SaveChangesAsync();
            }
        })));
        return each * writers;
    }

    /// <summary>The same streams through Marten's bulk path (binary COPY).</summary>
    public async Task<long> MartenBulkAppend(int events)
    {
        const int perStream = 10;
        var streams = Enumerable.Range(0, events / perStream).Select(s =>
        {
            var action = StreamAction.Start(_marten.Events, Guid.NewGuid(), Enumerable.Range(0, perStream).Select(i => (object)Payload(s * perStream + i)).ToArray());
            action.AggregateType = typeof(Bench);
            return action;
        }).ToList();
        await _marten.BulkInsertEventsAsync(BenchTenant, streams);
        return streams.Count * perStream;
    }

    private const string BenchTenant = "BENCH";

    public async Task<long> OurBulkAppend(int events)
    {
        const int perStream = 10;
        var streams = Enumerable.Range(0, events / perStream)
            .Select(s => new BulkStream(Guid.NewGuid(), "bench", Enumerable.Range(0, perStream).Select(i => (object)Payload(s * perStream + i)).ToArray()));
        return await _store.BulkAppendAsync(streams);
    }

    public async Task<long> RawBinaryCopy(int events)
    {
        const int perStream = 10;
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var importer = await connection.BeginBinaryImportAsync(
            $"copy {Schema}.raw_events (id, stream_id, version, type, data, tenant_id) from stdin (format binary)"))
        {
            for (var s = 0; s < events / perStream; s++)
            {
                var stream = Guid.NewGuid();
                for (var i = 0; i < perStream; i++)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    await importer.WriteAsync(stream, NpgsqlDbType.Uuid);
                    await importer.WriteAsync((long)(i + 1), NpgsqlDbType.Bigint);
                    await importer.WriteAsync(EventType, NpgsqlDbType.Text);
                    await importer.WriteAsync(Serialize(Payload(s * perStream + i)), NpgsqlDbType.Jsonb);
                    await importer.WriteAsync(AppendMetadata.DefaultTenant, NpgsqlDbType.Text);
                }
            }
            await importer.CompleteAsync();
        }
        await tx.CommitAsync();
        return events / perStream * perStream;
    }

    /// <summary>Everything, in batches of 5,000 in global order, through Marten's event query (the records made, as a projection gets them).</summary>
    public Task<long> OurReadAll() => MartenReads.CountAllAsync(_store.Marten, _ => true);

    /// <summary>The same rows in the same batches, read as raw columns: the JSON left as text, no objects made.</summary>
    public async Task<long> RawSequentialSelect()
    {
        long count = 0, after = 0;
        await using var connection = await _dataSource.OpenConnectionAsync();
        while (true)
        {
            await using var command = new NpgsqlCommand($"""
                select seq_id, id, stream_id, version, type, data, timestamp, tenant_id, correlation_id, causation_id, user_name, headers
                  from {Schema}.mt_events where seq_id > $1 order by seq_id limit 5000
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
            var read = 0;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                after = reader.GetInt64(0);
                _ = reader.GetGuid(1); _ = reader.GetGuid(2); _ = reader.GetInt64(3); _ = reader.GetString(4); _ = reader.GetString(5);
                _ = reader.GetFieldValue<DateTimeOffset>(6); _ = reader.GetString(7);
                read++;
            }
            if (read == 0) return count;
            count += read;
        }
    }

    private string Serialize(TrainingCompleted e) => System.Text.Json.JsonSerializer.Serialize(e, _types.JsonOptions);

    public async ValueTask DisposeAsync()
    {
        await using (var command = _dataSource.CreateCommand($"drop schema {Schema} cascade"))
            await command.ExecuteNonQueryAsync();
        await _store.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
