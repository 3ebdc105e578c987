using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Cli;
using LeaderJourney.Core;
using LeaderJourney.Core.Demo;
using LeaderJourney.Core.Engine;
using LeaderJourney.EventStore;
using LeaderJourney.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.IntegrationTests.Engine;

/// <summary>
/// A database written by the previous store (the demo generator's bulk path, then commands and an
/// erasure through the API) moves into Marten's tables with every event as it was.
/// </summary>
public sealed class LegacyStoreUpgradeTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private const string Schema = "leaderjourney";
    private const string EventColumns = "seq_id, id, stream_id, version, type, data::text, timestamp, tenant_id, correlation_id, causation_id, user_name, headers::text, is_archived";

    [Fact]
    public async Task Every_event_moves_with_its_order_version_timestamp_actor_and_sealed_data_and_Marten_reads_and_appends_after_them()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestMasterKey.Settings(database.ConnectionString)).Build();
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        (await CliApp.RunAsync(["demo", "load", "--leaders", "30"], stdout, stderr, configuration)).Should().Be(0, stderr.ToString());

        // Commands through the API, and an erasure, so the moved log holds more than the bulk path wrote.
        await using var dataSource = LeaderJourney.EventStore.Database.CreateDataSource(database.ConnectionString);
        var erasedId = Guid.Parse((string)(await Rows(dataSource, $"select id::text from {Schema}.streams where type = 'leader' order by id limit 1"))[0][0]!);
        string erasedName;
        await using (var app = new LeaderJourneyAppFactory(database.ConnectionString))
        {
            var admin = await app.SignInAsync("admin", DemoData.Password);
            erasedName = (await admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{erasedId}")).GetProperty("displayName").GetString()!;
            (await admin.PostAsJsonAsync($"/api/leaders/{erasedId}/erasure", new { reason = "Written request of 2026-11-30" })).EnsureSuccessStatusCode();
        }

        var types = EventTypes.CreateRegistry();
        using var marten = MartenEngine.Create(dataSource, Schema, types);
        var before = await Lines(dataSource, $"select {EventColumns} from {Schema}.events order by seq_id");
        var streamsBefore = await Rows(dataSource, $"select tenant_id, id, type, version, timestamp, created, is_archived from {Schema}.streams order by id");
        var lastBefore = (long)(await Rows(dataSource, $"select max(seq_id) from {Schema}.events"))[0][0]!;

        var outcome = await LegacyStoreUpgrade.MoveAsync(dataSource, marten, Schema, types);

        outcome.Moved.Should().BeTrue();
        outcome.Events.Should().Be(before.Count);
        outcome.Streams.Should().Be(streamsBefore.Count);
        (await Lines(dataSource, $"select {EventColumns} from {Schema}.mt_events order by seq_id")).Should().Equal(before);
        var aliases = StreamKinds.ByLegacyName.ToDictionary(k => k.Key, k => marten.Events.AggregateAliasFor(k.Value));
        (await Lines(dataSource, $"select tenant_id, id, type, version, timestamp, created, is_archived from {Schema}.mt_streams order by id"))
            .Should().Equal(streamsBefore.Select(s => Line(Renamed(s, aliases))));
        (await Lines(dataSource, $"select distinct type from {Schema}.mt_streams order by 1")).Should().Contain(["leader", "position", "framework"]);

        // The erased leader's values stay sealed under the shredded key: nothing in the moved log names them.
        (await Rows(dataSource, $"select seq_id from {Schema}.mt_events where data::text like '%' || $1 || '%'", erasedName)).Should().BeEmpty();
        (await Rows(dataSource, $"select seq_id from {Schema}.mt_events where stream_id = $1 and data::text like '%pd1:' || replace($1::text, '-', '') || ':%'", erasedId))
            .Should().NotBeEmpty("the moved events keep the sealed envelopes the erasure made unreadable");
        (await Rows(dataSource, $"select generation from {Schema}.subject_keys where subject_id = $1 and wrapped_key is not null", erasedId)).Should().BeEmpty();

        // Marten reads the moved framework streams as the old store does, and appends after the last moved event.
        await using var oldStore = Store.Create(dataSource, Schema, types);
        var frameworkIds = await Rows(dataSource, $"select id::text, tenant_id from {Schema}.mt_streams where type = 'framework'");
        frameworkIds.Should().NotBeEmpty();
        foreach (var row in frameworkIds)
        {
            var (id, tenant) = (Guid.Parse((string)row[0]!), (string)row[1]!);
            await using var query = marten.QuerySession(tenant);
            var moved = await query.Events.FetchStreamAsync(id);
            var old = await oldStore.ReadStreamAsync(id);
            moved.Select(e => (e.Sequence, e.Version, e.EventTypeName, e.Timestamp)).Should().Equal(old.Select(e => (e.Sequence, e.Version, e.TypeName, e.Timestamp)));
            moved.Select(e => e.Data).Should().BeEquivalentTo(old.Select(e => e.Data), o => o.WithStrictOrdering().RespectingRuntimeTypes());
        }
        var positionId = Guid.Parse((string)(await Rows(dataSource, $"select id::text from {Schema}.mt_streams where type = 'position' limit 1"))[0][0]!);
        await using (var session = marten.LightweightSession("DEMO"))
        {
            var state = await session.Events.FetchStreamStateAsync(positionId);
            var appended = session.Events.Append(positionId, state!.Version + 1, new Domain.Succession.RequirementsChanged(positionId, [], Guid.NewGuid(), DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
            appended.Events.Single().Sequence.Should().BeGreaterThan(outcome.LastSequence - 1).And.BeGreaterThan(lastBefore);
        }

        // Moving again changes nothing.
        (await LegacyStoreUpgrade.MoveAsync(dataSource, marten, Schema, types)).Moved.Should().BeFalse();
        (await Rows(dataSource, $"select count(*) from {Schema}.mt_events"))[0][0].Should().Be((long)before.Count + 1);
    }

    private static object?[] Renamed(object?[] stream, IReadOnlyDictionary<string, string> aliases)
    {
        var copy = (object?[])stream.Clone();
        copy[2] = aliases[(string)copy[2]!];
        return copy;
    }

    private static string Line(object?[] row) =>
        string.Join(" | ", row.Select(v => v switch { DateTime d => d.ToString("O"), DateTimeOffset d => d.ToString("O"), null => "null", _ => v.ToString() }));

    private static async Task<List<string>> Lines(NpgsqlDataSource dataSource, string sql) => (await Rows(dataSource, sql)).Select(Line).ToList();

    private static async Task<List<object?[]>> Rows(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++) values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(values);
        }
        return rows;
    }
}
