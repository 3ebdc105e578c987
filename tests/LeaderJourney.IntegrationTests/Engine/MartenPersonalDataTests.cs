using JasperFx.Events;
using LeaderJourney.Core.Engine;
using LeaderJourney.Storage;
using LeaderJourney.Storage.PersonalData;
using LeaderJourney.IntegrationTests.Storage;
using LeaderJourney.IntegrationTests.Infrastructure;
using Marten;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Engine;

/// <summary>Per-subject encryption on Marten's write and read paths (docs/privacy.md).</summary>
public sealed class MartenPersonalDataTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string Schema = "leaderjourney";
    private static readonly MasterKeyRing Keys = MasterKeyRing.Parse(MasterKeyRing.Generate("k1"));
    private NpgsqlDataSource _dataSource = null!;
    private Store _keysStore = null!;
    private DocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _dataSource = Database.CreateDataSource(database.ConnectionString);
        var types = PersonalDataTests.Registry();
        // The key table and the codec still come with the previous store's schema.
        _keysStore = await Store.OpenAsync(_dataSource, Schema, types, masterKeys: Keys);
        _store = MartenEngine.Create(_dataSource, Schema, types, _keysStore.PersonalData);
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _keysStore.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    private async Task<string> RawData(Guid streamId)
    {
        await using var command = _dataSource.CreateCommand($"select coalesce(string_agg(data::text, ' ' order by version), '') from {Schema}.mt_events where stream_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_session_stores_personal_values_sealed_reads_them_back_and_reads_them_as_erased_after_a_shred()
    {
        var id = Guid.NewGuid();
        var about = Guid.NewGuid();
        var profile = new ProfileWritten(id, "Ada Quillfeather", "met at the Tuesday caucus", ["organizer", "bilingual"], 7);
        var remark = new RemarkMade(about, "asked about Quillfeather's caucus");
        await using (var session = _store.LightweightSession("OH"))
        {
            session.Events.StartStream<TestStreams.Person>(id, profile, remark);
            await session.SaveChangesAsync();
        }

        var raw = await RawData(id);
        raw.Should().NotContain("Quillfeather").And.NotContain("Tuesday").And.NotContain("bilingual");
        raw.Should().Contain($"pd1:{id:N}:").And.Contain($"pd1:{about:N}:", "a remark is sealed under the key of whom it is about");
        raw.Should().Contain("\"score\": 7");
        await using (var query = _store.QuerySession("OH"))
        {
            var events = await query.Events.FetchStreamAsync(id);
            events[0].Data.Should().BeEquivalentTo(profile);
            events[1].Data.Should().BeEquivalentTo(remark);
        }

        await using (var shred = await HeldTransaction.BeginAsync(_keysStore))
        {
            await shred.ShredSubjectAsync(id, final: true);
            await shred.CommitAsync();
        }

        await using (var query = _store.QuerySession("OH"))
        {
            var events = await query.Events.FetchStreamAsync(id);
            events[0].Data.Should().BeEquivalentTo(new ProfileWritten(id, PersonalDataCodec.ErasedText, PersonalDataCodec.ErasedText, [], 7));
            events[1].Data.Should().BeEquivalentTo(remark, "the remark's subject still has a key");
        }
    }

    [Fact]
    public async Task The_bulk_path_refuses_unsealed_personal_values_and_stores_sealed_ones()
    {
        var id = Guid.NewGuid();
        var profile = new ProfileWritten(id, "Bartholomew Quintanilla", null, ["treasurer"], 3);
        StreamAction Stream()
        {
            var action = StreamAction.Start(_store.Events, id, [profile]);
            action.AggregateType = typeof(StreamKinds.Leader);
            return action;
        }

        var unsealed = () => _store.BulkInsertEventsAsync("OH", [Stream()]);
        await unsealed.Should().ThrowAsync<Exception>().Where(e => e.ToString().Contains("was not sealed before the write"));
        (await RawData(id)).Should().BeEmpty();

        var serializer = (SealingSerializer)_store.Options.Serializer();
        await serializer.SealAsync([(id, profile)]);
        await _store.BulkInsertEventsAsync("OH", [Stream()]);

        (await RawData(id)).Should().NotContain("Quintanilla").And.NotContain("treasurer").And.Contain($"pd1:{id:N}:");
        await using var query = _store.QuerySession("OH");
        (await query.Events.FetchStreamAsync(id)).Single().Data.Should().BeEquivalentTo(profile);
    }
}
