using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.Bench;

/// <summary>
/// What a command costs on a long stream against a short one: the training command over HTTP (the real
/// web host in its own process) on a leader with 10 events and on one with 300, alternately, one at a
/// time: how much the length of the stream still costs a command that decides on the stored leader.
/// Then the same for leaders loaded in bulk (as `demo generate` loads them): the first command on each
/// of a set of such leaders with 10 events and of another with 300, alternately.
/// </summary>
public static class CommandCostBench
{
    public sealed record Result(int Commands, double ShortP50, double ShortP95, double LongP50, double LongP95,
        double BulkShortP50, double BulkShortP95, double BulkLongP50, double BulkLongP95);

    public static async Task<Result> RunAsync(string connectionString, string schema, int commands, CancellationToken ct = default)
    {
        await using var site = await BenchSite.StartAsync(connectionString, schema, 5098, "COST", "cost.admin", ct);
        var admin = site.Admin;

        async Task<Guid> Leader(int events)
        {
            var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "COST", displayName = $"Leader of {events}", email = "cost@example.org" }, ct);
            var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
            for (var i = 1; i < events; i++) await Training(id);
            return id;
        }

        async Task Training(Guid id)
        {
            using var response = await admin.PostAsJsonAsync($"/api/leaders/{id}/trainings",
                new { title = "Power mapping for local leaders", themeCode = "ADV.1", level = 1, hours = 2, completedOn = "2026-11-20" }, ct);
            response.EnsureSuccessStatusCode();
        }

        var shortStream = await Leader(10);
        var longStream = await Leader(300);
        var (shortTimes, longTimes) = (new List<double>(), new List<double>());
        for (var i = 0; i < commands; i++)
        {
            // Alternating, so drift on a shared machine hits both alike.
            shortTimes.Add(await Time(() => Training(shortStream)));
            longTimes.Add(await Time(() => Training(longStream)));
        }

        // Leaders loaded in bulk through the same store the command line's loads use, in the host's schema.
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LEADERJOURNEY_DB"] = connectionString, ["LeaderJourney:Schema"] = schema }).Build();
        await using var services = new ServiceCollection().AddLeaderJourneyCore(configuration, readsInBulk: true).BuildServiceProvider();
        var store = services.GetRequiredService<Store>();
        Guid edition;
        await using (var session = store.Marten.QuerySession("COST"))
            edition = (await session.LoadAsync<LeaderJourney.Domain.Leaders.Leader>(shortStream, ct))!.FrameworkEditionId;
        var (bulkShort, bulkLong) = (BulkLeaders(commands, 10), BulkLeaders(commands, 300));
        await store.BulkAppendAsync(bulkShort.Concat(bulkLong), ct);
        // Timed once the host's daemon has taken the loaded events, as the command-written case is.
        await LoadTest.WaitForReadModels(site.DataSource, schema, ct);
        var (bulkShortTimes, bulkLongTimes) = (new List<double>(), new List<double>());
        for (var i = 0; i < commands; i++)
        {
            bulkShortTimes.Add(await Time(() => Training(bulkShort[i].StreamId)));
            bulkLongTimes.Add(await Time(() => Training(bulkLong[i].StreamId)));
        }

        var (s, l, bs, bl) = (shortTimes.Order().ToArray(), longTimes.Order().ToArray(), bulkShortTimes.Order().ToArray(), bulkLongTimes.Order().ToArray());
        return new Result(commands, Latency.Percentile(s, 0.5), Latency.Percentile(s, 0.95), Latency.Percentile(l, 0.5), Latency.Percentile(l, 0.95),
            Latency.Percentile(bs, 0.5), Latency.Percentile(bs, 0.95), Latency.Percentile(bl, 0.5), Latency.Percentile(bl, 0.95));

        List<BulkStream> BulkLeaders(int count, int events) => Enumerable.Range(0, count).Select(_ =>
        {
            var id = Guid.NewGuid();
            var at = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
            var stream = new List<object> { new LeaderJourney.Domain.Leaders.LeaderEnrolled(id, "COST", null, $"Bulk leader of {events}", "cost@example.org", edition, Guid.NewGuid(), at) };
            for (var i = 1; i < events; i++)
                stream.Add(new LeaderJourney.Domain.Leaders.TrainingCompleted(id, Guid.NewGuid(), "Power mapping for local leaders", "ADV.1", 1, 2m, new DateOnly(2026, 11, 20), Guid.NewGuid(), at));
            return new BulkStream(id, "leader", stream, new AppendMetadata { TenantId = "COST" });
        }).ToList();
    }

    private static async Task<double> Time(Func<Task> run)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        await run();
        return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
