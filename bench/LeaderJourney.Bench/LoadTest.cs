using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Storage;
using Npgsql;

namespace LeaderJourney.Bench;

/// <summary>
/// An HTTP load of mixed commands and reads against the real web host (its own process, on loopback)
/// over a database that already holds data (e.g. `demo generate --size national`): each client, for a
/// fixed time, picks a random leader of the affiliate and does one of: record a training, add evidence
/// with a note, record a peer assessment with a note (commands, half the load), or read the leader's
/// progress or their record (reads). Reports throughput, latency percentiles per kind, errors, and the
/// host's peak memory (VmHWM). Each run begins with the same load for <c>warmUpSeconds</c>, not
/// counted (its errors are printed apart): on two cores a fresh host spends its first minute compiling hot code again
/// (tiered compilation), and the figure is meant to be the host's steady state. <see cref="Mix.Commands"/> and
/// <see cref="Mix.Reads"/> keep only one half, in the same proportions within it, to tell what each half costs.
/// </summary>
public static class LoadTest
{
    public enum Mix { Mixed, Commands, Reads }

    public static string Describe(Mix mix) => mix switch
    {
        Mix.Commands => "commands only (training 40%, evidence with a note 40, peer assessment with a note 20)",
        Mix.Reads => "reads only (progress 60%, record 40)",
        _ => "50% commands (training 20, evidence with a note 20, peer assessment with a note 10), 50% reads (progress 30, record 20)",
    };

    public sealed record Result(int Clients, double Seconds, int Commands, int Reads, int Errors, double CommandsPerSecond, double ReadsPerSecond,
        (double P50, double P95, double P99) CommandLatency, (double P50, double P95, double P99) ReadLatency, long HostPeakMemoryMb, string? FirstError);

    private const string Password = "load-test-password-1";

    public static async Task<IReadOnlyList<Result>> RunAsync(string connectionString, string affiliate, int[] clientCounts, int seconds, int warmUpSeconds = 60,
        Mix mix = Mix.Mixed, CancellationToken ct = default)
    {
        await using var dataSource = Database.CreateDataSource(connectionString);
        var schema = "leaderjourney";
        var directory = BenchDirectory.Open(dataSource, schema);
        var staff = $"load.staff.{affiliate.ToLowerInvariant()}";
        try { await directory.CreateUserAsync(staff, Password, Roles.AffiliateAdmin, affiliate, null, null, ct); }
        catch (DuplicateException) { } // made by an earlier run
        // The read models of freshly loaded data are built by the host's daemon: start one and wait for them.
        await using (var first = await WebHostProcess.StartAsync(connectionString, ct))
            await WaitForReadModels(dataSource, schema, ct);
        var leaders = await Leaders(dataSource, schema, affiliate, ct);
        if (leaders.Count == 0) throw new InvalidOperationException($"Affiliate {affiliate} has no active leaders in the leader-progress read model; load data first.");
        var themes = new[] { "ADV.1", "ADV.2", "COM.1", "COM.2", "GOV.1", "GOV.2", "LOP.1", "ORG.1", "ORG.2", "SEI.1", "SFH.1", "SFH.2" };

        var results = new List<Result>();
        foreach (var clients in clientCounts)
        {
            // A fresh host for each run, so its peak memory is that run's.
            await using var host = await WebHostProcess.StartAsync(connectionString, ct);
            using var http = await SignedIn(host.BaseUrl, staff, clients);
            var commandLatencies = new List<double>[clients];
            var readLatencies = new List<double>[clients];
            var errors = 0;
            string? firstError = null;
            await LoadAsync(warmUpSeconds, "w", record: false);
            // The result counts the timed part's errors; the warm-up's are said here.
            if (errors > 0) Console.Error.WriteLine($"warm-up: {errors} errors, the first: {firstError}");
            (errors, firstError) = (0, null);
            // The timed part starts with the daemon's read models caught up, not with the warm-up's backlog.
            if (warmUpSeconds > 0) await WaitForReadModels(dataSource, schema, ct);
            var timed = Stopwatch.StartNew();
            await LoadAsync(seconds, "", record: true);
            var elapsed = timed.Elapsed.TotalSeconds;
            var allCommands = commandLatencies.SelectMany(l => l).Order().ToArray();
            var allReads = readLatencies.SelectMany(l => l).Order().ToArray();
            results.Add(new Result(clients, elapsed, allCommands.Length, allReads.Length, errors, allCommands.Length / elapsed, allReads.Length / elapsed,
                Percentiles(allCommands), Percentiles(allReads), host.PeakMemoryMb(), firstError));

            Task LoadAsync(int forSeconds, string phase, bool record) => Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                var random = new Random(record ? c : 1_000 + c);
                var commands = new List<double>();
                var reads = new List<double>();
                if (record) (commandLatencies[c], readLatencies[c]) = (commands, reads);
                var seq = 0;
                var until = Stopwatch.StartNew();
                while (until.Elapsed.TotalSeconds < forSeconds)
                {
                    var leader = leaders[random.Next(leaders.Count)];
                    var theme = themes[random.Next(themes.Length)];
                    // Below 50 a command, from 50 a read: one half alone keeps its own proportions.
                    var pick = mix switch { Mix.Commands => random.Next(50), Mix.Reads => 50 + random.Next(50), _ => random.Next(100) };
                    var tag = $"{phase}{c}-{seq++}-{Guid.NewGuid():N}";
                    var start = Stopwatch.GetTimestamp();
                    using var response = pick switch
                    {
                        < 20 => await http.PostAsJsonAsync($"/api/leaders/{leader}/trainings",
                            new { title = $"Load workshop {tag}", themeCode = theme, level = 1 + random.Next(3), hours = 3, completedOn = "2026-01-15" }, ct),
                        < 40 => await http.PostAsJsonAsync($"/api/leaders/{leader}/evidence",
                            new { themeCode = theme, level = 1, note = $"Organized a worksite meeting with 14 members ({tag})" }, ct),
                        < 50 => await http.PostAsJsonAsync($"/api/leaders/{leader}/assessments",
                            new { themeCode = theme, level = 1, kind = "peer", note = $"Strong listener in the bargaining team ({tag})" }, ct),
                        < 80 => await http.GetAsync($"/api/leaders/{leader}/progress", ct),
                        _ => await http.GetAsync($"/api/leaders/{leader}", ct),
                    };
                    (pick < 50 ? commands : reads).Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                        firstError ??= $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
                    }
                }
            }, ct)));
        }
        return results;
    }

    private static (double, double, double) Percentiles(double[] sorted) =>
        (Latency.Percentile(sorted, 0.50), Latency.Percentile(sorted, 0.95), Latency.Percentile(sorted, 0.99));

    private static readonly string[] InlineReadModels = LeaderJourney.Core.Projections.ProjectionSetup.All()
        .Where(r => r.Mode == LeaderJourney.Storage.Projections.ProjectionMode.Inline).Select(r => r.Projection.Name).ToArray();

    internal static async Task WaitForReadModels(NpgsqlDataSource dataSource, string schema, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            // Marten's daemon keeps each async slot's place in mt_event_progression (<name>-a:All, ...). An
            // inline read model is written with the events: a database rebuilt before 2026-12-04 may hold a
            // row of it there that nothing moves on, so those rows are not waited for.
            await using var command = dataSource.CreateCommand($"""
                select (select count(*) from {schema}.projection_generations where status = 'active'),
                       (select count(*) from {schema}.projection_generations where status = 'building'),
                       (select coalesce(min(last_seq_id), 0) from {schema}.mt_event_progression
                         where name like '%:All' and regexp_replace(name, '-[ab]:All$', '') <> all($1)),
                       (select coalesce(max(seq_id), 0) from {schema}.mt_events)
                """);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = InlineReadModels });
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var (active, building, position, head) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            if (active > 0 && building == 0 && position >= head) return;
            Console.Error.WriteLine($"  waiting for the read models: {active} active, {building} building, lowest position {position:N0} of {head:N0} ({started.Elapsed.TotalSeconds:F0} s)");
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
        }
    }

    internal static async Task<List<Guid>> Leaders(NpgsqlDataSource dataSource, string schema, string affiliate, CancellationToken ct)
    {
        await using var find = dataSource.CreateCommand($"select generation from {schema}.projection_generations where name = 'leader-progress' and status = 'active'");
        var generation = await find.ExecuteScalarAsync(ct) as int? ?? throw new InvalidOperationException("leader-progress has no active generation; start the host once first.");
        var table = LeaderJourney.Storage.Projections.ProjectionTables.Name(schema, "leader-progress", generation, "leaders");
        await using var command = dataSource.CreateCommand($"select leader_id from {table} where affiliate = $1 and status = 'active' and display_name <> 'Erased leader'");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = affiliate });
        var leaders = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) leaders.Add(reader.GetGuid(0));
        return leaders;
    }

    private static async Task<HttpClient> SignedIn(string baseUrl, string username, int clients)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        var token = await client.PostAsJsonAsync("/api/auth/token", new { username, password = Password });
        token.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        return client;
    }
}
