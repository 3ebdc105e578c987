using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>
/// The pipeline page says how long leaders spend at each stage, and who has not moved in a year: staff
/// by name (to reach out), the board as a count.
/// </summary>
public sealed class PipelinePageTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Staff_see_who_has_not_moved_in_a_year_the_board_how_many_and_both_the_median_days_at_each_stage()
    {
        var clock = new TestClock(DateTimeOffset.UtcNow.AddDays(-500));
        await using var app = new LeaderJourneyAppFactory(await database.CreateDatabaseAsync(), clock);
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "PP");
        var directory = app.Services.GetRequiredService<AccessDirectory>();
        var mentorId = await directory.CreateUserAsync("pp.mentor", ApiUsers.Password, Roles.Mentor, "PP", null, null);
        await directory.CreateUserAsync("pp.staff", ApiUsers.Password, Roles.AffiliateAdmin, "PP", null, null);
        await directory.CreateUserAsync("pp.board", ApiUsers.Password, Roles.Board, "PP", null, null);
        async Task<Guid> Enrol(HttpClient client, string name) =>
            (await (await client.PostAsJsonAsync("/api/leaders", new { affiliate = "PP", displayName = name, email = $"{Guid.NewGuid():N}@example.org" }))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var still = await Enrol(admin, "Stella Still");
        var rises = await Enrol(admin, "Rosa Rises");
        (await admin.PostAsJsonAsync($"/api/leaders/{rises}/mentors", new { mentorUserId = mentorId })).StatusCode.Should().Be(HttpStatusCode.OK);

        // 430 days on, Rosa attains Level 1; Stella has not moved since she enrolled.
        clock.Advance(TimeSpan.FromDays(430));
        admin = await app.SignInAsync("pp.staff");
        var mentor = await app.SignInAsync("pp.mentor");
        (await admin.PostAsJsonAsync($"/api/leaders/{rises}/trainings", new { title = "Organizing 101", themeCode = "ADV.1", level = 1,
            completedOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd") })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await mentor.PostAsJsonAsync($"/api/leaders/{rises}/sign-offs", new { themeCode = "ADV.1", level = 1 })).StatusCode.Should().Be(HttpStatusCode.OK);
        await app.CaughtUpAsync();

        var staff = new PageClient(app);
        await staff.SignInAsync("pp.staff");
        var page = await staff.GetAsync("/board/pipeline");
        page.Should().Contain("Stage unchanged for twelve months").And.Contain("One leader:")
            .And.Contain($"<td data-label=\"Leader\"><a href=\"/staff/leaders/{still}\">Stella Still</a></td><td data-label=\"Stage\">Level 0</td>")
            .And.NotContain($"/staff/leaders/{rises}");
        page.Should().Contain("<tr><th scope=\"row\">Level 0</th><td data-label=\"Median days\">430</td></tr>", "both spent 430 days at Level 0 (Stella's still running)")
            .And.Contain("<tr><th scope=\"row\">Level 1</th><td data-label=\"Median days\">0</td></tr>")
            .And.Contain("<tr><th scope=\"row\">Level 2</th><td data-label=\"Median days\">no one yet</td></tr>");
        // Beside the chart, each stage against a year before: both stood at Level 0 then, Rosa has risen since.
        var on = $"On {clock.GetUtcNow():d MMM yyyy}";
        page.Should().Contain($"<tr><th scope=\"row\">Level 0</th><td data-label=\"{on}\">1</td><td data-label=\"A year earlier\">2</td><td data-label=\"Difference\">−1</td></tr>")
            .And.Contain($"<tr><th scope=\"row\">Level 1</th><td data-label=\"{on}\">1</td><td data-label=\"A year earlier\">0</td><td data-label=\"Difference\">&#x2B;1</td></tr>")
            .And.Contain($"<th scope=\"col\">{on}</th><th scope=\"col\">A year earlier</th>");

        var board = new PageClient(app);
        await board.SignInAsync("pp.board");
        var boardPage = await board.GetAsync("/board/pipeline");
        boardPage.Should().Contain("One leader has stood at one stage for over twelve months; staff see who it is.").And.NotContain("Stella Still")
            .And.Contain("<title>Stage unchanged for twelve months, by stage: Level 0 1, Level 1 0, Level 2 0</title>")
            .And.Contain("<td data-label=\"Median days\">430</td>");

        // The API says the same: staff's report names her, the board's and the one issued to it count her.
        var staffReport = await admin.GetFromJsonAsync<JsonElement>("/api/reports/pipeline?affiliate=PP");
        staffReport.GetProperty("stalledCount").GetInt32().Should().Be(1);
        var named = staffReport.GetProperty("stalled").EnumerateArray().Single();
        named.GetProperty("leaderId").GetGuid().Should().Be(still);
        named.GetProperty("displayName").GetString().Should().Be("Stella Still");
        named.GetProperty("stage").GetInt32().Should().Be(0);
        var boardClient = await app.SignInAsync("pp.board");
        var boardReport = await boardClient.GetFromJsonAsync<JsonElement>("/api/reports/pipeline?affiliate=PP");
        boardReport.GetProperty("stalledCount").GetInt32().Should().Be(1);
        boardReport.GetProperty("stalled").ValueKind.Should().Be(JsonValueKind.Null);
        boardReport.GetProperty("stalledStages").EnumerateArray().Select(n => n.GetInt32()).Should().Equal(1, 0, 0, 0);
        // The CSV and the printable page carry the medians and the stalled leaders by stage, never a name.
        (await boardClient.GetStringAsync("/api/reports/pipeline?affiliate=PP&format=csv")).Should().NotContain("Stella")
            .And.Contain(",median days at stage,,,430,0,,").And.Contain(",no progress in twelve months,,,1,0,0,0");
        // Each figure says its level, for a phone's cards (the table scrolled sideways in its box there).
        (await boardClient.GetStringAsync("/api/reports/pipeline?affiliate=PP&format=html")).Should().NotContain("Stella")
            .And.Contain("<table class=\"cards levels\">")
            .And.Contain("<th scope=\"row\">Median days at stage</th><td data-label=\"Level 0\">430</td><td data-label=\"Level 1\">0</td><td data-label=\"Level 2\"></td><td data-label=\"Level 3\"></td>")
            .And.Contain("<th scope=\"row\">Stage unchanged for twelve months</th><td data-label=\"Level 0\">1</td><td data-label=\"Level 1\">0</td><td data-label=\"Level 2\">0</td><td data-label=\"Level 3\">0</td>");
        var issuing = await admin.PostAsync("/api/reports/pipeline/issues?affiliate=PP", null);
        issuing.StatusCode.Should().Be(HttpStatusCode.Created);
        var issued = await issuing.Content.ReadFromJsonAsync<JsonElement>();
        var reopened = await boardClient.GetFromJsonAsync<JsonElement>($"/api/reports/issues/{issued.GetProperty("id").GetGuid()}?affiliate=PP");
        reopened.GetProperty("report").GetProperty("stalledCount").GetInt32().Should().Be(1);
        reopened.GetProperty("report").GetProperty("stalled").ValueKind.Should().Be(JsonValueKind.Null);

        // A pipeline report issued before the board stopped seeing names kept the stalled leaders as a list,
        // its hash covering their names: reopened, it names none, counts them by stage, and says nothing changed.
        var asOf = reopened.GetProperty("asOf").GetDateTimeOffset();
        var service = app.Services.GetRequiredService<LeaderJourney.Core.Succession.Reports.ReportService>();
        var thenShape = JsonNode.Parse((await LeaderJourney.Core.Succession.Reports.ReportIssues.Compute(service, "pipeline", "PP", asOf, clock.GetUtcNow(), default)).GetRawText())!.AsObject();
        thenShape.Remove("stalledCount");
        thenShape.Remove("stalledStages");
        thenShape["stalled"] = JsonNode.Parse(staffReport.GetProperty("stalled").GetRawText());
        var asIssuedThen = JsonSerializer.SerializeToElement(thenShape);
        var legacyId = Guid.CreateVersion7();
        var store = app.Services.GetRequiredService<LeaderJourney.Storage.Store>();
        await store.AppendAsync(LeaderJourney.Core.Succession.Reports.ReportIssues.StreamIdFor("PP"), 1,
            [new LeaderJourney.Core.Succession.Reports.ReportIssued(legacyId, "PP", "pipeline", asOf, LeaderJourney.Core.Succession.Reports.ReportIssues.Hash(asIssuedThen),
                LeaderJourney.Core.Succession.Reports.ReportIssues.Redact(asIssuedThen), Guid.NewGuid(), clock.GetUtcNow())],
            new LeaderJourney.Storage.AppendMetadata { TenantId = "PP" });
        var legacy = await boardClient.GetFromJsonAsync<JsonElement>($"/api/reports/issues/{legacyId}?affiliate=PP");
        legacy.GetProperty("report").GetRawText().Should().NotContain("Stella");
        legacy.GetProperty("report").GetProperty("stalled").ValueKind.Should().Be(JsonValueKind.Null);
        legacy.GetProperty("report").GetProperty("stalledCount").GetInt32().Should().Be(1);
        legacy.GetProperty("report").GetProperty("stalledStages").EnumerateArray().Select(n => n.GetInt32()).Should().Equal(1, 0, 0, 0);
        legacy.GetProperty("changed").GetBoolean().Should().BeFalse("nothing learned since changes what was true on that date");
        (await board.GetAsync($"/board/pipeline?handler=issued&id={legacyId}")).Should().NotContain("Stella").And.Contain("the same question gives the same answer");
    }

    [Fact]
    public async Task Of_the_leaders_whose_stage_stood_still_the_page_and_report_say_who_attained_no_level_at_all_in_the_year()
    {
        var clock = new TestClock(DateTimeOffset.UtcNow.AddDays(-500));
        await using var app = new LeaderJourneyAppFactory(await database.CreateDatabaseAsync(), clock);
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "PN");
        var directory = app.Services.GetRequiredService<AccessDirectory>();
        var mentorId = await directory.CreateUserAsync("pn.mentor", ApiUsers.Password, Roles.Mentor, "PN", null, null);
        await directory.CreateUserAsync("pn.staff", ApiUsers.Password, Roles.AffiliateAdmin, "PN", null, null);
        await directory.CreateUserAsync("pn.board", ApiUsers.Password, Roles.Board, "PN", null, null);
        async Task<Guid> Enrol(string name) =>
            (await (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PN", displayName = name, email = $"{Guid.NewGuid():N}@example.org" }))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        async Task Attain(Guid leader, string theme)
        {
            var staff = await app.SignInAsync("pn.staff");
            (await staff.PostAsJsonAsync($"/api/leaders/{leader}/trainings", new { title = "Workshop", themeCode = theme, level = 1,
                completedOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd") })).StatusCode.Should().Be(HttpStatusCode.OK);
            (await (await app.SignInAsync("pn.mentor")).PostAsJsonAsync($"/api/leaders/{leader}/sign-offs", new { themeCode = theme, level = 1 })).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        var still = await Enrol("Stella Still");
        var themes = await Enrol("Theo Themes");
        (await admin.PostAsJsonAsync($"/api/leaders/{themes}/mentors", new { mentorUserId = mentorId })).StatusCode.Should().Be(HttpStatusCode.OK);
        // Theo reaches Level 1 at once, and 430 days on attains it in a second theme: his stage stood still, he did not.
        await Attain(themes, "ADV.1");
        clock.Advance(TimeSpan.FromDays(430));
        await Attain(themes, "COM.1");
        await app.CaughtUpAsync();

        var staffPage = new PageClient(app);
        await staffPage.SignInAsync("pn.staff");
        var page = await staffPage.GetAsync("/board/pipeline");
        page.Should().Contain("2 leaders:").And.Contain("Of them, 1 attained no level in any theme in those twelve months; the others attained levels below their next stage.")
            .And.Contain("<td data-label=\"A level in the year\">yes, below the next stage</td>").And.Contain("<td data-label=\"A level in the year\">none</td>");
        page[page.IndexOf("Stella Still", StringComparison.Ordinal)..].Should().StartWith("Stella Still</a></td><td data-label=\"Stage\">Level 0</td>");
        var board = new PageClient(app);
        await board.SignInAsync("pn.board");
        (await board.GetAsync("/board/pipeline")).Should().Contain("2 leaders have stood at one stage for over twelve months; staff see who they are.")
            .And.Contain("Of them, 1 attained no level in any theme in those twelve months").And.NotContain("Theo Themes");

        var report = await (await app.SignInAsync("pn.board")).GetFromJsonAsync<JsonElement>("/api/reports/pipeline?affiliate=PN");
        report.GetProperty("stalledStages").EnumerateArray().Select(n => n.GetInt32()).Should().Equal(1, 1, 0, 0);
        report.GetProperty("noLevelStages").EnumerateArray().Select(n => n.GetInt32()).Should().Equal([1, 0, 0, 0], "Stella alone attained nothing");
        var staffReport = await (await app.SignInAsync("pn.staff")).GetFromJsonAsync<JsonElement>("/api/reports/pipeline?affiliate=PN");
        staffReport.GetProperty("stalled").EnumerateArray().ToDictionary(s => s.GetProperty("leaderId").GetGuid(), s => s.GetProperty("attainedInTheYear").GetBoolean())
            .Should().BeEquivalentTo(new Dictionary<Guid, bool> { [still] = false, [themes] = true });
        (await (await app.SignInAsync("pn.board")).GetStringAsync("/api/reports/pipeline?affiliate=PN&format=csv")).Should().Contain(",no level in twelve months,,,1,0,0,0");
    }

    [Fact]
    public async Task Staff_page_through_every_stalled_leader_longest_standing_first()
    {
        var clock = new TestClock(DateTimeOffset.UtcNow.AddDays(-500));
        await using var app = new LeaderJourneyAppFactory(await database.CreateDatabaseAsync(), clock);
        // 27 leaders enrolled a day apart, the last name first, none of whom has moved since: 27 has stood longest.
        for (var n = 27; n >= 1; n--)
        {
            var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "PS");
            (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PS", displayName = $"Stalled {n:00}", email = $"{Guid.NewGuid():N}@example.org" }))
                .StatusCode.Should().Be(HttpStatusCode.Created);
            clock.Advance(TimeSpan.FromDays(1));
        }
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("ps.staff", ApiUsers.Password, Roles.AffiliateAdmin, "PS", null, null);
        clock.Advance(TimeSpan.FromDays(400));
        await app.CaughtUpAsync();

        var staff = new PageClient(app);
        await staff.SignInAsync("ps.staff");
        var first = await staff.GetAsync("/board/pipeline");
        // The same leaders in the staff's list, where a mentor or a local narrows them; withdrawn ones only when asked for.
        first.Should().Contain("href=\"/staff/leaders?progressFilter=stalled\"");
        (await staff.GetAsync("/staff/leaders?progressFilter=stalled")).Should().Contain("Showing 1 to 27 of 27 leaders.");
        (await staff.GetAsync("/staff/leaders?progressFilter=stalled&q=Stalled%2027")).Should().Contain("Showing the one leader found.");
        first.Should().Contain("27 leaders; the 25 whose stage has stood longest:").And.Contain("Page 1 of 2")
            .And.Contain(">Stalled 27</a>").And.Contain(">Stalled 03</a>").And.NotContain(">Stalled 02</a>")
            .And.Contain("href=\"/board/pipeline?stalledFrom=25#stalled\" rel=\"next\">More recent</a>", "the page is as of now, and so is the next")
            .And.NotContain("rel=\"prev\">Longer-standing");
        first.IndexOf(">Stalled 27</a>", StringComparison.Ordinal).Should().BeLessThan(first.IndexOf(">Stalled 26</a>", StringComparison.Ordinal), "the longest-standing first");
        var second = await staff.GetAsync("/board/pipeline?stalledFrom=25");
        second.Should().Contain("27 leaders, those whose stage has stood longest first; 26 to 27:").And.Contain("Page 2 of 2")
            .And.Contain(">Stalled 02</a>").And.Contain(">Stalled 01</a>").And.NotContain(">Stalled 03</a>")
            .And.Contain("href=\"/board/pipeline?stalledFrom=0#stalled\" rel=\"prev\">Longer-standing</a>").And.NotContain("rel=\"next\">More recent");
        var today = clock.GetUtcNow().ToString("yyyy-MM-dd");
        (await staff.GetAsync($"/board/pipeline?asOf={today}")).Should().Contain($"href=\"/board/pipeline?asOf={today}&amp;stalledFrom=25#stalled\"", "a date chosen is kept");
        (await staff.GetAsync("/board/pipeline?stalledFrom=-5")).Should().Contain(">Stalled 27</a>", "a page before the first is the first");
        (await staff.GetAsync("/board/pipeline?stalledFrom=2147483647")).Should().Contain("26 to 27:").And.Contain(">Stalled 01</a>", "a page past the last is the last");
        (await staff.GetAsync("/board/pipeline?stalledFrom=30")).Should().Contain("Page 2 of 2");
    }

    [Fact]
    public async Task Each_domain_counts_only_the_leaders_whose_framework_has_it_and_a_date_out_of_the_reports_reach_is_said()
    {
        await using var app = new LeaderJourneyAppFactory(await database.CreateDatabaseAsync());
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "FW");
        var catalog = app.Services.GetRequiredService<LeaderJourney.Core.Frameworks.BrowseFrameworks.FrameworkCatalog>();
        var bps = (await catalog.CurrentEditionsAsync()).Single(f => f.Name.StartsWith("BPS")).Id;
        foreach (var frameworkId in new Guid?[] { null, bps })
            (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "FW", displayName = "Two Frameworks", email = $"{Guid.NewGuid():N}@example.org", frameworkId }))
                .StatusCode.Should().Be(HttpStatusCode.Created);
        await app.CaughtUpAsync();

        var report = await admin.GetFromJsonAsync<JsonElement>("/api/reports/pipeline?affiliate=FW");
        report.GetProperty("leaders").GetInt32().Should().Be(2);
        var domains = report.GetProperty("domains").EnumerateArray().ToList();
        domains.Should().HaveCountGreaterThan(7, "the domains of both frameworks are listed");
        foreach (var domain in domains)
            domain.GetProperty("levels").EnumerateArray().Sum(n => n.GetInt32()).Should().Be(1, $"one leader is on the framework that has {domain.GetProperty("code").GetString()}");

        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("fw.board", ApiUsers.Password, Roles.Board, "FW", null, null);
        var board = new PageClient(app);
        await board.SignInAsync("fw.board");
        (await board.GetAsync("/board/pipeline?asOf=0001-01-01")).Should().Contain("The reports cover the years 1900 to 2999; the report is as of today.");
        var refusedDownload = await board.Http.GetAsync("/board/pipeline?handler=csv&asOf=0001-01-01");
        refusedDownload.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refusedDownload.Content.ReadAsStringAsync()).Should().Be("The reports cover the years 1900 to 2999.", "a refused download is not today's report");
    }
}
