using System.Diagnostics;

namespace LeaderJourney.IntegrationTests.Infrastructure;

/// <summary>Waits on a condition, never on a clock: asks again every 25 ms until it holds, and fails saying what it waited for.</summary>
public static class Waiting
{
    public static async Task Until(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > limit) throw new TimeoutException($"Waited {limit.TotalSeconds} s for {what}.");
            await Task.Delay(25);
        }
    }
}
