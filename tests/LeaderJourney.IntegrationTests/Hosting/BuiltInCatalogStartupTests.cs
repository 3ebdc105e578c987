using LeaderJourney.Core.Frameworks;
using LeaderJourney.IntegrationTests.Infrastructure;
using Npgsql;

namespace LeaderJourney.IntegrationTests.Hosting;

/// <summary>The built-in catalog is imported at every start; a database whose built-in edition holds other content stops the host with one line.</summary>
public sealed class BuiltInCatalogStartupTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task A_built_in_edition_stored_with_other_content_stops_the_web_host_with_one_line_and_exit_code_1()
    {
        (await CliRunner.RunAsync(database.ConnectionString, "migrate")).Code.Should().Be(0, "migrate seeds the built-in catalog");
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        // The stored 2020 edition, changed by hand: the import at start decides it is other content under a published label.
        await using (var change = dataSource.CreateCommand("""
            update leaderjourney.mt_events set data = jsonb_set(data, '{content,domains,0,name}', '"Changed by hand"')
             where type = 'framework.edition-published' and data->>'name' = $1
            """))
        {
            change.Parameters.Add(new NpgsqlParameter<string> { TypedValue = BuiltInFrameworks.Entries[0].Name });
            (await change.ExecuteNonQueryAsync()).Should().Be(1);
        }

        await using var host = ProcessRunner.Start("LeaderJourney.Web.dll", ["--urls", "http://127.0.0.1:0"], TestMasterKey.Settings(database.ConnectionString));
        var code = await host.WaitForExitAsync(TimeSpan.FromSeconds(60));

        code.Should().Be(1);
        host.Error.TrimEnd().Split('\n').Should().ContainSingle().Which.Should()
            .StartWith("leaderjourney: The built-in framework 'NEA Leadership Competency Framework' edition 2020 cannot be published: Edition '2020'");
        host.Error.Should().NotContain("   at ", "a person gets the reason, not a stack trace (the log records the failed start with its exception)");
    }
}
