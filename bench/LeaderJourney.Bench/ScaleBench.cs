using System.Diagnostics;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Succession.Reports;
using LeaderJourney.Storage.Projections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using LeaderJourney.Storage;

namespace LeaderJourney.Bench;

/// <summary>
/// Figures on a database that already holds generated data (`demo generate --size state|national`),
/// through the same services as the host: a full rebuild of every read model (all at once, as the
/// daemon builds them after a bulk load) against a raw sequential read of the same events, and the
/// report latencies of the largest and a middle-sized affiliate.
/// </summary>
public sealed class ScaleBench : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ScaleBench(ServiceProvider services) => _services = services;

    public static async Task<ScaleBench> OpenAsync(string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LEADERJOURNEY_DB"] = connectionString }).Build();
        // As the command line's generate and rebuild run: every statement planned for its values.
        var services = new ServiceCollection().AddLeaderJourneyCore(configuration, readsInBulk: true).BuildServiceProvider();
        await services.GetRequiredService<DatabaseStartup>().RunAsync(default);
        return new ScaleBench(services);
    }

    private Store Store => _services.GetRequiredService<Store>();

    public async Task<(long Events, long Streams)> SizeAsync()
    {
        await using var command = Store.DataSource.CreateCommand($"select (select count(*) from {Store.Schema}.mt_events), (select count(*) from {Store.Schema}.mt_streams)");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Every projection rebuilt into new tables at once, until all have switched over; seconds.</summary>
    public async Task<double> RebuildAllAsync(Action<string> progress)
    {
        var runtime = _services.GetRequiredService<ProjectionRuntime>();
        var watch = Stopwatch.StartNew();
        var names = runtime.Registrations.Select(r => r.Projection.Name).ToArray();
        var last = Stopwatch.StartNew();
        // As `projections rebuild --all` does: one replay per replay group, the groups side by side.
        var outcome = await runtime.RebuildTogetherAsync(names, name => new Progress<(long Position, long Head)>(p =>
        {
            if (last.Elapsed.TotalSeconds < 15) return;
            last.Restart();
            progress($"  {name}: {p.Position:N0} of {p.Head:N0} ({watch.Elapsed.TotalSeconds:F0} s)");
        }));
        if (outcome.FirstOrDefault(o => o.Value is not null) is { Value: { } failure } failed)
            throw new InvalidOperationException($"{failed.Key} was not rebuilt: {failure.Message}", failure);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>The baseline: every event row read raw in order, in batches of 5,000; seconds.</summary>
    public async Task<double> RawReadAllAsync()
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await Store.DataSource.OpenConnectionAsync();
        long after = 0;
        while (true)
        {
            await using var command = new NpgsqlCommand($"select seq_id, stream_id, version, type, data from {Store.Schema}.mt_events where seq_id > $1 order by seq_id limit 5000", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
            var read = 0;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                after = reader.GetInt64(0);
                _ = reader.GetGuid(1); _ = reader.GetInt64(2); _ = reader.GetString(3); _ = reader.GetString(4);
                read++;
            }
            if (read == 0) return watch.Elapsed.TotalSeconds;
        }
    }

    /// <summary>The affiliates by number of leaders, largest first.</summary>
    public async Task<IReadOnlyList<(string Affiliate, long Leaders)>> AffiliatesAsync()
    {
        await using var command = Store.DataSource.CreateCommand($"select tenant_id, count(*) from {Store.Schema}.mt_streams where type = 'leader' group by 1 order by 2 desc");
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<(string, long)>();
        while (await reader.ReadAsync()) list.Add((reader.GetString(0), reader.GetInt64(1)));
        return list;
    }

    public async Task<IReadOnlyList<(string Report, double P50, double P95, double P99)>> ReportLatencyAsync(string affiliate, int runs)
    {
        var service = _services.GetRequiredService<ReportService>();
        var pastDate = DateTimeOffset.UtcNow.AddYears(-1);
        var results = new List<(string, double, double, double)>();
        foreach (var (name, run) in new (string, Func<Task>)[]
                 {
                     ("succession", () => service.SuccessionAsync(affiliate, null, default)),
                     ("pipeline (with equity)", () => service.PipelineAsync(affiliate, null, StalledNames.All, default)),
                     ("succession as of a year ago", () => service.SuccessionAsync(affiliate, pastDate, default)),
                 })
        {
            var (p50, p95, p99) = await Latency.MeasureAsync(run, runs);
            results.Add((name, p50, p95, p99));
        }
        return results;
    }

    /// <summary>The reports' common input alone (every leader with their level history, as of now), to tell its cost from the reports'.</summary>
    public async Task<(double P50, double P95, double P99)> LeadersAtLatencyAsync(string affiliate, int runs)
    {
        var data = _services.GetRequiredService<LeaderJourney.Core.Succession.Reports.SuccessionData>();
        return await Latency.MeasureAsync(() => data.LeadersAsync(affiliate, DateTimeOffset.UtcNow, default), runs);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
