using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Domain.Succession;
using LeaderJourney.IntegrationTests.Infrastructure;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Projections;

/// <summary>
/// The inline read model (leader-progress) is applied in the transaction of whatever saves a Marten
/// session, not only of the store's own save: Wolverine's handlers save their sessions themselves.
/// </summary>
public sealed class InlineReadModelTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset At = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_session_saved_by_Marten_itself_applies_the_inline_read_model_with_its_events()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "inline_plain_save");
        var id = Guid.NewGuid();

        await using (var session = h.Store.OpenWriteSession("OH"))
        {
            h.Store.StartStream(session, id, "leader", [new LeaderEnrolled(id, "OH", null, "Ada", "ada@example.org", h.NeaEditionId, Guid.NewGuid(), At)]);
            await session.SaveChangesAsync();
        }

        (await h.DumpAsync(LeaderProgressProjection.ProjectionName, "leaders"))["leaders"].Should().ContainSingle(row => row.Contains(id.ToString()));
    }

    [Fact]
    public async Task A_save_without_leader_events_writes_while_a_new_leader_progress_generation_is_built_elsewhere()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "inline_building_elsewhere");
        // Another process builds a new generation of leader-progress (in the other slot).
        await using (var building = h.DataSource.CreateCommand($"""
            insert into inline_building_elsewhere.projection_generations (name, generation, version, status, state, position, built_through, updated_at)
            select name, generation + 1, version, 'building', 'running', 0, 0, now() from inline_building_elsewhere.projection_generations
             where name = '{LeaderProgressProjection.ProjectionName}' and status = 'active'
            """))
            (await building.ExecuteNonQueryAsync()).Should().Be(1);
        var position = Guid.NewGuid();

        await using (var session = h.Store.OpenWriteSession("OH"))
        {
            h.Store.StartStream(session, position, "position",
                [new PositionDefined(position, "OH", "Treasurer", true, [new Requirement(null, "ADV.1", 1)], Guid.NewGuid(), At)]);
            await session.SaveChangesAsync();
        }

        (await h.Store.ReadStreamAsync(position)).Should().ContainSingle();
    }

    [Fact]
    public async Task An_append_on_generations_that_changed_since_this_process_looked_fails_whole_and_the_next_try_writes_to_the_live_one()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "inline_changed_under");
        var markFailed = $"update inline_changed_under.projection_generations set state = 'failed' where name = '{LeaderProgressProjection.ProjectionName}' and status = 'active'";
        async Task Enrol(Guid id)
        {
            await using var session = h.Store.OpenWriteSession("OH");
            h.Store.StartStream(session, id, "leader", [new LeaderEnrolled(id, "OH", null, "Ada", "ada@example.org", h.NeaEditionId, Guid.NewGuid(), At)]);
            await session.SaveChangesAsync();
        }

        // Appends take the generations as this process last read them, and check them in their own batch.
        // Another process changes them in between (here: its daemon marks the active one failed). A
        // switch-over in any store of this process (other test classes') makes the look be read again,
        // so the scenario is tried until one append met the change.
        var met = false;
        for (var attempt = 0; attempt < 10 && !met; attempt++)
        {
            await Enrol(Guid.NewGuid()); // the look, as this process keeps it
            await using (var change = h.DataSource.CreateCommand(markFailed)) (await change.ExecuteNonQueryAsync()).Should().Be(1);
            var id = Guid.NewGuid();
            try
            {
                await Enrol(id);
            }
            catch (Exception e) when (LeaderJourney.Storage.Store.GenerationsChangedDuring(e))
            {
                met = true;
                (await h.Store.ReadStreamAsync(id)).Should().BeEmpty("the append failed whole");
                await Enrol(id); // the next try reads the generations afresh
            }
            (await h.DumpAsync(LeaderProgressProjection.ProjectionName, "leaders"))["leaders"].Should().ContainSingle(row => row.Contains(id.ToString()));
            await using var state = h.DataSource.CreateCommand($"select state from inline_changed_under.projection_generations where name = '{LeaderProgressProjection.ProjectionName}' and status = 'active'");
            (await state.ExecuteScalarAsync()).Should().Be("running", "an append that applies to a failed generation marks it running again");
        }
        met.Should().BeTrue("an append decided on the look the process had, and its check found it changed");
    }

    [Fact]
    public async Task A_command_whose_append_met_changed_generations_is_tried_again_by_Wolverine_and_answered_as_usual()
    {
        var db = await database.CreateDatabaseAsync();
        await using var app = new LeaderJourneyAppFactory(db);
        await using var dataSource = NpgsqlDataSource.Create(db);
        var (admin, _) = await app.SignedInAsync(LeaderJourney.Core.Access.Roles.AffiliateAdmin, "OH");
        var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Ada Retried", email = "ada.retried@example.org" });
        enrolled.StatusCode.Should().Be(System.Net.HttpStatusCode.Created);
        var id = (await enrolled.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        async Task<long> Scalar(string sql) => Convert.ToInt64(await dataSource.CreateCommand(sql).ExecuteScalarAsync());
        var rollbacks = $"select xact_rollback from pg_stat_database where datname = current_database()";

        // As above, another process changes the generations between the host's look and its next append;
        // tried until one command met the change (a rollback in the server's counts, which lag a little).
        var met = false;
        for (var attempt = 1; attempt <= 10 && !met; attempt++)
        {
            // A change of profile: leader-progress applies it inline (a training it does not read).
            (await admin.PutAsJsonAsync($"/api/leaders/{id}/profile", new { displayName = "Ada Retried", email = "ada.retried@example.org", local = $"Local {attempt}" })).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
            await using (var snapshot = dataSource.CreateCommand("select pg_stat_clear_snapshot()")) await snapshot.ExecuteNonQueryAsync();
            var before = await Scalar(rollbacks);
            await using (var change = dataSource.CreateCommand($"update leaderjourney.projection_generations set state = 'failed' where name = '{LeaderProgressProjection.ProjectionName}' and status = 'active'"))
                await change.ExecuteNonQueryAsync();
            var answer = await admin.PutAsJsonAsync($"/api/leaders/{id}/profile", new { displayName = $"Ada Retried {attempt}", email = "ada.retried@example.org", local = $"Local {attempt}" });
            answer.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, "the command is tried again on a fresh look, not refused");
            await LeaderJourney.IntegrationTests.Infrastructure.Waiting.Until(async () =>
            {
                await using (var snapshot = dataSource.CreateCommand("select pg_stat_clear_snapshot()")) await snapshot.ExecuteNonQueryAsync();
                return await Scalar($"select count(*) from leaderjourney.projection_generations where name = '{LeaderProgressProjection.ProjectionName}' and status = 'active' and state = 'running'") == 1;
            }, "the generation marked running again by the append");
            try
            {
                // A server backend reports its counts when idle, at most once a second.
                await LeaderJourney.IntegrationTests.Infrastructure.Waiting.Until(async () =>
                {
                    await using (var snapshot = dataSource.CreateCommand("select pg_stat_clear_snapshot()")) await snapshot.ExecuteNonQueryAsync();
                    return await Scalar(rollbacks) > before;
                }, "a rollback", TimeSpan.FromSeconds(15));
                met = true;
            }
            catch (TimeoutException)
            {
            }
        }
        met.Should().BeTrue("a command's append met the change, was rolled back and tried again");
        var leaders = await app.Services.GetRequiredService<LeaderJourney.Storage.Projections.ProjectionRuntime>().ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders");
        await using var name = dataSource.CreateCommand($"select display_name from {leaders} where leader_id = '{id}'");
        ((string)(await name.ExecuteScalarAsync())!).Should().StartWith("Ada Retried ").And.NotBe("Ada Retried", "the retried append wrote to the live generation");
    }
}
