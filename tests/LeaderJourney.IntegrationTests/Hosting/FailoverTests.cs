using System.Diagnostics;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Projections;
using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.IntegrationTests.Projections;
using static LeaderJourney.IntegrationTests.Infrastructure.Waiting;

namespace LeaderJourney.IntegrationTests.Hosting;

/// <summary>Two real host processes on one database, one killed (SIGKILL) while events are written.</summary>
public sealed class FailoverTests(TestDatabase database, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<TestDatabase>
{
    private static readonly (string Projection, string[] Tables)[] ReadModels =
    [
        (MentorQueueProjection.ProjectionName, ["leaders", "mentors", "requests", "answers"]),
        (AffiliatePipelineProjection.ProjectionName, ["themes", "leaders", "attainments", "domains"]),
    ];

    [Fact]
    public async Task When_a_host_is_killed_under_write_load_the_other_runs_all_async_work_within_30_seconds_and_the_read_models_equal_a_rebuild()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "leaderjourney");
        var settings = TestMasterKey.Settings(database.ConnectionString);
        static bool Started(string line) => line.StartsWith("LeaderJourney is running at", StringComparison.Ordinal);
        var first = ProcessRunner.Start("LeaderJourney.Web.dll", ["--urls", "http://127.0.0.1:0"], settings, Started);
        await using var second = ProcessRunner.Start("LeaderJourney.Web.dll", ["--urls", "http://127.0.0.1:0"], settings, Started);
        try
        {
            await Task.WhenAll(first.WaitForLineAsync(TimeSpan.FromSeconds(60)), second.WaitForLineAsync(TimeSpan.FromSeconds(60)));
            var shards = (await h.Runtime.StatusAsync(true)).Where(s => s.Mode == "async").Select(s => s.Name).Concat(Messaging.Subscriptions).ToArray();
            var hosts = new[] { first.Pid, second.Pid };

            // Every async slot and the subscription run on one of the two hosts, none on both (one advisory lock each).
            await Until(async () => (await Holders(h)).Count == shards.Length && (await Holders(h)).Values.All(pid => hosts.Contains(pid)),
                "each shard to run on one of the hosts", TimeSpan.FromSeconds(30));

            using var load = new CancellationTokenSource();
            var written = 0;
            var writer = Task.Run(async () =>
            {
                for (var seed = 0; !load.IsCancellationRequested; seed++)
                {
                    await RandomJourneys.AppendAsync(h.Store, h.NeaEditionId, seed, 12);
                    Interlocked.Increment(ref written);
                }
            });
            await Until(() => Task.FromResult(Volatile.Read(ref written) >= 20), "some load before the kill", TimeSpan.FromSeconds(30));

            // Kill the host running the most, mid-load.
            var holders = await Holders(h);
            var victim = holders.Values.GroupBy(p => p).OrderByDescending(g => g.Count()).First().Key;
            var survivor = hosts.Single(p => p != victim);
            await (victim == first.Pid ? first : second).DisposeAsync();
            var sinceKill = Stopwatch.StartNew();
            await Until(async () => (await Holders(h)) is var now && now.Count == shards.Length && now.Values.All(pid => pid == survivor),
                "the surviving host to run every shard", TimeSpan.FromSeconds(30));
            var takeover = sinceKill.Elapsed;
            takeover.Should().BeLessThan(TimeSpan.FromSeconds(30));
            output.WriteLine($"Every shard ran on the survivor {takeover.TotalSeconds:0.0} s after the kill; {Volatile.Read(ref written)} journeys written so far.");

            await Until(() => Task.FromResult(Volatile.Read(ref written) >= 40), "load after the kill", TimeSpan.FromSeconds(30));
            await load.CancelAsync();
            await writer;
            var head = await h.Store.ReadLastSequenceAsync();
            await Until(async () => (await h.Runtime.StatusAsync(true)).Where(s => s.Mode == "async").All(s => s.Position >= head)
                                    && (await h.Runtime.SubscriptionStatusAsync(Messaging.Subscriptions)).All(s => s.Position >= head),
                "the survivor to catch up", TimeSpan.FromSeconds(60));

            var caughtUp = new Dictionary<string, IReadOnlyDictionary<string, string[]>>();
            foreach (var (projection, tables) in ReadModels) caughtUp[projection] = await h.DumpAsync(projection, tables);
            foreach (var (projection, tables) in ReadModels)
            {
                await h.Runtime.RebuildAsync(projection);
                (await h.DumpAsync(projection, tables)).Should().BeEquivalentTo(caughtUp[projection], o => o.WithStrictOrdering(),
                    $"{projection} after the failover equals a rebuild");
            }
            caughtUp[AffiliatePipelineProjection.ProjectionName]["leaders"].Should().HaveCountGreaterThanOrEqualTo(40);
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    /// <summary>Each shard's holder, by the process id its database session names (Database.ProcessName).</summary>
    private static async Task<Dictionary<string, int>> Holders(ProjectionHarness h)
    {
        var result = new Dictionary<string, int>();
        foreach (var s in await h.Runtime.StatusAsync(true))
            if (s.RunningOn is { } on) result[s.Name] = PidOf(on);
        foreach (var s in await h.Runtime.SubscriptionStatusAsync(Messaging.Subscriptions))
            if (s.RunningOn is { } on) result[s.Name] = PidOf(on);
        return result;
    }

    private static int PidOf(string runningOn) => int.Parse(runningOn.Split(" pid ")[1].Split(' ')[0]);
}
