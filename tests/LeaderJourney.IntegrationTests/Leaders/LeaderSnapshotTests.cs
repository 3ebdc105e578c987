using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.IntegrationTests.Leaders;

/// <summary>Commands on a leader decide on a sealed snapshot and the events after it (LeaderSnapshots).</summary>
public sealed class LeaderSnapshotTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        (_admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "OH");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Store Store => _app.Services.GetRequiredService<Store>();

    private async Task<Guid> EnrolWithTrainings(string name, int trainings)
    {
        var created = await _admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = name, email = "snapshot@example.org" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        for (var i = 0; i < trainings; i++)
            (await _admin.PostAsJsonAsync($"/api/leaders/{id}/trainings",
                new { title = $"Workshop {i}", themeCode = "ADV.1", level = 1, hours = 1.5, completedOn = DateTime.UtcNow.ToString("yyyy-MM-dd") }))
                .StatusCode.Should().Be(HttpStatusCode.OK);
        return id;
    }

    private async Task<(long Version, string State)?> Row(Guid id)
    {
        await using var command = Store.DataSource.CreateCommand($"select version, state from {Store.Schema}.leader_snapshots where leader_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    private async Task Execute(string sql, Guid id)
    {
        await using var command = Store.DataSource.CreateCommand(sql.Replace("{schema}", Store.Schema));
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await command.ExecuteNonQueryAsync();
    }

    private async Task<Leader?> Snapshot(Guid id)
    {
        return await _app.Services.GetRequiredService<LeaderSnapshots>().LoadAsync(id, CancellationToken.None);
    }

    private async Task<Leader> Fold(Guid id, long? toVersion = null) =>
        (await Store.ReadStreamAsync(id, new LeaderJourney.EventStore.StreamReadOptions { ToVersion = toVersion })).Aggregate(Leader.Initial, (s, e) => Leader.Evolve(s, e.Data));

    [Fact]
    public async Task A_snapshot_is_kept_every_25_events_sealed_and_equal_to_the_fold_and_commands_after_it_decide_on_it_plus_the_tail()
    {
        var id = await EnrolWithTrainings("Ottoline Vasquez-Brightwater", 60);

        var row = await Row(id);
        row.Should().NotBeNull();
        row!.Value.Version.Should().Be(50, "the enrolment and 60 trainings make 61 events; snapshots are kept at 25 and 50");
        row.Value.State.Should().StartWith("pd1:").And.NotContain("Brightwater").And.NotContain("Workshop");
        (await Snapshot(id)).Should().BeEquivalentTo(await Fold(id, toVersion: 50));

        // A command after it reads only the snapshot and the tail: with the events the snapshot covers
        // made unreadable (an unknown type name fails any read of them), it still decides, and on the
        // same state a full fold gives.
        await Execute("update {schema}.mt_events set type = type || '.hidden' where stream_id = $1 and version <= 50", id);
        var response = await _admin.PostAsJsonAsync($"/api/leaders/{id}/trainings",
            new { title = "Workshop 60", themeCode = "ADV.1", level = 1, hours = 2, completedOn = DateTime.UtcNow.ToString("yyyy-MM-dd") });
        await Execute("update {schema}.mt_events set type = left(type, length(type) - 7) where stream_id = $1 and type like '%.hidden'", id);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64().Should().Be(62);
        (await Fold(id)).Trainings.Should().HaveCount(61);
    }

    [Fact]
    public async Task A_snapshot_folded_by_another_build_is_ignored_and_replaced()
    {
        var id = await EnrolWithTrainings("Idris Quennell", 30);
        await using (var command = Store.DataSource.CreateCommand($"update {Store.Schema}.leader_snapshots set fold = gen_random_uuid() where leader_id = $1"))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            (await command.ExecuteNonQueryAsync()).Should().Be(1);
        }

        (await Snapshot(id)).Should().BeNull();
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/trainings",
            new { title = "Workshop again", themeCode = "ADV.1", level = 1, hours = 2, completedOn = DateTime.UtcNow.ToString("yyyy-MM-dd") })).StatusCode.Should().Be(HttpStatusCode.OK);

        (await Row(id))!.Value.Version.Should().Be(32, "the command folded the whole stream and kept it under this build");
        (await Snapshot(id)).Should().BeEquivalentTo(await Fold(id));
    }

    [Fact]
    public async Task A_snapshot_is_unreadable_once_the_leaders_key_is_shredded_and_an_erasure_deletes_it()
    {
        var id = await EnrolWithTrainings("Mireille Okonkwo-Sandoval", 26);
        (await Snapshot(id)).Should().NotBeNull();

        // The key alone, as a consent withdrawal does for demographics: the row stays, sealed for nobody.
        await using (var shred = await HeldTransaction.BeginAsync(Store))
        {
            await shred.ShredSubjectAsync(id, final: false);
            await shred.CommitAsync();
        }
        (await Row(id)).Should().NotBeNull();
        (await Snapshot(id)).Should().BeNull("the snapshot was sealed under the shredded key");

        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/erasure", new { reason = "Written request of 2026-11-30" })).EnsureSuccessStatusCode();

        (await Row(id)).Should().BeNull("the erasure deletes the snapshot with the leader's other stored answers");
        var refused = await _admin.PostAsJsonAsync($"/api/leaders/{id}/trainings",
            new { title = "After erasure", themeCode = "ADV.1", level = 1, hours = 2, completedOn = DateTime.UtcNow.ToString("yyyy-MM-dd") });
        refused.IsSuccessStatusCode.Should().BeFalse();
        ((int)refused.StatusCode).Should().BeLessThan(500);
    }
}
