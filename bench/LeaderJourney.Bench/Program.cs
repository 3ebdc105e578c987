using System.Diagnostics;
using LeaderJourney.Bench;
using LeaderJourney.Core.Projections;
using Npgsql;

// Measures the event store against raw Npgsql doing the same work on a table of the same shape, in
// one run against one database, so that the ratios hold whatever the machine. Usage:
//   LEADERJOURNEY_DB=... dotnet run -c Release --project bench/LeaderJourney.Bench [-- --quick]
//   dotnet run -c Release --project bench/LeaderJourney.Bench -- --parser   (no database needed)
// --parser: absolute parse times of large framework documents; needs no database.
if (args.Contains("--parser"))
{
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
    ParserBench.Run(rounds: 5);
    return 0;
}

var connectionString = Environment.GetEnvironmentVariable("LEADERJOURNEY_DB");
if (string.IsNullOrWhiteSpace(connectionString))
{
    Console.Error.WriteLine("bench: set LEADERJOURNEY_DB to an Npgsql connection string (./run.sh prints how the local one looks).");
    return 1;
}
// --sign-in-timing: a wrong password for a known name against one for an unknown name (docs/security.md).
if (args.Contains("--sign-in-timing"))
{
    await SignInTimingBench.RunAsync(connectionString, rounds: 200);
    return 0;
}
var quick = args.Contains("--quick");
// A fresh host (or daemon) on two cores recompiles its hot code for over a minute: the HTTP and lag
// figures are taken after the same load has run for a while, not counted (--cold: none).
var cold = args.Contains("--cold");
var signOffWarmUp = cold ? 0 : int.Parse(Value("--warm-up") ?? (quick ? "1" : "15"));
// --reports-only measures the report latencies alone (the slowest part to set up is skipped otherwise).
var reportsOnly = args.Contains("--reports-only");
// --encryption-only measures the store with and without personal-data encryption alone.
var encryptionOnly = args.Contains("--encryption-only");
// --store-only measures appends, bulk and read-all (the store's and Marten's own session) against raw Npgsql alone;
// --command-cost measures only a command on a long stream against one on a short stream;
// --http-only only the sign-off command over HTTP at 16 clients, after a warm-up of 15 leaders per client (23,760 sign-offs,
//             not timed; 1 with --quick; --warm-up N for N, --cold for none); with --attaining, each sign-off attains its level.
// --positions-only only the position commands (nominations and withdrawals) over HTTP at 16 clients.
var storeOnly = args.Contains("--store-only");
var sizes = quick ? BenchSizes.Quick : BenchSizes.Full;

// --load AFFILIATE [--clients 16,64] [--seconds 60] [--warm-up-seconds 60] [--mix mixed|commands|reads]: the HTTP load test
// against the data already in LEADERJOURNEY_DB (the leaderjourney schema), e.g. after `demo generate --size national`.
if (Value("--load") is { } loadAffiliate)
{
    var clientCounts = (Value("--clients") ?? "16,64").Split(',').Select(int.Parse).ToArray();
    var seconds = int.Parse(Value("--seconds") ?? "60");
    var warmUp = cold ? 0 : int.Parse(Value("--warm-up-seconds") ?? "60");
    var mix = Value("--mix") switch
    {
        null or "mixed" => LoadTest.Mix.Mixed,
        "commands" => LoadTest.Mix.Commands,
        "reads" => LoadTest.Mix.Reads,
        var other => throw new ArgumentException($"--mix takes mixed, commands or reads, not {other}."),
    };
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
    Console.WriteLine($"HTTP load on affiliate {loadAffiliate}: {LoadTest.Describe(mix)}, {seconds} s per run after {warmUp} s of the same load, not counted");
    Console.WriteLine($"{"clients",7} {"commands/s",11} {"reads/s",9} {"errors",7} {"cmd p50",8} {"cmd p95",8} {"cmd p99",8} {"read p50",9} {"read p95",9} {"read p99",9} {"host peak MB",13}");
    foreach (var r in await LoadTest.RunAsync(connectionString, loadAffiliate, clientCounts, seconds, warmUp, mix))
    {
        Console.WriteLine($"{r.Clients,7} {r.CommandsPerSecond,11:N0} {r.ReadsPerSecond,9:N0} {r.Errors,7} {r.CommandLatency.P50,8:F1} {r.CommandLatency.P95,8:F1} {r.CommandLatency.P99,8:F1} " +
            $"{r.ReadLatency.P50,9:F1} {r.ReadLatency.P95,9:F1} {r.ReadLatency.P99,9:F1} {r.HostPeakMemoryMb,13}");
        if (r.FirstError is not null) Console.WriteLine($"        first error: {r.FirstError}");
    }
    return 0;
}

// --pages AFFILIATE [--runs 40]: every role's main pages on the demo generator's data already in
// LEADERJOURNEY_DB (e.g. `demo generate --size state`), against /health on the same host.
if (Value("--pages") is { } pagesAffiliate)
{
    var runs = int.Parse(Value("--runs") ?? "40");
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
    var (pages, baseline) = await PageTimeBench.RunAsync(connectionString, pagesAffiliate, runs);
    Console.WriteLine($"page times, affiliate {pagesAffiliate}, {runs} requests each after a warm-up; baseline /health p50 {baseline.P50:F1} ms, p95 {baseline.P95:F1} ms");
    Console.WriteLine($"{"role",-7} {"page",-50} {"p50 ms",7} {"p95 ms",7} {"p99 ms",7} {"p95/health",11} {"KB",6}");
    foreach (var p in pages)
        Console.WriteLine($"{p.Role,-7} {p.Page,-50} {p.P50,7:F1} {p.P95,7:F1} {p.P99,7:F1} {p.P95 / baseline.P95,11:F1} {p.Bytes / 1024.0,6:F0}");
    return 0;
}

// --scale [--rebuild]: figures on the data already in LEADERJOURNEY_DB (generated by `demo generate`):
// report latencies of the largest and a middle-sized affiliate and, with --rebuild, a full rebuild of
// every read model against a raw read of the same events.
if (args.Contains("--scale"))
{
    await using var scale = await ScaleBench.OpenAsync(connectionString);
    var (events, streams) = await scale.SizeAsync();
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {events:N0} events in {streams:N0} streams");
    var affiliates = await scale.AffiliatesAsync();
    foreach (var (affiliate, leaders) in new[] { affiliates[0], affiliates[affiliates.Count / 2] }.Distinct())
    {
        var input = await scale.LeadersAtLatencyAsync(affiliate, runs: 20);
        Console.WriteLine($"the reports' input (leaders with their level history), affiliate {affiliate} ({leaders:N0} leaders): p50 {input.P50:F0} ms, p95 {input.P95:F0} ms");
        foreach (var (report, p50, p95, p99) in await scale.ReportLatencyAsync(affiliate, runs: 20))
            Console.WriteLine($"{report} report, affiliate {affiliate} ({leaders:N0} leaders): p50 {p50:F0} ms, p95 {p95:F0} ms, p99 {p99:F0} ms");
    }
    if (args.Contains("--rebuild"))
    {
        var raw = await scale.RawReadAllAsync();
        Console.WriteLine($"raw sequential read of all {events:N0} events: {raw:F0} s ({events / raw:N0} events/s)");
        var rebuild = await scale.RebuildAllAsync(Console.Error.WriteLine);
        Console.WriteLine($"full rebuild of every read model (all at once): {rebuild:F0} s ({events / rebuild:N0} events/s; {raw / rebuild:F2} of the raw read rate)");
    }
    return 0;
}

string? Value(string option)
{
    var i = Array.IndexOf(args, option);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

await using var bench = await StoreBench.CreateAsync(connectionString);
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; PostgreSQL {bench.ServerVersion}; schema {bench.Schema}");
Console.WriteLine($"rounds: {sizes.Rounds} (median reported), single appends: {sizes.SingleAppends} per writer count, bulk: {sizes.BulkEvents:N0} events, read-all: {sizes.BulkEvents:N0} events");
Console.WriteLine();

// Position commands alone (see the options above).
if (args.Contains("--positions-only"))
{
    var only = await OnFreshSchema($"{bench.Schema}_pos", schema => HttpPositionBench.RunAsync(connectionString, schema, clients: 16, leadersPerClient: 10, rounds: quick ? 5 : 15));
    Console.WriteLine($"HTTP position commands, {only.Clients} clients: {only.Requests:N0} requests, {only.Errors} errors, {only.PerSecond:N0}/s; latency p50 {only.P50Ms:F1} ms, p95 {only.P95Ms:F1} ms, p99 {only.P99Ms:F1} ms");
    return 0;
}

if (args.Contains("--http-only"))
{
    var attaining = args.Contains("--attaining");
    var only = await OnFreshSchema($"{bench.Schema}_http", schema => HttpSignOffBench.RunAsync(connectionString, schema, clients: 16, leadersPerClient: sizes.HttpLeadersPerClient, attaining, signOffWarmUp));
    Console.WriteLine($"HTTP sign-off{(attaining ? " (each attaining its level)" : "")}, {only.Clients} clients: {only.Requests:N0} requests, {only.Errors} errors, {only.PerSecond:N0}/s; latency p50 {only.P50Ms:F1} ms, p95 {only.P95Ms:F1} ms, p99 {only.P99Ms:F1} ms");
    return 0;
}

// --projections-only: the read models' catch-up from zero and the append-to-visible lag alone.
if (args.Contains("--projections-only"))
{
    await Projections();
    return 0;
}

if (args.Contains("--command-cost"))
{
    await CommandCost();
    return 0;
}

if (reportsOnly)
{
    await ReportLatency(connectionString, sizes);
    return 0;
}
if (!storeOnly) await Encryption(connectionString, sizes);
if (encryptionOnly) return 0;

// Each case against raw Npgsql doing the same work, measured beside it. "Marten session" is a bare
// LightweightSession append at the expected version, as MartenEngine configures Marten, without the
// store's row lock: what the store's own path costs on top of Marten.
static string Writers(int n) => $"{n} writer{(n == 1 ? "" : "s")}";
var cases = new List<(string Name, Func<Task<long>> Ours, Func<Task<long>> Raw)>();
foreach (var writers in new[] { 1, 16 })
    cases.Add(($"single-event append, {Writers(writers)}", () => bench.OurSingleAppends(writers, sizes.SingleAppends), () => bench.RawSingleInserts(writers, sizes.SingleAppends)));
cases.Add(("bulk append (binary COPY)", () => bench.OurBulkAppend(sizes.BulkEvents), () => bench.RawBinaryCopy(sizes.BulkEvents)));
cases.Add(("read all, in order (Marten event query)", () => bench.OurReadAll(), () => bench.RawSequentialSelect()));
foreach (var writers in new[] { 1, 16 })
    cases.Add(($"Marten session append, {Writers(writers)}", () => bench.MartenSingleAppends(writers, sizes.SingleAppends), () => bench.RawSingleInserts(writers, sizes.SingleAppends)));
cases.Add(("Marten bulk append", () => bench.MartenBulkAppend(sizes.BulkEvents), () => bench.RawBinaryCopy(sizes.BulkEvents)));

var results = new List<(string Case, double Ours, double Raw)>();
foreach (var (name, ours, raw) in cases)
{
    var (oursRate, rawRate) = await Measure(sizes.Rounds, ours, raw);
    results.Add((name, oursRate, rawRate));
}

Console.WriteLine($"{"case",-34} {"ours ev/s",12} {"raw ev/s",12} {"ours/raw",9}");
foreach (var (name, ours, raw) in results)
    Console.WriteLine($"{name,-34} {ours,12:N0} {raw,12:N0} {ours / raw,9:F2}");
if (storeOnly) return 0;
await CommandCost();

// The sign-off command over HTTP against the raw INSERT rate at the same concurrency, measured above.
var http = await OnFreshSchema($"{bench.Schema}_http", schema => HttpSignOffBench.RunAsync(connectionString, schema, clients: 16, leadersPerClient: sizes.HttpLeadersPerClient, warmUpLeadersPerClient: signOffWarmUp));
var rawAt16 = results.First(r => r.Case.EndsWith("16 writers", StringComparison.Ordinal)).Raw;
Console.WriteLine();
Console.WriteLine($"HTTP sign-off, {http.Clients} clients: {http.Requests:N0} requests, {http.Errors} errors, {http.PerSecond:N0}/s " +
    $"(raw INSERT at 16 writers {rawAt16:N0}/s, ratio {http.PerSecond / rawAt16:F2}); latency p50 {http.P50Ms:F1} ms, p95 {http.P95Ms:F1} ms, p99 {http.P99Ms:F1} ms");

await Projections();
await ReportLatency(connectionString, sizes);
return 0;

// The read models: catch-up from zero, and lag from append to visible with the daemon running.
async Task Projections()
{
    await using var projections = await ProjectionBench.CreateAsync(connectionString);
    // --lag-only: the lag alone, on a nearly empty schema.
    if (!args.Contains("--lag-only"))
    {
        var (events, ours, raw) = await projections.CatchUpAsync(sizes.ProjectionEvents);
        Console.WriteLine($"projection catch-up from zero (all {ProjectionSetup.All().Count} read models): {events:N0} events at {ours:N0} events/s; raw sequential read of the same events {raw:N0} events/s (ratio {ours / raw:F2})");
    }
    // --lag-warm-up N: seconds of the same writes first, not counted (--cold: none).
    var lagWarmUp = cold ? 0 : int.Parse(Value("--lag-warm-up") ?? (quick ? "5" : "30"));
    var lag = await projections.LagAsync(writers: 16, seconds: sizes.LagSeconds, lagWarmUp);
    Console.WriteLine($"append-to-visible lag (async mentor-queue, 16 writers, {sizes.LagSeconds} s after {lagWarmUp} s of warm-up): {lag.Samples:N0} appends, p50 {lag.P50Ms:F0} ms, p95 {lag.P95Ms:F0} ms, p99 {lag.P99Ms:F0} ms");
    // --two-nodes: the same lag with the daemons of one web host process, then of two sharing the read models.
    if (args.Contains("--two-nodes"))
        foreach (var hosts in new[] { 1, 2 })
        {
            var lagOnHosts = await projections.LagOnHostsAsync(hosts, writers: 16, seconds: sizes.LagSeconds, lagWarmUp);
            Console.WriteLine($"append-to-visible lag, {hosts} web host process(es) (16 writers, {sizes.LagSeconds} s after {lagWarmUp} s of warm-up): {lagOnHosts.Samples:N0} appends, p50 {lagOnHosts.P50Ms:F0} ms, p95 {lagOnHosts.P95Ms:F0} ms, p99 {lagOnHosts.P99Ms:F0} ms; nodes: {lagOnHosts.Nodes}");
        }
}

// A command on a leader with 300 events against one with 10 (the stored leader grows with the stream).
async Task CommandCost()
{
    var cost = await OnFreshSchema($"{bench.Schema}_cost", schema => CommandCostBench.RunAsync(connectionString, schema, commands: sizes.Rounds * 20));
    Console.WriteLine($"training command over HTTP, {cost.Commands} each, alternately: leader with 10 events p50 {cost.ShortP50:F1} ms, p95 {cost.ShortP95:F1} ms; " +
        $"leader with 300 events p50 {cost.LongP50:F1} ms, p95 {cost.LongP95:F1} ms (ratio of p50s {cost.LongP50 / cost.ShortP50:F2})");
    Console.WriteLine($"the first training on leaders loaded in bulk, {cost.Commands} each, alternately: with 10 events p50 {cost.BulkShortP50:F1} ms, p95 {cost.BulkShortP95:F1} ms; " +
        $"with 300 events p50 {cost.BulkLongP50:F1} ms, p95 {cost.BulkLongP95:F1} ms (ratio of p50s {cost.BulkLongP50 / cost.BulkShortP50:F2})");
}

// The HTTP cases get a schema of their own: in the store cases' schema the host's projection daemon
// would first work through the million events those cases wrote, and the commands would measure that.
async Task<T> OnFreshSchema<T>(string schema, Func<string, Task<T>> run)
{
    try
    {
        return await run(schema);
    }
    finally
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var drop = dataSource.CreateCommand($"drop schema if exists {schema} cascade");
        await drop.ExecuteNonQueryAsync();
    }
}

// Personal data sealed per leader against the same events stored plain, on the same paths.
static async Task Encryption(string connectionString, BenchSizes sizes)
{
    await using var bench = await EncryptionBench.CreateAsync(connectionString);
    var results = new List<(string Case, double Sealed, double Plain)>();
    foreach (var writers in new[] { 1, 16 })
    {
        var (sealedRate, plainRate) = await Measure(sizes.Rounds, () => bench.SingleAppends(true, writers, sizes.SingleAppends), () => bench.SingleAppends(false, writers, sizes.SingleAppends));
        results.Add(($"single-event append, {writers} writer{(writers == 1 ? "" : "s")}", sealedRate, plainRate));
    }
    {
        var (sealedRate, plainRate) = await Measure(sizes.Rounds, () => bench.BulkAppend(true, sizes.BulkEvents), () => bench.BulkAppend(false, sizes.BulkEvents));
        results.Add(("bulk append (a new key per stream)", sealedRate, plainRate));
    }
    {
        var (sealedRate, plainRate) = await Measure(sizes.Rounds, () => bench.ReadAll(true), () => bench.ReadAll(false));
        results.Add(("read all, cold key cache", sealedRate, plainRate));
    }
    Console.WriteLine($"{"personal data (name + note sealed)",-36} {"encrypted ev/s",14} {"plain ev/s",12} {"ratio",7}");
    foreach (var (name, sealedRate, plainRate) in results)
        Console.WriteLine($"{name,-36} {sealedRate,14:N0} {plainRate,12:N0} {sealedRate / plainRate,7:F2}");
    Console.WriteLine();
}

static async Task ReportLatency(string connectionString, BenchSizes sizes)
{
    await using var reports = await ProjectionBench.CreateAsync(connectionString);
    foreach (var (report, p50, p95, p99) in await reports.ReportLatencyAsync(sizes.ReportLeaders, runs: 20))
        Console.WriteLine($"{report}, one affiliate of {sizes.ReportLeaders:N0} leaders: p50 {p50:F0} ms, p95 {p95:F0} ms, p99 {p99:F0} ms");
}

// Alternates ours and raw in each round, so drift on a shared machine hits both alike.
static async Task<(double Ours, double Raw)> Measure(int rounds, Func<Task<long>> ours, Func<Task<long>> raw)
{
    await ours(); await raw(); // warm-up: connections, prepared statements, JIT
    var oursRates = new List<double>();
    var rawRates = new List<double>();
    for (var i = 0; i < rounds; i++)
    {
        oursRates.Add(await Rate(ours));
        rawRates.Add(await Rate(raw));
    }
    return (Median(oursRates), Median(rawRates));
}

static async Task<double> Rate(Func<Task<long>> run)
{
    var watch = Stopwatch.StartNew();
    var count = await run();
    return count / watch.Elapsed.TotalSeconds;
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

namespace LeaderJourney.Bench
{
    public sealed record BenchSizes(int Rounds, int SingleAppends, int BulkEvents, int HttpLeadersPerClient, int ProjectionEvents, int LagSeconds, int ReportLeaders)
    {
        public static BenchSizes Full { get; } = new(5, 2000, 200_000, 6, 1_000_000, 20, 20_000);
        public static BenchSizes Quick { get; } = new(3, 300, 20_000, 1, 60_000, 5, 1_000);
    }
}
