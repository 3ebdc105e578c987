using System.Net.Http.Json;
using System.Text.Json;

namespace LeaderJourney.Bench;

/// <summary>
/// What a command costs on a long stream against a short one: the training command over HTTP (the real
/// web host in its own process) on a leader with 10 events and on one with 300, alternately, one at a
/// time: how much the length of the stream still costs a command that decides on the stored leader.
/// </summary>
public static class CommandCostBench
{
    public sealed record Result(int Commands, double ShortP50, double ShortP95, double LongP50, double LongP95);

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
        var (s, l) = (shortTimes.Order().ToArray(), longTimes.Order().ToArray());
        return new Result(commands, Latency.Percentile(s, 0.5), Latency.Percentile(s, 0.95), Latency.Percentile(l, 0.5), Latency.Percentile(l, 0.95));
    }

    private static async Task<double> Time(Func<Task> run)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        await run();
        return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
