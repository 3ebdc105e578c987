using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>The staff's leader list: a count, pages of 50, search and filters done in the database, each row's current mentor, and an erasure that preselects no one.</summary>
public sealed class StaffLeaderListTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;

    public Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Staff_see_how_many_page_through_search_filter_by_mentor_and_see_each_leaders_current_mentor()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PL");
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var mentorId = await directory.CreateUserAsync("pl.mentor.b", ApiUsers.Password, Roles.Mentor, "PL", null, null);
        await directory.CreateUserAsync("pl.mentor.a", ApiUsers.Password, Roles.Mentor, "PL", null, null);
        Guid zed = default;
        foreach (var i in Enumerable.Range(1, 54))
            await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PL", displayName = $"Leader {i:00}", email = $"l{i}@example.org", local = i % 2 == 0 ? "Local 7" : "Local 9" }), HttpStatusCode.Created);
        zed = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PL", displayName = "Zed 100%_Unique", email = "zed@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{zed}/mentors", new { mentorUserId = mentorId }));
        await _app.CaughtUpAsync();
        await directory.CreateUserAsync("pl.staff", ApiUsers.Password, Roles.AffiliateAdmin, "PL", null, null);
        var staff = new PageClient(_app);
        await staff.SignInAsync("pl.staff");

        var first = await staff.GetAsync("/staff/leaders");
        first.Should().Contain("Showing 1 to 50 of 55 leaders.").And.Contain("Page 1 of 2").And.Contain("Next page");
        Regex.Matches(first, "<tr>").Count.Should().Be(51, "a header and 50 rows");
        (await staff.GetAsync("/staff/leaders?p=2")).Should().Contain("Showing 51 to 55 of 55 leaders.").And.Contain("Zed 100%_Unique");

        // Search is text, not a pattern: "%" and "_" match themselves.
        (await staff.GetAsync("/staff/leaders?q=100%25_")).Should().Contain("Showing 1 to 1 of 1 leaders.").And.Contain("Zed 100%_Unique");
        (await staff.GetAsync("/staff/leaders?q=_")).Should().Contain("of 1 leaders.");
        (await staff.GetAsync("/staff/leaders?localFilter=Local+7")).Should().Contain("of 27 leaders.");
        (await staff.GetAsync("/staff/leaders?mentorFilter=none")).Should().Contain("of 54 leaders.");
        var withMentor = await staff.GetAsync($"/staff/leaders?mentorFilter={mentorId}");
        withMentor.Should().Contain("Showing 1 to 1 of 1 leaders.");

        // Zed's row names the mentor and preselects them; nobody is preselected for erasure.
        withMentor.Should().Contain("<td data-label=\"Mentors\">pl.mentor.b</td>");
        Regex.IsMatch(withMentor, $"id=\"mentor-{zed}\"[^>]*>\\s*<option value=\"\">Choose a mentor</option>\\s*<option value=\"[^\"]+\">pl.mentor.a</option>\\s*<option value=\"{mentorId}\" selected=\"selected\">pl.mentor.b</option>")
            .Should().BeTrue("the current mentor is the one selected");
        withMentor.Should().Contain("<option value=\"\" selected>Choose a leader</option>");
        (await staff.GetAsync("/staff/leaders?sort=levels&p=9")).Should().Contain("Page 2 of 2").And.Contain("Showing 51 to 55 of 55 leaders.", "a page past the end shows the last one");
    }
}
