using System.Diagnostics;
using LeaderJourney.Bench;
using LeaderJourney.Core.Projections;
using Npgsql;

// Measures the event store against raw Npgsql doing the same work on a table of the same shape, in
// one run against one database, so that the ratios hold whatever the machine. Usage:
//   LEADERJOURNEY_DB=... dotnet run -c Release --project bench/LeaderJourney.Bench [-- --quick]
var connectionString = Environment.GetEnvironmentVariable("LEADERJOURNEY_DB");
if (string.IsNullOrWhiteSpace(connectionString))
{
    Console.Error.WriteLine("bench: set LEADERJOURNEY_DB to an Npgsql connection string (./run.sh prints how the local one looks).");
    return 1;
}
var quick = args.Contains("--quick");
// --reports-only measures the report latencies alone (the slowest part to set up is skipped otherwise).
var reportsOnly = args.Contains("--reports-only");
// --encryption-only measures the store with and without personal-data encryption alone.
var encryptionOnly = args.Contains("--encryption-only");
var sizes = quick ? BenchSizes.Quick : BenchSizes.Full;

// --load AFFILIATE [--clients 16,64] [--seconds 60]: the HTTP load test against the data already in
// LEADERJOURNEY_DB (the leaderjourney schema), e.g. after `demo generate --size national`.
if (Value("--load") is { } loadAffiliate)
{
    var clientCounts = (Value("--clients") ?? "16,64").Split(',').Select(int.Parse).ToArray();
    var seconds = int.Parse(Value("--seconds") ?? "60");
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
    Console.WriteLine($"HTTP load on affiliate {loadAffiliate}: 50% commands (training 20, evidence with a note 20, peer assessment with a note 10), 50% reads (progress 30, record 20), {seconds} s per run");
    Console.WriteLine($"{"clients",7} {"commands/s",11} {"reads/s",9} {"errors",7} {"cmd p50",8} {"cmd p95",8} {"cmd p99",8} {"read p50",9} {"read p95",9} {"read p99",9} {"host peak MB",13}");
    foreach (var r in await LoadTest.RunAsync(connectionString, loadAffiliate, clientCounts, seconds))
    {
        Console.WriteLine($"{r.Clients,7} {r.CommandsPerSecond,11:N0} {r.ReadsPerSecond,9:N0} {r.Errors,7} {r.CommandLatency.P50,8:F1} {r.CommandLatency.P95,8:F1} {r.CommandLatency.P99,8:F1} " +
            $"{r.ReadLatency.P50,9:F1} {r.ReadLatency.P95,9:F1} {r.ReadLatency.P99,9:F1} {r.HostPeakMemoryMb,13}");
        if (r.FirstError is not null) Console.WriteLine($"        first error: {r.FirstError}");
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

if (reportsOnly)
{
    await ReportLatency(connectionString, sizes);
    return 0;
}
await Encryption(connectionString, sizes);
if (encryptionOnly) return 0;

var results = new List<(string Case, double Ours, double Raw)>();
foreach (var writers in new[] { 1, 16 })
{
    var (ours, raw) = await Measure(sizes.Rounds,
        () => bench.OurSingleAppends(writers, sizes.SingleAppends),
        () => bench.RawSingleInserts(writers, sizes.SingleAppends));
    results.Add(($"single-event append, {writers} writer{(writers == 1 ? "" : "s")}", ours, raw));
}
{
    var (ours, raw) = await Measure(sizes.Rounds, () => bench.OurBulkAppend(sizes.BulkEvents), () => bench.RawBinaryCopy(sizes.BulkEvents));
    results.Add(("bulk append (binary COPY)", ours, raw));
}
{
    var (ours, raw) = await Measure(sizes.Rounds, () => bench.OurReadAll(), () => bench.RawSequentialSelect());
    results.Add(("read all, in order", ours, raw));
}

Console.WriteLine($"{"case",-34} {"ours ev/s",12} {"raw ev/s",12} {"ours/raw",9}");
foreach (var (name, ours, raw) in results)
    Console.WriteLine($"{name,-34} {ours,12:N0} {raw,12:N0} {ours / raw,9:F2}");

// The sign-off command over HTTP against the raw INSERT rate at the same concurrency, measured above.
var http = await HttpSignOffBench.RunAsync(connectionString, bench.Schema, clients: 16, leadersPerClient: sizes.HttpLeadersPerClient);
var rawAt16 = results.Single(r => r.Case.EndsWith("16 writers", StringComparison.Ordinal)).Raw;
Console.WriteLine();
Console.WriteLine($"HTTP sign-off, {http.Clients} clients: {http.Requests:N0} requests, {http.Errors} errors, {http.PerSecond:N0}/s " +
    $"(raw INSERT at 16 writers {rawAt16:N0}/s, ratio {http.PerSecond / rawAt16:F2}); latency p50 {http.P50Ms:F1} ms, p95 {http.P95Ms:F1} ms, p99 {http.P99Ms:F1} ms");

// The read models: catch-up from zero, and lag from append to visible with the daemon running.
await using (var projections = await ProjectionBench.CreateAsync(connectionString))
{
    var (events, ours, raw) = await projections.CatchUpAsync(sizes.ProjectionEvents);
    Console.WriteLine($"projection catch-up from zero (all {ProjectionSetup.All().Count} read models): {events:N0} events at {ours:N0} events/s; raw sequential read of the same events {raw:N0} events/s (ratio {ours / raw:F2})");
    var lag = await projections.LagAsync(writers: 16, seconds: sizes.LagSeconds);
    Console.WriteLine($"append-to-visible lag (async mentor-queue, 16 writers, {sizes.LagSeconds} s): {lag.Samples:N0} appends, p50 {lag.P50Ms:F0} ms, p95 {lag.P95Ms:F0} ms, p99 {lag.P99Ms:F0} ms");
}
await ReportLatency(connectionString, sizes);
return 0;

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
