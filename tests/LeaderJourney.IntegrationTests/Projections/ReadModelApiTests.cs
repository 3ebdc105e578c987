using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Cli;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Projections;
using LeaderJourney.Storage.Projections;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using LeaderJourney.Storage;

namespace LeaderJourney.IntegrationTests.Projections;

public sealed class ReadModelApiTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;

    public Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();


    [Fact]
    public async Task The_mentor_queue_lists_the_mentors_pending_requests_oldest_first()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        var (mentor, mentorId) = await _app.SignedInAsync(Roles.Mentor, "OH");
        var (otherMentor, _) = await _app.SignedInAsync(Roles.Mentor, "OH");
        var ids = new List<Guid>();
        foreach (var name in new[] { "First", "Second" })
        {
            var created = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = name, email = $"{name}@example.org" });
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            await admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId });
            ids.Add(id);
        }
        await admin.PostAsJsonAsync($"/api/leaders/{ids[1]}/sign-off-requests", new { themeCode = "GOV.1", level = 1 });
        await admin.PostAsJsonAsync($"/api/leaders/{ids[0]}/sign-off-requests", new { themeCode = "SEI.2", level = 1 });
        await admin.PostAsJsonAsync($"/api/leaders/{ids[0]}/sign-off-requests", new { themeCode = "SEI.3", level = 1 });
        await mentor.PostAsJsonAsync($"/api/leaders/{ids[0]}/sign-off-declines", new { themeCode = "SEI.3", level = 1, reason = "Not yet" });
        await _app.CaughtUpAsync();

        var queue = await mentor.GetFromJsonAsync<JsonElement>("/api/mentor-queue");

        queue.EnumerateArray().Select(q => (q.GetProperty("leaderId").GetGuid(), q.GetProperty("themeCode").GetString()))
            .Should().Equal((ids[1], "GOV.1"), (ids[0], "SEI.2"));
        (await otherMentor.GetFromJsonAsync<JsonElement>("/api/mentor-queue")).GetArrayLength().Should().Be(0);
        (await admin.GetAsync("/api/mentor-queue")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Health_and_the_status_command_report_each_projection_and_rebuild_switches_over()
    {
        _app.CreateClient().Dispose();
        await _app.CaughtUpAsync();

        var (operatorClient, _) = await _app.SignedInAsync(Roles.NationalAdmin);
        var health = await operatorClient.GetFromJsonAsync<JsonElement>("/health");
        health.GetProperty("daemonRunning").GetBoolean().Should().BeTrue();
        var projections = health.GetProperty("projections").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        projections.Keys.Should().BeEquivalentTo([LeaderProgressProjection.ProjectionName, PipelineHistoryProjection.ProjectionName, MentorQueueProjection.ProjectionName,
            AffiliatePipelineProjection.ProjectionName, EquityProjection.ProjectionName]);
        projections.Values.Should().OnlyContain(p => p.GetProperty("state").GetString() == "running" && p.GetProperty("lag").GetInt64() == 0);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestMasterKey.Settings(database.ConnectionString)).Build();
        var output = new StringWriter();
        (await CliApp.RunAsync(["projections", "status"], output, new StringWriter(), configuration)).Should().Be(0);
        output.ToString().Should().Contain("daemon: running").And.Contain("affiliate-pipeline").And.Contain("running");

        var before = await _app.Services.GetRequiredService<ProjectionRuntime>().ActiveTableAsync(MentorQueueProjection.ProjectionName, "requests");
        output = new StringWriter();
        (await CliApp.RunAsync(["projections", "rebuild", "mentor-queue"], output, new StringWriter(), configuration)).Should().Be(0);
        output.ToString().Should().Contain("Rebuilt mentor-queue.");
        (await _app.Services.GetRequiredService<ProjectionRuntime>().ActiveTableAsync(MentorQueueProjection.ProjectionName, "requests"))
            .Should().NotBe(before, "the rebuild built new tables and switched to them");

        // The host's daemon, paused while the command line built the new generation, goes on with it.
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "After", email = "after@example.org" })).EnsureSuccessStatusCode();
        await _app.CaughtUpAsync();

        var error = new StringWriter();
        (await CliApp.RunAsync(["projections", "rebuild", "nope"], new StringWriter(), error, configuration)).Should().Be(1);
        error.ToString().Should().StartWith("leaderjourney: There is no projection 'nope'");
    }
}
