using System.Diagnostics;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using LeaderJourney.Storage.Projections;
using LeaderJourney.IntegrationTests.Infrastructure;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static LeaderJourney.IntegrationTests.Infrastructure.Waiting;

namespace LeaderJourney.IntegrationTests.Projections;

/// <summary>Counts enrolments; throws on a leader named "Poison" while <see cref="Poisoned"/> is set (a bug, until it is fixed).</summary>
public sealed class PoisonableProjection : IProjection
{
    public volatile bool Poisoned = true;
    public string Name => "poisonable";
    public int Version => 1;
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "leader.enrolled" };

    public async Task CreateTablesAsync(ProjectionSchemaContext context, CancellationToken ct)
    {
        await using var command = context.Command($"create table {context.Table("enrolments")} (leader_id uuid not null, seq bigint not null)");
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var enrolled = (LeaderEnrolled)e.Data;
            if (Poisoned && enrolled.DisplayName == "Poison") throw new InvalidOperationException("cannot handle poison");
            context.Write($"insert into {context.Table("enrolments")} values ($1, $2)", enrolled.LeaderId, e.Sequence);
        }
        return Task.CompletedTask;
    }
}

/// <summary>Counts enrolments; its statement fails when PostgreSQL runs it for a leader named "Poison" while <see cref="Poisoned"/> is set (bad SQL, until it is fixed).</summary>
public sealed class BadStatementProjection : IProjection
{
    public volatile bool Poisoned = true;
    public string Name => "bad-statement";
    public int Version => 1;
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "leader.enrolled" };

    public async Task CreateTablesAsync(ProjectionSchemaContext context, CancellationToken ct)
    {
        await using var command = context.Command($"create table {context.Table("enrolments")} (leader_id uuid not null, n int not null)");
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var enrolled = (LeaderEnrolled)e.Data;
            // Not a number: PostgreSQL refuses the cast when Marten runs the batch, after this code returned.
            context.Write($"insert into {context.Table("enrolments")} values ($1, $2::int)", enrolled.LeaderId,
                Poisoned && enrolled.DisplayName == "Poison" ? "not a number" : "1");
        }
        return Task.CompletedTask;
    }
}

public sealed class ProjectionDaemonTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task A_statement_that_fails_when_Marten_runs_it_pauses_its_projection_visibly_and_after_the_fix_it_is_applied_once()
    {
        var bad = new BadStatementProjection();
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "bad_statement",
            [.. ProjectionSetup.All(), new ProjectionRegistration(bad, ProjectionMode.Async)]);
        var poison = Guid.NewGuid();
        await h.Store.StartStreamAsync(Guid.NewGuid(), "leader", [Enrolment(Guid.NewGuid(), h.NeaEditionId)]);
        await h.Store.StartStreamAsync(poison, "leader", [Enrolment(poison, h.NeaEditionId, "Poison")]);

        await h.Runtime.CatchUpAsync();

        await Until(async () => (await h.Runtime.StatusAsync(daemonRunning: true)).Single(s => s.Name == "bad-statement").State == "failed",
            "the pause to be recorded", TimeSpan.FromSeconds(10));
        var status = (await h.Runtime.StatusAsync(daemonRunning: true)).ToDictionary(s => s.Name);
        status["bad-statement"].LastError.Should().Contain("bad-statement-a").And.Contain("22P02");
        status[MentorQueueProjection.ProjectionName].State.Should().Be("running", "the other projections go on");

        bad.Poisoned = false;
        await h.Runtime.CatchUpAsync();

        (await h.Runtime.StatusAsync(daemonRunning: true)).Single(s => s.Name == "bad-statement").State.Should().Be("running");
        var enrolments = (await h.Runtime.ActiveTableAsync("bad-statement", "enrolments"))!;
        (await Count(h.DataSource, $"select count(*) from {enrolments}")).Should().Be(2);
        (await Count(h.DataSource, $"select count(*) from {enrolments} where leader_id = $1", poison)).Should().Be(1, "applied once after the fix");
    }

    private static object Enrolment(Guid id, Guid editionId, string name = "Ada") =>
        new LeaderEnrolled(id, "OH", null, name, $"{id:N}@example.org", editionId, Guid.NewGuid(), DateTimeOffset.UtcNow);

    private static async Task<long> Count(NpgsqlDataSource dataSource, string sql, params object[] values)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var v in values) command.Parameters.Add(new NpgsqlParameter { Value = v });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_poison_event_pauses_its_projection_visibly_the_others_go_on_and_after_the_fix_it_is_applied_once()
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
        // What a waiting reader polls (one statement) says what the status says.
        var waited = await h.Runtime.PositionAsync("poisonable");
        waited.State.Should().Be("failed");
        waited.LastError.Should().Be(status["poisonable"].LastError);
        (await h.Runtime.PositionAsync(AffiliatePipelineProjection.ProjectionName)).Should().Be(("running", status[AffiliatePipelineProjection.ProjectionName].Position, (string?)null));
        (await h.Runtime.PositionAsync(LeaderProgressProjection.ProjectionName)).Should().Be(("running", status[LeaderProgressProjection.ProjectionName].Head, (string?)null), "an inline read model is at the head");
        await h.Runtime.Invoking(r => r.WaitForAsync("poisonable", 1, TimeSpan.FromSeconds(5))).Should().ThrowAsync<ProjectionFailedException>();
        var enrolments = (await h.Runtime.ActiveTableAsync("poisonable", "enrolments"))
            ?? ProjectionTables.Name("poison", "poisonable", 1, "enrolments");
        (await Count(h.DataSource, $"select count(*) from {enrolments}")).Should().Be(0, "Marten applies a batch whole or not at all: the batch with the poison in it waits");

        poisonable.Poisoned = false;
        await h.Runtime.ResumeAsync("poisonable");
        await h.Runtime.CatchUpAsync();

        var resumed = (await h.Runtime.StatusAsync(daemonRunning: true)).Single(s => s.Name == "poisonable");
        resumed.State.Should().Be("running");
        (await h.Runtime.PositionAsync("poisonable")).Should().Be(("running", resumed.Position, (string?)null));
        enrolments = (await h.Runtime.ActiveTableAsync("poisonable", "enrolments"))!;
        (await Count(h.DataSource, $"select count(*) from {enrolments}")).Should().Be(3);
        (await Count(h.DataSource, $"select count(*) from {enrolments} where leader_id = $1", poison)).Should().Be(1, "applied once after the fix");
    }

    [Fact]
    public async Task Read_models_rebuilt_together_switch_over_each_on_its_own_and_one_failing_in_its_code_or_its_statement_stops_no_other()
    {
        var poisonable = new PoisonableProjection { Poisoned = false };
        var bad = new BadStatementProjection { Poisoned = false };
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "together",
            [.. ProjectionSetup.All(), new ProjectionRegistration(poisonable, ProjectionMode.Async), new ProjectionRegistration(bad, ProjectionMode.Async)]);
        var poison = Guid.NewGuid();
        await h.Store.StartStreamAsync(Guid.NewGuid(), "leader", [Enrolment(Guid.NewGuid(), h.NeaEditionId)]);
        await h.Store.StartStreamAsync(poison, "leader", [Enrolment(poison, h.NeaEditionId, "Poison")]);
        await h.Store.StartStreamAsync(Guid.NewGuid(), "leader", [Enrolment(Guid.NewGuid(), h.NeaEditionId)]);
        await h.Runtime.CatchUpAsync();
        var before = (await h.Runtime.StatusAsync(daemonRunning: true)).ToDictionary(s => s.Name);

        // Both break now: a rebuild of them fails, in the projection's code and in PostgreSQL respectively.
        poisonable.Poisoned = true;
        bad.Poisoned = true;
        var names = h.Runtime.Registrations.Select(r => r.Projection.Name).Order().ToList();
        var outcome = await h.Runtime.RebuildTogetherAsync(names, _ => null);

        outcome["poisonable"].Should().BeOfType<ProjectionFailedException>().Which.Message.Should().Contain("cannot handle poison");
        outcome["bad-statement"].Should().BeOfType<ProjectionFailedException>().Which.Message.Should().Contain("22P02");
        var after = (await h.Runtime.StatusAsync(daemonRunning: true)).ToDictionary(s => s.Name);
        after["bad-statement"].State.Should().Be("failed", "a statement PostgreSQL refused in a rebuild shows in the status");
        after["bad-statement"].LastError.Should().Contain("22P02");
        foreach (var name in names.Except(["poisonable", "bad-statement"]))
        {
            outcome[name].Should().BeNull($"{name} was rebuilt beside the failing ones");
            after[name].Generation.Should().BeGreaterThan(before[name].Generation, $"{name} switched to its new generation");
            after[name].State.Should().Be("running");
            after[name].Lag.Should().Be(0);
        }
        foreach (var name in new[] { "poisonable", "bad-statement" })
        {
            after[name].Generation.Should().Be(before[name].Generation, $"{name}'s old generation keeps serving");
            var enrolments = (await h.Runtime.ActiveTableAsync(name, "enrolments"))!;
            (await Count(h.DataSource, $"select count(*) from {enrolments}")).Should().Be(3);
        }
        (await Count(h.DataSource, "select count(*) from together.mt_event_progression where name like 'builds-%'")).Should().Be(0, "the replay's own progression is not left behind");
        (await Count(h.DataSource, "select count(*) from together.mt_event_progression where name like 'leader-progress-%'"))
            .Should().Be(0, "an inline read model is written with the appends: a progression row of it would never move again");
    }

    /// <summary>Marten's daemon as the web host runs it: hot/cold coordination over the harness's store.</summary>
    private static async Task<ProjectionCoordinator> StartDaemonAsync(ProjectionHarness h)
    {
        var coordinator = new ProjectionCoordinator(h.Store.Marten, NullLogger<ProjectionCoordinator>.Instance);
        await coordinator.StartAsync(CancellationToken.None);
        return coordinator;
    }

    [Fact]
    public async Task A_transaction_holding_a_sequence_number_open_for_ten_seconds_is_waited_for_then_applied_once()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "hole");
        await using var daemon = await StartDaemonAsync(h);
        await h.Runtime.WaitForAsync(AffiliatePipelineProjection.ProjectionName, await h.Store.ReadLastSequenceAsync(), TimeSpan.FromSeconds(20));

        var slow = Guid.NewGuid();
        var fast = new[] { Guid.NewGuid(), Guid.NewGuid() };
        await using var open = await HeldTransaction.BeginAsync(h.Store);
        var held = (await open.StartStreamAsync(slow, "leader", [Enrolment(slow, h.NeaEditionId)])).Events[0].Sequence;
        foreach (var id in fast) await h.Store.StartStreamAsync(id, "leader", [Enrolment(id, h.NeaEditionId)]);
        var head = await h.Store.ReadLastSequenceAsync();

        // Ten seconds with committed events above the open one: Marten's daemon must hold at the hole.
        var holding = Stopwatch.StartNew();
        while (holding.Elapsed < TimeSpan.FromSeconds(10))
        {
            (await h.Runtime.StatusAsync(true)).Single(s => s.Name == AffiliatePipelineProjection.ProjectionName).Position
                .Should().BeLessThan(held, "the daemon never passes a hole a live transaction may fill");
            await Task.Delay(250);
        }
        await open.CommitAsync();

        await h.Runtime.WaitForAsync(AffiliatePipelineProjection.ProjectionName, head, TimeSpan.FromSeconds(20));
        var leaders = (await h.Runtime.ActiveTableAsync(AffiliatePipelineProjection.ProjectionName, "leaders"))!;
        foreach (var id in fast.Append(slow))
            (await Count(h.DataSource, $"select count(*) from {leaders} where leader_id = $1", id)).Should().Be(1);
        await daemon.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Two_daemons_run_each_slot_once_and_the_other_takes_over_within_ten_seconds_when_one_stops_or_loses_its_connection()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "election");
        var daemons = new[] { await StartDaemonAsync(h), await StartDaemonAsync(h) };
        var stopped = new bool[2];
        var slots = h.Runtime.AsyncSlots;
        string[][] Running() => daemons.Select((d, i) => stopped[i] ? [] : d.DaemonForMainDatabase().CurrentAgents()
            .Where(a => a.Status == JasperFx.AgentStatus.Running).Select(a => a.Name.Name).ToArray()).ToArray();
        try
        {
            await Until(() => Task.FromResult(Running().SelectMany(r => r).Order().SequenceEqual(slots)), "every slot on one daemon", TimeSpan.FromSeconds(10));
            Running().SelectMany(r => r).Should().OnlyHaveUniqueItems();
            (await h.Runtime.IsDaemonRunningAsync()).Should().BeTrue();

            // A holder loses its connections: PostgreSQL releases its slot locks and the slots are taken again.
            (await Count(h.DataSource, $"""
                select count(pg_terminate_backend(l.pid)) from pg_locks l
                 where l.locktype = 'advisory' and l.granted and l.objsubid = 1 and l.pid <> pg_backend_pid()
                   and l.database = (select oid from pg_database where datname = current_database())
                """)).Should().BeGreaterThan(0, "the daemons' locks are held on connections");
            await Until(async () => await h.Runtime.IsDaemonRunningAsync() && (await h.Runtime.StatusAsync(true)).All(s => s.RunningOn is not null || s.Mode == "inline"),
                "the slots held again after the connection loss", TimeSpan.FromSeconds(10));

            var leader = Array.FindIndex(Running(), r => r.Length > 0);
            await daemons[leader].StopAsync(CancellationToken.None);
            stopped[leader] = true;
            var watch = Stopwatch.StartNew();
            await Until(() => Task.FromResult(Running()[1 - leader].Order().SequenceEqual(slots)), "the other daemon to take every slot", TimeSpan.FromSeconds(10));
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));

            var id = Guid.NewGuid();
            var appended = await h.Store.StartStreamAsync(id, "leader", [Enrolment(id, h.NeaEditionId)]);
            await h.Runtime.WaitForAsync(MentorQueueProjection.ProjectionName, appended.LastSequence, TimeSpan.FromSeconds(10));
        }
        finally
        {
            foreach (var daemon in daemons)
            {
                await daemon.StopAsync(CancellationToken.None);
                await daemon.DisposeAsync();
            }
        }
    }
}
