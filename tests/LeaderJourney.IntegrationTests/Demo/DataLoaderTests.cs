using LeaderJourney.Cli;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Demo.Generate;
using LeaderJourney.Core.Demo.Load;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Projections;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.Storage.Projections;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using LeaderJourney.Storage;

namespace LeaderJourney.IntegrationTests.Demo;

public sealed class DataLoaderTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private IConfiguration Configuration => new ConfigurationBuilder().AddInMemoryCollection(TestMasterKey.Settings(database.ConnectionString)).Build();

    private async Task<(int Code, string Out, string Error)> Cli(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await CliApp.RunAsync(args, stdout, stderr, Configuration);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Generate_writes_what_the_generator_produces_into_an_empty_database_and_brings_the_read_models_up_to_date()
    {
        var (code, output, error) = await Cli("demo", "generate", "--size", "national", "--leaders", "300", "--seed", "7", "--as-of", "2025-06-30");
        error.Should().BeEmpty();
        code.Should().Be(0);
        output.Should().Contain("Generated 300 leaders");

        await using var services = new ServiceCollection().AddLeaderJourneyCore(Configuration).BuildServiceProvider();
        await services.GetRequiredService<DatabaseStartup>().RunAsync(CancellationToken.None);
        var store = services.GetRequiredService<Store>();
        var runtime = services.GetRequiredService<ProjectionRuntime>();

        // The same generation again, outside the database: what should have been written.
        var generator = await ActivatorUtilities.CreateInstance<DataLoader>(services)
            .PlanAsync(DataSize.National, 300, 7, new DateTimeOffset(2025, 6, 30, 0, 0, 0, TimeSpan.Zero));
        var streams = generator.Batches().SelectMany(b => b.Streams).ToList();
        var leaders = streams.Where(s => s.StreamType == LeaderWrites.StreamType).ToList();

        (await Scalar<long>(store, "select count(*) from {0}.mt_events e join {0}.mt_streams s on s.id = e.stream_id where s.type <> 'framework'"))
            .Should().Be(streams.Sum(s => (long)s.Events.Count));
        (await Scalar<long>(store, "select count(*) from {0}.mt_streams where type <> 'framework'")).Should().Be(streams.Count);
        (await Scalar<long>(store, "select count(*) from {0}.users")).Should().Be(generator.Users.Count);

        (await runtime.StatusAsync(daemonRunning: false)).Should().OnlyContain(p => p.State == "running" && p.Lag == 0, "the command caught every read model up");
        var progress = (await runtime.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "leaders"))!;
        var attainments = (await runtime.ActiveTableAsync(LeaderProgressProjection.ProjectionName, "attainments"))!;
        (await Column<Guid>(store, $"select leader_id from {progress}")).Should().BeEquivalentTo(leaders.Select(s => s.StreamId));
        (await Scalar<long>(store, $"select count(*) from {attainments}"))
            .Should().Be(leaders.Sum(s => (long)s.Events.Aggregate(Leader.Initial, Leader.Evolve).Attainments.Count));

        // Every generated user signs in with the one demo password, as the id their events carry.
        var mentor = generator.Users.Last(u => u.Role == Roles.Mentor);
        (await services.GetRequiredService<AccessDirectory>().CheckPasswordAsync(mentor.Username, DataGenerator.Password, "test")).Should().Be(mentor.Id);

        (code, _, error) = await Cli("demo", "generate", "--size", "demo");
        code.Should().Be(1);
        error.Trim().Should().Be($"leaderjourney: {DataLoader.RefusedMessage}");
    }

    private static async Task<T> Scalar<T>(Store store, string sql)
    {
        await using var command = store.DataSource.CreateCommand(string.Format(sql, store.Schema));
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<T>> Column<T>(Store store, string sql)
    {
        await using var command = store.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync()) values.Add(reader.GetFieldValue<T>(0));
        return values;
    }
}
