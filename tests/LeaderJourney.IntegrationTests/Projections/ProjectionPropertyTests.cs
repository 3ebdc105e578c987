using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.View;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Projections;

public sealed class ProjectionPropertyTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly (string Projection, string[] Tables)[] ReadModels =
    [
        (LeaderProgressProjection.ProjectionName, ["leaders", "attainments", "pending", "history", "status_history"]),
        (MentorQueueProjection.ProjectionName, ["leaders", "mentors", "requests"]),
        (AffiliatePipelineProjection.ProjectionName, ["themes", "leaders", "attainments", "domains"]),
    ];

    [Fact]
    public async Task Two_hundred_random_journeys_read_models_equal_a_full_rebuild_and_each_leader_equals_its_fold()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "property");
        var leaders = new List<(int Seed, Guid Id)>();
        for (var seed = 1; seed <= 200; seed++)
        {
            leaders.Add((seed, await RandomJourneys.AppendAsync(h.Store, h.NeaEditionId, seed, commands: 40)));
            // The daemon's passes interleave with the appends, as they do live.
            if (seed % 40 == 0) await h.Runtime.CatchUpAsync();
        }
        await h.Runtime.CatchUpAsync();

        var scope = new FrameworkScope(h.NeaEditionId, h.ThemeToDomain.Keys.ToList(), h.ThemeToDomain, 3);
        var queries = new LeaderProgressQueries(h.Runtime, h.DataSource);
        var pipelineDomains = await h.Runtime.ActiveTableAsync(AffiliatePipelineProjection.ProjectionName, "domains");
        var pipelineLeaders = await h.Runtime.ActiveTableAsync(AffiliatePipelineProjection.ProjectionName, "leaders");
        var attained = 0;
        foreach (var (seed, id) in leaders)
        {
            var events = await h.Store.ReadStreamAsync(id);
            var folded = LeaderProgress.Of(events.Aggregate(Leader.Initial, (s, e) => Leader.Evolve(s, e.Data)), h.ThemeToDomain);
            var modelled = await queries.CurrentAsync(id, scope, default);
            modelled.Should().BeEquivalentTo(folded, o => o.WithStrictOrdering(), $"leader-progress of journey {seed} equals its fold");
            attained += folded.Themes.Count(t => t.Level > 0);

            var domains = new Dictionary<string, int>();
            await using (var command = h.DataSource.CreateCommand($"select domain_code, level from {pipelineDomains} where leader_id = $1"))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = id });
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) domains[reader.GetString(0)] = reader.GetInt32(1);
            }
            domains.Should().BeEquivalentTo(folded.Domains.ToDictionary(d => d.Code, d => d.Level), $"affiliate-pipeline domains of journey {seed} equal its fold");
            await using (var command = h.DataSource.CreateCommand($"select stage from {pipelineLeaders} where leader_id = $1"))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = id });
                ((int)(await command.ExecuteScalarAsync())!).Should().Be(folded.Themes.Max(t => t.Level), $"stage of journey {seed}");
            }
        }
        attained.Should().BeGreaterThan(100, "the random journeys must reach levels for the comparison to mean something");

        var live = new Dictionary<string, IReadOnlyDictionary<string, string[]>>();
        foreach (var (projection, tables) in ReadModels) live[projection] = await h.DumpAsync(projection, tables);
        foreach (var (projection, _) in ReadModels) await h.Runtime.RebuildAsync(projection);
        foreach (var (projection, tables) in ReadModels)
            (await h.DumpAsync(projection, tables)).Should().BeEquivalentTo(live[projection], o => o.WithStrictOrdering(), $"{projection} rebuilt equals {projection} live");
    }
}
