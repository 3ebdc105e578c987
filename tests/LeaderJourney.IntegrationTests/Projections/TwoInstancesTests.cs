using System.Diagnostics;
using LeaderJourney.EventStore.Projections;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.IntegrationTests.Projections;

public sealed class TwoInstancesTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Two_app_instances_run_exactly_one_daemon_and_the_other_takes_over_within_ten_seconds_when_it_stops()
    {
        var instances = new[] { new LeaderJourneyAppFactory(database.ConnectionString), new LeaderJourneyAppFactory(database.ConnectionString) };
        try
        {
            await Elect(instances);
        }
        finally
        {
            foreach (var instance in instances) await instance.DisposeAsync();
        }
    }

    private static async Task Elect(LeaderJourneyAppFactory[] instances)
    {
        var (first, second) = (instances[0], instances[1]);
        first.CreateClient().Dispose();
        second.CreateClient().Dispose();
        var daemons = new[] { first.Services.GetRequiredService<ProjectionDaemon>(), second.Services.GetRequiredService<ProjectionDaemon>() };

        var watch = Stopwatch.StartNew();
        while (daemons.Count(d => d.IsLeader) != 1)
        {
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "one of the instances wins the election");
            await Task.Delay(25);
        }
        // Hold for a while: never two at once.
        for (var i = 0; i < 20; i++)
        {
            daemons.Count(d => d.IsLeader).Should().Be(1);
            await Task.Delay(25);
        }

        var leader = Array.FindIndex(daemons, d => d.IsLeader);
        var survivor = daemons[1 - leader];
        await instances[leader].DisposeAsync();

        watch.Restart();
        while (!survivor.IsLeader)
        {
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the other instance takes over");
            await Task.Delay(25);
        }
    }
}
