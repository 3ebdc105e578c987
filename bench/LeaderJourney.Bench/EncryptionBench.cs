using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.Storage;
using LeaderJourney.Storage.PersonalData;
using Npgsql;

namespace LeaderJourney.Bench;

/// <summary>A journey event with personal data: a name and a free-text note about the leader.</summary>
public sealed record NoteRecorded(Guid LeaderId, string DisplayName, string Note, string ThemeCode, int Level, DateOnly On);

/// <summary>
/// The same work on two stores in one database: one opened with master keys (the declared personal
/// properties sealed per leader), one without. Each stream is one leader, so one data key per stream.
/// </summary>
public sealed class EncryptionBench : IAsyncDisposable
{
    private const string EventType = "bench.note-recorded";
    private readonly NpgsqlDataSource _dataSource;
    private readonly MasterKeyRing _keys = MasterKeyRing.Parse(MasterKeyRing.Generate("bench"));
    private readonly string _sealedSchema;
    private readonly string _plainSchema;
    private Store _sealed = null!;
    private Store _plain = null!;

    private EncryptionBench(NpgsqlDataSource dataSource, string stamp)
    {
        _dataSource = dataSource;
        _sealedSchema = $"bench_sealed_{stamp}";
        _plainSchema = $"bench_plain_{stamp}";
    }

    private static EventTypeRegistry Registry() => new EventTypeRegistry()
        .Register<NoteRecorded>(EventType)
        .RegisterStreamKind<LeaderJourney.Core.Engine.StreamKinds.Leader>("leader")
        .DeclarePersonalData(typeof(NoteRecorded), [new PersonalField(nameof(NoteRecorded.DisplayName)), new PersonalField(nameof(NoteRecorded.Note))]);

    public static async Task<EncryptionBench> CreateAsync(string connectionString)
    {
        var bench = new EncryptionBench(Database.CreateDataSource(connectionString, "leaderjourney-bench"), $"{DateTime.UtcNow:yyyyMMddHHmmss}");
        bench._sealed = await Store.OpenAsync(bench._dataSource, bench._sealedSchema, Registry(), masterKeys: bench._keys);
        bench._plain = await Store.OpenAsync(bench._dataSource, bench._plainSchema, Registry());
        return bench;
    }

    private static NoteRecorded Payload(Guid leader, int i) => new(leader, "Dolores Huerta-Ramirez", "Led the phone bank for the spring bargaining campaign; ready for Level 2.",
        $"ORG.{i % 5 + 1}", i % 3 + 1, new DateOnly(2025, 1, 1).AddDays(i % 365));

    public Task<long> SingleAppends(bool encrypted, int writers, int total) => SingleAppends(encrypted ? _sealed : _plain, writers, total);

    private static async Task<long> SingleAppends(Store store, int writers, int total)
    {
        var each = total / writers;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            var leader = Guid.NewGuid();
            await store.StartStreamAsync(leader, "leader", [Payload(leader, 0)]);
            for (var version = 1; version < each; version++) await store.AppendAsync(leader, version, [Payload(leader, version)]);
        })));
        return each * writers;
    }

    public async Task<long> BulkAppend(bool encrypted, int events)
    {
        const int perStream = 10;
        var streams = Enumerable.Range(0, events / perStream).Select(_ => Guid.NewGuid())
            .Select(leader => new BulkStream(leader, "leader", Enumerable.Range(0, perStream).Select(i => (object)Payload(leader, i)).ToArray()));
        return await (encrypted ? _sealed : _plain).BulkAppendAsync(streams);
    }

    /// <summary>Reads everything from a store opened afresh, so every data key is fetched and unwrapped (a cold cache).</summary>
    public async Task<long> ReadAll(bool encrypted)
    {
        var store = Store.Create(_dataSource, encrypted ? _sealedSchema : _plainSchema, Registry(), encrypted ? _keys : null);
        return await MartenReads.CountAllAsync(store.Marten, data => ((NoteRecorded)data).Note.Length > 0);
    }

    public async ValueTask DisposeAsync()
    {
        await using (var command = _dataSource.CreateCommand($"drop schema {_sealedSchema} cascade; drop schema {_plainSchema} cascade"))
            await command.ExecuteNonQueryAsync();
        await _dataSource.DisposeAsync();
    }
}
