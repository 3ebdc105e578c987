using System.Diagnostics;
using LeaderJourney.Storage;
using LeaderJourney.Storage.Projections;
using LeaderJourney.IntegrationTests.Storage;
using LeaderJourney.IntegrationTests.Infrastructure;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Projections;

/// <summary>Records every test event it is given, with its sequence: what Marten's daemon delivers, and how often.</summary>
public sealed class SeenProjection : IProjection
{
    public string Name => "seen";
    public int Version => 1;
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "test.counter-increased", "test.counter-reset", "test.note-written" };

    public async Task CreateTablesAsync(ProjectionSchemaContext context, CancellationToken ct)
    {
        await using var command = context.Command($"create table {context.Table("events")} (seq bigint not null, stream_id uuid not null)");
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        context.Write($"insert into {context.Table("events")} select * from unnest($1::bigint[], $2::uuid[])",
            events.Select(e => e.Sequence).ToArray(), events.Select(e => e.StreamId).ToArray());
        return Task.CompletedTask;
    }
}

/// <summary>
/// What the previous engine's read-all promised, now asked of Marten's async daemon as this store
/// configures it: it waits at a hole a live transaction may fill, passes a rolled-back one, leaves
/// archived events out, and delivers every committed event exactly once while writers commit out of order.
/// </summary>
public sealed class MartenDaemonReadTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private sealed class Harness : IAsyncDisposable
    {
        private readonly ProjectionCoordinator? _daemon;

        private Harness(Store store, ProjectionRuntime runtime, ProjectionCoordinator? daemon) => (Store, Runtime, _daemon) = (store, runtime, daemon);

        public Store Store { get; }
        public ProjectionRuntime Runtime { get; }

        public static async Task<Harness> StartAsync(string connectionString, string schema, Func<Store, Task>? beforeDaemon = null)
        {
            var store = await Store.OpenAsync(new EventStoreOptions { ConnectionString = connectionString, Schema = schema }, TestEvents.Registry(),
                projections: new EventStoreProjections([new ProjectionRegistration(new SeenProjection(), ProjectionMode.Async)], BatchSize: 50));
            var runtime = new ProjectionRuntime(store);
            await runtime.MigrateAsync();
            if (beforeDaemon is not null) await beforeDaemon(store);
            var daemon = new ProjectionCoordinator(store.Marten, NullLogger<ProjectionCoordinator>.Instance);
            await daemon.StartAsync(CancellationToken.None);
            return new Harness(store, runtime, daemon);
        }

        public async Task<long> PositionAsync() => (await Runtime.StatusAsync(true)).Single().Position;

        public async Task<List<long>> SeenAsync()
        {
            var table = await Runtime.ActiveTableAsync("seen", "events");
            await using var command = Store.DataSource.CreateCommand($"select seq from {table} order by seq");
            var seen = new List<long>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) seen.Add(reader.GetInt64(0));
            return seen;
        }

        public async ValueTask DisposeAsync()
        {
            if (_daemon is not null)
            {
                await _daemon.StopAsync(CancellationToken.None);
                await _daemon.DisposeAsync();
            }
            await Store.DisposeAsync();
        }
    }

    private static object[] Increments(params int[] values) => values.Select(v => (object)new CounterIncreased(v)).ToArray();

    [Fact]
    public async Task The_daemon_waits_at_a_hole_an_open_transaction_may_fill_and_passes_a_rolled_back_one()
    {
        await using var h = await Harness.StartAsync(database.ConnectionString, "daemon_holes");
        await h.Store.StartStreamAsync(Guid.NewGuid(), "counter", Increments(0));
        var before = await h.Store.ReadLastSequenceAsync();
        await h.Runtime.WaitForAsync("seen", before, TimeSpan.FromSeconds(20));

        await using (var open = await HeldTransaction.BeginAsync(h.Store))
        {
            await open.StartStreamAsync(Guid.NewGuid(), "counter", Increments(1));        // holds before + 1, not yet committed
            await h.Store.StartStreamAsync(Guid.NewGuid(), "counter", Increments(2));     // before + 2, committed
            // Longer than Marten's stale-sequence threshold (3 s): the open transaction is alive, so it waits.
            var holding = Stopwatch.StartNew();
            while (holding.Elapsed < TimeSpan.FromSeconds(5))
            {
                (await h.PositionAsync()).Should().BeLessThan(before + 1, "the daemon never passes a hole a live transaction may fill");
                await Task.Delay(200);
            }
            await open.CommitAsync();
        }
        await h.Runtime.WaitForAsync("seen", before + 2, TimeSpan.FromSeconds(20));
        (await h.SeenAsync()).Where(s => s > before).Should().Equal(before + 1, before + 2);

        await using (var rolledBack = await HeldTransaction.BeginAsync(h.Store))
            await rolledBack.StartStreamAsync(Guid.NewGuid(), "counter", Increments(3));  // before + 3, rolled back
        await h.Store.StartStreamAsync(Guid.NewGuid(), "counter", Increments(4));         // before + 4
        await h.Runtime.WaitForAsync("seen", before + 4, TimeSpan.FromSeconds(30));
        (await h.SeenAsync()).Where(s => s > before).Should().Equal(before + 1, before + 2, before + 4);
    }

    [Fact]
    public async Task An_archived_streams_events_never_reach_a_projection()
    {
        var archived = Guid.NewGuid();
        var kept = Guid.NewGuid();
        await using var h = await Harness.StartAsync(database.ConnectionString, "daemon_archive", async store =>
        {
            await store.StartStreamAsync(archived, "counter", Increments(1, 2));
            await store.StartStreamAsync(kept, "counter", Increments(3));
            await using var marten = store.Marten.LightweightSession((await store.FetchStreamInfoAsync(archived))!.TenantId);
            marten.Events.ArchiveStream(archived);
            await marten.SaveChangesAsync();
        });
        await h.Runtime.WaitForAsync("seen", await h.Store.ReadLastSequenceAsync(), TimeSpan.FromSeconds(20));

        var table = await h.Runtime.ActiveTableAsync("seen", "events");
        await using var command = h.Store.DataSource.CreateCommand($"select distinct stream_id from {table}");
        var streams = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) streams.Add(reader.GetGuid(0));
        streams.Should().Equal(kept);
    }

    [Fact]
    public async Task While_writers_commit_out_of_order_and_some_roll_back_every_committed_event_is_applied_exactly_once()
    {
        await using var h = await Harness.StartAsync(database.ConnectionString, "daemon_writers");
        await h.Store.StartStreamAsync(Guid.NewGuid(), "counter", Increments(1));
        var start = await h.Store.ReadLastSequenceAsync();

        // Writers commit out of sequence order: sessions hold their numbers open for a while, and about one in ten rolls back.
        async Task Writer(int seed)
        {
            var random = new Random(seed);
            for (var i = 0; i < 40; i++)
            {
                await using var session = await HeldTransaction.BeginAsync(h.Store);
                await session.StartStreamAsync(Guid.NewGuid(), "counter", Increments(Enumerable.Range(0, random.Next(1, 4)).ToArray()));
                await Task.Delay(random.Next(0, 5));
                if (random.Next(10) > 0) await session.CommitAsync();
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 8).Select(s => Task.Run(() => Writer(s))));

        var committed = new List<long>();
        await using (var command = h.Store.DataSource.CreateCommand($"select seq_id from {h.Store.Schema}.mt_events where seq_id > $1 and type like 'test.%' order by seq_id"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = start });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) committed.Add(reader.GetInt64(0));
        }
        await h.Runtime.WaitForAsync("seen", committed[^1], TimeSpan.FromSeconds(60));

        committed.Should().NotBeEmpty();
        (await h.SeenAsync()).Where(s => s > start).Should().Equal(committed, "each committed event once, in order, none skipped");
    }
}
