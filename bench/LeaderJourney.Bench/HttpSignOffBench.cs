using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;

namespace LeaderJourney.Bench;

/// <summary>
/// The sign-off command over HTTP, end to end: the real web host in its own process on loopback, its
/// database the bench's schema, 16 clients each signing off levels for leaders of their own. With
/// <c>attaining</c>, a training at each level is recorded first (not timed), so that every sign-off
/// attains its level and the read models that follow levels (leader-progress, pipeline-history) work
/// with each command. Before the timed part, the same clients sign off levels of leaders of a
/// warm-up set (<c>warmUpLeadersPerClient</c>, not timed), so the figure is the host's steady state
/// rather than its first seconds of just-in-time compilation.
/// </summary>
public sealed class HttpSignOffBench
{
    public sealed record Result(int Clients, int Requests, int Errors, double PerSecond, double P50Ms, double P95Ms, double P99Ms);

    public static async Task<Result> RunAsync(string connectionString, string schema, int clients, int leadersPerClient, bool attaining = false,
        int warmUpLeadersPerClient = 15, CancellationToken ct = default)
    {
        await using var site = await BenchSite.StartAsync(connectionString, schema, 5097, "BENCH", "bench.admin", ct);
        var admin = site.Admin;
        var mentorId = await site.Directory.CreateUserAsync("bench.mentor", "bench-password-1", Roles.Mentor, "BENCH", null, null, ct);
        using var mentor = await SignedIn(site.Host.BaseUrl, "bench.mentor");
        mentor.DefaultRequestHeaders.ConnectionClose = false;

        var leaders = new List<Guid>();
        for (var i = 0; i < clients * (warmUpLeadersPerClient + leadersPerClient); i++)
        {
            var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "BENCH", displayName = $"Leader {i}", email = $"leader{i}@example.org" }, ct);
            var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
            (await admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }, ct)).EnsureSuccessStatusCode();
            leaders.Add(id);
        }
        var themes = (await admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{leaders[0]}/progress", ct)).GetProperty("themes")
            .EnumerateArray().Select(t => t.GetProperty("code").GetString()!).ToArray();

        // Every (theme, level) of a leader is a fresh sign-off: each request appends an event.
        var all = leaders.Select(id => themes.SelectMany(t => new[] { 1, 2, 3 }.Select(l => (id, t, l))).ToArray()).ToArray();
        var warmUp = all[..(clients * warmUpLeadersPerClient)];
        var work = all[(clients * warmUpLeadersPerClient)..];
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd");
        if (attaining)
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                foreach (var leaderWork in all.Where((_, i) => i % clients == c))
                    foreach (var (id, theme, level) in leaderWork)
                        (await admin.PostAsJsonAsync($"/api/leaders/{id}/trainings",
                            new { title = "Workshop", themeCode = theme, level, completedOn = yesterday }, ct)).EnsureSuccessStatusCode();
            }, ct)));
        var errors = 0;
        await SignOffAsync(warmUp);
        // The result counts the timed part's errors; the warm-up's are said here.
        if (errors > 0) Console.Error.WriteLine($"warm-up: {errors} of {warmUp.Sum(w => w.Length):N0} sign-offs failed");
        errors = 0;
        // The timed part starts with the daemon's read models caught up, not with the warm-up's backlog.
        if (warmUp.Length > 0) await LoadTest.WaitForReadModels(site.DataSource, schema, ct);
        var latencies = new List<double>[clients];
        var watch = Stopwatch.StartNew();
        await SignOffAsync(work, latencies);
        var elapsed = watch.Elapsed;
        var timed = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(clients, timed.Length, errors, timed.Length / elapsed.TotalSeconds,
            Latency.Percentile(timed, 0.50), Latency.Percentile(timed, 0.95), Latency.Percentile(timed, 0.99));

        // Each client signs off the levels of its share of the leaders.
        Task SignOffAsync((Guid Id, string Theme, int Level)[][] share, List<double>[]? recorded = null) =>
            Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                var mine = new List<double>();
                if (recorded is not null) recorded[c] = mine;
                foreach (var leaderWork in share.Where((_, i) => i % clients == c))
                    foreach (var (id, theme, level) in leaderWork)
                    {
                        var t = Stopwatch.GetTimestamp();
                        using var response = await mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = theme, level }, ct);
                        mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                        if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                    }
            }, ct)));
    }

    internal static async Task<HttpClient> SignedIn(string baseUrl, string username)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var token = await client.PostAsJsonAsync("/api/auth/token", new { username, password = "bench-password-1" });
        token.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        return client;
    }
}
