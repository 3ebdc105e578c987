using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>The staff's leader list (a count, pages of 50, search and filters done in the database, each row's current mentor) and the page of one leader.</summary>
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
    public async Task A_leaders_page_shows_the_record_mentors_and_a_dated_timeline_in_words_and_staff_change_the_status_and_mentors_there()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PM");
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var mentorId = await directory.CreateUserAsync("pm.mentor", ApiUsers.Password, Roles.Mentor, "PM", null, null);
        var id = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PM", displayName = "Ada Okafor", email = "ada@example.org", local = "Local 3" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Organizing 101", themeCode = "ADV.1", level = 1, completedOn = "2025-03-14" }));
        var other = (await Ok((await _app.SignedInAsync(Roles.AffiliateAdmin, "PN")).Client.PostAsJsonAsync("/api/leaders", new { affiliate = "PN", displayName = "Not Yours", email = "n@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await directory.CreateUserAsync("pm.staff", ApiUsers.Password, Roles.AffiliateAdmin, "PM", null, null);
        var staff = new PageClient(_app);
        await staff.SignInAsync("pm.staff");
        var page = $"/staff/leaders/{id}";

        var shown = await staff.GetAsync(page);
        shown.Should().Contain("<h1>Ada Okafor</h1>").And.Contain("ada@example.org").And.Contain("Local 3").And.Contain("Active").And.Contain("pm.mentor");
        shown.Should().Contain("<time datetime=\"2025-03-14\">14 Mar 2025</time> Completed the training “Organizing 101” for", "a training is dated by the day it was completed, not recorded");
        // The grid keeps codes in its attributes (data-theme) for scripts and tests; what a person reads names themes by title.
        System.Text.RegularExpressions.Regex.Replace(shown, "<[^>]*>", " ").Should().NotContain("ADV.1", "themes are named by their titles");
        shown.Should().Contain("pm.mentor became a mentor");
        (await staff.Http.GetAsync($"/staff/leaders/{other}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "another affiliate's leader is not found, as in the API");

        var paused = await (await staff.PostAsync(page, $"{page}?handler=status", new() { ["status"] = "paused", ["reason"] = "Parental leave" })).Content.ReadAsStringAsync();
        paused.Should().Contain("The journey is paused.").And.Contain("Paused").And.Contain("Journey paused: Parental leave").And.Contain("Make active again");
        var again = await (await staff.PostAsync(page, $"{page}?handler=status", new() { ["status"] = "paused" })).Content.ReadAsStringAsync();
        again.Should().Contain("role=\"alert\"", "pausing a paused journey is refused in a sentence");
        (await (await staff.PostAsync(page, $"{page}?handler=status", new() { ["status"] = "active" })).Content.ReadAsStringAsync()).Should().Contain("The journey is active again.");
        var ended = await (await staff.PostAsync(page, $"{page}?handler=unassign", new() { ["mentorId"] = mentorId.ToString() })).Content.ReadAsStringAsync();
        ended.Should().Contain("assignment has ended").And.Contain("No mentor yet.").And.Contain("pm.mentor stopped being a mentor");
        (await Ok(admin.GetAsync($"/api/leaders/{id}"))).GetProperty("status").GetString().Should().Be("active");
    }

    [Fact]
    public async Task Staff_record_a_training_for_every_leader_they_tick_and_are_told_who_it_was_not_recorded_for()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PT");
        async Task<Guid> Enrol(string name) =>
            (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PT", displayName = name, email = $"{Guid.NewGuid():N}@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var ada = await Enrol("Ada Attended");
        var bea = await Enrol("Bea Attended");
        var cy = await Enrol("Cy Paused");
        await Ok(admin.PutAsJsonAsync($"/api/leaders/{cy}/status", new { status = "paused" }));
        var (otherAdmin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PU");
        var elsewhere = (await Ok(otherAdmin.PostAsJsonAsync("/api/leaders", new { affiliate = "PU", displayName = "Not Yours", email = "n@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("pt.staff", ApiUsers.Password, Roles.AffiliateAdmin, "PT", null, null);
        var staff = new PageClient(_app);
        await staff.SignInAsync("pt.staff");
        async Task<int> Trainings(Guid id, HttpClient? client = null) => (await Ok((client ?? admin).GetAsync($"/api/leaders/{id}/history"))).EnumerateArray().Count(e => e.GetProperty("type").GetString() == "leader.training-completed");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        KeyValuePair<string, string> F(string name, string value) => new(name, value);
        KeyValuePair<string, string>[] Training(string title) => [F("themeCode", "ADV.1"), F("level", "1"), F("title", title), F("completedOn", today)];

        var list = await staff.GetAsync("/staff/leaders?q=Attended");
        list.Should().Contain($"name=\"leaderIds\" value=\"{ada}\" form=\"attendance\"").And.Contain("Record a training the ticked leaders attended")
            .And.Contain("<form method=\"post\" id=\"attendance\" action=\"/staff/leaders?q=Attended&amp;");
        list.Should().Contain($"name=\"leaderIds\" value=\"{ada}\" form=\"attendance\">", "none ticked at first").And.Contain("&amp;tickAll=true#attendance-form\">Tick every active leader shown</a>");
        var allTicked = await staff.GetAsync("/staff/leaders?q=Attended&tickAll=true");
        allTicked.Should().Contain($"name=\"leaderIds\" value=\"{ada}\" form=\"attendance\" checked=\"checked\">").And.Contain($"name=\"leaderIds\" value=\"{bea}\" form=\"attendance\" checked=\"checked\">")
            .And.Contain("<details id=\"attendance-form\" open=\"open\">").And.Contain(">Untick them all</a>")
            .And.Contain("All 2 active leaders shown are ticked; untick those who did not attend.");
        (await staff.GetAsync("/staff/leaders?q=Paused")).Should().NotContain("name=\"leaderIds\"", "a paused journey records nothing")
            .And.NotContain("Record a training the ticked leaders attended");

        List<KeyValuePair<string, string>> workshop = [F("leaderIds", ada.ToString()), F("leaderIds", bea.ToString()), .. Training("Contract campaign workshop")];
        var both = await (await staff.PostFieldsAsync("/staff/leaders?q=Attended", "/staff/leaders?handler=trainings&q=Attended", workshop)).Content.ReadAsStringAsync();
        both.Should().Contain("Training “Contract campaign workshop” recorded for 2 leaders.").And.NotContain("role=\"alert\"")
            .And.Contain("<details id=\"attendance-form\" open=\"open\">", "the answer is said in the form's section, where the page opens")
            .And.MatchRegex("(?s)id=\"attendance-form\".*recorded for 2 leaders")
            .And.Contain("value=\"Attended\"", "the list stays as it was filtered");
        (await Trainings(ada)).Should().Be(1);
        (await Trainings(bea)).Should().Be(1);
        // Sent again as it was (a reload): nothing more is recorded, and the page says so.
        (await (await staff.SendAgainAsync("/staff/leaders?handler=trainings&q=Attended", workshop)).Content.ReadAsStringAsync())
            .Should().Contain("This form was already sent: nothing more was recorded.").And.NotContain("recorded for 2 leaders");
        (await Trainings(ada)).Should().Be(1);

        // One leader refused leaves the other recorded, and the page says who and why, with the refused one still ticked.
        var partly = await (await staff.PostFieldsAsync("/staff/leaders?q=Attended", "/staff/leaders?handler=trainings&q=Attended",
            [F("leaderIds", ada.ToString()), F("leaderIds", elsewhere.ToString()), .. Training("Steward training")])).Content.ReadAsStringAsync();
        partly.Should().Contain("Training “Steward training” recorded for one leader.").And.Contain("Not recorded for one leader: a leader not on this page: There is no leader")
            .And.Contain("value=\"Steward training\"").And.NotContain($"value=\"{ada}\" form=\"attendance\" checked");
        (await Trainings(ada)).Should().Be(2);
        (await Trainings(elsewhere, otherAdmin)).Should().Be(0);

        var none = await (await staff.PostFieldsAsync("/staff/leaders?q=Attended", "/staff/leaders?handler=trainings&q=Attended", [.. Training("Nobody came")])).Content.ReadAsStringAsync();
        var noTheme = await (await staff.PostFieldsAsync("/staff/leaders?q=Attended", "/staff/leaders?handler=trainings&q=Attended",
            [F("leaderIds", ada.ToString()), F("level", "1"), F("title", "No theme"), F("completedOn", today)])).Content.ReadAsStringAsync();
        noTheme.Should().Contain("Choose the training&#x27;s theme.").And.NotContain("has no theme");
        none.Should().Contain("Tick the leaders who completed the training.").And.Contain("<details id=\"attendance-form\" open=\"open\">").And.Contain("value=\"Nobody came\"");
        // A paused journey is refused for that leader alone; a date to come is said once for the whole form.
        var paused = await (await staff.PostFieldsAsync("/staff/leaders?q=Attended", "/staff/leaders?handler=trainings&q=Attended",
            [F("leaderIds", cy.ToString()), F("leaderIds", bea.ToString()), .. Training("Bargaining basics")])).Content.ReadAsStringAsync();
        paused.Should().Contain("Training “Bargaining basics” recorded for one leader.").And.Contain("Not recorded for one leader:").And.Contain("This leader is paused; reactivate them first.");
        (await Trainings(cy)).Should().Be(0);
        var future = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd");
        var later = await (await staff.PostFieldsAsync("/staff/leaders?q=Attended", "/staff/leaders?handler=trainings&q=Attended",
            [F("leaderIds", ada.ToString()), F("leaderIds", bea.ToString()), F("themeCode", "ADV.1"), F("level", "1"), F("title", "Next week"), F("completedOn", future)])).Content.ReadAsStringAsync();
        System.Text.RegularExpressions.Regex.Matches(later, "role=\"alert\"").Count.Should().Be(1);
        later.Should().NotContain("Not recorded for").And.NotContain("Training “Next week” recorded");
        (await Trainings(bea)).Should().Be(2);
        var badHours = await (await staff.PostFieldsAsync("/staff/leaders?q=Attended", "/staff/leaders?handler=trainings&q=Attended",
            [F("leaderIds", bea.ToString()), F("hours", "two"), .. Training("Odd hours")])).Content.ReadAsStringAsync();
        badHours.Should().Contain("Give the hours as a number").And.Contain($"value=\"{bea}\" form=\"attendance\" checked=\"checked\"");
        (await Trainings(bea)).Should().Be(2);

        // A leader on another framework: its themes are offered too, and a theme it lacks is said in words, not with its codes.
        var bps = (await _app.Services.GetRequiredService<LeaderJourney.Core.Frameworks.BrowseFrameworks.FrameworkCatalog>().CurrentEditionsAsync()).Single(f => f.Name.StartsWith("BPS"));
        var bo = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PT", displayName = "Bo Attended", email = $"{Guid.NewGuid():N}@example.org", frameworkId = bps.Id }), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        (await staff.GetAsync("/staff/leaders?q=Attended")).Should().Contain($"<optgroup label=\"{bps.Name}: ");
        var otherFramework = await (await staff.PostFieldsAsync("/staff/leaders?q=Attended", "/staff/leaders?handler=trainings&q=Attended",
            [F("leaderIds", bo.ToString()), F("leaderIds", ada.ToString()), .. Training("Power mapping")])).Content.ReadAsStringAsync();
        otherFramework.Should().Contain("Training “Power mapping” recorded for one leader.")
            .And.Contain($"Bo Attended: their framework ({bps.Name}) has no theme “Utilizes best practices in advocacy and political efforts”.")
            .And.NotContain("valid codes");
        (await Trainings(bo)).Should().Be(0);
    }

    [Fact]
    public async Task A_name_is_found_and_an_enrolment_of_it_again_is_seen_without_its_accents_its_case_or_its_hyphen()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PA");
        await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PA", displayName = "María-José ÑÚÑEZ", email = "maria.jose@example.org" }), HttpStatusCode.Created);
        await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PA", displayName = "Mario Jiménez", email = "mario@example.org" }), HttpStatusCode.Created);
        await _app.CaughtUpAsync();
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("pa.staff", ApiUsers.Password, Roles.AffiliateAdmin, "PA", null, null);
        var staff = new PageClient(_app);
        await staff.SignInAsync("pa.staff");

        // As typed on a keyboard without accents, or from a list that dropped them.
        foreach (var typed in new[] { "maria+jose", "MARIA-JOSE", "nunez", "Jos%C3%A9+%C3%B1%C3%BA%C3%B1ez" })
            (await staff.GetAsync($"/staff/leaders?q={typed}")).Should().Contain("Showing the one leader found.", typed).And.Contain("María-José ÑÚÑEZ");
        (await staff.GetAsync("/staff/leaders?q=jimenez")).Should().Contain("Mario Jiménez").And.NotContain("María-José");
        // So is a second enrolment of the name, typed without them: staff are asked whether it is someone else.
        (await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol", new() { ["displayName"] = "Maria Jose  Nunez", ["email"] = "mjn@example.org" })).Content.ReadAsStringAsync())
            .Should().Contain("Not enrolled yet: a leader of this name is already enrolled.").And.Contain("María-José ÑÚÑEZ</a>");
    }

    [Fact]
    public async Task Staff_see_how_many_page_through_search_filter_by_mentor_and_see_each_leaders_current_mentor()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PL");
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var mentorId = await directory.CreateUserAsync("pl.mentor.b", ApiUsers.Password, Roles.Mentor, "PL", null, null);
        var mentorA = await directory.CreateUserAsync("pl.mentor.a", ApiUsers.Password, Roles.Mentor, "PL", null, null);
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
        Regex.Matches(first, "<tr>|<tr id=\"row-").Count.Should().Be(51, "a header and 50 rows");
        (await staff.GetAsync("/staff/leaders?p=2")).Should().Contain("Showing 51 to 55 of 55 leaders.").And.Contain("Zed 100%_Unique");

        // Search is text, not a pattern: "%" and "_" match themselves.
        (await staff.GetAsync("/staff/leaders?q=100%25_")).Should().Contain("Showing the one leader found.").And.Contain("Zed 100%_Unique");
        (await staff.GetAsync("/staff/leaders?q=_")).Should().Contain("Showing the one leader found.");
        (await staff.GetAsync("/staff/leaders?localFilter=local+7")).Should().Contain("of 27 leaders.", "a local is one local however its case is typed")
            .And.Contain("<datalist id=\"locals\">").And.Contain("<option value=\"Local 7\"></option>");
        (await staff.GetAsync("/staff/leaders?localFilter=Local+7")).Should().Contain("of 27 leaders.")
            .And.Contain("href=\"/staff/leaders?q=&amp;localFilter=Local%207&amp;statusFilter=&amp;mentorFilter=&amp;stageFilter=&amp;progressFilter=&amp;sort=&amp;p=1&amp;handler=csv\"");
        // The download holds every leader the filters find, not only the page shown, sorted as the list is.
        var everyone = await staff.Http.GetAsync("/staff/leaders?p=2&handler=csv");
        everyone.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        everyone.Content.Headers.ContentDisposition!.FileName.Should().StartWith("leaders-PL-");
        (await everyone.Content.ReadAsByteArrayAsync()).Take(3).Should().Equal([0xEF, 0xBB, 0xBF], "UTF-8's mark, so a spreadsheet reads accents as written");
        // The file leaves the app: national admins see the download in the audit, once, for the list.
        var (national, _) = await _app.SignedInAsync(Roles.NationalAdmin);
        (await national.GetFromJsonAsync<JsonElement>("/api/audit/sensitive-reads?limit=1000")).EnumerateArray()
            .Count(r => r.GetProperty("what").GetString() == "leader-list-export" && r.GetProperty("affiliate").GetString() == "PL").Should().Be(1);
        var rows = (await everyone.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.TrimEnd('\r')).ToList();
        rows.Should().HaveCount(56);
        rows[0].Should().Be("Leader,Local,Status,Levels attained,Mentors");
        rows[1].Should().Be("Leader 01,Local 9,Active,0,");
        rows[^1].Should().Be("Zed 100%_Unique,,Active,0,pl.mentor.b");
        (await staff.Http.GetStringAsync("/staff/leaders?localFilter=Local+7&handler=csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(28);
        (await staff.GetAsync("/staff/leaders?mentorFilter=none")).Should().Contain("of 54 leaders.");
        // By stage, as the pipeline counts them: Zed attains a level, the others have none yet.
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{zed}/trainings", new { title = "Advocacy basics", themeCode = "ADV.1", level = 1, completedOn = "2025-03-01" }));
        var mentorB = await _app.SignInAsync("pl.mentor.b");
        await Ok(mentorB.PostAsJsonAsync($"/api/leaders/{zed}/sign-offs", new { themeCode = "ADV.1", level = 1 }));
        await _app.CaughtUpAsync();
        (await staff.GetAsync("/staff/leaders?stageFilter=1")).Should().Contain("Showing the one leader found.").And.Contain("Zed 100%_Unique")
            .And.Contain("<option value=\"1\" selected=\"selected\">Level 1</option>");
        (await staff.GetAsync("/staff/leaders?stageFilter=0")).Should().Contain("of 54 leaders.").And.NotContain("Zed 100%_Unique");
        (await staff.GetAsync("/staff/leaders?stageFilter=2")).Should().Contain("No leader matches.");
        var withMentor = await staff.GetAsync($"/staff/leaders?mentorFilter={mentorId}");
        withMentor.Should().Contain("Showing the one leader found.");

        // Zed's row names the mentor; its field is empty, as it adds a mentor rather than editing the one there.
        withMentor.Should().Contain("<td data-label=\"Mentors\">pl.mentor.b</td>");
        Regex.IsMatch(withMentor, $"id=\"mentor-{zed}\"[^>]*value=").Should().BeFalse("a field holding the current mentor read as an edit of them");
        // The mentors are listed once for every row's field, not once per row.
        Regex.Matches(first, "<option value=\"pl.mentor.a\">").Count.Should().Be(1, "one list of mentors however many rows");
        var assigned = await (await staff.PostAsync("/staff/leaders", $"/staff/leaders?handler=assign&mentorFilter={mentorId}", new() { ["leaderId"] = zed.ToString(), ["mentor"] = "pl.mentor.a" }))
            .Content.ReadAsStringAsync();
        assigned.Should().MatchRegex("Mentor assigned to [^:<]+: pl.mentor.a.").And.MatchRegex($"action=\"/staff/leaders\\?[^\"]*handler=assign#row-{zed}\"", "answered in the leader's row, where the page opens").And.Contain("<td data-label=\"Mentors\">pl.mentor.b, pl.mentor.a</td>", "the row shows the new mentor at once, as the message says");
        (await Ok(admin.GetAsync($"/api/leaders/{zed}"))).GetProperty("mentors").EnumerateArray().Should().HaveCount(2);
        (await (await staff.PostAsync("/staff/leaders", $"/staff/leaders?handler=assign&mentorFilter={mentorId}", new() { ["leaderId"] = zed.ToString(), ["mentor"] = "nobody.here" })).Content.ReadAsStringAsync())
            .Should().MatchRegex($"<tr id=\"row-{zed}\">[\\s\\S]*?&#x27;nobody.here&#x27; is not a mentor of PL.[\\s\\S]*?value=\"nobody.here\"", "the refusal is said in the row, with the name typed kept to mend");
        // The row's form keeps the list's filter, and a mentor may be typed by (part of) the name people know them by.
        var noMentor = await staff.GetAsync("/staff/leaders?mentorFilter=none");
        var actions = Regex.Matches(noMentor, "action=\"(/staff/leaders\\?[^\"]*handler=assign[^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        actions.Should().NotBeEmpty().And.OnlyContain(action => action.Contains("mentorFilter=none"), "the assign form posts back to the filtered list");
        await directory.ChangeUserAsync(CurrentUser.Operator, mentorA, null, null, name: "Maud Alvarez");
        var someone = Regex.Match(noMentor, "name=\"leaderId\" value=\"([0-9a-f-]{36})\"").Groups[1].Value;
        var byName = await (await staff.PostAsync("/staff/leaders?mentorFilter=none", $"/staff/leaders?mentorFilter=none&handler=assign",
            new() { ["leaderId"] = someone, ["mentor"] = "maud" })).Content.ReadAsStringAsync();
        byName.Should().MatchRegex("Mentor assigned (to [^:<]+)?: Maud Alvarez\\.", "who was picked is said").And.Contain("<option value=\"none\" selected=\"selected\">", "the list is still the leaders without a mentor");
        // Too short, or in several names, picks nobody.
        await directory.ChangeUserAsync(CurrentUser.Operator, mentorId, null, null, name: "Maude Brown");
        (await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=assign", new() { ["leaderId"] = someone, ["mentor"] = "mau" })).Content.ReadAsStringAsync())
            .Should().Contain("&#x27;mau&#x27; is in the names of several mentors: choose one from the list.");
        (await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=assign", new() { ["leaderId"] = someone, ["mentor"] = "al" })).Content.ReadAsStringAsync())
            .Should().Contain("&#x27;al&#x27; is not a mentor of PL.");
        (await Ok(admin.GetAsync($"/api/leaders/{someone}"))).GetProperty("mentors").EnumerateArray().Single().GetGuid().Should().Be(mentorA,
            "'maud' is in one mentor's name alone");
        withMentor.Should().NotContain("handler=erase", "erasure is on the leader's own page, for that leader alone");
        (await staff.GetAsync("/staff/leaders?sort=levels&p=9")).Should().Contain("Page 2 of 2").And.Contain("Showing 51 to 55 of 55 leaders.", "a page past the end shows the last one");
    }
}
