using System.Diagnostics;

namespace LeaderJourney.Bench;

public static class Latency
{
    /// <summary>Runs <paramref name="run"/> once to warm up, then <paramref name="runs"/> times; p50, p95 and p99 in milliseconds.</summary>
    public static async Task<(double P50, double P95, double P99)> MeasureAsync(Func<Task> run, int runs)
    {
        await run();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await run();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        var sorted = times.Order().ToArray();
        return (Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99));
    }

    public static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
