using System.Net;
using System.Net.Http.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>Each role's home: what a mentor, staff and the board come for, in figures and words.</summary>
public sealed class HomeTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;

    public Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<PageClient> Browser(string username, string role, string affiliate)
    {
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(username, ApiUsers.Password, role, affiliate, null, null);
        var page = new PageClient(_app);
        await page.SignInAsync(username);
        return page;
    }

    [Fact]
    public void Positions_to_watch_come_by_risk_then_a_vacant_seat_before_a_held_one_then_the_soonest_term_end()
    {
        LeaderJourney.Core.Succession.Reports.PositionView Position(string title, string risk, bool vacant, string? ends) =>
            new(Guid.NewGuid(), title, vacant ? null : new(Guid.NewGuid(), "Holder"), ends is null ? null : DateOnly.Parse(ends), risk, []);
        LeaderJourney.Core.Succession.Reports.ReportFormats.MostAtRiskFirst([
                Position("Held, ends soon", "high", false, "2027-01-31"), Position("Low", "low", true, null), Position("Vacant, no end", "high", true, null),
                Position("Medium", "medium", false, "2026-12-31"), Position("Held, ends later", "high", false, "2027-06-30"),
            ]).Select(p => p.Title)
            .Should().Equal("Vacant, no end", "Held, ends soon", "Held, ends later", "Medium", "Low");
    }

    [Fact]
    public async Task A_mentor_sees_what_a_level_asks_beside_the_request_and_withdrawn_mentees_apart_and_staff_see_each_mentors_load_where_they_choose_one()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "HW");
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var mentorId = await directory.CreateUserAsync("hw.mentor", ApiUsers.Password, Roles.Mentor, "HW", null, null);
        await directory.CreateUserAsync("hw.other", ApiUsers.Password, Roles.Mentor, "HW", null, null);
        Guid Enrolled(System.Text.Json.JsonElement e) => e.GetProperty("id").GetGuid();
        async Task<Guid> Mentee(string name)
        {
            var id = Enrolled(await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "HW", displayName = name, email = $"{Guid.NewGuid():N}@example.org" }), HttpStatusCode.Created));
            await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
            return id;
        }
        var ada = await Mentee("Ada Active");
        var pia = await Mentee("Pia Paused");
        var wes = await Mentee("Wes Withdrawn");
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{ada}/trainings", new { title = "Organizing 101", themeCode = "ADV.1", level = 1, completedOn = "2025-03-14" }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{ada}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        // Learning logged at another theme, and no request: only a sign-off lacks, which nobody asked for.
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{ada}/trainings", new { title = "Speaking up", themeCode = "COM.1", level = 1, completedOn = "2025-03-20" }));
        await Ok(admin.PutAsJsonAsync($"/api/leaders/{pia}/status", new { status = "paused" }));
        await Ok(admin.PutAsJsonAsync($"/api/leaders/{wes}/status", new { status = "withdrawn" }));
        await _app.CaughtUpAsync();

        var mentor = new PageClient(_app);
        await mentor.SignInAsync("hw.mentor");
        var home = await mentor.GetAsync("/");
        home.Should().Contain(">Ada Active</a></td>").And.Contain(">Pia Paused</a> <span class=\"badge\">Paused</span></td>")
            .And.NotContain("Wes Withdrawn", "nothing of a withdrawn mentee's moves on: the home lists those on their way")
            .And.Contain("One more mentee is withdrawn from the programme; every mentee is listed on My mentees.");
        (await mentor.GetAsync("/mentor/mentees")).Should().Contain(">Wes Withdrawn</a>");

        // The card of the request says what Level 1 of the theme asks, in the framework's words.
        var (staffApi, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "HW");
        var frameworkId = (await Ok(staffApi.GetAsync($"/api/leaders/{ada}"))).GetProperty("frameworkId").GetString();
        var framework = await Ok(staffApi.GetAsync($"/api/frameworks/{frameworkId}"));
        var asks = framework.GetProperty("domains").EnumerateArray().SelectMany(d => d.GetProperty("themes").EnumerateArray())
            .Single(t => t.GetProperty("code").GetString() == "ADV.1").GetProperty("levels").EnumerateArray()
            .Single(l => l.GetProperty("number").GetInt32() == 1).GetProperty("descriptor").GetString()!;
        asks.Should().NotBeNullOrWhiteSpace();
        var queue = await mentor.GetAsync("/mentor/queue");
        queue.Should().Contain($"<details class=\"asks\"><summary>What Level 1 asks</summary><p>{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(asks)}</p></details>");
        var menteePage = await mentor.GetAsync($"/mentor/mentees/{ada}?theme=ADV.1");
        menteePage.Should().Contain(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(asks), "the assessment form opened at a theme says what its level asks");
        // The level whose learning is logged without a request is told apart from one not begun; the requested one stays pending.
        menteePage.Should().Contain("One theme&#x27;s next level has its learning logged and lacks only a sign-off, with no request waiting:")
            .And.Contain($" <a href=\"/mentor/mentees/{ada}?theme=COM.1#assess\">", "the theme is named, opening the form to sign it off");
        System.Text.RegularExpressions.Regex.IsMatch(menteePage, @"<tr data-theme=""COM\.1"">\s*<th[^>]*>.*?</th>\s*<td data-label=""Level 1""><span class=""level logged"" data-level=""1"">Learning logged</span>").Should().BeTrue();
        System.Text.RegularExpressions.Regex.IsMatch(menteePage, @"<tr data-theme=""ADV\.1"">\s*<th[^>]*>.*?</th>\s*<td data-label=""Level 1""><span class=""level pending"" data-level=""1"">Sign-off pending</span>").Should().BeTrue();

        // Staff choosing a mentor see how many leaders on their way each already has (the withdrawn one not counted).
        var staff = await Browser("hw.staff", Roles.AffiliateAdmin, "HW");
        var other = await Ok(staffApi.PostAsJsonAsync("/api/leaders", new { affiliate = "HW", displayName = "Nia New", email = "nia@example.org" }), HttpStatusCode.Created);
        await _app.CaughtUpAsync();
        (await staff.GetAsync($"/staff/leaders/{Enrolled(other)}")).Should().Contain($"<option value=\"{mentorId}\">hw.mentor · 2 mentees</option>").And.Contain("hw.other · 0 mentees</option>");
        (await staff.GetAsync("/staff/leaders")).Should().Contain("<option value=\"hw.mentor\">hw.mentor · 2 mentees</option>");

        // In Spanish the framework's own words are marked as English, for a screen reader's voice.
        var spanish = new PageClient(_app);
        await spanish.SignInAsync("hw.mentor");
        spanish.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es");
        (await spanish.GetAsync("/mentor/queue")).Should().Contain($"<summary>Qué pide el Nivel 1</summary><p lang=\"en\">{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(asks)}</p>");
    }

    [Fact]
    public async Task A_mentor_staff_and_the_board_each_land_on_a_home_with_their_figures_and_the_others_on_their_main_page()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "HO");
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var mentorId = await directory.CreateUserAsync("ho.mentor", ApiUsers.Password, Roles.Mentor, "HO", null, null);
        Guid Enrolled(System.Text.Json.JsonElement e) => e.GetProperty("id").GetGuid();
        var ada = Enrolled(await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "HO", displayName = "Ada Asks", email = "ada@example.org" }), HttpStatusCode.Created));
        var ben = Enrolled(await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "HO", displayName = "Ben Alone", email = "ben@example.org" }), HttpStatusCode.Created));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{ada}/mentors", new { mentorUserId = mentorId }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{ada}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        // Logged last, completed long ago: her last activity is today, when it was logged.
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{ada}/trainings", new { title = "Organizing 101", themeCode = "ADV.1", level = 1, completedOn = "2025-03-14" }));
        foreach (var title in new[] { "President", "Treasurer" })
        {
            var position = Enrolled(await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "HO", title, termEndsOn = "2099-06-30", requirements = Array.Empty<object>() }), HttpStatusCode.Created));
            await Ok(admin.PostAsJsonAsync($"/api/positions/{position}/nominations", new { leaderId = ben }));
        }
        // A vacant key position with nobody nominated and no term end: the most urgent of all.
        await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "HO", title = "Chair", requirements = Array.Empty<object>() }), HttpStatusCode.Created);
        // Someone who left the programme needs no mentor: neither the count nor the list it opens names them.
        var gone = Enrolled(await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "HO", displayName = "Cy Gone", email = "cy@example.org" }), HttpStatusCode.Created));
        await Ok(admin.PutAsJsonAsync($"/api/leaders/{gone}/status", new { status = "withdrawn" }));
        await _app.CaughtUpAsync();

        var mentor = new PageClient(_app);
        await mentor.SignInAsync("ho.mentor");
        var mentorHome = await mentor.GetAsync("/");
        mentorHome.Should().Contain("<h1>Your mentoring</h1>").And.Contain("<p class=\"figure\">1</p>").And.Contain("The oldest was asked today.")
            .And.Contain("href=\"/mentor/queue\"", "the menu and the way to the queue");
        mentorHome.Should().Contain("\">Ada Asks</a></td>").And.Contain("<td data-label=\"Leader\"><a href=\"/mentor/mentees/").And.Contain($"<td data-label=\"Last activity\">{DateTime.UtcNow:d MMM yyyy}</td>", "the day her last event was logged, not the day it says it happened");

        var staff = await Browser("ho.staff", Roles.AffiliateAdmin, "HO");
        var staffHome = await staff.GetAsync("/");
        staffHome.Should().Contain("<h1>Your leaders at a glance</h1>").And.Contain("active, with 0 paused and 1 withdrawn.");
        staffHome.Should().Contain("href=\"/staff/leaders?mentorFilter=none\"", "one leader on their way has no mentor");
        System.Text.RegularExpressions.Regex.IsMatch(staffHome, @"Without a mentor</h2>\s*<p class=""figure"">1</p>").Should().BeTrue();
        (await staff.GetAsync("/staff/leaders?mentorFilter=none")).Should().Contain("Showing the one leader found.").And.NotContain("Cy Gone");
        // Withdrawn leaders are left out of the list unless asked for, as the pipeline's counts leave them out.
        (await staff.GetAsync("/staff/leaders")).Should().NotContain(">Cy Gone</a>").And.Contain(">Ada Asks</a>");
        (await staff.GetAsync("/staff/leaders?statusFilter=any")).Should().Contain(">Cy Gone</a>");
        (await staff.GetAsync("/staff/leaders?q=Cy")).Should().Contain(">Cy Gone</a>", "a name searched for is found whatever its status");
        (await staff.GetAsync("/staff/leaders?statusFilter=withdrawn")).Should().Contain(">Cy Gone</a>").And.NotContain(">Ada Asks</a>");
        staffHome.Should().Contain($"<a href=\"/staff/leaders/{ada}\">Ada Asks</a>").And.Contain("Utilizes best practices in advocacy and political efforts, Level 1",
            "the waiting request names the theme by its title");
        staffHome.Should().Contain("2 of 3", "two of the three key positions have someone ready now")
            .And.Contain("Only one of them could be filled at once: the people ready now are ready for more than one.", "Ben can take only one of them");

        var board = await Browser("ho.board", Roles.Board, "HO");
        var boardHome = await board.GetAsync("/");
        boardHome.Should().Contain("<h1>Succession at a glance</h1>").And.Contain("2 of 3").And.Contain("30 Jun 2099");
        // The vacant seat comes first, though it has no term end; the risk counts read as words.
        var watch = boardHome[boardHome.IndexOf("Positions to watch", StringComparison.Ordinal)..];
        watch.IndexOf(">Chair</a>", StringComparison.Ordinal).Should().BeGreaterThan(0).And.BeLessThan(watch.IndexOf(">President</a>", StringComparison.Ordinal));
        watch.Should().Contain("no end date");
        System.Text.RegularExpressions.Regex.IsMatch(boardHome, @"High</span>\s*one position").Should().BeTrue();
        boardHome.Should().Contain("Ben Alone: President, Treasurer", "one person ready now for two posts is flagged")
            .And.Contain("so the bench is thinner than the counts suggest", "fewer posts could be filled at once than are covered")
            .And.Contain("Only one of them could be filled at once");
        var (boardApi, _) = await _app.SignedInAsync(Roles.Board, "HO");
        var coverage = (await Ok(boardApi.GetAsync("/api/reports/succession?affiliate=HO"))).GetProperty("coverage");
        (coverage.GetProperty("keyPositions").GetInt32(), coverage.GetProperty("withReadyNowSuccessor").GetInt32(), coverage.GetProperty("fillableAtOnce").GetInt32()).Should().Be((3, 2, 1));
        const string atOnce = "Some people are ready now for more than one of them, and each can fill only one: at most 1 could be filled at once.";
        (await board.GetAsync("/board/succession")).Should().Contain(atOnce);
        (await boardApi.GetStringAsync("/api/reports/succession?affiliate=HO&format=html")).Should().Contain(atOnce);

        // A report issued before the figure was counted lacks it: reopened, it shows none, and the same
        // question asked now gives the same answer (a figure added since is not a change).
        var firstIssued = (await Ok(admin.PostAsync("/api/reports/succession/issues?affiliate=HO", null), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var store = _app.Services.GetRequiredService<LeaderJourney.Storage.Store>();
        var service = _app.Services.GetRequiredService<LeaderJourney.Core.Succession.Reports.ReportService>();
        var asOf = DateTimeOffset.UtcNow;
        var thenShape = System.Text.Json.Nodes.JsonNode.Parse((await LeaderJourney.Core.Succession.Reports.ReportIssues.Compute(service, "succession", "HO", asOf, asOf, default)).GetRawText())!;
        thenShape["coverage"]!.AsObject().Remove("fillableAtOnce").Should().BeTrue();
        var asIssuedThen = System.Text.Json.JsonSerializer.SerializeToElement(thenShape);
        var earlierId = Guid.CreateVersion7();
        await store.AppendAsync(LeaderJourney.Core.Succession.Reports.ReportIssues.StreamIdFor("HO"), 1,
            [new LeaderJourney.Core.Succession.Reports.ReportIssued(earlierId, "HO", "succession", asOf, LeaderJourney.Core.Succession.Reports.ReportIssues.Hash(asIssuedThen),
                LeaderJourney.Core.Succession.Reports.ReportIssues.Redact(asIssuedThen), Guid.NewGuid(), asOf)],
            new LeaderJourney.Storage.AppendMetadata { TenantId = "HO" });
        var reopened = await Ok(boardApi.GetAsync($"/api/reports/issues/{earlierId}?affiliate=HO"));
        reopened.GetProperty("changed").GetBoolean().Should().BeFalse("a figure added to the report since is not a different answer");
        reopened.GetProperty("report").GetProperty("coverage").TryGetProperty("fillableAtOnce", out _).Should().BeFalse();
        var issuedPage = await board.GetAsync($"/board/pipeline?handler=issued&id={earlierId}");
        issuedPage.Should().Contain("the same question gives the same answer").And.NotContain(atOnce);
        // The board's home names the reports issued to it lately, newest first, each reopened from there.
        var homeWithIssued = await board.GetAsync("/");
        homeWithIssued.Should().Contain("<h2 id=\"issued\">Reports issued to the board</h2>").And.Contain($"<a href=\"/board/pipeline?handler=issued&amp;id={earlierId}\">The succession report as of {LeaderJourney.Web.Pages.Dates.Long(asOf.UtcDateTime)}</a>, issued on ")
            .And.Contain("<a href=\"/board/pipeline#issued\">Every report issued to the board</a>");
        homeWithIssued.IndexOf(earlierId.ToString(), StringComparison.Ordinal).Should().BeLessThan(homeWithIssued.IndexOf(firstIssued.ToString(), StringComparison.Ordinal), "the newest first");
        // Three at most: two more issued, the first drops off the home (every one stays on the pipeline page).
        var third = (await Ok(admin.PostAsync("/api/reports/pipeline/issues?affiliate=HO", null), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var fourth = (await Ok(admin.PostAsync("/api/reports/succession/issues?affiliate=HO", null), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var homeWithFour = await board.GetAsync("/");
        homeWithFour.Should().Contain(fourth.ToString()).And.Contain(third.ToString()).And.Contain(earlierId.ToString()).And.NotContain(firstIssued.ToString());
        (await board.GetAsync("/board/pipeline")).Should().Contain(firstIssued.ToString());

        // Every waiting request, by the mentor who can sign it off; those nobody can sign off first.
        staffHome.Should().Contain("href=\"/staff/requests\"");
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{ben}/sign-off-requests", new { themeCode = "COM.1", level = 1 }));
        await _app.CaughtUpAsync();
        var requests = await staff.GetAsync("/staff/requests");
        requests.Should().Contain("2 requests wait.");
        var nobody = requests.IndexOf("<h2 id=\"no-mentor\">Nobody can sign these off</h2>", StringComparison.Ordinal);
        var byMentor = requests.IndexOf($"<h2 id=\"m-{mentorId}\">ho.mentor</h2>", StringComparison.Ordinal);
        nobody.Should().BePositive();
        byMentor.Should().BeGreaterThan(nobody);
        requests[nobody..byMentor].Should().Contain(">Ben Alone</a>").And.NotContain(">Ada Asks</a>");
        requests[byMentor..].Should().Contain(">Ada Asks</a>").And.Contain($"href=\"/staff/leaders?mentorFilter={mentorId}\"").And.NotContain(">Ben Alone</a>");
        (await board.Http.GetAsync("/staff/requests")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "the queue's names are staff's");
        // A mentor whose sign-in is disabled signs nothing off: their mentees' requests are nobody's.
        (await admin.PatchAsJsonAsync($"/api/users/{mentorId}", new { disabled = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        var withoutMentor = await staff.GetAsync("/staff/requests");
        withoutMentor.Should().NotContain($"id=\"m-{mentorId}\"");
        withoutMentor[withoutMentor.IndexOf("id=\"no-mentor\"", StringComparison.Ordinal)..].Should().Contain(">Ada Asks</a>").And.Contain(">Ben Alone</a>");
        // Staff see such a mentor marked, and cannot assign them: they would hold requests they can never sign off.
        var refused = await admin.PostAsJsonAsync($"/api/leaders/{ben}/mentors", new { mentorUserId = mentorId });
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("This mentor's sign-in is disabled");
        var adaPage = await staff.GetAsync($"/staff/leaders/{ada}");
        adaPage.Should().Contain("ho.mentor (their sign-in is disabled: they can sign nothing off)");
        (await staff.GetAsync($"/staff/leaders/{ben}")).Should().NotContain($"<option value=\"{mentorId}\"", "a disabled mentor is not offered");
        var list = await staff.GetAsync("/staff/leaders");
        list.Should().Contain("ho.mentor (sign-in disabled)");
        list[list.IndexOf("<datalist id=\"mentor-names\">", StringComparison.Ordinal)..].Should().NotContain("ho.mentor");
        // Ada's only mentor cannot sign in: she counts among those without a mentor, as Ben does.
        System.Text.RegularExpressions.Regex.IsMatch(await staff.GetAsync("/"), @"Without a mentor</h2>\s*<p class=""figure"">2</p>").Should().BeTrue();
        (await staff.GetAsync("/staff/leaders?mentorFilter=none")).Should().Contain("of 2 leaders.").And.Contain(">Ada Asks</a>");
        (await admin.PatchAsJsonAsync($"/api/users/{mentorId}", new { disabled = false })).StatusCode.Should().Be(HttpStatusCode.OK);
        // From the users page a disable is asked again first, and the answer says who is left without a mentor.
        (await staff.GetAsync("/admin/users")).Should().Contain("<details class=\"confirm\">").And.Contain(">Disable ho.mentor</button>");
        (await (await staff.PostAsync("/admin/users", "/admin/users?handler=change", new() { ["userId"] = mentorId.ToString(), ["disabled"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain("<a href=\"/staff/leaders?mentorFilter=none\">2 leaders on their way have no mentor who can sign off: assign them one.</a>")
            .And.Contain("Disabled ho.mentor: they can no longer sign in, and their sessions have ended.");
        (await admin.PatchAsJsonAsync($"/api/users/{mentorId}", new { disabled = false })).StatusCode.Should().Be(HttpStatusCode.OK);

        await directory.CreateUserAsync("ho.leader", ApiUsers.Password, Roles.Leader, "HO", ada, null);
        var leader = new PageClient(_app);
        await leader.SignInAsync("ho.leader");
        await Ok(admin.PutAsJsonAsync($"/api/leaders/{ben}/demographics", new { raceEthnicity = new[] { "Asian" }, consent = true }));
        await _app.CaughtUpAsync();
        (await staff.GetAsync("/board/pipeline")).Should().Contain("<th scope=\"row\">Race and ethnicity: Asian</th>").And.Contain("Issue to the board, as of now (for another day, show the page as of it first):").And.NotContain("raceEthnicity",
            "the equity table names its categories in words");
        var toJourney = await leader.Http.GetAsync("/");
        toJourney.StatusCode.Should().Be(HttpStatusCode.Redirect);
        toJourney.Headers.Location!.OriginalString.Should().Be("/journey");

        // More key positions than the list shows: it says how many it shows of how many, and where the rest are.
        (await board.GetAsync("/")).Should().Contain("Highest risk first, then the soonest term end.");
        foreach (var title in new[] { "Secretary", "Trustee", "Organizer" })
            await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "HO", title, requirements = Array.Empty<object>() }), HttpStatusCode.Created);
        await _app.CaughtUpAsync();
        (await board.GetAsync("/")).Should().Contain("The 5 of 6 key positions most at risk").And.Contain("Every one is in the succession report.");
    }
}
