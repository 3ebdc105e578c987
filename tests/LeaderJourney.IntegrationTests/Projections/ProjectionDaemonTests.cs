using System.Diagnostics;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.EventStore;
using LeaderJourney.EventStore.Projections;
using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Projections;

/// <summary>Counts enrolments; throws on a leader named "Poison" while <see cref="Poisoned"/> is set (a bug, until it is fixed).</summary>
public sealed class PoisonableProjection : IProjection
{
    public volatile bool Poisoned = true;
    public string Name => "poisonable";
    public int Version => 1;
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "leader.enrolled" };

    public async Task CreateTablesAsync(ProjectionContext context, CancellationToken ct)
    {
        await using var command = context.Command($"create table {context.Table("enrolments")} (leader_id uuid not null, seq bigint not null)");
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var enrolled = (LeaderEnrolled)e.Data;
            if (Poisoned && enrolled.DisplayName == "Poison") throw new InvalidOperationException("cannot handle poison");
            await using var command = context.Command($"insert into {context.Table("enrolments")} values ($1, $2)");
            command.Parameters.Add(new NpgsqlParameter { Value = enrolled.LeaderId });
            command.Parameters.Add(new NpgsqlParameter { Value = e.Sequence });
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}

public sealed class ProjectionDaemonTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static object Enrolment(Guid id, Guid editionId, string name = "Ada") =>
        new LeaderEnrolled(id, "OH", null, name, $"{id:N}@example.org", editionId, Guid.NewGuid(), DateTimeOffset.UtcNow);

    private static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout) throw new TimeoutException($"Waited {timeout.TotalSeconds} s for {what}.");
            await Task.Delay(25);
        }
    }

    private static async Task<long> Count(NpgsqlDataSource dataSource, string sql, params object[] values)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var v in values) command.Parameters.Add(new NpgsqlParameter { Value = v });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_poison_event_is_parked_its_projection_stops_visibly_the_others_go_on_and_after_the_fix_it_is_applied_once()
    {
        var poisonable = new PoisonableProjection();
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "poison",
            [.. ProjectionSetup.All(), new ProjectionRegistration(poisonable, ProjectionMode.Async)]);
        var poison = Guid.NewGuid();
        await h.Store.StartStreamAsync(Guid.NewGuid(), "leader", [Enrolment(Guid.NewGuid(), h.NeaEditionId)]);
        await h.Store.StartStreamAsync(poison, "leader", [Enrolment(poison, h.NeaEditionId, "Poison")]);
        await h.Store.StartStreamAsync(Guid.NewGuid(), "leader", [Enrolment(Guid.NewGuid(), h.NeaEditionId)]);

        await h.Runtime.CatchUpAsync();

        var status = (await h.Runtime.StatusAsync(daemonRunning: true)).ToDictionary(s => s.Name);
        status["poisonable"].State.Should().Be("failed");
        status["poisonable"].LastError.Should().Contain("cannot handle poison").And.Contain("leader.enrolled").And.Contain(poison.ToString());
        status[AffiliatePipelineProjection.ProjectionName].State.Should().Be("running");
        status[AffiliatePipelineProjection.ProjectionName].Lag.Should().Be(0, "the other projections go on");
        (await Count(h.DataSource, "select count(*) from poison.projection_dead_letters where name = 'poisonable' and stream_id = $1", poison)).Should().Be(1);
        var enrolments = (await h.Runtime.ActiveTableAsync("poisonable", "enrolments"))
            ?? ProjectionTables.Name("poison", "poisonable", 1, "enrolments");
        (await Count(h.DataSource, $"select count(*) from {enrolments}")).Should().Be(1, "the event before the poison landed, none after it");

        poisonable.Poisoned = false;
        await h.Runtime.ResumeAsync("poisonable");
        await h.Runtime.CatchUpAsync();

        (await h.Runtime.StatusAsync(daemonRunning: true)).Single(s => s.Name == "poisonable").State.Should().Be("running");
        enrolments = (await h.Runtime.ActiveTableAsync("poisonable", "enrolments"))!;
        (await Count(h.DataSource, $"select count(*) from {enrolments}")).Should().Be(3);
        (await Count(h.DataSource, $"select count(*) from {enrolments} where leader_id = $1", poison)).Should().Be(1, "applied once after the fix");
    }

    [Fact]
    public async Task A_transaction_holding_a_sequence_number_open_for_ten_seconds_is_waited_for_then_applied_once()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "hole");
        var daemon = new ProjectionDaemon(h.Runtime, database.ConnectionString) { PollInterval = TimeSpan.FromMilliseconds(200) };
        using var stop = new CancellationTokenSource();
        var running = daemon.RunAsync(stop.Token);
        await h.Runtime.WaitForAsync(AffiliatePipelineProjection.ProjectionName, await h.Store.ReadLastSequenceAsync(), TimeSpan.FromSeconds(20));

        var slow = Guid.NewGuid();
        var fast = new[] { Guid.NewGuid(), Guid.NewGuid() };
        await using var open = await h.Store.BeginSessionAsync();
        var held = await open.StartStreamAsync(slow, "leader", [Enrolment(slow, h.NeaEditionId)]);
        foreach (var id in fast) await h.Store.StartStreamAsync(id, "leader", [Enrolment(id, h.NeaEditionId)]);
        var head = await h.Store.ReadLastSequenceAsync();

        // Ten seconds with a committed event above the open one: the daemon must hold at the hole.
        var holding = Stopwatch.StartNew();
        while (holding.Elapsed < TimeSpan.FromSeconds(10))
        {
            (await h.Runtime.StatusAsync(true)).Single(s => s.Name == AffiliatePipelineProjection.ProjectionName).Position
                .Should().BeLessThan(held.FirstSequence, "the daemon never passes a hole a live transaction may fill");
            await Task.Delay(250);
        }
        await open.CommitAsync();

        await h.Runtime.WaitForAsync(AffiliatePipelineProjection.ProjectionName, head, TimeSpan.FromSeconds(20));
        var leaders = (await h.Runtime.ActiveTableAsync(AffiliatePipelineProjection.ProjectionName, "leaders"))!;
        foreach (var id in fast.Append(slow))
            (await Count(h.DataSource, $"select count(*) from {leaders} where leader_id = $1", id)).Should().Be(1);
        (await Count(h.DataSource, "select count(*) from hole.event_gap_skips where $1 between from_seq and to_seq", held.FirstSequence)).Should().Be(0);
        stop.Cancel();
        await running;
    }

    [Fact]
    public async Task Two_daemons_elect_one_and_the_other_takes_over_within_ten_seconds_when_it_stops_or_loses_its_connection()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "election");
        var daemons = Enumerable.Range(0, 2).Select(_ => new ProjectionDaemon(h.Runtime, database.ConnectionString) { ElectionInterval = TimeSpan.FromMilliseconds(250) }).ToArray();
        var stops = daemons.Select(_ => new CancellationTokenSource()).ToArray();
        var runs = daemons.Select((d, i) => d.RunAsync(stops[i].Token)).ToArray();

        await Until(() => Task.FromResult(daemons.Count(d => d.IsLeader) == 1), TimeSpan.FromSeconds(10), "a leader");
        (await ProjectionDaemon.IsRunningAnywhereAsync(h.Store)).Should().BeTrue();

        // The leader loses its connection: PostgreSQL releases its lock and someone takes over.
        // Only this database's daemon lock: other test classes run beside this one on the same server.
        (await Count(h.DataSource, $"""
            select count(pg_terminate_backend(pid)) from pg_locks
             where locktype = 'advisory' and granted and objsubid = 1
               and database = (select oid from pg_database where datname = current_database())
               and ((classid::bigint << 32) | objid::bigint) = {ProjectionDaemon.LockSql("election")}
            """)).Should().Be(1, "the leader's connection is the one holding the lock");
        await Until(async () => daemons.Count(d => d.IsLeader) == 1 && await ProjectionDaemon.IsRunningAnywhereAsync(h.Store), TimeSpan.FromSeconds(10), "a leader after the connection loss");

        var leader = Array.FindIndex(daemons, d => d.IsLeader);
        stops[leader].Cancel();
        await runs[leader];
        var watch = Stopwatch.StartNew();
        await Until(() => Task.FromResult(daemons[1 - leader].IsLeader), TimeSpan.FromSeconds(10), "the other daemon to take over");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));

        var id = Guid.NewGuid();
        var appended = await h.Store.StartStreamAsync(id, "leader", [Enrolment(id, h.NeaEditionId)]);
        await h.Runtime.WaitForAsync(MentorQueueProjection.ProjectionName, appended.LastSequence, TimeSpan.FromSeconds(10));
        stops[1 - leader].Cancel();
        await runs[1 - leader];
    }
}
