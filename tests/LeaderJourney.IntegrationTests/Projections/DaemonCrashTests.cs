using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using LeaderJourney.IntegrationTests.Infrastructure;

namespace LeaderJourney.IntegrationTests.Projections;

public sealed class DaemonCrashTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly (string Projection, string[] Tables)[] ReadModels =
    [
        (LeaderProgressProjection.ProjectionName, ["leaders", "attainments", "pending", "history", "status_history"]),
        (MentorQueueProjection.ProjectionName, ["leaders", "mentors", "requests", "answers"]),
        (AffiliatePipelineProjection.ProjectionName, ["themes", "leaders", "attainments", "domains"]),
    ];

    [Fact]
    public async Task The_daemon_killed_in_the_middle_of_catching_up_and_started_again_gives_the_read_models_of_a_rebuild()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "leaderjourney");
        // A backlog the daemon needs many batches for, imported through the bulk path (no inline writes).
        var at = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var streams = Enumerable.Range(0, 4000).Select(i =>
        {
            var id = Guid.NewGuid();
            var mentor = Guid.NewGuid();
            return new BulkStream(id, "leader",
            [
                new LeaderEnrolled(id, i % 2 == 0 ? "OH" : "MI", null, $"Leader {i}", $"l{i}@example.org", h.NeaEditionId, Guid.NewGuid(), at),
                new MentorAssigned(id, mentor, Guid.NewGuid(), at),
                new SignOffRequested(id, "ADV.1", 1, id, at),
                new LevelAttained(id, "COM.1", 1, [], at.AddDays(i % 30)),
                new LevelAttained(id, "COM.2", 1, [], at.AddDays(i % 40)),
            ]);
        }).ToList();
        await h.Store.BulkAppendAsync(streams);
        var head = await h.Store.ReadLastSequenceAsync();

        await using (var host = ProcessRunner.Start("LeaderJourney.Web.dll", ["--urls", "http://127.0.0.1:0"],
            TestMasterKey.Settings(database.ConnectionString)))
        {
            // Kill -9 once the daemon is part-way through the backlog.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                var positions = (await h.Runtime.StatusAsync(true)).Select(s => s.Position).ToArray();
                if (positions.Any(p => p > 0 && p < head)) break;
                if (positions.All(p => p >= head)) throw new InvalidOperationException("The daemon caught up before it could be killed; the backlog must be larger.");
                if (watch.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"The daemon did not start on the backlog: {host.Output} {host.Error}");
                await Task.Delay(20);
            }
        } // disposing kills the process (SIGKILL), wherever it is in its batch

        await h.Runtime.CatchUpAsync();
        var afterRestart = new Dictionary<string, IReadOnlyDictionary<string, string[]>>();
        foreach (var (projection, tables) in ReadModels) afterRestart[projection] = await h.DumpAsync(projection, tables);
        foreach (var (projection, _) in ReadModels) await h.Runtime.RebuildAsync(projection);
        foreach (var (projection, tables) in ReadModels)
        {
            var rebuilt = await h.DumpAsync(projection, tables);
            rebuilt.Should().BeEquivalentTo(afterRestart[projection], o => o.WithStrictOrdering(), $"{projection} after the crash equals a rebuild");
        }
        afterRestart[AffiliatePipelineProjection.ProjectionName]["leaders"].Should().HaveCount(4000);
    }
}
