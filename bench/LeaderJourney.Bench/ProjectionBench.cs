using LeaderJourney.IntegrationTests.Infrastructure;
using System.Collections.Concurrent;
using System.Diagnostics;
using LeaderJourney.Core;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.Core.Frameworks.ImportFramework;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Frameworks;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using LeaderJourney.Storage.Projections;
using Npgsql;

namespace LeaderJourney.Bench;

/// <summary>The read models: catch-up from zero against a raw read of the same events, and append-to-visible lag under 16 writers.</summary>
public sealed class ProjectionBench : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly Store _store;
    private readonly ProjectionRuntime _runtime;
    private readonly Guid _edition;
    private readonly string _connectionString;

    private ProjectionBench(string connectionString, NpgsqlDataSource dataSource, Store store, ProjectionRuntime runtime, Guid edition)
    {
        _connectionString = connectionString;
        _dataSource = dataSource;
        _store = store;
        _runtime = runtime;
        _edition = edition;
    }

    public string Schema => _store.Schema;

    public static async Task<ProjectionBench> CreateAsync(string connectionString)
    {
        var schema = $"bench_proj_{DateTime.UtcNow:yyyyMMddHHmmss}";
        var dataSource = Database.CreateDataSource(connectionString, "leaderjourney-bench");
        var store = await Store.OpenAsync(dataSource, schema, EventTypes.CreateRegistry(), projections: ProjectionSetup.For(schema, batchSize: 2000));
        await SchemaMigrator.MigrateAsync(dataSource, schema, CoreSchema.Component, CoreSchema.Migrations);
        var runtime = new ProjectionRuntime(store);
        await runtime.MigrateAsync();
        // The NEA framework's first edition, as its import decides it, written straight to the store (no host here).
        var entry = BuiltInFrameworks.Entries[0];
        var published = FrameworkLineage.Decide(new PublishEdition(entry.Name, entry.Edition, FrameworkDocumentParser.Parse(BuiltInFrameworks.Read(entry.Resource)), entry.Resource, "bench", DateTimeOffset.UtcNow),
            FrameworkLineage.Empty, Guid.CreateVersion7);
        await store.StartStreamAsync(FrameworkLineage.StreamIdFor(entry.Name), ImportFrameworkHandler.StreamType, published);
        return new ProjectionBench(connectionString, dataSource, store, runtime, ((FrameworkEditionPublished)published[0]).EditionId);
    }

    private static IEnumerable<BulkStream> Journeys(int leaders, Guid edition, string? affiliate = null)
    {
        var at = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        string[] themes = ["ADV.1", "ADV.2", "COM.1", "COM.2", "GOV.1", "LOP.1", "ORG.1", "SEI.1"];
        for (var i = 0; i < leaders; i++)
        {
            var id = Guid.NewGuid();
            var mentor = Guid.NewGuid();
            var events = new List<object>
            {
                new LeaderEnrolled(id, affiliate ?? $"A{i % 50}", $"Local {i % 7}", $"Leader {i}", $"l{i}@example.org", edition, Guid.NewGuid(), at),
                new MentorAssigned(id, mentor, Guid.NewGuid(), at),
            };
            foreach (var theme in themes.Take(i % themes.Length + 1))
            {
                events.Add(new SignOffRequested(id, theme, 1, id, at.AddDays(1)));
                events.Add(new LevelSignedOff(id, theme, 1, mentor, null, at.AddDays(2)));
                events.Add(new LevelAttained(id, theme, 1, [], at.AddDays(2)));
            }
            yield return new BulkStream(id, "leader", events);
        }
    }

    /// <summary>Loads about <paramref name="events"/> leader events, then times building all three read models from zero, and a raw read of the same rows.</summary>
    public async Task<(long Events, double OursPerSecond, double RawPerSecond)> CatchUpAsync(int events)
    {
        var leaders = events / 15;
        foreach (var chunk in Journeys(leaders, _edition).Chunk(2000)) await _store.BulkAppendAsync(chunk);
        var total = await _store.ReadLastSequenceAsync();

        var raw = Stopwatch.StartNew();
        long read = 0, after = 0;
        await using (var connection = await _dataSource.OpenConnectionAsync())
        {
            while (true)
            {
                await using var command = new NpgsqlCommand($"select seq_id, type, data from {Schema}.mt_events where seq_id > $1 order by seq_id limit 2000", connection);
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
                var n = 0;
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) { after = reader.GetInt64(0); _ = reader.GetString(1); _ = reader.GetString(2); n++; }
                if (n == 0) break;
                read += n;
            }
        }
        var rawRate = read / raw.Elapsed.TotalSeconds;

        var ours = Stopwatch.StartNew();
        await _runtime.CatchUpAsync();
        // Every projection reads and applies the whole log: the rate is events of the log per second.
        return (total, total / ours.Elapsed.TotalSeconds, rawRate);
    }

    /// <summary>
    /// 16 writers append for <paramref name="seconds"/>; how long until each append is visible in the async
    /// mentor-queue model. The same load runs for <paramref name="warmUpSeconds"/> first, not counted: a
    /// fresh daemon on two cores spends its first minute compiling its hot code again (docs/performance.md).
    /// </summary>
    public async Task<(int Samples, double P50Ms, double P95Ms, double P99Ms)> LagAsync(int writers, int seconds, int warmUpSeconds)
    {
        // Marten's daemon as the web host runs it: hot/cold coordination, one agent per async slot.
        await using var coordinator = new Marten.Events.Daemon.Coordination.ProjectionCoordinator(_store.Marten,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Marten.Events.Daemon.Coordination.ProjectionCoordinator>.Instance);
        using var stop = new CancellationTokenSource();
        await coordinator.StartAsync(stop.Token);
        try
        {
            await _runtime.WaitForAsync(MentorQueueProjection.ProjectionName, await _store.ReadLastSequenceAsync(), TimeSpan.FromMinutes(10));
            if (warmUpSeconds > 0) await MeasureLagAsync(writers, warmUpSeconds);
            return await MeasureLagAsync(writers, seconds);
        }
        finally
        {
            await coordinator.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The same lag with the daemons of <paramref name="hosts"/> web host processes on this schema, as
    /// nodes run it: each async read model on one of them (Marten's hot/cold election). Returns which
    /// node ran which too.
    /// </summary>
    public async Task<(int Samples, double P50Ms, double P95Ms, double P99Ms, string Nodes)> LagOnHostsAsync(int hosts, int writers, int seconds, int warmUpSeconds)
    {
        var started = new List<WebHostProcess>();
        try
        {
            for (var i = 0; i < hosts; i++)
                started.Add(await WebHostProcess.StartAsync(_connectionString, CancellationToken.None, port: 5098 + i, schema: Schema));
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while ((await _runtime.StatusAsync(true)).Any(s => s.Mode == "async" && s.RunningOn is null))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("The hosts did not take every async read model within two minutes.");
                await Task.Delay(100);
            }
            await _runtime.WaitForAsync(MentorQueueProjection.ProjectionName, await _store.ReadLastSequenceAsync(), TimeSpan.FromMinutes(10));
            if (warmUpSeconds > 0) await MeasureLagAsync(writers, warmUpSeconds);
            var lag = await MeasureLagAsync(writers, seconds);
            var nodes = string.Join("; ", (await _runtime.StatusAsync(true)).Where(s => s.Mode == "async")
                .GroupBy(s => s.RunningOn ?? "none").Select(g => $"{g.Key}: {string.Join(", ", g.Select(s => s.Name))}"));
            return (lag.Samples, lag.P50Ms, lag.P95Ms, lag.P99Ms, nodes);
        }
        finally
        {
            foreach (var host in started) await host.DisposeAsync();
        }
    }

    private async Task<(int Samples, double P50Ms, double P95Ms, double P99Ms)> MeasureLagAsync(int writers, int seconds)
    {
        using var stop = new CancellationTokenSource();
        var appended = new ConcurrentQueue<(long Sequence, long At)>();
        var visible = new ConcurrentDictionary<long, long>();
        using var writing = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var watcher = Task.Run(async () =>
        {
            long last = 0;
            while (!stop.IsCancellationRequested)
            {
                // One statement a look: the watcher's own load on the two cores stays small.
                var (_, position, _) = await _runtime.PositionAsync(MentorQueueProjection.ProjectionName);
                if (position > last) { visible[position] = Stopwatch.GetTimestamp(); last = position; }
                await Task.Delay(2);
            }
        });
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            while (!writing.IsCancellationRequested)
            {
                var id = Guid.NewGuid();
                var result = await _store.StartStreamAsync(id, "leader",
                    [new LeaderEnrolled(id, "LAG", null, "Lag", "lag@example.org", _edition, Guid.NewGuid(), DateTimeOffset.UtcNow)]);
                appended.Enqueue((result.LastSequence, Stopwatch.GetTimestamp()));
            }
        })));
        await _runtime.WaitForAsync(MentorQueueProjection.ProjectionName, await _store.ReadLastSequenceAsync(), TimeSpan.FromMinutes(1));
        await Task.Delay(50);
        stop.Cancel();
        await watcher;

        var thresholds = visible.OrderBy(v => v.Key).ToArray();
        var lags = new List<double>();
        foreach (var (sequence, at) in appended)
        {
            var seen = thresholds.FirstOrDefault(t => t.Key >= sequence);
            if (seen.Key != 0) lags.Add(Math.Max(0, Stopwatch.GetElapsedTime(at, seen.Value).TotalMilliseconds));
        }
        var sorted = lags.Order().ToArray();
        double P(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        return (sorted.Length, P(0.5), P(0.95), P(0.99));
    }

    /// <summary>
    /// One affiliate of <paramref name="leaders"/> leaders (about 15 events each) and five key positions with
    /// twenty nominees each; then the succession and pipeline reports, now and as of a past date, timed.
    /// </summary>
    public async Task<IReadOnlyList<(string Report, double P50, double P95, double P99)>> ReportLatencyAsync(int leaders, int runs)
    {
        const string affiliate = "BIG";
        var ids = new List<Guid>();
        foreach (var chunk in Journeys(leaders, _edition, affiliate).Chunk(2000))
        {
            ids.AddRange(chunk.Select(c => c.StreamId));
            await _store.BulkAppendAsync(chunk);
        }
        var admin = Guid.NewGuid();
        var at = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
        for (var p = 0; p < 5; p++)
        {
            var id = Guid.NewGuid();
            var events = new List<object>
            {
                new LeaderJourney.Domain.Succession.PositionDefined(id, affiliate, $"Key position {p}", true,
                    [new LeaderJourney.Domain.Succession.Requirement(null, "ADV.1", 1), new LeaderJourney.Domain.Succession.Requirement("COM", null, 1)], admin, at),
                new LeaderJourney.Domain.Succession.TermEndSet(id, new DateOnly(2025, 3, 1), admin, at),
            };
            events.AddRange(ids.Skip(p * 20).Take(20).Select(l => (object)new LeaderJourney.Domain.Succession.CandidateNominated(id, l, null, admin, at)));
            await _store.StartStreamAsync(id, "position", events, new AppendMetadata { TenantId = affiliate });
        }
        await _runtime.CatchUpAsync();

        var scopes = new FrameworkScopes(new LeaderJourney.Core.Frameworks.BrowseFrameworks.FrameworkCatalog(_dataSource, Schema));
        var service = new LeaderJourney.Core.Succession.Reports.ReportService(
            new LeaderJourney.Core.Succession.Reports.SuccessionData(_store, _runtime, _dataSource, scopes),
            new LeaderJourney.Core.Succession.Reports.PipelineData(_runtime, _dataSource, scopes), TimeProvider.System);
        var results = new List<(string, double, double, double)>();
        foreach (var (name, run) in new (string, Func<Task>)[]
                 {
                     ("succession report", () => service.SuccessionAsync(affiliate, null, default)),
                     ("pipeline report", () => service.PipelineAsync(affiliate, null, LeaderJourney.Core.Succession.Reports.StalledNames.All, default)),
                     ("succession report as of a past date", () => service.SuccessionAsync(affiliate, new DateTimeOffset(2024, 1, 15, 0, 0, 0, TimeSpan.Zero), default)),
                 })
        {
            var (p50, p95, p99) = await Latency.MeasureAsync(run, runs);
            results.Add((name, p50, p95, p99));
        }
        return results;
    }

    public async ValueTask DisposeAsync()
    {
        await using (var command = _dataSource.CreateCommand($"drop schema {Schema} cascade")) await command.ExecuteNonQueryAsync();
        await _store.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
