using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace LeaderJourney.Bench;

/// <summary>
/// Position commands over HTTP, end to end: the real web host in its own process, 16 clients each
/// nominating its own leaders to its own position and withdrawing them again, so that every request
/// appends one event to a position stream that grows as the run goes on. Measures the position
/// commands' write path (Wolverine's aggregate handler workflow since it moved there) against the
/// same run of an earlier build.
/// </summary>
public static class HttpPositionBench
{
    public static async Task<HttpSignOffBench.Result> RunAsync(string connectionString, string schema, int clients, int leadersPerClient, int rounds, CancellationToken ct = default)
    {
        await using var site = await BenchSite.StartAsync(connectionString, schema, 5096, "BENCH", "bench.admin", ct);
        var admin = site.Admin;

        var work = new List<(Guid Position, List<Guid> Leaders)>();
        for (var c = 0; c < clients; c++)
        {
            var position = await Created(admin.PostAsJsonAsync("/api/positions",
                new { affiliate = "BENCH", title = $"Seat {c}", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }, ct), ct);
            var leaders = new List<Guid>();
            for (var i = 0; i < leadersPerClient; i++)
                leaders.Add(await Created(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "BENCH", displayName = $"Leader {c}-{i}", email = $"leader{c}-{i}@example.org" }, ct), ct));
            work.Add((position, leaders));
        }

        var latencies = new List<double>[clients];
        var errors = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = [];
            var (position, leaders) = work[c];
            for (var round = 0; round < rounds; round++)
                foreach (var (path, body) in leaders.Select(l => ($"/api/positions/{position}/nominations", (object)new { leaderId = l }))
                             .Concat(leaders.Select(l => ($"/api/positions/{position}/nomination-withdrawals", (object)new { leaderId = l, reason = "Another round" }))))
                {
                    var t = Stopwatch.GetTimestamp();
                    using var response = await admin.PostAsJsonAsync(path, body, ct);
                    mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                }
        }, ct)));
        var elapsed = watch.Elapsed;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new HttpSignOffBench.Result(clients, all.Length, errors, all.Length / elapsed.TotalSeconds,
            Latency.Percentile(all, 0.50), Latency.Percentile(all, 0.95), Latency.Percentile(all, 0.99));
    }

    private static async Task<Guid> Created(Task<HttpResponseMessage> call, CancellationToken ct)
    {
        using var response = await call;
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
    }
}
