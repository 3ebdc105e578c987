using LeaderJourney.Core.Frameworks;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.View;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Frameworks;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage;
using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Projections;

public sealed class AffiliateOrderTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    /// <summary>
    /// Marten's daemon hands a batch to a projection one affiliate at a time, the framework events
    /// (which have none) apart: in one batch, a leader of an edition can reach the pipeline before the
    /// edition's themes do. The leader still gets every domain, at the level the fold gives.
    /// </summary>
    [Fact]
    public async Task A_leader_enrolled_in_an_edition_whose_themes_reach_the_pipeline_later_in_the_batch_gets_its_domains()
    {
        await using var h = await ProjectionHarness.CreateAsync(database.ConnectionString, "affiliate_order");
        await h.Runtime.CatchUpAsync(); // the built-in framework's events are behind; the next batch starts with an affiliate's event
        var at = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var content = FrameworkDocumentParser.Parse(BuiltInFrameworks.Read(BuiltInFrameworks.Entries[0].Resource));
        var edition = Guid.NewGuid();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();

        // One batch: a leader of the existing edition (OH), a new edition (no affiliate), a leader of it (OH).
        var oh = new AppendMetadata { TenantId = "OH" };
        await h.Store.StartStreamAsync(first, "leader", [new LeaderEnrolled(first, "OH", null, "First", "first@example.org", h.NeaEditionId, Guid.NewGuid(), at)], oh);
        await h.Store.StartStreamAsync(Guid.NewGuid(), FrameworkStreamType, [new FrameworkEditionPublished(Guid.NewGuid(), edition, "Copy", "1", content, null, "test", at)]);
        await h.Store.StartStreamAsync(second, "leader",
        [
            new LeaderEnrolled(second, "OH", null, "Second", "second@example.org", edition, Guid.NewGuid(), at),
            new LevelAttained(second, "COM.1", 1, [], at),
        ], oh);
        await h.Runtime.CatchUpAsync();

        var domains = await Domains(h, second);
        var folded = LeaderProgress.Of(new[] { (object)new LeaderEnrolled(second, "OH", null, "Second", "second@example.org", edition, Guid.NewGuid(), at), new LevelAttained(second, "COM.1", 1, [], at) }
            .Aggregate(Leader.Initial, Leader.Evolve), h.ThemeToDomain);
        domains.Should().BeEquivalentTo(folded.Domains.ToDictionary(d => d.Code, d => d.Level), "the leader's domains arrive with the edition's themes");
        (await Domains(h, first)).Should().HaveCount(folded.Domains.Count);
    }

    private const string FrameworkStreamType = Core.Frameworks.ImportFramework.ImportFrameworkHandler.StreamType;

    private static async Task<Dictionary<string, int>> Domains(ProjectionHarness h, Guid leader)
    {
        var table = await h.Runtime.ActiveTableAsync(AffiliatePipelineProjection.ProjectionName, "domains");
        await using var command = h.DataSource.CreateCommand($"select domain_code, level from {table} where leader_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = leader });
        var domains = new Dictionary<string, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) domains[reader.GetString(0)] = reader.GetInt32(1);
        return domains;
    }
}
