using System.Diagnostics;
using LeaderJourney.Storage.Projections;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.IntegrationTests.Projections;

public sealed class TwoInstancesTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Two_app_instances_run_each_async_slot_exactly_once_and_the_other_takes_over_within_ten_seconds_when_one_stops()
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
        foreach (var instance in instances) instance.CreateClient().Dispose();
        var runtimes = instances.Select(i => i.Services.GetRequiredService<ProjectionRuntime>()).ToArray();
        var slots = runtimes[0].AsyncSlots;

        async Task<string[][]> Running() => await Task.WhenAll(runtimes.Select(async r => (await r.SlotsRunningHereAsync()).ToArray()));

        // Marten's hot/cold election: every async slot runs on one instance, never on both.
        var watch = Stopwatch.StartNew();
        while (!(await Running()).SelectMany(r => r).Order().SequenceEqual(slots))
        {
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "each slot is taken by one of the instances");
            await Task.Delay(25);
        }
        for (var i = 0; i < 20; i++)
        {
            (await Running()).SelectMany(r => r).Should().OnlyHaveUniqueItems("a slot never runs on two instances at once");
            await Task.Delay(25);
        }

        // The instance running the first slot stops: the other one takes over everything.
        var holder = Array.FindIndex(await Running(), r => r.Contains(slots[0]));
        var survivor = runtimes[1 - holder];
        await instances[holder].DisposeAsync();
        watch.Restart();
        while (!(await survivor.SlotsRunningHereAsync()).SequenceEqual(slots))
        {
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the other instance takes over");
            await Task.Delay(25);
        }
        (await survivor.IsDaemonRunningAsync()).Should().BeTrue();
    }
}
