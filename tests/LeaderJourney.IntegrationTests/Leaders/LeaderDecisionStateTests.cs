using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using LeaderJourney.Storage;

namespace LeaderJourney.IntegrationTests.Leaders;

/// <summary>
/// Commands on a leader decide on the leader's state that Marten keeps inline (LeaderAggregation),
/// loaded by Wolverine's aggregate handler workflow, not on the whole stream.
/// </summary>
public sealed class LeaderDecisionStateTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
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
        var created = await _admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = name, email = "decision-state@example.org" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        for (var i = 0; i < trainings; i++)
            (await Training(id, $"Workshop {i}")).StatusCode.Should().Be(HttpStatusCode.OK);
        return id;
    }

    private Task<HttpResponseMessage> Training(Guid id, string title) => _admin.PostAsJsonAsync($"/api/leaders/{id}/trainings",
        new { title, themeCode = "ADV.1", level = 1, hours = 1.5, completedOn = DateTime.UtcNow.ToString("yyyy-MM-dd") });

    /// <summary>The stored row: its version and its JSON as it lies in the table.</summary>
    private async Task<(long Version, string Data)?> Row(Guid id)
    {
        await using var command = Store.DataSource.CreateCommand($"select mt_version, data::text from {Store.Schema}.mt_doc_leader_shape6 where id = $1");
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

    private async Task<Leader?> Stored(Guid id)
    {
        await using var session = Store.Marten.QuerySession("OH");
        return await session.LoadAsync<Leader>(id);
    }

    /// <summary>The trainings a leader's state counts as learning.</summary>
    private static int Trainings(Leader leader) => leader.Learning.Where(f => f.Source == LearningSource.Training).Sum(f => f.Versions.Count);

    private async Task<Leader> Fold(Guid id) =>
        (await Store.ReadStreamAsync(id)).Aggregate(Leader.Initial, (s, e) => Leader.Evolve(s, e.Data));

    [Fact]
    public async Task Each_command_keeps_the_leader_sealed_and_equal_to_the_fold_and_the_next_command_decides_on_it_alone()
    {
        var id = await EnrolWithTrainings("Ottoline Vasquez-Brightwater", 60);

        var row = await Row(id);
        row.Should().NotBeNull();
        row!.Value.Version.Should().Be(61, "the enrolment and 60 trainings, each stored in its command's transaction");
        row.Value.Data.Should().Contain("pd1:").And.NotContain("Brightwater").And.NotContain("decision-state@");
        (await Stored(id)).Should().BeEquivalentTo(await Fold(id));
        // What the decider reads and no more: the learning a training counts as; its id and title are in its event.
        row.Value.Data.Should().NotContain("Workshop");
        foreach (var training in (await Store.ReadStreamAsync(id)).Select(e => e.Data).OfType<TrainingCompleted>())
            row.Value.Data.Should().NotContain(training.TrainingId.ToString());
        row.Value.Data.Length.Should().BeLessThan(2_000, "60 trainings are 60 stream versions in one learning fact");
        (await Stored(id))!.Learning.Should().ContainSingle().Which.Versions.Should().Equal(Enumerable.Range(2, 60).Select(v => (long)v));
        // A leader of many themes can still pass the 2 kB from which PostgreSQL compresses a value: with lz4 (core migrations 11, 19 and 28).
        await using (var compression = Store.DataSource.CreateCommand(
            $"select attcompression::text from pg_attribute where attrelid = '{Store.Schema}.mt_doc_leader_shape6'::regclass and attname = 'data'"))
            (await compression.ExecuteScalarAsync()).Should().Be("l", "the column every command rewrites is compressed with lz4");

        // A command reads only the stored leader: with every event of the stream made unreadable (an
        // unknown type name fails any read of them), it still decides, and on the state a full fold gives.
        await Execute("update {schema}.mt_events set type = type || '.hidden' where stream_id = $1", id);
        var response = await Training(id, "Workshop 60");
        await Execute("update {schema}.mt_events set type = left(type, length(type) - 7) where stream_id = $1 and type like '%.hidden'", id);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64().Should().Be(62);
        Trainings(await Fold(id)).Should().Be(61);
        (await Stored(id)).Should().BeEquivalentTo(await Fold(id));
    }

    [Fact]
    public async Task A_second_recording_under_one_id_is_refused_whole_by_the_database_and_another_leader_may_use_the_id()
    {
        // The commands give each recording a new id, so the decision state keeps none of them; a second
        // event under one id could only come from a write of its own (a replayed load, say). The
        // stream's unique index refuses it, with the sentence of the rule.
        var id = await EnrolWithTrainings("Tobiah Vance-Okafor", 1);
        var first = (await Store.ReadStreamAsync(id)).Select(e => e.Data).OfType<TrainingCompleted>().Single();
        var evidence = new EvidenceAdded(id, Guid.NewGuid(), "ADV.1", 1, null, "Ran the phone bank", first.RecordedBy, DateTimeOffset.UtcNow);
        var again = first with { Title = "The same workshop, again", RecordedAt = DateTimeOffset.UtcNow };
        var oh = new LeaderJourney.Storage.AppendMetadata { TenantId = "OH" };

        var refused = (await FluentActions.Invoking(() => Store.AppendAsync(id, 2, [evidence, again], oh)).Should().ThrowAsync<Exception>()).Which;
        var twice = Store.AsRecordedTwice(refused);
        twice.Should().NotBeNull();
        twice!.Message.Should().Be("This training is already recorded for the leader.");
        ((Microsoft.AspNetCore.Http.IStatusCodeHttpResult)LeaderJourney.Core.Http.Problems.For(twice)!).StatusCode.Should().Be(422);
        (await Store.ReadStreamAsync(id)).Should().HaveCount(2, "nothing of the refused write is stored, the evidence beside it included");
        (await Row(id))!.Value.Version.Should().Be(2);

        // Under the next version the evidence alone is stored; its id, once stored, is refused in turn.
        (await Store.AppendAsync(id, 2, [evidence], oh)).Version.Should().Be(3);
        var evidenceAgain = (await FluentActions.Invoking(() => Store.AppendAsync(id, 3, [evidence], oh)).Should().ThrowAsync<Exception>()).Which;
        Store.AsRecordedTwice(evidenceAgain)!.Message.Should().Be("This evidence is already added for the leader.");

        // Once per stream: another leader's stream takes an event under the same id.
        var other = await EnrolWithTrainings("Wilhelmina Asante-Brookes", 0);
        (await Store.AppendAsync(other, 1, [again with { LeaderId = other }], oh)).Version.Should().Be(2);
    }

    [Fact]
    public async Task A_leader_without_a_stored_state_is_folded_whole_decided_on_and_stored()
    {
        // As after the upgrade from the previous store, or a bulk load whose last step failed: the stream, and no row.
        var id = await EnrolWithTrainings("Idris Quennell", 3);
        await Execute("delete from {schema}.mt_doc_leader_shape6 where id = $1", id);

        var response = await Training(id, "Workshop again");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64().Should().Be(5);
        Trainings(await Fold(id)).Should().Be(4);
        (await Row(id))!.Value.Version.Should().Be(5, "the command stored the leader it decided on, and the next reads that");
        (await Stored(id)).Should().BeEquivalentTo(await Fold(id));
        (await Training(id, "Workshop once more")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Stored(id)).Should().BeEquivalentTo(await Fold(id));
    }

    [Fact]
    public async Task A_leader_loaded_in_bulk_is_stored_sealed_with_the_load_and_their_first_command_decides_on_that_alone()
    {
        var edition = (await Stored(await EnrolWithTrainings("Petronella Achterberg", 0)))!.FrameworkEditionId;
        var (id, elsewhere) = (Guid.NewGuid(), Guid.NewGuid());
        var at = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        // One load, two affiliates: each leader's row belongs to their own.
        await Store.BulkAppendAsync([
            new LeaderJourney.Storage.BulkStream(id, "leader",
            [
                new LeaderEnrolled(id, "OH", "Local 12", "Wilhelmina Oyelaran-Strand", "bulk-state@example.org", edition, Guid.NewGuid(), at),
                new TrainingCompleted(id, Guid.NewGuid(), "Bulk workshop", "ADV.1", 1, 2m, DateOnly.FromDateTime(at.UtcDateTime), Guid.NewGuid(), at),
            ], new LeaderJourney.Storage.AppendMetadata { TenantId = "OH" }),
            new LeaderJourney.Storage.BulkStream(elsewhere, "leader",
                [new LeaderEnrolled(elsewhere, "KY", null, "Anselm Thorvaldsen", "bulk-ky@example.org", edition, Guid.NewGuid(), at)],
                new LeaderJourney.Storage.AppendMetadata { TenantId = "KY" }),
        ]);
        await using (var tenants = Store.DataSource.CreateCommand($"select id, tenant_id from {Store.Schema}.mt_doc_leader_shape6 where id = any($1)"))
        {
            tenants.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [id, elsewhere] });
            await using var reader = await tenants.ExecuteReaderAsync();
            var rows = new Dictionary<Guid, string>();
            while (await reader.ReadAsync()) rows[reader.GetGuid(0)] = reader.GetString(1);
            rows.Should().Equal(new Dictionary<Guid, string> { [id] = "OH", [elsewhere] = "KY" });
        }

        var row = await Row(id);
        row.Should().NotBeNull("the bulk load stores the leader as the commands' own transactions do");
        row!.Value.Version.Should().Be(2);
        row.Value.Data.Should().Contain("pd1:").And.NotContain("Oyelaran").And.NotContain("bulk-state@");
        (await Stored(id)).Should().BeEquivalentTo(await Fold(id));

        // The first command reads the stored leader, not the stream: with its events unreadable it still decides.
        await Execute("update {schema}.mt_events set type = type || '.hidden' where stream_id = $1", id);
        var response = await Training(id, "Workshop after the load");
        await Execute("update {schema}.mt_events set type = left(type, length(type) - 7) where stream_id = $1 and type like '%.hidden'", id);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64().Should().Be(3);
        (await Stored(id)).Should().BeEquivalentTo(await Fold(id));
    }

    [Fact]
    public async Task A_stream_without_a_row_that_holds_an_event_no_one_can_read_is_never_decided_on()
    {
        // As a database written by a later version: one event's type, by its name and by the CLR type Marten
        // stores beside it, is unknown here; folding the stream (no row) fails, Marten's UnknownEventTypeException.
        var id = await EnrolWithTrainings("Ottoline Vasquez", 2);
        await Execute("delete from {schema}.mt_doc_leader_shape6 where id = $1", id);
        await using (var rename = Store.DataSource.CreateCommand($"""
            update {Store.Schema}.mt_events set type = 'leader.from-a-later-version', mt_dotnet_type = 'LeaderJourney.Domain.Leaders.FromALaterVersion, LeaderJourney.Domain'
             where stream_id = $1 and version = 2
            """))
        {
            rename.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            (await rename.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var response = await Training(id, "Workshop after");

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError, "a stream that cannot be read whole is a fault, not a leader with one training fewer");
        (await Store.FetchStreamInfoAsync(id))!.Version.Should().Be(3, "nothing was appended");
        (await Row(id)).Should().BeNull("nothing was stored as the leader");
    }

    [Fact]
    public async Task A_stored_leader_behind_the_stream_is_not_decided_on_the_stream_is_folded_and_stored_again()
    {
        // As after restoring an older copy of the row: the stored leader one training short of the stream.
        var id = await EnrolWithTrainings("Benedikt Oyelaran", 2);
        var older = (await Row(id))!.Value.Data;
        (await Training(id, "Workshop between")).StatusCode.Should().Be(HttpStatusCode.OK);
        await using (var restore = Store.DataSource.CreateCommand($"update {Store.Schema}.mt_doc_leader_shape6 set data = $2::jsonb, mt_version = 3 where id = $1"))
        {
            restore.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            restore.Parameters.Add(new NpgsqlParameter<string> { TypedValue = older });
            (await restore.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var response = await Training(id, "Workshop after");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64().Should().Be(5);
        (await Row(id))!.Value.Version.Should().Be(5);
        (await Stored(id)).Should().BeEquivalentTo(await Fold(id));
        Trainings((await Stored(id))!).Should().Be(4, "the training the restored row lacked is folded in");
    }

    [Fact]
    public async Task A_record_is_read_from_the_stored_leader_when_it_is_current_and_from_the_stream_otherwise()
    {
        var id = await EnrolWithTrainings("Anneliese Okoro-Lindqvist", 3);
        async Task<JsonElement> Record()
        {
            var response = await _admin.GetAsync($"/api/leaders/{id}");
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Headers.ETag!.Tag.Should().Be("\"4\"");
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        // Current: the row alone answers, with its sealed fields opened (every event unreadable meanwhile).
        await Execute("update {schema}.mt_events set type = type || '.hidden' where stream_id = $1", id);
        var fromRow = await Record();
        await Execute("update {schema}.mt_events set type = left(type, length(type) - 7) where stream_id = $1 and type like '%.hidden'", id);
        fromRow.GetProperty("displayName").GetString().Should().Be("Anneliese Okoro-Lindqvist");
        fromRow.GetProperty("email").GetString().Should().Be("decision-state@example.org");
        fromRow.GetProperty("version").GetInt64().Should().Be(4);

        // Behind the stream (a row restored from an older copy): the stream is folded, the row not trusted.
        await Execute("update {schema}.mt_doc_leader_shape6 set data = jsonb_set(data, '{local}', '\"Local of an old copy\"') || '{\"version\": 3}' where id = $1", id);
        var behind = await Record();
        behind.GetProperty("local").ValueKind.Should().NotBe(JsonValueKind.String, "the enrolment gave no local; the old copy's is not shown");
        behind.GetProperty("version").GetInt64().Should().Be(4);

        // No row (as after the upgrade): the stream is folded.
        await Execute("delete from {schema}.mt_doc_leader_shape6 where id = $1", id);
        (await Record()).GetRawText().Should().Be(fromRow.GetRawText());

        // The row is read only for a caller who may see the leader, and each read leaves its audit entry.
        var (otherAffiliate, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "WV");
        (await otherAffiliate.GetAsync($"/api/leaders/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await using var audited = Store.DataSource.CreateCommand($"select count(*) from {Store.Schema}.sensitive_reads where leader_id = $1 and what = 'leader-record'");
        audited.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        ((long)(await audited.ExecuteScalarAsync())!).Should().Be(3);
    }

    [Fact]
    public async Task The_stored_leader_reads_as_erased_once_the_key_is_shredded_and_an_erasure_deletes_it()
    {
        var id = await EnrolWithTrainings("Mireille Okonkwo-Sandoval", 2);
        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/evidence", new { themeCode = "ADV.1", level = 1, note = "Okonkwo-Sandoval led the phone bank" }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        (await Stored(id))!.Version.Should().Be(4);
        (await Row(id))!.Value.Data.Should().NotContain("phone bank", "the evidence's note stays in its event: the stored leader keeps no trace of it");

        // The key alone: the row stays, its personal fields sealed for nobody.
        await using (var shred = await HeldTransaction.BeginAsync(Store))
        {
            await shred.ShredSubjectAsync(id, final: false);
            await shred.CommitAsync();
        }
        var unreadable = await Stored(id);
        unreadable!.DisplayName.Should().Be(LeaderJourney.Storage.PersonalData.PersonalDataCodec.ErasedText);
        unreadable.Version.Should().Be(4, "what is not personal stays readable");
        Trainings(unreadable).Should().Be(2);

        (await _admin.PostAsJsonAsync($"/api/leaders/{id}/erasure", new { reason = "Written request of 2026-11-30" })).EnsureSuccessStatusCode();

        (await Row(id)).Should().BeNull("the erasure deletes the stored leader in its transaction");
        var refused = await Training(id, "After erasure");
        refused.IsSuccessStatusCode.Should().BeFalse();
        ((int)refused.StatusCode).Should().BeLessThan(500);
        (await Row(id)).Should().BeNull();
    }
}
