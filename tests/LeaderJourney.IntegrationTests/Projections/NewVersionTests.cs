using LeaderJourney.Core;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using LeaderJourney.Storage.Projections;
using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Projections;

/// <summary>Writes one row per enrolment, marked with the version of the code that wrote it.</summary>
public sealed class VersionedCount(string name, int version) : IProjection
{
    public string Name => name;
    public int Version => version;
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "leader.enrolled" };

    public async Task CreateTablesAsync(ProjectionSchemaContext context, CancellationToken ct)
    {
        await using var command = context.Command($"create table {context.Table("enrolments")} (leader_id uuid primary key, written_by int not null)");
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var e in events) context.Write($"insert into {context.Table("enrolments")} values ($1, $2)", ((LeaderEnrolled)e.Data).LeaderId, version);
        return Task.CompletedTask;
    }
}

public sealed class NewVersionTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task New_versions_of_two_read_models_are_built_together_beside_the_old_ones_which_serve_until_the_switch()
    {
        await using (var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "versions",
            [new ProjectionRegistration(new VersionedCount("count-one", 1), ProjectionMode.Async), new ProjectionRegistration(new VersionedCount("count-two", 1), ProjectionMode.Async)]))
        {
            for (var i = 0; i < 30; i++)
            {
                var id = Guid.NewGuid();
                await h.Store.StartStreamAsync(id, "leader", [new LeaderEnrolled(id, "OH", null, "Ada", $"{id:N}@example.org", h.NeaEditionId, Guid.NewGuid(), DateTimeOffset.UtcNow)]);
            }
            await h.Runtime.CatchUpAsync();
        }

        // The next release of the code: both read models at version 2.
        await using var dataSource = Database.CreateDataSource(database.ConnectionString);
        await using var store = await Store.OpenAsync(dataSource, "versions", EventTypes.CreateRegistry(), projections: ProjectionSetup.For("versions",
            [new ProjectionRegistration(new VersionedCount("count-one", 2), ProjectionMode.Async), new ProjectionRegistration(new VersionedCount("count-two", 2), ProjectionMode.Async)], batchSize: 10));
        var runtime = new ProjectionRuntime(store);
        await runtime.MigrateAsync();
        foreach (var name in new[] { "count-one", "count-two" })
        {
            var status = (await runtime.StatusAsync(daemonRunning: false)).Single(s => s.Name == name);
            status.BuildingGeneration.Should().NotBeNull($"{name} version 2 waits to be built");
            (await WrittenBy(dataSource, (await runtime.ActiveTableAsync(name, "enrolments"))!)).Should().Equal([(1, 30L)], "version 1 serves meanwhile");
            (await runtime.ActiveTableAsync(name, "enrolments", fromVersion: 2)).Should().BeNull("a read of what version 2 adds waits for it");
        }

        await runtime.BuildPendingAsync();

        foreach (var name in new[] { "count-one", "count-two" })
        {
            var status = (await runtime.StatusAsync(daemonRunning: false)).Single(s => s.Name == name);
            status.BuildingGeneration.Should().BeNull();
            status.Lag.Should().Be(0);
            (await WrittenBy(dataSource, (await runtime.ActiveTableAsync(name, "enrolments"))!)).Should().Equal([(2, 30L)], $"{name} version 2 has every enrolment");
            (await runtime.ActiveTableAsync(name, "enrolments", fromVersion: 2)).Should().Be(await runtime.ActiveTableAsync(name, "enrolments"));
        }
        (await Count(dataSource, "select count(*) from pg_tables where schemaname = 'versions' and tablename like 'p_count_%'")).Should().Be(2, "the old generations' tables are dropped");
    }

    [Fact]
    public async Task Every_read_model_of_an_empty_store_rebuilt_together_switches_over_and_the_status_stays_readable()
    {
        await using var dataSource = Database.CreateDataSource(database.ConnectionString);
        await using var store = await Store.OpenAsync(dataSource, "empty_rebuild", EventTypes.CreateRegistry(), projections: ProjectionSetup.For("empty_rebuild"));
        await SchemaMigrator.MigrateAsync(dataSource, "empty_rebuild", CoreSchema.Component, CoreSchema.Migrations);
        var runtime = new ProjectionRuntime(store);
        await runtime.MigrateAsync();
        var before = (await runtime.StatusAsync(daemonRunning: false)).ToDictionary(s => s.Name);

        // Marten's rebuild of an empty log writes no progression: each slot then goes on from zero.
        var outcome = await runtime.RebuildTogetherAsync(runtime.Registrations.Select(r => r.Projection.Name).ToList(), _ => null);

        outcome.Values.Should().AllSatisfy(failure => failure.Should().BeNull());
        foreach (var status in await runtime.StatusAsync(daemonRunning: false))
        {
            status.Generation.Should().BeGreaterThan(before[status.Name].Generation, $"{status.Name} switched over");
            status.State.Should().Be("running");
            status.Position.Should().Be(0);
        }
    }

    private static async Task<List<(int Version, long Rows)>> WrittenBy(NpgsqlDataSource dataSource, string table)
    {
        await using var command = dataSource.CreateCommand($"select written_by, count(*) from {table} group by written_by order by 1");
        var rows = new List<(int, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((reader.GetInt32(0), reader.GetInt64(1)));
        return rows;
    }

    private static async Task<long> Count(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
