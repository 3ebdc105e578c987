using FluentAssertions;
using LeaderJourney.Storage;
using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Engine;

/// <summary>
/// Where every run of a statement is planned for its values (docs/architecture.md, "Plans for reading
/// the log"): the command line and a rebuild's reads, not the web host's commands.
/// </summary>
public sealed class PlanEveryRunTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static async Task<string> PlanCacheModeAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("show plan_cache_mode");
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_data_source_for_bulk_reads_plans_every_run_and_the_default_one_leaves_it_to_PostgreSQL()
    {
        await using (var bulk = Database.CreateDataSource(database.ConnectionString, planEveryRun: true))
            (await PlanCacheModeAsync(bulk)).Should().Be("force_custom_plan");
        await using (var commands = Database.CreateDataSource(database.ConnectionString))
            (await PlanCacheModeAsync(commands)).Should().Be("auto");
    }

    [Fact]
    public async Task Options_already_in_the_connection_string_are_kept_beside_it_and_a_plan_mode_given_there_wins()
    {
        await using (var withOptions = Database.CreateDataSource(database.ConnectionString + ";Options=-c statement_timeout=12345", planEveryRun: true))
        {
            (await PlanCacheModeAsync(withOptions)).Should().Be("force_custom_plan");
            await using var command = withOptions.CreateCommand("show statement_timeout");
            ((string)(await command.ExecuteScalarAsync())!).Should().Be("12345ms");
        }
        await using (var chosen = Database.CreateDataSource(database.ConnectionString + ";Options=-c plan_cache_mode=force_generic_plan", planEveryRun: true))
            (await PlanCacheModeAsync(chosen)).Should().Be("force_generic_plan");
    }
}
