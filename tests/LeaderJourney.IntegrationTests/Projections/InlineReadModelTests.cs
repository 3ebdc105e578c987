using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Domain.Succession;
using LeaderJourney.IntegrationTests.Infrastructure;
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
}
