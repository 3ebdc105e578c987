using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Demo;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.IntegrationTests.Demo;

public sealed class DemoDataTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private Task<(int Code, string Out, string Error)> Cli(params string[] args) => CliRunner.RunAsync(database.ConnectionString, args);

    [Fact]
    public async Task The_demo_affiliate_loads_into_an_empty_database_only_and_its_people_can_sign_in_and_read_their_reports()
    {
        var (code, output, error) = await Cli("demo", "load", "--leaders", "60");
        error.Should().BeEmpty();
        code.Should().Be(0);
        output.Should().Contain("Demo affiliate DEMO loaded").And.Contain("board").And.Contain("mentor1").And.Contain(DemoData.Password);

        (code, _, error) = await Cli("demo", "load");
        code.Should().Be(1);
        error.Trim().Should().Be("leaderjourney: The database already holds data; demo data is loaded only into an empty database.");

        // No daemon in the host, and no waiting for it: the load brought every read model up to date,
        // so a host started right after it shows the leaders at once.
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString, settings: new Dictionary<string, string> { ["LeaderJourney:Daemon:Enabled"] = "false" });
        var board = await app.SignInAsync("board", DemoData.Password);
        var pipeline = await board.GetFromJsonAsync<JsonElement>("/api/reports/pipeline?affiliate=DEMO");
        pipeline.GetProperty("leaders").GetInt32().Should().BeInRange(55, 60, "a few leaders may have withdrawn");
        var stages = pipeline.GetProperty("stages").EnumerateArray().Select(n => n.GetInt32()).ToArray();
        stages[1].Should().BePositive("most leaders reach Level 1 somewhere");
        (stages[1] + stages[2] + stages[3]).Should().BeGreaterThan(stages[3]);
        var succession = await board.GetFromJsonAsync<JsonElement>("/api/reports/succession?affiliate=DEMO");
        succession.GetProperty("coverage").GetProperty("keyPositions").GetInt32().Should().Be(5);
        succession.GetProperty("positions").EnumerateArray().Should().OnlyContain(p => p.GetProperty("candidates").GetArrayLength() >= 3);

        var leader = await app.SignInAsync("leader", DemoData.Password);
        var me = await (await app.SignInAsync("staff", DemoData.Password)).GetFromJsonAsync<JsonElement>("/api/positions?affiliate=DEMO");
        me.GetArrayLength().Should().Be(6);
        var mentor = await app.SignInAsync("mentor1", DemoData.Password);
        (await mentor.GetAsync("/api/mentor-queue")).IsSuccessStatusCode.Should().BeTrue();
        (await leader.GetAsync("/api/reports/pipeline?affiliate=DEMO")).StatusCode.Should().Be(System.Net.HttpStatusCode.Forbidden);
        // The leader who can sign in finds their latest news, dated as it happened, newest first (not "Nothing to tell you yet").
        var notes = (await leader.GetFromJsonAsync<JsonElement[]>("/api/notifications"))!;
        notes.Length.Should().BeInRange(1, DemoData.NoticesOfTheSignInLeader);
        notes.Select(n => n.GetProperty("kind").GetString()).Should().BeSubsetOf(["level-attained", "level-revoked", "request-declined"]);
        notes.Select(n => n.GetProperty("on").GetString()).Should().BeInDescendingOrder().And.OnlyContain(d => string.CompareOrdinal(d, DateTime.UtcNow.ToString("yyyy-MM-dd")) < 0);

        // Staff and mentors have addresses at example.org, so a mail catcher shows the demo's notices.
        var directory = app.Services.GetRequiredService<LeaderJourney.Core.Access.AccessDirectory>();
        (await directory.MailAddressesAsync(default, affiliate: "DEMO")).Select(a => a.Address).Should().Equal("staff@example.org");
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(database.ConnectionString);
        var mentor1 = (Guid)(await dataSource.CreateCommand("select id from leaderjourney.users where username = 'mentor1'").ExecuteScalarAsync())!;
        (await directory.MailAddressesAsync(default, userIds: [mentor1])).Select(a => a.Address).Should().Equal("mentor1@example.org");
    }

    [Theory]
    [InlineData("load", "Demo affiliate DEMO loaded")]
    [InlineData("generate", "read models not all caught up")]
    public async Task A_read_model_that_fails_to_catch_up_is_a_warning_and_the_sign_ins_are_still_printed(string command, string said)
    {
        // A database of its own, its schema made, then one of mentor-queue's tables taken away: every
        // batch the catch-up hands that read model fails.
        var connectionString = await database.CreateDatabaseAsync();
        (await CliRunner.RunAsync(connectionString, "migrate")).Code.Should().Be(0);
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString))
        await using (var drop = dataSource.CreateCommand($"drop table {LeaderJourney.Storage.EventStoreOptions.DefaultSchema}.p_mentor_queue_g1_requests"))
            await drop.ExecuteNonQueryAsync();

        var (code, output, error) = await CliRunner.RunAsync(connectionString,
            command == "load" ? ["demo", "load", "--leaders", "20"] : ["demo", "generate", "--size", "demo", "--leaders", "20"]);

        code.Should().Be(0, "the data is in; a second load would be refused");
        // "failed" with Marten's error once the pause is recorded; that record is written as Marten reports
        // the pause, so the warning may come before it and give the state as it then stood.
        error.Should().Contain("warning: read model mentor-queue is ").And.Contain("events behind").And.Contain("see `projections status`");
        output.Should().Contain(said).And.Contain("mentor1").And.Contain(DemoData.Password);
    }
}
