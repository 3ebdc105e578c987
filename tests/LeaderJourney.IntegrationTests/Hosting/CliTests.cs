using LeaderJourney.IntegrationTests.Infrastructure;

namespace LeaderJourney.IntegrationTests.Hosting;

public sealed class CliTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static Task<(int Code, string Out, string Error)> Run(string? connectionString, params string[] args) => CliRunner.RunAsync(connectionString, args);

    [Fact]
    public async Task Keys_wrapped_by_a_master_key_that_is_not_configured_are_one_line_and_exit_code_1()
    {
        var connectionString = await database.CreateDatabaseAsync();
        var other = LeaderJourney.Storage.PersonalData.MasterKeyRing.Parse(LeaderJourney.Storage.PersonalData.MasterKeyRing.Generate("elsewhere"));
        await using (var store = await LeaderJourney.Storage.Store.OpenAsync(new LeaderJourney.Storage.EventStoreOptions { ConnectionString = connectionString },
                         LeaderJourney.Core.EventTypes.CreateRegistry(), masterKeys: other))
        {
            var id = Guid.NewGuid();
            await store.StartStreamAsync(id, "leader", [new LeaderJourney.Domain.Leaders.LeaderEnrolled(id, "SC", null, "Key Holder", "k@example.org", Guid.NewGuid(), Guid.NewGuid(), DateTimeOffset.UtcNow)]);
        }

        var (code, output, error) = await Run(connectionString, "keys", "rotate");
        code.Should().Be(1);
        output.Should().BeEmpty();
        error.TrimEnd().Split('\n').Should().ContainSingle().Which.Should().Be(
            "leaderjourney: A data key is wrapped with master key 'elsewhere', which is not configured: add it to LEADERJOURNEY_PREVIOUS_MASTER_KEYS (or make it the active key).");
        (await Run(connectionString, "keys", "status")).Code.Should().Be(1, "a data key is wrapped by a key other than the active one");
    }

    [Fact]
    public async Task Migrate_creates_the_schema_and_says_where_it_stands()
    {
        var (code, output, error) = await Run(database.ConnectionString, "migrate");
        error.Should().BeEmpty();
        code.Should().Be(0);
        output.Should().Contain("Schema 'leaderjourney' is at event store version 4");
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=3", "leaderjourney: PostgreSQL at 127.0.0.1:1 (database 'x', user 'x') cannot be reached")]
    [InlineData("Host=127.0.0.1;Port=;Database", "leaderjourney: The database connection string is not valid")]
    [InlineData(null, "leaderjourney: No database is configured: set LEADERJOURNEY_DB")]
    public async Task A_bad_database_is_one_line_on_stderr_and_exit_code_1(string? connectionString, string expected)
    {
        var (code, output, error) = await Run(connectionString, "migrate");
        code.Should().Be(1);
        output.Should().BeEmpty();
        error.TrimEnd().Split('\n').Should().ContainSingle().Which.Should().StartWith(expected);
    }

    [Fact]
    public async Task The_command_line_makes_a_password_link_for_a_national_admin_who_forgot_theirs()
    {
        var connectionString = await database.CreateDatabaseAsync();
        (await Run(connectionString, "users", "create", "--username", "forgetful.admin", "--password", ApiUsers.Password, "--role", "national-admin")).Code.Should().Be(0);

        var (code, output, error) = await Run(connectionString, "users", "password-link", "--username", "Forgetful.Admin", "--base-url", "https://lj.example.org/");
        error.Should().BeEmpty();
        code.Should().Be(0);
        var link = System.Text.RegularExpressions.Regex.Match(output, @"https://lj\.example\.org/account/reset\?t=(\S+)");
        link.Success.Should().BeTrue(output);

        await using var app = new LeaderJourneyAppFactory(connectionString);
        var http = app.CreateClient();
        (await http.PostAsync("/api/auth/password-reset", System.Net.Http.Json.JsonContent.Create(new { token = link.Groups[1].Value, newPassword = "a new admin password" })))
            .StatusCode.Should().Be(System.Net.HttpStatusCode.NoContent);
        (await http.PostAsync("/api/auth/token", System.Net.Http.Json.JsonContent.Create(new { username = "forgetful.admin", password = "a new admin password" })))
            .StatusCode.Should().Be(System.Net.HttpStatusCode.OK);

        var missing = await Run(connectionString, "users", "password-link", "--username", "nobody.here");
        missing.Code.Should().Be(1);
        missing.Error.TrimEnd().Should().Be("leaderjourney: There is no user 'nobody.here'.");
    }

    [Fact]
    public async Task An_unknown_command_fails_without_touching_the_database()
    {
        var (code, _, error) = await Run(null, "no-such-command");
        code.Should().NotBe(0);
        error.Should().Contain("no-such-command");
    }
}
