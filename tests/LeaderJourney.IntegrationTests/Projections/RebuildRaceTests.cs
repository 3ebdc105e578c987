using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.View;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using LeaderJourney.Storage.Projections;
using LeaderJourney.IntegrationTests.Infrastructure;

namespace LeaderJourney.IntegrationTests.Projections;

public sealed class RebuildRaceTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    // A leader enrolled in OH once the read models have caught up with the harness's start.
    private static async Task<(Guid Id, DateTimeOffset At)> EnrolAfterCatchUp(ProjectionHarness h)
    {
        await h.Runtime.CatchUpAsync();
        var id = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow;
        await h.Store.StartStreamAsync(id, "leader", [new LeaderEnrolled(id, "OH", null, "Ada", "ada@example.org", h.NeaEditionId, Guid.NewGuid(), at)]);
        return (id, at);
    }

    [Fact]
    public async Task Appends_during_a_rebuild_of_an_inline_projection_lose_nothing_in_the_new_generation()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "race_inline");
        var (id, at) = await EnrolAfterCatchUp(h);

        await h.Runtime.StartRebuildAsync(LeaderProgressProjection.ProjectionName);
        // Appended while the new generation has not reached this stream: left to the daemon, not half-applied.
        await h.Store.AppendAsync(id, 1, [new MentorAssigned(id, Guid.NewGuid(), Guid.NewGuid(), at), new SignOffRequested(id, "ADV.1", 1, id, at)]);
        await h.Runtime.CatchUpAsync();

        var scope = new FrameworkScope(h.NeaEditionId, h.ThemeToDomain.Keys.ToList(), h.ThemeToDomain, 3);
        var queries = new LeaderProgressQueries(h.Runtime);
        (await queries.ReadAsync(id, null, default))!.Leader.Should().NotBeNull("the enrolment reached the new generation");
        var folded = LeaderProgress.Of((await h.Store.ReadStreamAsync(id)).Aggregate(Leader.Initial, (s, e) => Leader.Evolve(s, e.Data)), h.ThemeToDomain);
        (await queries.CurrentAsync(id, scope, default)).Should().BeEquivalentTo(folded, o => o.WithStrictOrdering());
        folded.Themes.Single(t => t.Code == "ADV.1").PendingLevel.Should().Be(1);
    }

    [Fact]
    public async Task A_read_on_generations_another_host_switched_since_is_sent_again_on_the_new_ones()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "race_reads");
        var (id, at) = await EnrolAfterCatchUp(h);
        await h.Store.AppendAsync(id, 1, [new SignOffRequested(id, "ADV.1", 1, id, at)]);
        await h.Runtime.CatchUpAsync();
        var queries = new LeaderProgressQueries(h.Runtime);
        (await queries.ReadAsync(id, null, default))!.Requested.Should().Equal([("ADV.1", 1)]); // this process now holds the generations

        // Another host's switch-over, which this process does not hear of: the active generation is now
        // two numbers on (the same slot), and the tables of the one this process knows are gone.
        await using (var connection = await h.DataSource.OpenConnectionAsync())
        {
            var name = LeaderProgressProjection.ProjectionName;
            await using var find = new Npgsql.NpgsqlCommand("select generation from race_reads.projection_generations where name = $1 and status = 'active'", connection);
            find.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = name });
            var generation = (int)(await find.ExecuteScalarAsync())!;
            var prefix = ProjectionTables.Name("race_reads", name, generation, "").Split('.')[1];
            var renamed = ProjectionTables.Name("race_reads", name, generation + 2, "").Split('.')[1];
            await using var move = new Npgsql.NpgsqlCommand($$"""
                do $$ declare t text; begin
                  for t in select tablename from pg_tables where schemaname = 'race_reads' and left(tablename, length('{{prefix}}')) = '{{prefix}}' loop
                    execute format('alter table race_reads.%I rename to %I', t, '{{renamed}}' || substr(t, length('{{prefix}}') + 1));
                  end loop;
                  update race_reads.projection_generations set generation = generation + 2 where name = '{{name}}' and status = 'active';
                end $$
                """, connection);
            await move.ExecuteNonQueryAsync();
        }

        // With a row to leave behind (as the audit's entry is): written once, though the read is sent twice.
        await using (var table = h.DataSource.CreateCommand("create table race_reads.entries (leader_id uuid not null)")) await table.ExecuteNonQueryAsync();
        var entry = new Npgsql.NpgsqlBatchCommand("insert into race_reads.entries values ($1)") { Parameters = { new Npgsql.NpgsqlParameter<Guid> { TypedValue = id } } };
        var read = await queries.ReadAsync(id, null, default, entry: entry);
        read!.Leader!.Affiliate.Should().Be("OH");
        read.Requested.Should().Equal([("ADV.1", 1)]);
        await using var entries = h.DataSource.CreateCommand("select count(*) from race_reads.entries");
        ((long)(await entries.ExecuteScalarAsync())!).Should().Be(1);
    }

    [Fact]
    public async Task An_inline_rebuild_while_journeys_are_appended_loses_nothing_and_applies_nothing_twice()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "race_inline_writers");
        var leaders = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        for (var seed = 1; seed <= 20; seed++) leaders.Add(await RandomJourneys.AppendAsync(h.Store, h.NeaEditionId, seed, commands: 20));

        // Writers keep appending new journeys while the rebuild replays, catches up and switches over:
        // some events land before Marten's replay mark, some in the tail applied after it, some after the switch.
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var seed = 1000 * (w + 1); !stop.IsCancellationRequested; seed++)
                leaders.Add(await RandomJourneys.AppendAsync(h.Store, h.NeaEditionId, seed, commands: 10));
        })).ToArray();
        await h.Runtime.RebuildAsync(LeaderProgressProjection.ProjectionName);
        await h.Runtime.RebuildAsync(LeaderProgressProjection.ProjectionName);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var scope = new FrameworkScope(h.NeaEditionId, h.ThemeToDomain.Keys.ToList(), h.ThemeToDomain, 3);
        var queries = new LeaderProgressQueries(h.Runtime);
        leaders.Count.Should().BeGreaterThan(20, "journeys were appended during the rebuilds");
        foreach (var id in leaders)
        {
            var folded = LeaderProgress.Of((await h.Store.ReadStreamAsync(id)).Aggregate(Leader.Initial, (s, e) => Leader.Evolve(s, e.Data)), h.ThemeToDomain);
            (await queries.CurrentAsync(id, scope, default)).Should().BeEquivalentTo(folded, o => o.WithStrictOrdering(), $"leader {id} equals its fold");
        }
        var history = (await h.DumpAsync(LeaderProgressProjection.ProjectionName, "history"))["history"];
        history.Should().OnlyHaveUniqueItems("no level change was applied twice");
    }

    [Fact]
    public async Task Two_workers_on_one_generation_leave_each_batch_to_one_of_them_and_park_nothing()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "race_workers");
        var at = DateTimeOffset.UtcNow;
        await h.Store.BulkAppendAsync(Enumerable.Range(0, 3000).Select(i =>
        {
            var id = Guid.NewGuid();
            return new BulkStream(id, "leader",
            [
                new LeaderEnrolled(id, "OH", null, $"L{i}", $"l{i}@example.org", h.NeaEditionId, Guid.NewGuid(), at),
                new SignOffRequested(id, "ADV.1", 1, id, at),
            ]);
        }).ToList());
        var other = new ProjectionRuntime(h.Store);

        await Task.WhenAll(Task.Run(() => h.Runtime.CatchUpAsync()), Task.Run(() => other.CatchUpAsync()));
        await h.Runtime.CatchUpAsync();

        (await h.Runtime.StatusAsync(true)).Should().OnlyContain(s => s.State == "running" && s.Lag == 0);
        await using var parked = h.DataSource.CreateCommand("select count(*) from race_workers.projection_dead_letters");
        ((long)(await parked.ExecuteScalarAsync())!).Should().Be(0);
        (await h.DumpAsync(MentorQueueProjection.ProjectionName, "requests"))["requests"].Should().HaveCount(3000);
    }
}
