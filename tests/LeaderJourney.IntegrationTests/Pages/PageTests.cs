using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>The pages over HTTP (browser tests with Chromium come with the web app issue): sign-in, the leader's grid, the mentor's queue, the board's report.</summary>
public sealed class PageTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;

    public Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(Guid LeaderId, string LeaderUser, string MentorUser)> Leader()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var mentorUser = $"mentor-{Guid.NewGuid():N}"[..20];
        var mentorId = await directory.CreateUserAsync(mentorUser, ApiUsers.Password, Roles.Mentor, "PG", null, null);
        var id = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PG", displayName = "Grace Lee", email = "grace@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
        var leaderUser = $"leader-{Guid.NewGuid():N}"[..20];
        await directory.CreateUserAsync(leaderUser, ApiUsers.Password, Roles.Leader, "PG", id, null);
        return (id, leaderUser, mentorUser);
    }

    /// <summary>A staff member (affiliate admin) of <paramref name="affiliate"/> signed in on the pages, with their user name (another tab signs in with it).</summary>
    private async Task<(PageClient Staff, string Username)> StaffAsync(string affiliate)
    {
        await _app.EnsureAffiliateAsync(affiliate);
        var username = $"{affiliate.ToLowerInvariant()}.staff.{Guid.NewGuid():N}"[..24];
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(username, ApiUsers.Password, Roles.AffiliateAdmin, affiliate, null, null);
        var staff = new PageClient(_app);
        await staff.SignInAsync(username);
        return (staff, username);
    }

    [Fact]
    public async Task A_leaders_timeline_is_dated_by_when_things_happened_named_in_words_and_paged()
    {
        var (id, leaderUser, mentorUser) = await Leader();
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        foreach (var day in Enumerable.Range(1, 28))
            await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = $"Session {day}", themeCode = "ADV.1", level = 1, completedOn = $"2025-02-{day:00}" }));
        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);

        var first = await leader.GetAsync("/journey");
        first.Should().Contain($"{mentorUser} became a mentor").And.Contain("Page 1 of 2").And.Contain("href=\"/journey?t=2#timeline\"");
        first.Should().Contain("<time datetime=\"2025-02-28\">28 Feb 2025</time> Completed the training “Session 28” for Utilizes best practices in advocacy and political efforts, Level 1");
        System.Text.RegularExpressions.Regex.Matches(first, "<li><time ").Count.Should().Be(25);
        var older = await leader.GetAsync("/journey?t=2");
        older.Should().Contain("Session 1”").And.Contain("Page 2 of 2").And.NotContain("Session 28”");
        System.Text.RegularExpressions.Regex.Matches(older, "<li><time ").Count.Should().Be(5, "30 entries: enrolment, the mentor and 28 trainings");
    }

    [Fact]
    public async Task A_form_sent_again_as_it_was_is_recorded_once_and_one_changed_before_it_is_sent_again_is_a_write_of_its_own()
    {
        var (id, leaderUser, _) = await Leader();
        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        async Task<int> Trainings() => (await admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}/history")).EnumerateArray()
            .Count(e => e.GetProperty("type").GetString() == "leader.training-completed");

        (await leader.GetAsync("/journey/theme/ADV.1")).Should().MatchRegex("(?s)<form method=\"post\"[^>]*>.*?<input type=\"hidden\" name=\"formKey\" value=\"[0-9a-f]{32}\">",
            "every form that posts carries its key");
        const string action = "/journey/theme/ADV.1?handler=training";
        var form = new Dictionary<string, string> { ["title"] = "Advocacy basics", ["completedOn"] = DateTime.UtcNow.ToString("yyyy-MM-dd") };
        var first = await (await leader.PostAsync("/journey/theme/ADV.1", action, form)).Content.ReadAsStringAsync();
        first.Should().Contain("Training “Advocacy basics”");
        // A reload sends the form again, and two taps send it twice at once: one training, answered alike.
        var again = await leader.SendAgainAsync(action, form);
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        (await again.Content.ReadAsStringAsync()).Should().NotContain("role=\"alert\"");
        await Task.WhenAll(leader.SendAgainAsync(action, form), leader.SendAgainAsync(action, form));
        (await Trainings()).Should().Be(1);

        // Back, change the title, send: the same form key, but another training.
        form["title"] = "Advocacy, part two";
        (await leader.SendAgainAsync(action, form)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Trainings()).Should().Be(2);
        // The same training typed again in a fresh form is recorded again: that is the person's to decide.
        (await leader.PostAsync("/journey/theme/ADV.1", action, new() { ["title"] = "Advocacy basics", ["completedOn"] = DateTime.UtcNow.ToString("yyyy-MM-dd") }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        (await Trainings()).Should().Be(3);
    }

    [Fact]
    public async Task A_leader_asks_a_mentor_signs_off_in_the_queue_and_the_leaders_grid_shows_the_level()
    {
        var (_, leaderUser, mentorUser) = await Leader();
        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);
        var start = await leader.GetAsync("/journey");
        start.Should().Contain("<tr data-theme=\"ADV.1\">").And.Contain("class=\"level next\" data-level=\"1\">Next");
        // Nothing logged yet: besides "choose a theme", a place to start, the domain whose Level 1 lacks the fewest themes, with links to them.
        System.Text.RegularExpressions.Regex.IsMatch(start, "<p id=\"nearest\">[^<]+ reaches Level 1 once [0-9]+ more of its themes do:</p>\\s*<ul aria-labelledby=\"nearest\">\\s*<li><a href=\"/journey/theme/[A-Z]+\\.[0-9]+#next\">")
            .Should().BeTrue("the journey names where to start");

        var theme = await leader.GetAsync("/journey/theme/ADV.1");
        theme.Should().Contain("Level 1: Foundational").And.Contain("Learning considerations");
        // A code typed in lower case opens the theme's own address; a year typed short is caught; an address typed without https:// gets it.
        (await leader.Http.GetAsync("/journey/theme/adv.1")).Headers.Location!.ToString().Should().Be("/journey/theme/ADV.1");
        (await (await leader.PostAsync("/journey/theme/ADV.3", "/journey/theme/ADV.3?handler=training", new() { ["title"] = "Typed short", ["completedOn"] = "0202-05-01" })).Content.ReadAsStringAsync())
            .Should().Contain("0202-05-01 is long ago: check the year of the date.").And.Contain("value=\"Typed short\"");
        (await (await leader.PostAsync("/journey/theme/ADV.3", "/journey/theme/ADV.3?handler=evidence", new() { ["link"] = "example.org/my-talk" })).Content.ReadAsStringAsync())
            .Should().Contain("<a href=\"https://example.org/my-talk\" rel=\"noopener noreferrer nofollow\">https://example.org/my-talk</a>");
        // An installation without a mail server offers no choice of mails it never sends.
        (await leader.GetAsync("/account/mail")).Should().Contain("This LeaderJourney does not send e-mails yet: every notice is in your notifications.").And.NotContain("id=\"mail-on\"");
        (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=training",
            new() { ["title"] = "Advocacy basics", ["completedOn"] = DateTime.UtcNow.ToString("yyyy-MM-dd") })).StatusCode.Should().Be(HttpStatusCode.OK);
        // Hours a number field would never send (a hand-made request) are refused, not dropped; the form keeps what was typed.
        var unreadable = await (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=training",
            new() { ["title"] = "Unreadable hours", ["completedOn"] = DateTime.UtcNow.ToString("yyyy-MM-dd"), ["hours"] = "abc" })).Content.ReadAsStringAsync();
        unreadable.Should().Contain("Give the hours as a number").And.Contain("value=\"Unreadable hours\"").And.NotContain("Training “Unreadable hours”");
        // On a phone the answer opens at the form: the form's address ends in its section, where the refusal is said.
        unreadable.Should().Contain("action=\"/journey/theme/ADV.1?handler=training#training\"");
        unreadable.IndexOf("role=\"alert\"", StringComparison.Ordinal).Should().BeGreaterThan(unreadable.IndexOf("<h2 id=\"training\">", StringComparison.Ordinal));
        var evidenced = await (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=evidence",
            new() { ["note"] = "Ran the phone bank for the levy vote" })).Content.ReadAsStringAsync();
        evidenced.Should().Contain("<a href=\"#request\">Next: ask for a sign-off</a>", "logged, the way on is to ask")
            .And.Contain($"Your learning for Level 1 is logged: ask {mentorUser} to sign it off.");
        theme.Should().Contain($"Your mentor: {mentorUser}.").And.Contain("Nothing yet.").And.Contain("Nothing is logged at Level 1 yet");
        // Evidence alone is shown to the mentor but is not the rule's learning: the page says so before the leader asks.
        (await leader.PostAsync("/journey/theme/ADV.2", "/journey/theme/ADV.2?handler=evidence", new() { ["note"] = "Spoke at the school board" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await leader.GetAsync("/journey/theme/ADV.2")).Should().Contain("Evidence and self-assessments show your mentor what you did, but the level also needs a training at Level 1");
        (await leader.GetAsync("/journey/theme/ADV.1")).Should().NotContain("Evidence and self-assessments show", "a training at the level is logged there");
        theme.IndexOf("Add a training", StringComparison.Ordinal).Should().BeLessThan(theme.IndexOf("Ask for a sign-off", StringComparison.Ordinal), "learning comes before asking");
        // The journey's first lines say what the leader can do next: the level whose learning is logged.
        (await leader.GetAsync("/journey")).Should().Contain("You have attained no level yet, in any of the 33 themes.")
            .And.Contain("Your learning is logged; ask your mentor to sign off:")
            .And.Contain("<a href=\"/journey/theme/ADV.1#next\">Utilizes best practices in advocacy and political efforts, Level 1</a>");
        var requested = await (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=request", new())).Content.ReadAsStringAsync();
        requested.Should().Contain("Your sign-off request is in your mentor&#x27;s queue.", "the leader has one mentor").And.Contain("Level 1: <span class=\"typed-lines\">Training “Advocacy basics”", "what is logged is shown").And.Contain("Level 1: <span class=\"typed-lines\">Evidence: Ran the phone bank for the levy vote")
            .And.Contain("has waited since").And.Contain($"for {mentorUser}").And.NotContain("handler=request", "a request already waits");
        (await leader.GetAsync("/journey")).Should().Contain("Waiting for your mentor&#x27;s sign-off:")
            .And.Contain("<li><a href=\"/journey/theme/ADV.1\">Utilizes best practices in advocacy and political efforts, Level 1</a></li>")
            .And.NotContain("ask your mentor to sign off:");
        (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=assessment", new() { ["level"] = "1", ["note"] = "Ready, I think" })).StatusCode.Should().Be(HttpStatusCode.OK);
        // A request asked by mistake is taken back, and asked again.
        var withdrawn = await (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=withdrawRequest", new() { ["level"] = "1" })).Content.ReadAsStringAsync();
        withdrawn.Should().Contain("Your request is withdrawn: it is no longer in your mentor&#x27;s queue.").And.Contain("?handler=request#request");
        (await leader.GetAsync("/journey")).Should().Contain("The request for a sign-off of Utilizes best practices in advocacy and political efforts, Level 1 was withdrawn");
        await _app.CaughtUpAsync();
        (await (await _app.SignInAsync(mentorUser)).GetStringAsync("/api/mentor-queue")).Should().NotContain("ADV.1", "a withdrawn request leaves the mentor's queue");
        (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=request", new())).StatusCode.Should().Be(HttpStatusCode.OK);
        await _app.CaughtUpAsync();

        var mentor = new PageClient(_app);
        await mentor.SignInAsync(mentorUser);
        var queue = await mentor.GetAsync("/mentor/queue");
        queue.Should().Contain("<a href=\"/mentor/queue\">My queue <span class=\"badge count\">1<span class=\"visually-hidden\"> waiting for you</span></span></a>", "the menu counts what waits");
        queue.Should().Contain("Grace Lee: Utilizes best practices in advocacy and political efforts, Level 1").And.Contain("Advocacy basics").And.Contain("<li><span class=\"typed-lines\">Ran the phone bank for the levy vote</span></li>", "its line breaks kept")
            .And.Contain($"<li>The leader&#x27;s self-assessment, {DateTime.UtcNow:d MMM yyyy}: “Ready, I think”</li>", "the mentor reads what the leader thinks of their level")
            .And.NotContain(">Grace Lee: ADV.1", "the request names the theme by its title")
            .And.NotContain("class=\"caution\"", "a training at the level and one sign-off needed: the mentor's sign-off attains it");
        var leaderId = System.Text.RegularExpressions.Regex.Match(queue, "name=\"leaderId\" value=\"([^\"]+)\"").Groups[1].Value;
        var signOffForm = new Dictionary<string, string> { ["leaderId"] = leaderId, ["themeCode"] = "ADV.1", ["level"] = "1", ["text"] = "Well argued." };
        var signed = await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=signOff", signOffForm);
        var signedPage = await signed.Content.ReadAsStringAsync();
        signedPage.Should().Contain("Signed off Utilizes best practices in advocacy and political efforts, Level 1 for Grace Lee: the level is attained.")
            .And.Contain("?handler=undo");
        signedPage.Should().Contain("<a href=\"/mentor/queue\">My queue</a>", "the menu counts what the page lists, not the read model a moment behind");
        var version = System.Text.RegularExpressions.Regex.Match(signedPage, "name=\"version\" value=\"([0-9]+)\"").Groups[1].Value;

        (await leader.GetAsync("/journey")).Should().Contain("class=\"level attained\" data-level=\"1\">Attained")
            .And.Contain($"{mentorUser} signed off Utilizes best practices in advocacy and political efforts, Level 1: “Well argued.”", "the timeline says what the mentor wrote");
        (await leader.GetAsync("/journey/theme/ADV.1")).Should().Contain($"Level 1: <span class=\"typed-lines\">Signed off by {mentorUser}: “Well argued.”", "beside what the leader logged");

        // An undo from a form older than the sign-off (sent again, or left open) withdraws nothing.
        (await (await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=undo",
            new() { ["leaderId"] = leaderId, ["themeCode"] = "ADV.1", ["level"] = "1", ["version"] = (long.Parse(version) - 1).ToString() })).Content.ReadAsStringAsync())
            .Should().Contain("<p class=\"error\" role=\"alert\">").And.NotContain("Your sign-off of Utilizes best practices in advocacy and political efforts, Level 1 is withdrawn");
        // A wrong tap is undone at once: the sign-off and the level it attained go, and the request is back in the queue.
        var undone = await (await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=undo",
            new() { ["leaderId"] = leaderId, ["themeCode"] = "ADV.1", ["level"] = "1", ["version"] = version })).Content.ReadAsStringAsync();
        undone.Should().Contain("Your sign-off of Utilizes best practices in advocacy and political efforts, Level 1 is withdrawn, and the request is back in your queue.")
            .And.Contain(">Well argued.</textarea>", "what the mentor wrote is back in the box, to send again")
            .And.Contain("<h2 id=\"r-" + leaderId + "-ADV.1\">Grace Lee: Utilizes best practices in advocacy and political efforts, Level 1</h2>", "the queue shows it at once, as the message says");
        (await leader.GetAsync("/journey")).Should().Contain("The request for a sign-off of Utilizes best practices in advocacy and political efforts, Level 1 waits again")
            .And.NotContain($"{mentorUser} asked for a sign-off", "the mentor who undid the sign-off did not ask for it");
        await _app.CaughtUpAsync();
        var spanishMentor = new PageClient(_app);
        spanishMentor.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es");
        await spanishMentor.SignInAsync(mentorUser);
        (await spanishMentor.GetAsync("/mentor/queue")).Should().Contain("Grace Lee: <span lang=\"en\">Utilizes best practices in advocacy and political efforts</span>, Nivel 1</h2>",
            "the framework's English title inside a Spanish heading is marked as English");
        (await spanishMentor.GetAsync($"/mentor/mentees/{leaderId}")).Should().Contain("Deshecha por el mentor justo después de validar.")
            .And.NotContain("Undone by the mentor right after signing off.", "the undo's own reason is the code's, said in the reader's language");
        // The sign-off form sent again (a reload after the undo) records nothing, and says so: no outcome of today, no undo.
        var again = await (await mentor.SendAgainAsync("/mentor/queue?handler=signOff", signOffForm)).Content.ReadAsStringAsync();
        again.Should().Contain("This form was already sent: nothing more was recorded.").And.NotContain("the level is attained").And.NotContain("?handler=undo");
        // A request the leader withdraws while the mentor's queue is open is not signed off from that page: nothing is recorded, and it says why.
        (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=withdrawRequest", new() { ["level"] = "1" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var stale = await (await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=signOff", new(signOffForm) { ["text"] = "Signed from an old page." })).Content.ReadAsStringAsync();
        stale.Should().Contain("This request no longer waits: the leader withdrew it, or another mentor answered it. Nothing was recorded").And.NotContain("Signed off Utilizes")
            .And.Contain("It was Grace Lee&#x27;s request for Utilizes best practices in advocacy and political efforts, Level 1.", "its card is gone: the page says which it was")
            .And.Contain("<textarea id=\"refused-text\" readonly>Signed from an old page.</textarea>", "and hands back what was typed");
        (await leader.GetAsync("/journey/theme/ADV.1")).Should().NotContain("Signed from an old page.");
        (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=request", new())).StatusCode.Should().Be(HttpStatusCode.OK);
        (await leader.GetAsync("/journey")).Should().NotContain("class=\"level attained\" data-level=\"1\"");
        await _app.CaughtUpAsync();
        var card = $"r-{leaderId}-ADV.1";
        var back = await mentor.GetAsync("/mentor/queue");
        back.Should().Contain("Grace Lee: Utilizes best practices in advocacy and political efforts, Level 1")
            .And.Contain($"formaction=\"/mentor/queue?handler=decline#{card}\"", "the answer opens at the card the mentor was at");

        // A decline with an empty box is told why it needs a reason, in words a mentor reads (the box is also a sign-off's note, so not required).
        (await (await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=decline",
            new() { ["leaderId"] = leaderId, ["themeCode"] = "ADV.1", ["level"] = "1", ["text"] = " " })).Content.ReadAsStringAsync())
            .Should().Contain("Say why you decline: the leader reads it, to know what to do next.");
        // A refused decline is said in its own card, and what was typed stays in its box.
        var tooLong = "Not yet: " + new string('x', 4000);
        var refused = await (await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=decline",
            new() { ["leaderId"] = leaderId, ["themeCode"] = "ADV.1", ["level"] = "1", ["text"] = tooLong })).Content.ReadAsStringAsync();
        var inCard = refused[refused.IndexOf($"<h2 id=\"{card}\">", StringComparison.Ordinal)..];
        inCard.Should().Contain($"<p class=\"error\" role=\"alert\" id=\"err-{card}\">").And.Contain($"aria-describedby=\"err-{card}\">{tooLong}</textarea>");
        refused[..refused.IndexOf($"<h2 id=\"{card}\">", StringComparison.Ordinal)].Should().NotContain("role=\"alert\"", "the refusal is said once, in the card");

        // Declined with a reason: the leader's theme page says who declined and why, where they would ask again.
        (await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=decline",
            new() { ["leaderId"] = leaderId, ["themeCode"] = "ADV.1", ["level"] = "1", ["text"] = "Bring the phone bank notes next time" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await leader.GetAsync("/journey/theme/ADV.1")).Should().Contain($"{mentorUser} declined your last request for Level 1 on")
            .And.Contain("Bring the phone bank notes next time").And.Contain("handler=request")
            .And.Contain($"Your learning for Level 1 is logged: once you have done what the decline asks, ask {mentorUser} again.");
        // The journey's first lines say so too, leading to the reason, instead of offering to ask as if nothing had happened.
        var declinedSummary = await leader.GetAsync("/journey");
        declinedSummary.Should().Contain("Your mentor declined these requests; the theme&#x27;s page says why, and what to do before you ask again:")
            .And.Contain("<li><a href=\"/journey/theme/ADV.1#request\">Utilizes best practices in advocacy and political efforts, Level 1</a></li>");
        var whereYouAre = declinedSummary[declinedSummary.IndexOf("id=\"where-you-are\"", StringComparison.Ordinal)..];
        whereYouAre[..whereYouAre.IndexOf("</section>", StringComparison.Ordinal)].Should().NotContain("/journey/theme/ADV.1#next\">Utilizes", "not also among the levels to ask for");
        // A page opened before the decline, whose Withdraw is sent after it, says what happened meanwhile.
        (await (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=withdrawRequest", new() { ["level"] = "1" })).Content.ReadAsStringAsync())
            .Should().Contain("Your mentor declined this request meanwhile: their reason is below, under “Ask for a sign-off”.");
        (await (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=request", new())).Content.ReadAsStringAsync())
            .Should().Contain("has waited since").And.NotContain("declined your last request", "a new request moves on from the decline");
        // The reason stays among what was logged for the theme, where the notification of the decline leads (a timeline's first page loses it).
        (await leader.GetAsync("/journey/theme/ADV.1")).Should().Contain($"Level 1: <span class=\"typed-lines\">{mentorUser} declined your request for a sign-off: “Bring the phone bank notes next time”");
        await _app.CaughtUpAsync();
        await Waiting.Until(async () => (await leader.GetAsync("/notifications")).Contains("was declined."), "the decline's notification");
        (await leader.GetAsync("/notifications")).Should().Contain("<a href=\"/journey/theme/ADV.1#logged\">Why, on the theme&#x27;s page</a>");
    }

    [Fact]
    public async Task A_mentor_opens_a_mentees_progress_and_timeline_from_their_list_and_no_other_leaders()
    {
        var (id, _, mentorUser) = await Leader();
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Advocacy basics", themeCode = "ADV.1", level = 1, completedOn = "2025-03-01" }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        // The list reads the mentor-queue read model, which the daemon keeps a moment after the write: waited for, not raced.
        await _app.CaughtUpAsync();
        var mentor = new PageClient(_app);
        await mentor.SignInAsync(mentorUser);

        (await mentor.GetAsync("/mentor/mentees")).Should().Contain($"<a href=\"/mentor/mentees/{id}\">Grace Lee</a>")
            .And.Contain("<td data-label=\"In your queue\"><a href=\"/mentor/queue\">One sign-off request</a></td>", "who needs the mentor, at a glance");
        (await mentor.GetAsync("/mentor/mentees")).Should().NotContain("id=\"q\"", "a list this short needs no search");
        (await mentor.GetAsync("/mentor/mentees?q=grace")).Should().Contain("Showing 1 of your 1 mentees.").And.Contain(">Grace Lee</a>");
        (await mentor.GetAsync("/mentor/mentees?q=nobody")).Should().Contain("None of your mentees matches.").And.NotContain(">Grace Lee</a>");
        (await mentor.GetAsync("/mentor/mentees?q=GR%C3%81CE-lee")).Should().Contain(">Grace Lee</a>", "accents, case and a hyphen aside, as the staff's search");
        var mentee = await mentor.GetAsync($"/mentor/mentees/{id}");
        mentee.Should().Contain("<h1>Grace Lee</h1>").And.Contain("One sign-off request of theirs waits in your queue.")
            .And.Contain("<tr data-theme=\"ADV.1\">").And.Contain("class=\"level pending\" data-level=\"1\">Sign-off pending")
            .And.Contain("Completed the training “Advocacy basics”")
            .And.Contain("<a href=\"#timeline\">Timeline</a>", "on a phone the timeline is ten screens below the grid: a link leads there")
            .And.NotContain("href=\"/journey/theme/", "the leader's own theme pages are not the mentor's");
        // The form starts at the one request waiting; a theme's title in the grid starts it at that theme, at the level worked towards.
        mentee.Should().Contain("<details id=\"assess\">").And.Contain("<option value=\"ADV.1\" selected=\"selected\">")
            .And.Contain($"<a href=\"/mentor/mentees/{id}?theme=COM.2#assess\">");
        var (national, _) = await _app.SignedInAsync(Roles.NationalAdmin);
        (await Ok(national.GetAsync($"/api/audit/sensitive-reads?leaderId={id}"))).EnumerateArray().Select(r => r.GetProperty("what").GetString())
            .Should().Equal(["leader-record"], "the mentor's read of the record is audited as staff's are");
        (await mentor.GetAsync($"/mentor/mentees/{id}?theme=COM.2")).Should().Contain("<details id=\"assess\" open=\"open\">")
            .And.Contain("<option value=\"COM.2\" selected=\"selected\">").And.Contain("<option value=\"1\" selected=\"selected\">Level 1</option>")
            .And.NotContain("<option value=\"ADV.1\" selected=\"selected\">");

        // A leader of the same affiliate not assigned to this mentor answers as a missing one.
        var (other, _, _) = await Leader();
        (await mentor.Http.GetAsync($"/mentor/mentees/{other}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_mentor_records_their_assessment_of_a_mentee_and_signs_the_level_off_from_the_mentees_page_told_whether_it_is_attained()
    {
        var (id, _, mentorUser) = await Leader();
        var mentor = new PageClient(_app);
        await mentor.SignInAsync(mentorUser);
        var page = $"/mentor/mentees/{id}";
        var action = $"{page}?handler=assess";
        var theme = "Utilizes best practices in advocacy and political efforts";

        (await mentor.GetAsync(page)).Should().Contain("<option value=\"\" selected>Choose a theme</option>", "with no request waiting the mentor chooses; the first theme is not taken by leaving the list as it was");
        var attained = await (await mentor.PostAsync(page, action, new() { ["themeCode"] = "ADV.1", ["level"] = "1", ["note"] = "Ran the phone bank well", ["signOff"] = "true" }))
            .Content.ReadAsStringAsync();
        attained.Should().Contain($"Your assessment of {theme}, Level 1 is recorded. Signed off {theme}, Level 1 for Grace Lee: the level is attained.");
        attained.Should().Contain("Mentor&#x27;s assessment of").And.Contain("class=\"level attained\" data-level=\"1\"");

        // A theme chosen from the list is assessed at its next level unless a level is chosen (the list started at Level 1, so Level 1 held was assessed again).
        attained.Should().Contain("<option value=\"\" selected=\"selected\">The next level</option>");
        (await (await mentor.PostAsync(page, action, new() { ["themeCode"] = "ADV.1", ["level"] = "", ["note"] = "Now leads the phone bank" })).Content.ReadAsStringAsync())
            .Should().Contain($"Your assessment of {theme}, Level 2 is recorded.");

        // Level 3 before Level 2: the assessment and the sign-off stand, and the page says what the level still lacks.
        var early = await (await mentor.PostAsync(page, action, new() { ["themeCode"] = "ADV.1", ["level"] = "3", ["signOff"] = "true" })).Content.ReadAsStringAsync();
        early.Should().Contain($"Signed off {theme}, Level 3 for Grace Lee. The level is not attained yet. Level 2 is not attained yet, and this level follows it.");
        (await (await mentor.PostAsync(page, action, new() { ["themeCode"] = "COM.2", ["level"] = "3", ["signOff"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain("The level is not attained yet. Levels 1 and 2 are not attained yet, and this level follows them.", "every level missing is named")
            .And.MatchRegex("<tr data-theme=\"COM.2\">[\\s\\S]*?class=\"level signed\" data-level=\"3\">Signed off, not attained yet", "the grid shows a sign-off on a level ahead (it was blank)");

        // Without the box ticked only the assessment is recorded.
        (await (await mentor.PostAsync(page, action, new() { ["themeCode"] = "COM.1", ["level"] = "1" })).Content.ReadAsStringAsync())
            .Should().Contain("Your assessment of").And.NotContain("Level 1 for Grace Lee");
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        var progress = await Ok(admin.GetAsync($"/api/leaders/{id}/progress"));
        progress.GetProperty("themes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "COM.1").GetProperty("level").GetInt32().Should().Be(0);

        // "The next level" of a theme whose every level is attained names none: refused, nothing recorded, the note kept.
        foreach (var level in new[] { "1", "2", "3" })
            await mentor.PostAsync(page, action, new() { ["themeCode"] = "GOV.2", ["level"] = level, ["signOff"] = "true" });
        var complete = await (await mentor.PostAsync(page, action, new() { ["themeCode"] = "GOV.2", ["level"] = "", ["note"] = "Chairs the council" })).Content.ReadAsStringAsync();
        complete.Should().MatchRegex("<p class=\"error\" role=\"alert\">Every level of [^<]+ is attained: choose the level it is for.</p>").And.Contain(">Chairs the council</textarea>");

        // A level the framework does not have is refused in words, and the form keeps what was chosen.
        var refused = await (await mentor.PostAsync(page, action, new() { ["themeCode"] = "COM.1", ["level"] = "7", ["note"] = "Kept note", ["signOff"] = "true" })).Content.ReadAsStringAsync();
        refused.Should().Contain("class=\"error\" role=\"alert\"").And.Contain("<option value=\"COM.1\" selected=\"selected\">").And.Contain(">Kept note</textarea>");

        // A leader not assigned to this mentor answers as a missing one, and nothing is recorded for them.
        var (other, _, _) = await Leader();
        var versionBefore = (await Ok(admin.GetAsync($"/api/leaders/{other}"))).GetProperty("version").GetInt64();
        var html = await mentor.GetAsync(page);
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        (await mentor.Http.PostAsync($"/mentor/mentees/{other}?handler=assess", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["themeCode"] = "ADV.1", ["level"] = "1", ["signOff"] = "true", ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token) }))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var notAssigned = await mentor.Http.PostAsync($"/mentor/mentees/{other}?handler=assess", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["themeCode"] = "ADV.1", ["level"] = "1", ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token) }));
        (await notAssigned.Content.ReadAsStringAsync()).Should().Contain("<h1>This form could not be sent</h1>", "a form refused so is said as the form's, not as an address mistyped")
            .And.Contain($"<a href=\"/mentor/mentees/{other}\">Back to the page</a>");
        (await Ok(admin.GetAsync($"/api/leaders/{other}"))).GetProperty("version").GetInt64().Should().Be(versionBefore);

        // A paused journey records nothing: the page offers no form that could only be refused.
        await Ok(admin.PutAsJsonAsync($"/api/leaders/{id}/status", new { status = "paused" }));
        (await mentor.GetAsync(page)).Should().Contain("Nothing can be recorded for this leader until staff make their journey active again.").And.NotContain("handler=assess");
    }

    [Fact]
    public async Task A_leader_keeps_a_record_of_the_levels_they_hold_and_the_trainings_they_completed()
    {
        var (id, leaderUser, mentorUser) = await Leader();
        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);
        (await leader.GetAsync("/journey")).Should().Contain("<a href=\"/journey/record\">Your record of learning</a>");
        (await leader.GetAsync("/journey/record")).Should().Contain("No level attained yet.").And.Contain("None recorded yet.");

        await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=training", new() { ["title"] = "Advocacy basics", ["completedOn"] = "2025-03-01", ["hours"] = "2.5" });
        var mentor = new PageClient(_app);
        await mentor.SignInAsync(mentorUser);
        await mentor.PostAsync($"/mentor/mentees/{id}", $"/mentor/mentees/{id}?handler=assess", new() { ["themeCode"] = "ADV.1", ["level"] = "1", ["signOff"] = "true" });

        var record = await leader.GetAsync("/journey/record");
        var today = LeaderJourney.Web.Pages.Dates.Long(DateOnly.FromDateTime(DateTime.UtcNow));
        record.Should().Contain("1 level attained, in 1 of the 33 themes.")
            .And.Contain("Utilizes best practices in advocacy and political efforts").And.Contain($">{today}</time>").And.Contain($"<td data-label=\"Signed off by\">{mentorUser}</td>")
            .And.Contain("<td data-label=\"Training\">Advocacy basics</td>").And.Contain(">1 March 2025</time>").And.Contain("<td data-label=\"Hours\">2.5</td>");
        // Two mentors sign off another theme before its learning is logged; the first one's sign-off is withdrawn after the
        // level is attained: the level stands on the second's, and the record names the second alone.
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        var second = $"mentor-{Guid.NewGuid():N}"[..20];
        var secondId = await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(second, ApiUsers.Password, Roles.Mentor, "PG", null, null);
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = secondId }));
        await Ok((await _app.SignInAsync(mentorUser)).PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "COM.1", level = 1 }));
        await Ok((await _app.SignInAsync(second)).PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "COM.1", level = 1 }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Messaging basics", themeCode = "COM.1", level = 1, completedOn = "2025-04-01" }));
        var firstId = (await _app.Services.GetRequiredService<AccessDirectory>().MentorsAsync("PG")).GetValueOrDefault(mentorUser);
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/sign-off-revocations", new { themeCode = "COM.1", level = 1, mentorUserId = firstId, reason = "Signed by mistake" }));
        var after = await leader.GetAsync("/journey/record");
        var com1 = System.Text.Encodings.Web.HtmlEncoder.Default.Encode((await _app.Services.GetRequiredService<LeaderJourney.Core.Frameworks.BrowseFrameworks.FrameworkWords>().LoadAsync(default)).Of("COM.1"));
        var communication = after[after.IndexOf(">" + com1, StringComparison.Ordinal)..];
        after.Should().Contain("2 levels attained, in 2 of the 33 themes.");
        communication[..communication.IndexOf("</tr>", StringComparison.Ordinal)].Should().Contain($"<td data-label=\"Signed off by\">{second}</td>");
        (await new PageClient(_app).Http.GetAsync("/journey/record")).StatusCode.Should().Be(HttpStatusCode.Redirect, "to sign in first");
        (await mentor.Http.GetAsync("/journey/record")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "a leader's own page");
    }

    [Fact]
    public async Task A_paused_leaders_journey_says_it_is_paused_instead_of_steps_that_would_be_refused()
    {
        var (id, leaderUser, _) = await Leader();
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Advocacy basics", themeCode = "ADV.1", level = 1, completedOn = "2025-03-01" }));
        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);
        (await leader.GetAsync("/journey")).Should().Contain("ask your mentor to sign off:");
        await Ok(admin.PutAsJsonAsync($"/api/leaders/{id}/status", new { status = "paused" }));
        (await leader.GetAsync("/journey")).Should().Contain("Your journey is paused: nothing is recorded or signed off until staff make it active again.")
            .And.NotContain("ask your mentor to sign off:").And.NotContain("Next: choose a theme");
        // A theme's page says so too, and offers no form to log learning or ask for a sign-off: each would be refused with words meant for staff.
        var theme = await leader.GetAsync("/journey/theme/ADV.1");
        theme.Should().Contain("Your journey is paused: nothing is recorded or signed off until staff make it active again.")
            .And.Contain("Training “Advocacy basics”", "what was logged stays in view").And.NotContain("handler=training").And.NotContain("handler=request").And.NotContain("handler=assessment")
            .And.NotContain("You have attained every level of this theme.");

        // Staff withdraw the paused leader directly, without making them active first.
        var (staff, _) = await StaffAsync("PG");
        var withdrawn = await (await staff.PostAsync($"/staff/leaders/{id}", $"/staff/leaders/{id}?handler=status", new() { ["status"] = "withdrawn", ["reason"] = "Not coming back" }))
            .Content.ReadAsStringAsync();
        withdrawn.Should().NotContain("class=\"error\"");
        (await Ok(admin.GetAsync($"/api/leaders/{id}"))).GetProperty("status").GetString().Should().Be("withdrawn");
        (await leader.GetAsync("/journey/theme/ADV.1")).Should().Contain("You have left the programme: nothing is recorded or signed off unless staff make your journey active again.");
    }

    [Fact]
    public async Task A_mentor_withdraws_a_mistaken_sign_off_from_the_mentees_page_and_staff_withdraw_any_mentors_from_the_record()
    {
        var (id, _, mentorUser) = await Leader();
        var mentor = new PageClient(_app);
        await mentor.SignInAsync(mentorUser);
        var page = $"/mentor/mentees/{id}";
        var theme = "Utilizes best practices in advocacy and political efforts";
        await mentor.PostAsync(page, $"{page}?handler=assess", new() { ["themeCode"] = "ADV.1", ["level"] = "1", ["signOff"] = "true" });
        (await mentor.GetAsync(page)).Should().Contain("Your sign-offs").And.Contain($"{theme}, Level 1");
        await _app.CaughtUpAsync();
        (await mentor.GetAsync("/mentor/queue")).Should().Contain($"href=\"/mentor/mentees/{id}#sign-offs\">Grace Lee</a>:").And.Contain($"you signed off {theme}, Level 1.");

        var unexplained = await (await mentor.PostAsync(page, $"{page}?handler=withdraw", new() { ["themeCode"] = "ADV.1", ["level"] = "1", ["reason"] = " " }))
            .Content.ReadAsStringAsync();
        unexplained.Should().Contain("class=\"error\" role=\"alert\"").And.Contain("Your sign-offs", "nothing was withdrawn without a reason");

        var withdrawn = await (await mentor.PostAsync(page, $"{page}?handler=withdraw", new() { ["themeCode"] = "ADV.1", ["level"] = "1", ["reason"] = "Tapped the wrong level" }))
            .Content.ReadAsStringAsync();
        withdrawn.Should().Contain($"Your sign-off of {theme}, Level 1 is withdrawn. {theme}, Level 1 is no longer attained, nor any level above it.");
        withdrawn.Should().NotContain("Your sign-offs").And.NotContain("class=\"level attained\" data-level=\"1\"");
        await _app.CaughtUpAsync();
        (await mentor.GetAsync("/mentor/queue")).Should().NotContain("you signed off", "a sign-off withdrawn is not among the answers that stand");

        // Staff withdraw a mentor's sign-off from the leader's record, naming the mentor.
        await mentor.PostAsync(page, $"{page}?handler=assess", new() { ["themeCode"] = "ADV.1", ["level"] = "1", ["signOff"] = "true" });
        var (staff, _) = await StaffAsync("PG");
        var record = $"/staff/leaders/{id}";
        var html = await staff.GetAsync(record);
        html.Should().Contain("Sign-offs given").And.Contain(mentorUser);
        var mentorId = System.Text.RegularExpressions.Regex.Match(html, "name=\"mentorUserId\" value=\"([0-9a-f-]{36})\"").Groups[1].Value;
        var byStaff = await (await staff.PostAsync(record, $"{record}?handler=withdraw",
            new() { ["themeCode"] = "ADV.1", ["level"] = "1", ["mentorUserId"] = mentorId, ["reason"] = "Signed before the workshop took place" })).Content.ReadAsStringAsync();
        byStaff.Should().Contain($"The sign-off of {theme}, Level 1 by {mentorUser} is withdrawn.");

        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        var history = (await Ok(admin.GetAsync($"/api/leaders/{id}/history"))).EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "leader.sign-off-revoked").Select(e => e.GetProperty("data").GetProperty("reason").GetString());
        history.Should().Equal("Tapped the wrong level", "Signed before the workshop took place");
    }

    [Fact]
    public async Task A_mentor_withdraws_their_decline_from_the_mentees_page_while_it_is_the_last_word_on_its_level()
    {
        var (id, leaderUser, mentorUser) = await Leader();
        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);
        await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=request", new());
        var mentor = new PageClient(_app);
        await mentor.SignInAsync(mentorUser);
        await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=decline", new() { ["leaderId"] = id.ToString(), ["themeCode"] = "ADV.1", ["level"] = "1", ["text"] = "Meant-for-the-sign-off" });
        var theme = "Utilizes best practices in advocacy and political efforts";
        (await leader.GetAsync("/journey/theme/ADV.1")).Should().Contain("Meant-for-the-sign-off", "the leader reads the decline's reason");

        // The day after, the queue's undo is gone; the mentee's page lists the decline with what the mentor wrote.
        var page = $"/mentor/mentees/{id}";
        var listed = await mentor.GetAsync(page);
        listed.Should().Contain("<a href=\"#declines\">Your declines</a>").And.Contain($"{theme}, Level 1")
            .And.Contain("You wrote: “Meant-for-the-sign-off”").And.Contain("?handler=withdrawDecline");
        var first = System.Text.RegularExpressions.Regex.Match(listed, "name=\"version\" value=\"([0-9]+)\"").Groups[1].Value;
        // A form left open while the leader asked again and the mentor declined again withdraws nothing: it named the first decline.
        await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=request", new());
        await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=decline", new() { ["leaderId"] = id.ToString(), ["themeCode"] = "ADV.1", ["level"] = "1", ["text"] = "Still-not-yet" });
        var stale = await (await mentor.PostAsync(page, $"{page}?handler=withdrawDecline", new() { ["themeCode"] = "ADV.1", ["level"] = "1", ["version"] = first })).Content.ReadAsStringAsync();
        stale.Should().Contain("This decline can no longer be withdrawn").And.Contain("You wrote: “Still-not-yet”");
        var second = System.Text.RegularExpressions.Regex.Match(stale, "name=\"version\" value=\"([0-9]+)\"").Groups[1].Value;
        second.Should().NotBe(first);
        var withdrawn = await (await mentor.PostAsync(page, $"{page}?handler=withdrawDecline", new() { ["themeCode"] = "ADV.1", ["level"] = "1", ["version"] = second })).Content.ReadAsStringAsync();
        withdrawn.Should().Contain($"Your decline of {theme}, Level 1 is withdrawn: the request waits for a sign-off again, in your queue.")
            .And.NotContain("id=\"declines\"");
        (await leader.GetAsync("/journey/theme/ADV.1")).Should().NotContain("Still-not-yet", "a withdrawn decline is shown without its words")
            .And.Contain("declined your request for a sign-off, then withdrew the decline").And.Contain("Meant-for-the-sign-off", "the first decline stands");
        await _app.CaughtUpAsync();
        (await mentor.GetAsync("/mentor/queue")).Should().Contain($"<h2 id=\"r-{id}-ADV.1\">Grace Lee: ");
        // Sent again (another tab), it is refused in words: the request waits, and there is no decline to withdraw.
        var again = await (await mentor.PostAsync(page, $"{page}?handler=withdrawDecline", new() { ["themeCode"] = "ADV.1", ["level"] = "1", ["version"] = second })).Content.ReadAsStringAsync();
        again.Should().Contain("This decline can no longer be withdrawn");

        // Under the queue, the mentor's answers that stand, each leading to the mentee's page: the first decline, not the one withdrawn.
        await _app.CaughtUpAsync();
        var queue = await mentor.GetAsync("/mentor/queue");
        queue.Should().Contain("Your answers of the last 14 days").And.Contain($"href=\"/mentor/mentees/{id}#declines\"");
        System.Text.RegularExpressions.Regex.Matches(queue, "you declined the request for").Count.Should().Be(1, "the withdrawn decline is not among them");
    }

    [Fact]
    public async Task A_mentor_withdraws_an_assessment_recorded_by_mistake_from_the_mentees_page_and_staff_one_from_the_record()
    {
        var (id, leaderUser, mentorUser) = await Leader();
        var mentor = new PageClient(_app);
        await mentor.SignInAsync(mentorUser);
        var page = $"/mentor/mentees/{id}";
        var theme = "Utilizes best practices in advocacy and political efforts";
        (await (await mentor.PostAsync(page, $"{page}?handler=assess", new() { ["themeCode"] = "ADV.1", ["level"] = "1", ["note"] = "One-tap-too-many", ["signOff"] = "true" }))
            .Content.ReadAsStringAsync()).Should().Contain("<a href=\"#assessments\">Your assessments</a>").And.Contain("You wrote: “One-tap-too-many”")
            .And.Contain("?handler=withdrawAssessment");
        var listed = await mentor.GetAsync(page);
        var assessmentId = System.Text.RegularExpressions.Regex.Match(listed, "name=\"assessmentId\" value=\"([0-9a-f-]{36})\"").Groups[1].Value;

        listed.Should().Contain("<label for=\"assessment-reason-" + assessmentId + "\">Why it is withdrawn (the leader sees it)</label>", "folded with its reason: one tap withdraws nothing")
            .And.Contain("The leader&#x27;s Level 1 of this theme stands on it: withdrawing it takes that level back.", "said before the mentor withdraws it");
        var withdrawn = await (await mentor.PostAsync(page, $"{page}?handler=withdrawAssessment", new() { ["assessmentId"] = assessmentId, ["reason"] = "Tapped-by-mistake" })).Content.ReadAsStringAsync();
        withdrawn.Should().Contain($"Your assessment of {theme}, Level 1 is withdrawn, and the level it stood on is taken back.").And.NotContain("id=\"assessments\"");
        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);
        (await leader.GetAsync("/journey")).Should().Contain($"Your mentor {mentorUser} opened your record</li>", "the leader reads who opened their record, by role and a mentor by name")
            .And.NotContain("Nobody but you has opened your record yet.");
        (await leader.GetAsync("/journey")).Should().Contain($"An assessment of {theme}, Level 1 was withdrawn (recorded by mistake): Tapped-by-mistake")
            .And.Contain($"{theme}, Level 1 was revoked: Tapped-by-mistake");
        (await leader.GetAsync("/journey/theme/ADV.1")).Should().NotContain("One-tap-too-many", "a withdrawn assessment is no longer shown beside the theme");
        (await (await mentor.PostAsync(page, $"{page}?handler=withdrawAssessment", new() { ["assessmentId"] = assessmentId })).Content.ReadAsStringAsync())
            .Should().Contain("This assessment is already withdrawn.", "sent again from another tab");

        // Staff withdraw one from the leader's record, as they do a training.
        await mentor.PostAsync(page, $"{page}?handler=assess", new() { ["themeCode"] = "ADV.1", ["level"] = "2", ["note"] = "Wrong-level" });
        var (staff, _) = await StaffAsync("PG");
        var record = $"/staff/leaders/{id}";
        var html = await staff.GetAsync(record);
        html.Should().Contain("Trainings, assessments and evidence recorded (1)").And.Contain("Mentor&#x27;s assessment").And.Contain("Withdraw this assessment")
            .And.Contain(" · Wrong-level</span></summary>", "its note tells two of a day apart");
        var recordedId = System.Text.RegularExpressions.Regex.Match(html, "name=\"recordedId\" value=\"([0-9a-f-]{36})\"").Groups[1].Value;
        (await (await staff.PostAsync(record, $"{record}?handler=withdrawLearning", new() { ["recordedId"] = recordedId, ["kind"] = "assessment", ["reason"] = "Meant for Level 1" }))
            .Content.ReadAsStringAsync()).Should().Contain($"The assessment of {theme}, Level 2 is withdrawn: it no longer counts.");
        (await mentor.GetAsync(page)).Should().NotContain("You wrote: “Wrong-level”", "no longer among the mentor's assessments that stand")
            .And.Contain($"An assessment of {theme}, Level 2 was withdrawn (recorded by mistake): Meant for Level 1", "the timeline keeps it, with staff's reason");
    }

    [Fact]
    public async Task Staff_give_a_leader_a_sign_in_from_their_record_and_the_leader_signs_in_with_it()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        var id = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PG", displayName = "Fannie Lou Hamer", email = "fannie@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var (staff, _) = await StaffAsync("PG");
        var record = $"/staff/leaders/{id}";
        (await staff.GetAsync(record)).Should().Contain("Fannie Lou Hamer has no sign-in yet.").And.Contain("?handler=signIn");

        // Staff recorded her answers on her word before she had a sign-in.
        await Ok(admin.PutAsJsonAsync($"/api/leaders/{id}/demographics", new { raceEthnicity = new[] { "Black" }, consent = true }));
        // A user name refused keeps what was typed. No password for staff to choose: a link with which the leader chooses their own.
        var refused = await (await staff.PostAsync(record, $"{record}?handler=signIn", new() { ["username"] = "no" })).Content.ReadAsStringAsync();
        refused.Should().Contain("<p class=\"error\" role=\"alert\">").And.Contain("value=\"no\"").And.NotContain("type=\"password\"");
        // Said beside the form, where the page opens (far down a phone's page), not at the top.
        refused.IndexOf("role=\"alert\"", StringComparison.Ordinal).Should().BeGreaterThan(refused.IndexOf("<h2 id=\"sign-in\">", StringComparison.Ordinal));
        refused.Should().Contain($"action=\"{record}?handler=signIn#sign-in\"");
        var given = await (await staff.PostAsync(record, $"{record}?handler=signIn", new() { ["username"] = "fannie.hamer" })).Content.ReadAsStringAsync();
        given.Should().Contain("The leader can now sign in as fannie.hamer.").And.Contain("Fannie Lou Hamer signs in as fannie.hamer.").And.NotContain("?handler=signIn")
            .And.MatchRegex("<h2 id=\"sign-in\">Sign-in</h2>\\s*<p class=\"notice\" role=\"status\">The leader can now sign in as fannie.hamer.</p>")
            .And.Contain("A password link for fannie.hamer.");
        var link = System.Text.RegularExpressions.Regex.Match(given, "id=\"password-link\" class=\"whole\" type=\"text\" readonly value=\"([^\"]+)\"").Groups[1].Value;

        // The sign-in's first link withdraws nothing (the leader gave nothing through it yet) and warns of nothing.
        var leader = new PageClient(_app);
        var reset = new Uri(link).PathAndQuery;
        (await leader.GetAsync(reset)).Should().Contain("For the sign-in fannie.hamer.").And.NotContain("Staff made this link.");
        var chosen = await leader.PostAsync(reset, reset, new() { ["newPassword"] = "fannie's own password", ["repeatPassword"] = "fannie's own password" });
        chosen.StatusCode.Should().Be(HttpStatusCode.Redirect);
        await leader.SignInAsync("fannie.hamer", "fannie's own password");
        (await leader.GetAsync("/journey")).Should().Contain("Fannie Lou Hamer: where you stand on every competency theme");
        var own = await _app.SignInAsync("fannie.hamer", "fannie's own password");
        (await Ok(own.GetAsync($"/api/leaders/{id}/demographics"))).GetProperty("consent").GetBoolean().Should().BeTrue("what staff recorded on her word stays");

        // On the users page her sign-in is named by her and leads to her record; staff disable it there (a leader who left, a lost phone) and enable it again.
        var users = await staff.GetAsync("/admin/users");
        users.Should().Contain($"<a href=\"/staff/leaders/{id}\">the sign-in of Fannie Lou Hamer</a>");
        var fannieUser = System.Text.RegularExpressions.Regex.Match(users, @"name=""userId"" value=""([0-9a-f-]{36})"">\s*<p>fannie\.hamer can no longer sign in").Groups[1].Value;
        fannieUser.Should().NotBeEmpty("her row offers to disable the sign-in, asked again");
        var disabled = await (await staff.PostAsync("/admin/users", "/admin/users?handler=change", new() { ["userId"] = fannieUser, ["disabled"] = "true" })).Content.ReadAsStringAsync();
        disabled.Should().Contain("Disabled fannie.hamer: they can no longer sign in").And.Contain("aria-label=\"Enable fannie.hamer\"");
        // Said in her row, where the page lands (the row's forms go back to it): on a phone the top of a long list is out of sight.
        disabled[disabled.IndexOf($"<tr id=\"u-{fannieUser}\">", StringComparison.Ordinal)..].Should().Contain("Disabled fannie.hamer");
        disabled[..disabled.IndexOf($"<tr id=\"u-{fannieUser}\">", StringComparison.Ordinal)].Should().NotContain("Disabled fannie.hamer");
        disabled.Should().Contain($"action=\"/admin/users?handler=change#u-{fannieUser}\"");
        (await _app.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "fannie.hamer", password = "fannie's own password" })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        // From a search, the answer keeps the list as it was searched.
        (await staff.GetAsync("/admin/users?q=fannie")).Should().Contain($"action=\"/admin/users?q=fannie&amp;handler=change#u-{fannieUser}\"");
        (await (await staff.PostAsync("/admin/users", "/admin/users?q=fannie&handler=change", new() { ["userId"] = fannieUser, ["disabled"] = "false" })).Content.ReadAsStringAsync())
            .Should().Contain("Enabled fannie.hamer: they can sign in again.");
        (await _app.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "fannie.hamer", password = "fannie's own password" })).StatusCode.Should().Be(HttpStatusCode.OK);

        // A name typed wrong at enrolment is corrected on the record; a bad e-mail keeps what was typed.
        var refusedProfile = await (await staff.PostAsync(record, $"{record}?handler=profile",
            new() { ["displayName"] = "Fannie Lou Hamer", ["email"] = "not an address", ["local"] = "Local 5" })).Content.ReadAsStringAsync();
        refusedProfile.Should().Contain("<p class=\"error\" role=\"alert\">").And.Contain("value=\"not an address\"").And.Contain("<details id=\"profile\" open=\"open\">");
        // Another leader's address is said before it is saved (the same person enrolled twice, or a slip), and saved once ticked as shared.
        var hattie = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PG", displayName = "Hattie Hamer", email = "hattie@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await _app.CaughtUpAsync();
        var shared = await (await staff.PostAsync(record, $"{record}?handler=profile",
            new() { ["displayName"] = "Fannie Lou Hamer", ["email"] = "Hattie@example.org", ["local"] = "Local 5" })).Content.ReadAsStringAsync();
        shared.Should().Contain("Not saved yet: another leader is enrolled with this e-mail address.").And.Contain($"<a href=\"/staff/leaders/{hattie}\">Hattie Hamer</a>")
            .And.Contain("value=\"Hattie@example.org\"").And.Contain("name=\"sharedAddress\"");
        // Under the address, in the form's section where the page lands (below the local, a phone's first screen ended above it).
        shared.IndexOf("Not saved yet", StringComparison.Ordinal).Should().BeGreaterThan(shared.IndexOf("id=\"email\"", StringComparison.Ordinal))
            .And.BeLessThan(shared.IndexOf("id=\"local\"", StringComparison.Ordinal));
        shared.Should().Contain($"action=\"/staff/leaders/{id}?handler=profile#profile\"");
        (await Ok(admin.GetAsync($"/api/leaders/{id}"))).GetProperty("email").GetString().Should().Be("fannie@example.org", "nothing was saved");
        (await (await staff.PostAsync(record, $"{record}?handler=profile",
            new() { ["displayName"] = "Fannie Lou Hamer", ["email"] = "hattie@example.org", ["local"] = "Local 5", ["sharedAddress"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain("The name, e-mail and local are saved.");
        (await (await staff.PostAsync(record, $"{record}?handler=profile",
            new() { ["displayName"] = "Fannie Lou Townsend Hamer", ["email"] = "fannie@example.org", ["local"] = "Local 5" })).Content.ReadAsStringAsync())
            .Should().Contain("The name, e-mail and local are saved.").And.Contain("<h1>Fannie Lou Townsend Hamer</h1>");
        // Two tabs opened on the record: one corrects the address, the other, opened before it, the local alone; the address stays corrected.
        Dictionary<string, string> Opened(string name, string email, string local) => new() { ["shownName"] = "Fannie Lou Townsend Hamer", ["shownEmail"] = "fannie@example.org", ["shownLocal"] = "Local 5",
            ["displayName"] = name, ["email"] = email, ["local"] = local };
        (await (await staff.PostAsync(record, $"{record}?handler=profile", Opened("Fannie Lou Townsend Hamer", "fannie.hamer@example.org", "Local 5"))).Content.ReadAsStringAsync())
            .Should().Contain("The name, e-mail and local are saved.");
        (await (await staff.PostAsync(record, $"{record}?handler=profile", Opened("Fannie Lou Townsend Hamer", "fannie@example.org", "Local 9"))).Content.ReadAsStringAsync())
            .Should().Contain("The name, e-mail and local are saved.");
        var merged = await Ok(admin.GetAsync($"/api/leaders/{id}"));
        (merged.GetProperty("email").GetString(), merged.GetProperty("local").GetString()).Should().Be(("fannie.hamer@example.org", "Local 9"), "a field left as shown keeps the other tab's change");
        // A third, opened before both, changes the address too: refused, saying what it is now, with what was typed kept; sent again as shown, it is saved.
        var conflict = await (await staff.PostAsync(record, $"{record}?handler=profile", Opened("Fannie Lou Townsend Hamer", "flth@example.org", "Local 5"))).Content.ReadAsStringAsync();
        conflict.Should().Contain("Someone changed this record while your page was open: the e-mail is now fannie.hamer@example.org. Nothing is saved")
            .And.Contain("value=\"flth@example.org\"").And.Contain("name=\"shownEmail\" value=\"fannie.hamer@example.org\"")
            .And.Contain("name=\"local\" maxlength=\"100\" value=\"Local 9\"", "a field this tab left as it was shows the other tab's change, so saving again keeps it");
        (await Ok(admin.GetAsync($"/api/leaders/{id}"))).GetProperty("email").GetString().Should().Be("fannie.hamer@example.org", "nothing was saved");
        // Sent again as the answer shows it: the address typed is saved, the other tab's local kept.
        (await (await staff.PostAsync(record, $"{record}?handler=profile", new() { ["shownName"] = "Fannie Lou Townsend Hamer", ["shownEmail"] = "fannie.hamer@example.org",
            ["shownLocal"] = "Local 9", ["displayName"] = "Fannie Lou Townsend Hamer", ["email"] = "flth@example.org", ["local"] = "Local 9" })).Content.ReadAsStringAsync())
            .Should().Contain("The name, e-mail and local are saved.");
        var resent = await Ok(admin.GetAsync($"/api/leaders/{id}"));
        (resent.GetProperty("email").GetString(), resent.GetProperty("local").GetString()).Should().Be(("flth@example.org", "Local 9"));

        // Staff record a training she completed; hours that are not a number keep the form as typed, open.
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var refusedTraining = await (await staff.PostAsync(record, $"{record}?handler=training",
            new() { ["themeCode"] = "COM.2", ["level"] = "2", ["title"] = "Story-based organizing", ["completedOn"] = today, ["hours"] = "three" })).Content.ReadAsStringAsync();
        refusedTraining.Should().Contain("Give the hours as a number, such as 2 or 1.5, or leave them empty.").And.Contain("<details id=\"training\" open=\"open\">")
            .And.Contain("value=\"Story-based organizing\"").And.Contain("value=\"three\"").And.Contain("<option value=\"COM.2\" selected=\"selected\">")
            .And.Contain("<option value=\"2\" selected=\"selected\">Level 2</option>");
        var recorded = await (await staff.PostAsync(record, $"{record}?handler=training",
            new() { ["themeCode"] = "COM.2", ["level"] = "1", ["title"] = "Story-based organizing", ["completedOn"] = today, ["hours"] = "3" })).Content.ReadAsStringAsync();
        recorded.Should().MatchRegex("Training “Story-based organizing” recorded at [^<]+, Level 1\\.").And.Contain("Completed the training “Story-based organizing”")
            .And.Contain("<option value=\"\" selected=\"selected\">The next level</option>", "the form starts at the theme's next level again");
        var training = (await Ok(admin.GetAsync($"/api/leaders/{id}/history"))).EnumerateArray().Last();
        training.GetProperty("type").GetString().Should().Be("leader.training-completed");
        training.GetProperty("data").GetProperty("themeCode").GetString().Should().Be("COM.2");
        training.GetProperty("data").GetProperty("hours").GetDecimal().Should().Be(3);

        // Staff record a peer's assessment handed to them (the leader cannot record one of themself): it counts as learning, as the theme page says.
        recorded.Should().Contain("<summary>Record a peer&#x27;s assessment</summary>").And.Contain("<select id=\"peer-themeCode\"").And.Contain("<select id=\"themeCode\"", "two forms, ids apart");
        var unexplained = await (await staff.PostAsync(record, $"{record}?handler=peer", new() { ["themeCode"] = "ADV.2", ["level"] = "2", ["note"] = " " })).Content.ReadAsStringAsync();
        unexplained.Should().Contain("Say who assessed the leader and what they saw.").And.Contain("<details id=\"peer\" open=\"open\">")
            .And.Contain("<option value=\"ADV.2\" selected=\"selected\">");
        var peer = await (await staff.PostAsync(record, $"{record}?handler=peer",
            new() { ["themeCode"] = "ADV.2", ["level"] = "", ["note"] = "Maria Ortiz, her local's treasurer, watched her run the phone bank" })).Content.ReadAsStringAsync();
        peer.Should().MatchRegex("The peer&#x27;s assessment of [^<]+, Level 1 is recorded\\.", "at the theme's next level, as no level was chosen");
        var assessed = (await Ok(admin.GetAsync($"/api/leaders/{id}/history"))).EnumerateArray().Last();
        assessed.GetProperty("type").GetString().Should().Be("leader.assessment-recorded");
        assessed.GetProperty("data").GetProperty("kind").GetInt32().Should().Be((int)LeaderJourney.Domain.Leaders.AssessmentKind.Peer);
        assessed.GetProperty("data").GetProperty("themeCode").GetString().Should().Be("ADV.2");
    }

    [Fact]
    public async Task A_mentor_records_their_assessment_and_signs_off_in_one_step_and_staff_see_the_level_in_the_leaders_grid()
    {
        var (id, leaderUser, mentorUser) = await Leader();
        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);
        await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=evidence", new() { ["note"] = "Testified at the hearing" });
        await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=request", new());
        await _app.CaughtUpAsync();

        var mentor = new PageClient(_app);
        await mentor.SignInAsync(mentorUser);
        (await mentor.GetAsync("/mentor/queue")).Should().Contain("?handler=assessAndSignOff").And.Contain("Record my assessment at Level 1 and sign off");
        var done = await (await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=assessAndSignOff",
            new() { ["leaderId"] = id.ToString(), ["themeCode"] = "ADV.1", ["level"] = "1", ["text"] = "Heard them testify." })).Content.ReadAsStringAsync();
        done.Should().Contain("Signed off Utilizes best practices in advocacy and political efforts, Level 1 for Grace Lee: the level is attained.");
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        var types = (await Ok(admin.GetAsync($"/api/leaders/{id}/history"))).EnumerateArray().Select(e => e.GetProperty("type").GetString()).TakeLast(3);
        types.Should().Equal("leader.assessment-recorded", "leader.signed-off", "leader.level-attained");

        var (staff, _) = await StaffAsync("PG");
        (await staff.GetAsync($"/staff/leaders/{id}")).Should().Contain("Progress on every theme (1 levels attained)")
            .And.Contain("class=\"level attained\" data-level=\"1\">Attained");

        // A wrong tap on it (it sits between Sign off and Decline on a phone) is undone as a sign-off is: both withdrawn, the request back.
        done.Should().Contain("Undo this sign-off and assessment").And.Contain("name=\"withAssessment\" value=\"true\"");
        var version = System.Text.RegularExpressions.Regex.Match(done, "name=\"version\" value=\"([0-9]+)\"").Groups[1].Value;
        (await (await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=undo",
            new() { ["leaderId"] = id.ToString(), ["themeCode"] = "ADV.1", ["level"] = "1", ["version"] = version, ["withAssessment"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain("Your sign-off and your assessment of Utilizes best practices in advocacy and political efforts, Level 1 are withdrawn, and the request is back in your queue.")
            .And.Contain("Heard them testify.", "the note is put back in its box");
        (await Ok(admin.GetAsync($"/api/leaders/{id}/history"))).EnumerateArray().Select(e => e.GetProperty("type").GetString()).Last().Should().Be("leader.assessment-withdrawn");
        (await Ok(admin.GetAsync($"/api/leaders/{id}/progress"))).GetProperty("themes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "ADV.1")
            .GetProperty("level").GetInt32().Should().Be(0, "the level went with the sign-off");
    }

    [Fact]
    public async Task A_sign_off_before_any_learning_is_told_as_not_attaining_and_the_leader_is_told_what_is_missing_instead_of_asking_again()
    {
        var (_, leaderUser, mentorUser) = await Leader();
        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);
        (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=evidence",
            new() { ["link"] = "https://example.org/levy-phone-bank", ["note"] = "Ran the phone bank" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=request", new())).Content.ReadAsStringAsync())
            .Should().Contain("Your sign-off request is in your mentor&#x27;s queue.");
        await _app.CaughtUpAsync();

        var mentor = new PageClient(_app);
        await mentor.SignInAsync(mentorUser);
        var queue = await mentor.GetAsync("/mentor/queue");
        queue.Should().Contain("<a href=\"https://example.org/levy-phone-bank\" rel=\"noopener noreferrer nofollow\">https://example.org/levy-phone-bank</a>: <span class=\"typed-lines\">Ran the phone bank</span></li>", "the link can be opened, and its note is shown too")
            .And.Contain("Your sign-off will be kept, but it will not attain the level yet.")
            .And.Contain("There is no training, or mentor or peer assessment, at this level yet");
        var leaderId = System.Text.RegularExpressions.Regex.Match(queue, "name=\"leaderId\" value=\"([^\"]+)\"").Groups[1].Value;
        var signed = await (await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=signOff",
            new() { ["leaderId"] = leaderId, ["themeCode"] = "ADV.1", ["level"] = "1", ["text"] = "" })).Content.ReadAsStringAsync();
        signed.Should().Contain("Signed off Utilizes best practices in advocacy and political efforts, Level 1 for Grace Lee. The level is not attained yet. There is no training, or mentor or peer assessment, at this level yet")
            .And.NotContain("the level is attained.");

        var theme = await leader.GetAsync("/journey/theme/ADV.1");
        theme.Should().Contain($"{mentorUser} signed off Level 1.").And.Contain("It is attained as soon as learning at this level is logged")
            .And.NotContain("handler=request", "a second request would reach a mentor whose sign-off already stands");
        // Asked for all the same (a form from before), the request is refused in words, and nothing is queued.
        (await (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=request", new())).Content.ReadAsStringAsync())
            .Should().Contain("Level 1 of ADV.1 is already signed off; it is attained once learning at this level is recorded");
        // The journey's first lines and its grid say the sign-off stands and what it waits for (the grid read "Next" as for a level not begun).
        var journey = await leader.GetAsync("/journey");
        journey.Should().Contain("Signed off by your mentor; attained once its learning is logged (a training, or your mentor&#x27;s or a peer&#x27;s assessment):")
            .And.Contain("<li><a href=\"/journey/theme/ADV.1#training\">Utilizes best practices in advocacy and political efforts, Level 1</a></li>")
            .And.Contain("class=\"level signed\" data-level=\"1\">Signed off, not attained yet");

        (await leader.PostAsync("/journey/theme/ADV.1", "/journey/theme/ADV.1?handler=training",
            new() { ["title"] = "Advocacy basics", ["completedOn"] = DateTime.UtcNow.ToString("yyyy-MM-dd") })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await leader.GetAsync("/journey")).Should().Contain("class=\"level attained\" data-level=\"1\">Attained", "the standing sign-off and the training attain the level");
    }

    [Fact]
    public async Task The_board_reads_readiness_in_words_with_a_legend_and_the_reason_beside_each_risk()
    {
        // An affiliate of its own: a vacant key position with one candidate who meets its (no) requirements.
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PW");
        var leaderId = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PW", displayName = "Ella Baker", email = "ella@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var position = (await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "PW", title = "Recording Secretary", requirements = Array.Empty<object>() }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/positions/{position}/nominations", new { leaderId }));
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("pw.board", ApiUsers.Password, Roles.Board, "PW", null, null);
        await _app.CaughtUpAsync();
        var board = new PageClient(_app);
        await board.SignInAsync("pw.board");

        var page = await board.GetAsync("/board/succession");

        page.Should().Contain("<span class=\"badge ready-now\">Ready now</span>").And.NotContain(">ready-now<")
            .And.Contain("meets every requirement of the position")
            .And.Contain("One candidate is ready now; the seat is vacant.");
        page.Should().NotContain("No candidate is nominated for this position yet.");
        // A small new affiliate's board: a position nobody is nominated to, and an equity breakdown nobody is counted in yet, said so.
        await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "PW", title = "Treasurer", requirements = Array.Empty<object>() }), HttpStatusCode.Created);
        await _app.CaughtUpAsync();
        System.Text.RegularExpressions.Regex.Match(await board.GetAsync("/board/succession"), @"<h2 id=""p-[^""]+"">Treasurer</h2>.*?</section>", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Value.Should().Contain("No candidate is nominated for this position yet.").And.NotContain("<table>");
        (await board.GetAsync("/board/pipeline")).Should().Contain("No leader&#x27;s answers are counted yet: none had given their demographics with consent by the end of")
            .And.NotContain("<table class=\"equity\">").And.Contain("No leader in the pipeline has stood at one stage for twelve months.");

        // A gap names the domain and the theme, not their codes.
        var demanding = (await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "PW", title = "Chief Organizer", requirements = new object[] { new { themeCode = "ADV.1", level = 2 }, new { domainCode = "ADV", level = 1 } } }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/positions/{demanding}/nominations", new { leaderId }));
        await _app.CaughtUpAsync();
        var archivist = (await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "PW", title = "Archivist", requirements = Array.Empty<object>() }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/positions/{archivist}/nominations", new { leaderId }));
        await _app.CaughtUpAsync();
        var report = await board.GetAsync("/board/succession");
        report.Should().Contain(": needs Level 2 in Utilizes best practices in advocacy and political efforts, has no level in it yet").And.NotContain("ADV.1");
        // A domain stands at its lowest theme: the gap says so, never that the candidate has nothing in it.
        report.Should().Contain("Advocacy: needs Level 1 in every theme; at least one of its themes has no level yet. Below it (")
            .And.MatchRegex(@"no level yet\. Below it \(\d+\): [A-Z][^;<]+ · [A-Z]", "and names the domain's themes still below the level, for staff to plan by");
        (await Ok(admin.GetAsync("/api/reports/succession?affiliate=PW"))).ToString().Should().NotContain("below", "the report's JSON keeps its shape");
        report.IndexOf(">Chief Organizer<", StringComparison.Ordinal).Should().BeLessThan(report.IndexOf(">Archivist<", StringComparison.Ordinal),
            "the high-risk position comes before the low-risk ones, whatever their titles");
    }

    [Fact]
    public async Task The_board_opens_the_report_as_of_a_date_and_downloads_csv()
    {
        await Leader();
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        await directory.CreateUserAsync("pg.board", ApiUsers.Password, Roles.Board, "PG", null, null);
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        var board = new PageClient(_app);
        await board.SignInAsync("pg.board");

        var page = await board.GetAsync("/board/succession");
        page.Should().Contain("Succession report: PG").And.Contain("<svg role=\"img\"").And.Contain("<a href=\"/board/pipeline#issued\">Reports issued to the board");
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd");
        (await board.GetAsync($"/board/succession?asOf={yesterday}")).Should().Contain($"As of {yesterday} 23:59 UTC.");
        (await board.GetAsync($"/board/pipeline?asOf={yesterday}")).Should().Contain($"<p id=\"as-of\">As of {yesterday} 23:59 UTC.</p>", "a printed page carries its date at the top");
        var csv = await board.Http.GetAsync($"/board/succession?handler=csv&asOf={yesterday}");
        csv.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        (await csv.Content.ReadAsStringAsync()).Should().StartWith("Affiliate,As of,Position id,Position,", "a page's download is for people, in words, English too");
        (await csv.Content.ReadAsByteArrayAsync()).Take(3).Should().Equal([0xEF, 0xBB, 0xBF], "UTF-8's mark, so a spreadsheet reads accents as written");
        // A date the page cannot read (an address edited by hand) gives today's report and says so, on the page.
        foreach (var report in new[] { "succession", "pipeline" })
            (await board.GetAsync($"/board/{report}?asOf=2025-13-40")).Should().Contain("<p class=\"error\" role=\"alert\">The date in the address is not a date as yyyy-MM-dd; the report is as of today.</p>")
                .And.Contain("<nav", "a page with its menu, not a bare error");
        (await board.Http.GetAsync("/board/succession?handler=csv&asOf=2025-13-40")).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a download cannot say its date was not read");
        var pipelineCsv = await board.Http.GetAsync($"/board/pipeline?handler=csv&asOf={yesterday}");
        pipelineCsv.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        (await pipelineCsv.Content.ReadAsStringAsync()).Should().Contain($"PG,{yesterday},Stage,").And.NotContain("T23:59:59Z", "the day, without its time");
        (await board.GetAsync("/board/pipeline")).Should().NotContain("?handler=issue", "staff issue reports; the board reads them");
        (await (await board.PostAsync("/board/pipeline", "/board/pipeline?handler=issue", new() { ["kind"] = "pipeline" })).Content.ReadAsStringAsync())
            .Should().Contain("Staff issue reports to the board.", "a board member's hand-made post is refused in words").And.NotContain("is issued to the board");

        // Staff issue a report to the board from the page, as of the date it shows.
        var (staff, _) = await StaffAsync("PG");
        var issuedFromPage = await (await staff.PostAsync($"/board/pipeline?asOf={yesterday}", $"/board/pipeline?handler=issue&asOf={yesterday}", new() { ["kind"] = "succession" })).Content.ReadAsStringAsync();
        issuedFromPage.Should().Contain("The succession report is issued to the board.").And.Contain($"The succession report as of {LeaderJourney.Web.Pages.Dates.Long(DateOnly.ParseExact(yesterday, "yyyy-MM-dd"))}");

        await _app.CaughtUpAsync();
        var issued = await Ok(admin.PostAsync("/api/reports/succession/issues?affiliate=PG", null), HttpStatusCode.Created);
        var pipelinePage = await board.GetAsync("/board/pipeline");
        pipelinePage.Should().Contain($"handler=issued&amp;id={issued.GetProperty("id").GetGuid()}");
        var reopened = await board.Http.GetAsync($"/board/pipeline?handler=issued&id={issued.GetProperty("id").GetGuid()}");
        var reopenedPage = await reopened.Content.ReadAsStringAsync();
        reopenedPage.Should().MatchRegex(@"Succession report: PG, as of \d{4}-\d\d-\d\d \d\d:\d\d UTC<", "a moment as people read it, not the data's").And.Contain("the same question gives the same answer")
            .And.Contain("<p class=\"no-print\"><a href=\"/board/pipeline#issued\">Back to the reports</a>", "a printed copy has no use for its links")
            .And.Contain(".no-print{display:none}");
        // The board keeps its own copy: the report as it was issued, as CSV, named by its dates.
        var issuedId = issued.GetProperty("id").GetGuid();
        reopenedPage.Should().Contain($"<a href=\"/board/pipeline?handler=issued&amp;id={issuedId}&amp;format=csv\">Download it as issued (CSV)</a>");
        var download = await board.Http.GetAsync($"/board/pipeline?handler=issued&id={issuedId}&format=csv");
        download.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        download.Content.Headers.ContentDisposition!.FileName.Should().MatchRegex(@"^succession-PG-\d{4}-\d\d-\d\d-issued-\d{4}-\d\d-\d\d\.csv$");
        var asIssued = (await Ok(admin.GetAsync($"/api/reports/issues/{issuedId}?affiliate=PG"))).GetProperty("report").Deserialize<LeaderJourney.Core.Succession.Reports.SuccessionReport>(JsonSerializerOptions.Web)!;
        (await download.Content.ReadAsStringAsync()).Should().Be(LeaderJourney.Core.Succession.Reports.ReportFormats.SuccessionCsv(asIssued,
            _app.Services.GetRequiredService<LeaderJourney.Core.Http.ISentences>(), await _app.Services.GetRequiredService<LeaderJourney.Core.Frameworks.BrowseFrameworks.FrameworkWords>().LoadAsync(default)));
        // The app allows no inline style but this page's own, by the hash of the style the page holds; nothing else is loosened.
        var served = System.Text.RegularExpressions.Regex.Match(reopenedPage, "<style>(.*?)</style>").Groups[1].Value;
        var styleHash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(served)));
        reopened.Headers.GetValues("Content-Security-Policy").Single()
            .Should().Be($"default-src 'self'; img-src 'self' data:; style-src 'self' 'sha256-{styleHash}'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'");
        (await board.Http.GetAsync("/board/pipeline")).Headers.GetValues("Content-Security-Policy").Single().Should().NotContain("sha256", "only the printable page allows its style");
    }

    [Fact]
    public async Task Pages_need_sign_in_forms_need_the_anti_forgery_token_and_responses_carry_security_headers()
    {
        var (_, leaderUser, _) = await Leader();
        var anonymous = new PageClient(_app);
        var redirected = await anonymous.Http.GetAsync("/journey");
        redirected.StatusCode.Should().Be(HttpStatusCode.Redirect);
        redirected.Headers.Location!.ToString().Should().Contain("/account/sign-in");

        var signIn = await anonymous.Http.GetAsync("/account/sign-in");
        signIn.Headers.GetValues("X-Frame-Options").Should().Equal("DENY");
        signIn.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        signIn.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("default-src 'self'");

        var forged = await anonymous.Http.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = leaderUser, ["password"] = ApiUsers.Password }));
        forged.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a form without the anti-forgery token is refused");

        var wrong = await anonymous.PostAsync("/account/sign-in", "/account/sign-in", new() { ["username"] = leaderUser, ["password"] = "not the password" });
        (await wrong.Content.ReadAsStringAsync()).Should().Contain("The user name or password is wrong.");

        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);
        (await leader.Http.GetAsync("/board/succession")).StatusCode.Should().NotBe(HttpStatusCode.OK, "a leader does not see the board's report");
        (await leader.PostAsync("/journey", "/account/sign-out", new())).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await leader.Http.GetAsync("/journey")).StatusCode.Should().Be(HttpStatusCode.Redirect, "signed out");
    }

    [Fact]
    public async Task Staff_import_a_csv_with_one_bad_row_see_its_error_and_the_other_rows_are_imported()
    {
        var (_, _, mentorUser) = await Leader();
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("pg.staff", ApiUsers.Password, Roles.AffiliateAdmin, "PG", null, null);
        var staff = new PageClient(_app);
        await staff.SignInAsync("pg.staff");
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        await _app.CaughtUpAsync();
        // Other tests of this class enrol leaders of the same affiliate: count what this import adds.
        var before = await admin.GetFromJsonAsync<JsonElement>("/api/reports/pipeline?affiliate=PG");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var csv = $"display_name,email,local,mentor,training_title,theme_code,level,completed_on\n" +
                  $"Ada Lovelace,ada@example.org,Local 1,{mentorUser},Bargaining 101,ADV.1,1,{today}\n" +
                  "Bad Row,not-an-email,Local 2,,,,,\n" +
                  "\"Hopper, Grace\",grace.h@example.org,,,,,,\n";

        var html = await staff.GetAsync("/staff/import");
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var form = new MultipartFormDataContent
        {
            { new StringContent(System.Net.WebUtility.HtmlDecode(token)), "__RequestVerificationToken" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(csv)), "file", "leaders.csv" },
        };
        var preview = await staff.PageAfterAsync(await staff.Http.PostAsync("/staff/import?handler=preview", form));
        preview.Should().Contain("2 of 3 rows can be imported").And.Contain("Row 3, email: &#x27;not-an-email&#x27; is not an e-mail address.");
        var jobId = System.Text.RegularExpressions.Regex.Match(preview, @"action=""/staff/import/([0-9a-f-]+)\?handler=start""").Groups[1].Value;
        jobId.Should().NotBeEmpty();

        var started = await staff.PostAsync($"/staff/import/{jobId}", $"/staff/import/{jobId}?handler=start", new());
        started.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        string progress;
        while (!(progress = await staff.GetAsync($"/staff/import/{jobId}")).Contains("id=\"done\""))
        {
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
            await Task.Delay(50);
        }
        progress.Should().Contain("Done: 2 leaders imported.");

        await _app.CaughtUpAsync();
        var pipeline = await admin.GetFromJsonAsync<JsonElement>("/api/reports/pipeline?affiliate=PG");
        pipeline.GetProperty("leaders").GetInt32().Should().Be(before.GetProperty("leaders").GetInt32() + 2, "the two good rows");
        pipeline.GetProperty("stages")[0].GetInt32().Should().Be(before.GetProperty("stages")[0].GetInt32() + 2, "a training alone attains nothing");
    }

    [Fact]
    public async Task Staff_enrolling_one_person_in_several_tabs_at_once_make_one_leader_and_are_asked_in_the_others()
    {
        var (first, staffUser) = await StaffAsync("PG");
        var tabs = new List<PageClient> { first };
        for (var i = 1; i < 6; i++)
        {
            var tab = new PageClient(_app);
            await tab.SignInAsync(staffUser);
            tabs.Add(tab);
        }
        var lists = _app.Services.GetRequiredService<LeaderJourney.Core.Leaders.LeaderLists>();
        for (var round = 0; round < 3; round++)
        {
            // The look for the person was made before the enrolment's transaction: both found nobody (8 of 30 rounds in a probe).
            var address = $"{Guid.NewGuid():N}@example.org";
            var answers = await Task.WhenAll(tabs.Select(async (tab, i) => await (await tab.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol",
                new() { ["displayName"] = $"Rae Race {round}{(char)('a' + i)}", ["email"] = address })).Content.ReadAsStringAsync()));
            answers.Count(a => a.Contains("Enrolled Rae Race")).Should().Be(1, "one tab enrols the person (round {0})", round);
            answers.Count(a => a.Contains("Not enrolled yet: a leader with this e-mail address is already enrolled.")).Should().Be(tabs.Count - 1,
                "the others are asked whether this is someone else");
            (await lists.WithAddressAsync("PG", [address], default))!.Should().ContainSingle();
        }
        // A tab whose staff say it is someone else enrols them under the same address, as before.
        var household = $"{Guid.NewGuid():N}@example.org";
        await tabs[0].PostAsync("/staff/leaders", "/staff/leaders?handler=enrol", new() { ["displayName"] = "Ray Home", ["email"] = household });
        (await (await tabs[1].PostAsync("/staff/leaders", "/staff/leaders?handler=enrol",
            new() { ["displayName"] = "Rae Home", ["email"] = household, ["anotherPerson"] = "true" })).Content.ReadAsStringAsync()).Should().Contain("Enrolled Rae Home.");
        (await lists.WithAddressAsync("PG", [household], default))!.Should().HaveCount(2);
    }

    [Fact]
    public async Task A_leader_removes_a_training_they_logged_by_mistake_and_staff_withdraw_any_taking_back_the_level_it_stood_on()
    {
        await _app.EnsureAffiliateAsync("PW");
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PW");
        var (mentor, mentorId) = await _app.SignedInAsync(Roles.Mentor, "PW");
        var id = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PW", displayName = "Wanda Withdrawn", email = $"{Guid.NewGuid():N}@example.org" }), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
        var leaderUser = $"pw.leader.{Guid.NewGuid():N}"[..24];
        await directory.CreateUserAsync(leaderUser, ApiUsers.Password, Roles.Leader, "PW", id, null);
        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);
        var (staff, _) = await StaffAsync("PW");

        // The leader's own training, logged on the theme page, is theirs to remove (folded, with a reason if they like).
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        await leader.PostAsync("/journey/theme/COM.1", "/journey/theme/COM.1?handler=training", new() { ["title"] = "Logged on the wrong theme", ["completedOn"] = today });
        var theme = await leader.GetAsync("/journey/theme/COM.1");
        theme.Should().Contain("Logged on the wrong theme").And.Contain("Remove this training (logged by mistake)").And.NotContain("stands on this training", "no level does yet");
        var logged = System.Text.RegularExpressions.Regex.Match(theme, @"name=""id"" value=""([0-9a-f-]{36})""").Groups[1].Value;
        var removed = await (await leader.PostAsync("/journey/theme/COM.1", "/journey/theme/COM.1?handler=remove",
            new() { ["id"] = logged, ["training"] = "true", ["reason"] = "" })).Content.ReadAsStringAsync();
        removed.Should().Contain("The training is removed: it no longer counts.").And.NotContain("no longer hold this theme", "no level stood on it");
        removed[removed.IndexOf("<h2 id=\"logged\">", StringComparison.Ordinal)..].Should().NotContain("Logged on the wrong theme");
        // One a level stood on takes the level back, and the answer says so.
        await leader.PostAsync("/journey/theme/COM.1", "/journey/theme/COM.1?handler=training", new() { ["title"] = "Logged for the right theme, too early", ["completedOn"] = today });
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "COM.1", level = 1 }));
        var attained = await leader.GetAsync("/journey/theme/COM.1");
        attained.Should().Contain("You have attained Level 1 of this theme.")
            .And.Contain("Your Level 1 of this theme stands on this training: removing it takes that level back.", "said before, in the form")
            .And.Contain("Remove the training and give up Level 1");
        // The leader has heard of it (an unheard level taken back is told neither way, whoever took it back).
        var leaderApi = await _app.SignInAsync(leaderUser);
        await _app.CaughtUpAsync();
        (await leaderApi.PostAsJsonAsync("/api/notifications/read", new { })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var tooEarly = System.Text.RegularExpressions.Regex.Match(attained, @"name=""id"" value=""([0-9a-f-]{36})""").Groups[1].Value;
        (await (await leader.PostAsync("/journey/theme/COM.1", "/journey/theme/COM.1?handler=remove", new() { ["id"] = tooEarly, ["training"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain("The training is removed: it no longer counts. You no longer hold this theme at Level 1 or above: the level stood on this training.")
            .And.Contain("You have not attained a level of this theme yet.");

        // Staff's record: a training the level stood on, withdrawn, takes the level back, and says so; the leader reads why.
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Workshop for another leader", themeCode = "COM.2", level = 1, completedOn = today }));
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "COM.2", level = 1 }));
        await _app.CaughtUpAsync();
        (await leaderApi.PostAsJsonAsync("/api/notifications/read", new { })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var record = await staff.GetAsync($"/staff/leaders/{id}");
        record.Should().Contain("Trainings, assessments and evidence recorded (1)", "the leader's removed training is not offered again")
            .And.Contain("The leader&#x27;s Level 1 of this theme stands on it: withdrawing it takes that level back.");
        var recordedId = System.Text.RegularExpressions.Regex.Match(record, @"name=""recordedId"" value=""([0-9a-f-]{36})""").Groups[1].Value;
        var words = await _app.Services.GetRequiredService<LeaderJourney.Core.Frameworks.BrowseFrameworks.FrameworkWords>().LoadAsync(default);
        var html = System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        var withdrawn = await (await staff.PostAsync($"/staff/leaders/{id}", $"/staff/leaders/{id}?handler=withdrawLearning",
            new() { ["recordedId"] = recordedId, ["training"] = "true", ["reason"] = "Recorded for the wrong leader" })).Content.ReadAsStringAsync();
        withdrawn.Should().Contain(html.Encode($"The training “Workshop for another leader” for {words.Of("COM.2")}, Level 1 is withdrawn: it no longer counts."))
            .And.Contain(html.Encode($"{words.Of("COM.2")}, Level 1 is no longer attained: it stood on this training."))
            .And.NotContain("Trainings, assessments and evidence recorded (", "nothing recorded stands now");
        (await leader.GetAsync("/journey")).Should().Contain(html.Encode($"A training for {words.Of("COM.2")}, Level 1 was withdrawn (recorded by mistake): Recorded for the wrong leader"));
        (await leader.GetAsync("/journey/record")).Should().NotContain("Workshop for another leader");
        // Told of the level staff's withdrawal took back, not of the one their own removal did (their page said so then).
        // The notice is written by a reaction, which the read models' catching up does not wait for (a CI run read the page before it).
        var takenBack = html.Encode($"{words.Of("COM.2")}, Level 1 was taken back");
        await Waiting.Until(async () => (await leader.GetAsync("/notifications")).Contains(takenBack), "the notice of the level taken back");
        var notices = await leader.GetAsync("/notifications");
        notices.Should().Contain(html.Encode($"{words.Of("COM.2")}, Level 1 was taken back: a sign-off, training or assessment it stood on was withdrawn."))
            .And.NotContain(html.Encode($"{words.Of("COM.1")}, Level 1 was taken back"));
    }

    [Fact]
    public async Task A_position_titled_as_one_defined_already_waits_until_staff_say_it_is_another_seat()
    {
        var (staff, staffUser) = await StaffAsync("PT");
        var title = $"Treasurer {Guid.NewGuid():N}"[..16];
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=define", new() { ["title"] = title, ["key"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain($"Defined {title}.");

        // "Treasurer" and "treasurer": one position defined twice splits its candidates and its seat in two.
        var again = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=define",
            new() { ["title"] = $" {title.ToLowerInvariant().Replace(" ", "   ")} ", ["key"] = "true", ["requirements"] = "SFH.1:2" })).Content.ReadAsStringAsync();
        again.Should().Contain("Not defined yet: a position of this title exists already.").And.Contain("name=\"anotherSeat\"")
            .And.Contain("value=\"SFH.1:2\"", "what was typed is kept").And.NotContain("Defined ");
        again.Split("<h2 id=\"p-").Length.Should().Be(2, "nothing was defined");
        // Several seats of one title are real (a board's members): staff say so.
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=define",
            new() { ["title"] = title, ["key"] = "true", ["anotherSeat"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain($"Defined {title}.").And.NotContain("Not defined yet");
        (await staff.GetAsync("/staff/positions")).Split("<h2 id=\"p-").Length.Should().Be(3);

        // One title sent from several tabs at once: one defines it, the others are asked (looked at before the
        // command, all of them could find none and define it).
        var tabs = new List<PageClient> { staff };
        for (var i = 1; i < 5; i++)
        {
            var tab = new PageClient(_app);
            await tab.SignInAsync(staffUser);
            tabs.Add(tab);
        }
        for (var round = 0; round < 3; round++)
        {
            var raced = $"Secretary {Guid.NewGuid():N}"[..16];
            var answers = await Task.WhenAll(tabs.Select(async tab => await (await tab.PostAsync("/staff/positions", "/staff/positions?handler=define",
                new() { ["title"] = raced, ["key"] = "true" })).Content.ReadAsStringAsync()));
            answers.Count(a => a.Contains($"Defined {raced}.")).Should().Be(1, "one tab defines the position (round {0})", round);
            answers.Count(a => a.Contains("Not defined yet: a position of this title exists already.")).Should().Be(tabs.Count - 1);
        }
        (await staff.GetAsync("/staff/positions")).Split("<h2 id=\"p-").Length.Should().Be(6);
    }

    [Fact]
    public async Task Staff_choose_the_framework_a_leader_is_enrolled_against_from_the_current_editions_with_the_default_chosen()
    {
        await _app.EnsureAffiliateAsync("PG");
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var staffUser = $"pg.fw.{Guid.NewGuid():N}"[..20];
        await directory.CreateUserAsync(staffUser, ApiUsers.Password, Roles.AffiliateAdmin, "PG", null, null);
        var catalog = _app.Services.GetRequiredService<LeaderJourney.Core.Frameworks.BrowseFrameworks.FrameworkCatalog>();
        var current = await catalog.CurrentEditionsAsync();
        current.Select(f => f.Name).Should().Contain(["NEA Leadership Competency Framework", "BPS Unified Leader Competencies"]);
        var bps = current.Single(f => f.Name.StartsWith("BPS"));
        var staff = new PageClient(_app);
        await staff.SignInAsync(staffUser);

        var page = await staff.GetAsync("/staff/leaders");
        page.Should().Contain($"<option value=\"{await catalog.DefaultEditionAsync()}\" selected=\"selected\">NEA Leadership Competency Framework, 2020</option>")
            .And.Contain($"<option value=\"{bps.Id}\">BPS Unified Leader Competencies, v4 (2017-03-20)</option>");
        var ellasAddress = $"{Guid.NewGuid():N}@example.org";
        var enrolled = await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol",
            new() { ["displayName"] = "Ella Framework", ["email"] = ellasAddress, ["frameworkId"] = bps.Id.ToString() })).Content.ReadAsStringAsync();
        enrolled.Should().Contain("Enrolled Ella Framework.");
        var id = System.Text.RegularExpressions.Regex.Match(enrolled, @"<a href=""/staff/leaders/([^""]+)"">Ella Framework</a>").Groups[1].Value;
        enrolled.Should().Contain($"<a href=\"/staff/leaders/{id}\">Open Ella Framework&#x27;s record</a> to assign a mentor and give them a sign-in.",
            "what a new leader needs next is on their record");
        // Said in the enrol form's section, below the list, where the page opens.
        enrolled.IndexOf("Enrolled Ella Framework.", StringComparison.Ordinal).Should().BeGreaterThan(enrolled.IndexOf("<h2 id=\"enrol\">", StringComparison.Ordinal));
        enrolled.Should().MatchRegex("action=\"/staff/leaders\\?[^\"]*handler=enrol#enrol\"", "the enrol form keeps the list's filters, sort and page");
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        (await Ok(admin.GetAsync($"/api/leaders/{id}"))).GetProperty("frameworkId").GetGuid().Should().Be(bps.Id);

        // The same name again (a second form for the same person) waits for staff to say it is someone else.
        await _app.CaughtUpAsync();
        var again = await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol",
            new() { ["displayName"] = " ella  FRAMEWORK", ["email"] = $"{Guid.NewGuid():N}@example.org" })).Content.ReadAsStringAsync();
        again.IndexOf("Not enrolled yet", StringComparison.Ordinal).Should().BeGreaterThan(again.IndexOf("<h2 id=\"enrol\">", StringComparison.Ordinal));
        again.Should().Contain("Not enrolled yet: a leader of this name is already enrolled.").And.Contain($"<a href=\"/staff/leaders/{id}\">Ella Framework</a>")
            .And.Contain("name=\"anotherPerson\"").And.NotContain("Enrolled");
        (await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol",
            new() { ["displayName"] = "Ella Framework", ["email"] = $"{Guid.NewGuid():N}@example.org", ["anotherPerson"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain("Enrolled Ella Framework.");
        // So does her address under another spelling of her name (its case aside): the same person, most likely.
        var sameAddress = await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol",
            new() { ["displayName"] = "E. Framework", ["email"] = $" {ellasAddress.ToUpperInvariant()} " })).Content.ReadAsStringAsync();
        sameAddress.Should().Contain("Not enrolled yet: a leader with this e-mail address is already enrolled.")
            .And.Contain($"<a href=\"/staff/leaders/{id}\">Ella Framework</a> · Active · the same e-mail address").And.NotContain("Enrolled E. Framework");
        (await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol",
            new() { ["displayName"] = "E. Framework", ["email"] = ellasAddress, ["anotherPerson"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain("Enrolled E. Framework.", "two people may share an address (a household's): staff say so");

        var refused = await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol",
            new() { ["displayName"] = "Ella Nowhere", ["email"] = $"{Guid.NewGuid():N}@example.org", ["frameworkId"] = Guid.Empty.ToString() })).Content.ReadAsStringAsync();
        refused.Should().Contain($"There is no framework edition {Guid.Empty}", "a hand-made form naming no edition is refused in words");

        // A refused enrolment keeps what was typed and chosen, so fixing the e-mail does not enrol on the default framework.
        var badEmail = await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol",
            new() { ["displayName"] = "Ella Typo", ["email"] = "not-an-address", ["local"] = "Local 3", ["frameworkId"] = bps.Id.ToString() })).Content.ReadAsStringAsync();
        badEmail.Should().Contain("class=\"error\" role=\"alert\"").And.Contain("value=\"Ella Typo\"").And.Contain("value=\"not-an-address\"").And.Contain("value=\"Local 3\"")
            .And.Contain($"<option value=\"{bps.Id}\" selected=\"selected\">");
        // A refusal speaks of the form's fields, not of the API's JSON ("Give displayName ...").
        (await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol", new() { ["displayName"] = " ", ["email"] = ellasAddress })).Content.ReadAsStringAsync())
            .Should().Contain("Give the name (1 to 200 characters).").And.NotContain("displayName (");
        (await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol",
            new() { ["displayName"] = "Ella Long", ["email"] = $"{Guid.NewGuid():N}@example.org", ["local"] = new string('x', 101) })).Content.ReadAsStringAsync())
            .Should().Contain("The local has at most 100 characters (101 given).");
        // What was typed is quoted as typed, though it holds the field's name.
        (await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol", new() { ["displayName"] = "Ella Mail", ["email"] = "my.email" })).Content.ReadAsStringAsync())
            .Should().Contain("&#x27;my.email&#x27; is not an e-mail address.");
        (await staff.GetAsync($"/staff/leaders/{id}")).Should().Contain("<dt>Framework</dt><dd>BPS Unified Leader Competencies, v4 (2017-03-20)</dd>");
    }

    [Fact]
    public async Task Staff_enrol_and_assign_the_mentor_sees_the_mentee_the_leader_keeps_demographics_and_evidence_and_the_board_sees_the_pipeline()
    {
        var (_, leaderUser, mentorUser) = await Leader();
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        await directory.CreateUserAsync("pg.staff2", ApiUsers.Password, Roles.AffiliateAdmin, "PG", null, null);
        await directory.CreateUserAsync("pg.board2", ApiUsers.Password, Roles.Board, "PG", null, null);

        var staff = new PageClient(_app);
        await staff.SignInAsync("pg.staff2");
        var enrolled = await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol",
            new() { ["displayName"] = "Bayard Rustin", ["email"] = "bayard@example.org", ["local"] = "Local 9" })).Content.ReadAsStringAsync();
        enrolled.Should().Contain("Enrolled Bayard Rustin.").And.Contain("\">Bayard Rustin</a></td>");
        var rustin = System.Text.RegularExpressions.Regex.Match(enrolled, @"<td data-label=""Leader""><a href=""/staff/leaders/[^""]+"">Bayard Rustin</a></td>[\s\S]*?name=""leaderId"" value=""([^""]+)""").Groups[1].Value;
        var mentorId = (await directory.MentorsAsync("PG"))[mentorUser];
        var assigned = await (await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=assign",
            new() { ["leaderId"] = rustin, ["mentorId"] = mentorId.ToString() })).Content.ReadAsStringAsync();
        assigned.Should().Contain($"Mentor assigned to Bayard Rustin: {mentorUser}.");
        await _app.CaughtUpAsync();

        var mentor = new PageClient(_app);
        await mentor.SignInAsync(mentorUser);
        (await mentor.GetAsync("/mentor/mentees")).Should().Contain("\">Bayard Rustin</a></td>").And.Contain("\">Grace Lee</a></td>");

        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);
        var noConsent = await (await leader.PostAsync("/journey/demographics", "/journey/demographics?handler=record", new() { ["gender"] = "woman" })).Content.ReadAsStringAsync();
        noConsent.Should().Contain("without your consent nothing is stored");
        var saved = await (await leader.PostAsync("/journey/demographics", "/journey/demographics?handler=record",
            new() { ["race"] = "Asian", ["gender"] = "self", ["genderOwn"] = "two-spirit", ["job"] = "teacher", ["consent"] = "true" })).Content.ReadAsStringAsync();
        // Listed values come back ticked, the leader's own words in their box, and the consent box ticked.
        saved.Should().Contain("Saved. Thank you.").And.Contain("value=\"Asian\" checked=\"checked\"").And.Contain("value=\"two-spirit\"")
            .And.Contain("value=\"teacher\" checked=\"checked\"").And.Contain("name=\"consent\" type=\"checkbox\" value=\"true\" checked=\"checked\"");
        // A change sent without consent is refused and shown as sent, the box unticked, so nothing chosen is lost.
        var unconsented = await (await leader.PostAsync("/journey/demographics", "/journey/demographics?handler=record",
            new() { ["race"] = "Asian", ["gender"] = "non-binary", ["job"] = "teacher" })).Content.ReadAsStringAsync();
        unconsented.Should().Contain("without your consent nothing is stored").And.Contain("value=\"non-binary\" checked=\"checked\"")
            .And.NotContain("value=\"two-spirit\"").And.Contain("name=\"consent\" type=\"checkbox\" value=\"true\">");
        // "Self-describe" ticked with its box empty is refused, not saved with the tick dropped.
        (await (await leader.PostAsync("/journey/demographics", "/journey/demographics?handler=record",
            new() { ["race"] = "self", ["raceOwn"] = " ", ["consent"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain("You chose to describe your race or ethnicity in your own words but left the box empty").And.NotContain("Saved. Thank you.");
        // Own words typed without picking "self-describe" are the answer; beside another choice the page asks which.
        var typed = await (await leader.PostAsync("/journey/demographics", "/journey/demographics?handler=record",
            new() { ["raceOwn"] = "Afro-Caribbean", ["consent"] = "true" })).Content.ReadAsStringAsync();
        typed.Should().Contain("Saved. Thank you.").And.Contain("id=\"race-own\" name=\"race\" value=\"self\" checked=\"checked\"").And.Contain("value=\"Afro-Caribbean\"");
        (await (await leader.PostAsync("/journey/demographics", "/journey/demographics?handler=record",
            new() { ["gender"] = "woman", ["genderOwn"] = "two-spirit", ["consent"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain("also typed your own words for the same question").And.Contain("value=\"two-spirit\"").And.Contain("value=\"woman\" checked=\"checked\"");
        // Unticking "self-describe" removes the words, though the box still holds them as the form showed them.
        (await (await leader.PostAsync("/journey/demographics", "/journey/demographics?handler=record",
            new() { ["raceOwn"] = "Afro-Caribbean", ["consent"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain("Saved. Thank you.").And.NotContain("value=\"Afro-Caribbean\"").And.Contain("id=\"race-own\" name=\"race\" value=\"self\">");
        // Also words a refused save left in the box, never stored: the form said "self-describe" was chosen, the
        // leader unchose it, and the words go (they were once taken as newly typed, saved, and ticked again).
        var refused = await (await leader.PostAsync("/journey/demographics", "/journey/demographics?handler=record",
            new() { ["race"] = "self", ["raceOwn"] = "Afro-Caribbean", ["gender"] = "self", ["genderOwn"] = "two-spirit" })).Content.ReadAsStringAsync();
        refused.Should().Contain("without your consent nothing is stored").And.Contain("name=\"ownShown\" value=\"race\"").And.Contain("name=\"ownShown\" value=\"gender\"")
            .And.Contain("id=\"race-own\" name=\"race\" value=\"self\" checked=\"checked\"");
        var unchosen = await (await leader.PostFieldsAsync("/journey/demographics", "/journey/demographics?handler=record",
        [
            new("raceOwn", "Afro-Caribbean"), new("gender", ""), new("genderOwn", "two-spirit"), new("consent", "true"),
            new("ownShown", "race"), new("ownShown", "gender"),
        ])).Content.ReadAsStringAsync();
        unchosen.Should().Contain("Saved. Thank you.").And.NotContain("value=\"Afro-Caribbean\"").And.NotContain("value=\"two-spirit\"")
            .And.Contain("id=\"gender-none\" name=\"gender\" value=\"\" checked=\"checked\"");
        // Unchosen, the words edited and the save refused: the form sent again still says "self-describe" was unchosen.
        await leader.PostAsync("/journey/demographics", "/journey/demographics?handler=record", new() { ["race"] = "self", ["raceOwn"] = "Kin", ["consent"] = "true" });
        var edited = await (await leader.PostFieldsAsync("/journey/demographics", "/journey/demographics?handler=record",
            [new("raceOwn", "Kin and more"), new("ownShown", "race")])).Content.ReadAsStringAsync();
        edited.Should().Contain("without your consent nothing is stored").And.Contain("value=\"Kin and more\"").And.Contain("id=\"race-own\" name=\"race\" value=\"self\">")
            .And.Contain("name=\"ownShown\" value=\"race\"");
        (await (await leader.PostFieldsAsync("/journey/demographics", "/journey/demographics?handler=record",
            [new("raceOwn", "Kin and more"), new("ownShown", "race"), new("consent", "true")])).Content.ReadAsStringAsync())
            .Should().Contain("Saved. Thank you.").And.NotContain("value=\"Kin and more\"").And.NotContain("value=\"Kin\"");
        // Withdrawing is folded away and asked again: one tap beside "Save" deletes nothing.
        (await leader.GetAsync("/journey/demographics")).Should().Contain("<details class=\"danger-zone\">\n        <summary>Withdraw my consent</summary>");
        (await (await leader.PostAsync("/journey/demographics", "/journey/demographics?handler=withdraw", new())).Content.ReadAsStringAsync())
            .Should().Contain("no longer counted");
        (await (await leader.PostAsync("/journey/theme/SEI.1", "/journey/theme/SEI.1?handler=evidence",
            new() { ["link"] = "https://example.org/portfolio", ["note"] = "Facilitated a listening session." })).Content.ReadAsStringAsync())
            .Should().Contain("Evidence added.");
        (await leader.GetAsync("/journey")).Should().Contain("(<a href=\"https://example.org/portfolio\" rel=\"noopener noreferrer nofollow\">https://example.org/portfolio</a>)",
            "the timeline's evidence opens from it, as on the theme page and the mentor's queue");

        // Staff are no leader: the leader's own demographics form refuses them instead of failing.
        (await staff.PostAsync("/staff/leaders", "/journey/demographics?handler=record", new() { ["gender"] = "x", ["consent"] = "true" }))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden, "refused, not a 500");

        var defined = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=define",
            new() { ["title"] = "Treasurer", ["key"] = "true", ["requirements"] = "SFH.1:2, COM:1" })).Content.ReadAsStringAsync();
        var words = await _app.Services.GetRequiredService<LeaderJourney.Core.Frameworks.BrowseFrameworks.FrameworkWords>().LoadAsync(default);
        var html = System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        defined.Should().Contain("Defined Treasurer.").And.NotContain("SFH.1 level 2", "requirements are read in words")
            .And.Contain(html.Encode($"Level 2 in {words.Of("SFH.1")}; Level 1 in every theme of {words.Of("COM")}"));
        // Staff who do not know the codes pick a requirement by its name: a theme, or a whole domain.
        defined.Should().Contain($"<option value=\"GOV.1\">{html.Encode(words.Of("GOV.1"))}</option>").And.Contain($">{html.Encode(words.Of("ADV"))}: every theme</option>");
        // With two frameworks in the catalog, each group of the list says whose it is.
        defined.Should().Contain($"<optgroup label=\"NEA Leadership Competency Framework: {html.Encode(words.Of("ADV"))}\">").And.Contain("<optgroup label=\"BPS Unified Leader Competencies: ");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=define",
            new() { ["title"] = "Organizer", ["key"] = "false", ["need"] = "GOV.1", ["needLevel"] = "3", ["requirements"] = "ADV:1" })).Content.ReadAsStringAsync())
            .Should().Contain("Defined Organizer.").And.Contain(html.Encode($"Level 3 in {words.Of("GOV.1")}; Level 1 in every theme of {words.Of("ADV")}"));
        // A requirement typed wrong is said on the page, with what was typed kept in the form (not the API's problem document).
        var broken = await staff.PostAsync("/staff/positions", "/staff/positions?handler=define", new() { ["title"] = "Broken", ["requirements"] = "SFH.1=2" });
        broken.StatusCode.Should().Be(HttpStatusCode.OK);
        (await broken.Content.ReadAsStringAsync()).Should().Contain("<p class=\"error\" role=\"alert\">&#x27;SFH.1=2&#x27; is not CODE:LEVEL")
            .And.Contain("value=\"Broken\"").And.Contain("value=\"SFH.1=2\"");
        // A theme picked in a row and typed again is refused by the title the list shows, not by its code alone.
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=define", new() { ["title"] = "Twice", ["need"] = "GOV.1", ["needLevel"] = "1", ["requirements"] = "GOV.1:2" })).Content.ReadAsStringAsync())
            .Should().Contain(html.Encode($"The theme “{words.Of("GOV.1")}” (GOV.1) is required more than once; list each theme once.")).And.NotContain("Defined Twice.");
        var positionId = System.Text.RegularExpressions.Regex.Match(defined, @"name=""positionId"" value=""([^""]+)""").Groups[1].Value;

        // The affiliate's leaders follow NEA's framework: BPS's groups say so and come last, and a requirement of
        // BPS is said to be one nobody can meet; the position's requirements are changed in its own section.
        defined.Should().Contain(" (none of your leaders follows it)\">").And.NotContain($"{html.Encode(words.Of("ADV"))} (none of your leaders follows it)");
        defined.IndexOf("<optgroup label=\"BPS", StringComparison.Ordinal).Should().BeGreaterThan(defined.IndexOf("<optgroup label=\"NEA", StringComparison.Ordinal));
        var secretary = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=define", new() { ["title"] = "Secretary", ["need"] = "1.1", ["needLevel"] = "1" })).Content.ReadAsStringAsync();
        secretary.Should().Contain("Defined Secretary.").And.Contain("follows the framework of: " + html.Encode(words.Of("1.1")) + ". Nobody can meet these requirements");
        var secretaryId = System.Text.RegularExpressions.Regex.Match(secretary, @"<h2 id=""p-([^""]+)"">Secretary").Groups[1].Value;
        secretary.Should().NotContain($"id=\"need-{secretaryId}-0\"", "a position's form, with its lists of every theme, is shown when asked for")
            .And.Contain($"href=\"/staff/positions?changeFor={secretaryId}#requirements-{secretaryId}\"");
        (await staff.GetAsync($"/staff/positions?changeFor={secretaryId}")).Should().Contain($"<select id=\"need-{secretaryId}-0\" name=\"need\">")
            .And.Contain("<option value=\"1.1\" selected=\"selected\">", "its change form starts from what it requires");
        var changed = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=requirements",
            new() { ["positionId"] = secretaryId, ["need"] = "GOV.1", ["needLevel"] = "2" })).Content.ReadAsStringAsync();
        changed.Should().Contain("The requirements are saved; readiness is worked out anew.").And.NotContain("Nobody can meet these requirements")
            .And.Contain(html.Encode($"Level 2 in {words.Of("GOV.1")}"));
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=requirements",
            new() { ["positionId"] = secretaryId, ["requirements"] = "GOV.1=2" })).Content.ReadAsStringAsync())
            .Should().Contain("&#x27;GOV.1=2&#x27; is not CODE:LEVEL").And.Contain($"<form id=\"requirements-{secretaryId}\"").And.Contain("value=\"GOV.1=2\"");
        // A position no longer the affiliate's is retired behind a confirmation; the answer names it, as it leaves the page.
        changed.Should().Contain("<summary>Retire this position<span class=\"visually-hidden\"> Secretary</span></summary>").And.Contain(">Retire Secretary</button>");
        var retired = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=retire", new() { ["positionId"] = secretaryId })).Content.ReadAsStringAsync();
        retired.Should().Contain("Secretary is retired: it is no longer listed here or in today&#x27;s reports").And.NotContain($"<h2 id=\"p-{secretaryId}\"");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=retire", new() { ["positionId"] = secretaryId })).Content.ReadAsStringAsync())
            .Should().Contain("<p class=\"error\" role=\"alert\">This position was retired on ", "a second press (a page left open) is said, not a 500");
        var nominated = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=nominate",
            new() { ["positionId"] = positionId, ["leaderId"] = rustin })).Content.ReadAsStringAsync();
        nominated.Should().Contain("Nominated: Bayard Rustin, to Treasurer.").And.Contain("<strong>Candidates</strong>: Bayard Rustin")
            .And.Contain("Its candidate is no longer nominated.", "its retirement says what it ends, in words, not \"candidate(s)\"");
        // Where staff appoint, each candidate's readiness as the board's report has it, and what they still need.
        nominated.Should().Contain("<p class=\"candidate-readiness\"><strong>Bayard Rustin</strong>: <span class=\"badge ready-3-plus-years\">")
            .And.Contain(html.Encode($"still needs: {words.Of("SFH")}: needs Level 2 in {words.Of("SFH.1")}, has no level in it yet;"));
        // Staff nominate by typing a name: a position's form holds no list of every leader.
        nominated.Should().NotContain("<option value=\"" + rustin);

        // The seat and its term, which the board's risk reads, are kept on the page too.
        nominated.Should().Contain("<strong>Seat</strong>: vacant; no term end is set.");
        var termSet = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=termEnd", new() { ["positionId"] = positionId, ["termEndsOn"] = "2027-06-30" })).Content.ReadAsStringAsync();
        termSet.Should().Contain("The term end of Treasurer is saved.").And.Contain("<strong>Seat</strong>: vacant; the term ends on 30 Jun 2027.");
        // Said in the position's "Seat, term and candidates", opened, where the page lands: not at the top of a long list.
        termSet[termSet.IndexOf($"<details id=\"seat-{positionId}\" open=\"open\">", StringComparison.Ordinal)..].Should().StartWith($"<details id=\"seat-{positionId}\" open").And.Contain("The term end of Treasurer is saved.");
        termSet[..termSet.IndexOf($"<h2 id=\"p-{positionId}\"", StringComparison.Ordinal)].Should().NotContain("The term end of Treasurer is saved.");
        termSet.Should().Contain($"action=\"/staff/positions?handler=termEnd#seat-{positionId}\"");
        var appointed = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=appoint",
            new() { ["positionId"] = positionId, ["leaderId"] = rustin, ["on"] = DateTime.UtcNow.ToString("yyyy-MM-dd"), ["keepOthers"] = "true" })).Content.ReadAsStringAsync();
        appointed.Should().Contain("Bayard Rustin is appointed to Treasurer. Any other candidates stay nominated").And.Contain("<strong>Seat</strong>: held by Bayard Rustin; the term ends on 30 Jun 2027.")
            .And.NotContain("do not show this appointment", "dated today, every report from today on shows it");
        appointed.Should().Contain("Bayard Rustin holds this seat: record the vacancy first", "a held seat is vacated before its position is retired");
        // A candidate for a held seat: the Appoint buttons come after what appointing does to the holder.
        await staff.PostAsync("/staff/leaders", "/staff/leaders?handler=enrol", new() { ["displayName"] = "Ella Baker", ["email"] = "ella@example.org" });
        await _app.CaughtUpAsync();
        var withCandidate = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=nominate", new() { ["positionId"] = positionId, ["leader"] = "Ella Baker" })).Content.ReadAsStringAsync();
        withCandidate.Should().Contain("Bayard Rustin holds this seat: appointing a candidate ends their tenure, and the term end stays as it is unless you give a new one.");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=withdraw", new() { ["positionId"] = positionId, ["leaderId"] = System.Text.RegularExpressions.Regex.Match(withCandidate, @"name=""leaderId"" value=""([^""]+)"">\s*<button type=""submit"" class=""secondary"">Withdraw the nomination<span class=""visually-hidden""> of Ella Baker").Groups[1].Value })).Content.ReadAsStringAsync())
            .Should().Contain("The nomination of Ella Baker to Treasurer is withdrawn.", "named as it was before the withdrawal took her off the list");
        var vacated = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=vacate",
            new() { ["positionId"] = positionId, ["leaderId"] = rustin, ["on"] = DateTime.UtcNow.ToString("yyyy-MM-dd") })).Content.ReadAsStringAsync();
        vacated.Should().Contain("The seat of Treasurer is vacant.").And.Contain("<strong>Seat</strong>: vacant;");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=nominate", new() { ["positionId"] = positionId, ["leaderId"] = rustin })).Content.ReadAsStringAsync())
            .Should().Contain("<strong>Candidates</strong>: Bayard Rustin");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=withdraw", new() { ["positionId"] = positionId, ["leaderId"] = rustin })).Content.ReadAsStringAsync())
            .Should().Contain("The nomination of Bayard Rustin to Treasurer is withdrawn.").And.Contain("<strong>Candidates</strong>: none yet");
        // Dated before today: reports as of the days in between show what was recorded by then, and the page says so.
        await staff.PostAsync("/staff/positions", "/staff/positions?handler=nominate", new() { ["positionId"] = positionId, ["leaderId"] = rustin });
        // Dated ahead: refused, as today's reports would show the seat filled before it is.
        var ahead = DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=appoint",
            new() { ["positionId"] = positionId, ["leaderId"] = rustin, ["on"] = ahead, ["keepOthers"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain($"{ahead} is a day still to come: record the appointment on the day it takes effect").And.Contain("<strong>Seat</strong>: vacant;");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=appoint",
            new() { ["positionId"] = positionId, ["leaderId"] = rustin, ["on"] = DateTime.UtcNow.AddDays(-10).ToString("yyyy-MM-dd"), ["keepOthers"] = "true", ["termEndsOn"] = "2029-06-30" })).Content.ReadAsStringAsync())
            .Should().Contain("Bayard Rustin is appointed to Treasurer.").And.Contain("Reports as of a day before today do not show this appointment")
            .And.Contain("<strong>Seat</strong>: held by Bayard Rustin; the term ends on 30 Jun 2029.", "a full term of their own, given with the appointment");
        // A date the form could not read is said on the page, not a 500 or the API's JSON.
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=termEnd", new() { ["positionId"] = positionId, ["termEndsOn"] = "30/06/2027" })).Content.ReadAsStringAsync())
            .Should().Contain("<p class=\"error\" role=\"alert\">");
        var withTrustee = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=define", new() { ["title"] = "Trustee", ["key"] = "true", ["requirements"] = "" })).Content.ReadAsStringAsync();
        var trustee = System.Text.RegularExpressions.Regex.Match(withTrustee, @"<h2 id=""p-([^""]+)"">Trustee").Groups[1].Value;
        // A position recorded while someone holds it: its holder is seated by name, with the day they took it and their term end.
        var withAuditor = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=define", new() { ["title"] = "Auditor", ["requirements"] = "" })).Content.ReadAsStringAsync();
        var auditor = System.Text.RegularExpressions.Regex.Match(withAuditor, @"<h2 id=""p-([^""]+)"">Auditor").Groups[1].Value;
        withAuditor.Should().Contain("Record who holds this seat now (not appointed from the candidates)");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=seat", new() { ["positionId"] = auditor, ["holder"] = "nobody at all", ["since"] = "2025-01-10" })).Content.ReadAsStringAsync())
            .Should().Contain("No leader on their way (active or paused) has a name containing &#x27;nobody at all&#x27;.").And.Contain("value=\"nobody at all\"").And.Contain("value=\"2025-01-10\"");
        var soon = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=seat", new() { ["positionId"] = auditor, ["holder"] = "ella baker", ["since"] = soon })).Content.ReadAsStringAsync())
            .Should().Contain($"{soon} is a day still to come: record who holds the seat once they do.").And.Contain("<strong>Seat</strong>: vacant");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=seat", new() { ["positionId"] = auditor, ["holder"] = "ella baker", ["since"] = "2025-01-10", ["termEndsOn"] = "2027-01-10" })).Content.ReadAsStringAsync())
            .Should().Contain("Ella Baker holds the seat of Auditor.").And.Contain("<strong>Seat</strong>: held by Ella Baker; the term ends on 10 Jan 2027.")
            .And.Contain("Reports as of a day before today do not show this appointment", "seated since a day before today, as an appointment dated back");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=vacate", new() { ["positionId"] = auditor, ["leaderId"] = Guid.Empty.ToString(), ["on"] = soon }))
            .Content.ReadAsStringAsync()).Should().Contain($"{soon} is a day still to come: record the vacancy on the day the seat falls vacant").And.Contain("held by Ella Baker");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=nominate", new() { ["positionId"] = trustee, ["leader"] = "nobody at all" })).Content.ReadAsStringAsync())
            .Should().Contain("No leader on their way (active or paused) has a name containing &#x27;nobody at all&#x27;.");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=nominate", new() { ["positionId"] = trustee, ["leader"] = " " })).Content.ReadAsStringAsync())
            .Should().Contain("Type a leader&#x27;s name to nominate.", "a blank name nominates nobody, even where one leader is active");
        var several = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=nominate", new() { ["positionId"] = trustee, ["leader"] = "a" })).Content.ReadAsStringAsync();
        several.Should().Contain("choose one below").And.Contain("Nominate Bayard Rustin", "each match can be nominated by itself");
        // Said in the position's own section, above its form, where the page opens (the names to choose from are there): not at the top of the page.
        var trusteeSection = several[several.IndexOf($"<h2 id=\"p-{trustee}\"", StringComparison.Ordinal)..];
        trusteeSection.Should().Contain("choose one below").And.Contain($"id=\"nominate-{trustee}\"").And.Contain($"action=\"/staff/positions?handler=nominate#nominate-{trustee}\"");
        several[..several.IndexOf($"<h2 id=\"p-{trustee}\"", StringComparison.Ordinal)].Should().NotContain("choose one below");
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=nominate", new() { ["positionId"] = trustee, ["leader"] = "rustin" })).Content.ReadAsStringAsync())
            .Should().Contain("Nominated: Bayard Rustin, to Trustee.", "staff who typed part of a name see whom it found, and where");
        // Staff judge a candidate's readiness on the page, saying why; without a reason nothing is recorded.
        (await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=assess",
            new() { ["positionId"] = trustee, ["leaderId"] = rustin, ["readiness"] = "ready-now", ["justification"] = " " })).Content.ReadAsStringAsync())
            .Should().Contain("<p class=\"error\" role=\"alert\">").And.Contain("Judge Bayard Rustin&#x27;s readiness");
        var judged = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=assess",
            new() { ["positionId"] = trustee, ["leaderId"] = rustin, ["readiness"] = "ready-1-2-years", ["justification"] = "Needs a year of chairing first" })).Content.ReadAsStringAsync();
        judged.Should().Contain("The judgement of Bayard Rustin&#x27;s readiness for Trustee is recorded")
            .And.Contain("Bayard Rustin&#x27;s readiness, in staff&#x27;s judgement: Ready in 1 to 2 years").And.Contain("Why: Needs a year of chairing first")
            .And.Contain("<option value=\"ready-1-2-years\" selected=\"selected\">");

        var board = new PageClient(_app);
        await board.SignInAsync("pg.board2");
        await _app.CaughtUpAsync();
        var pipeline = await board.GetAsync("/board/pipeline");
        pipeline.Should().Contain("Pipeline: PG").And.Contain("<svg role=\"img\"").And.Contain("leaders in the pipeline");
        // Words, not codes: the equity categories and the domains by name, the stages explained.
        pipeline.Should().Contain("<h3>Communication</h3>").And.Contain("stage is the highest level they have attained");
        // Stages in one blue, darker with the level (Level 0 is no longer the green that means "ready now").
        pipeline.Should().Contain($"fill=\"{LeaderJourney.Web.Pages.Board.BoardPage.StageColours[0]}\"").And.NotContain($"fill=\"{LeaderJourney.Web.Pages.Board.BoardPage.ReadinessColours[0]}\"");
        // The board sees staff's call on a candidate and why it was made.
        (await board.GetAsync("/board/succession")).Should().Contain($"Ready in 1 to 2 years<span class=\"why\"> (judged on {DateTime.UtcNow:d MMM yyyy}; Why: Needs a year of chairing first)</span>", "when the call was made, too: one of long ago weighs less")
            .And.Contain($"fill=\"{LeaderJourney.Web.Pages.Board.BoardPage.ReadinessColours[0]}\"", "readiness in the badges' colours");
    }

    [Fact]
    public async Task A_leader_downloads_their_data_staff_erase_with_a_confirmation_and_the_erased_leader_is_signed_out()
    {
        var (leaderId, leaderUser, _) = await Leader();
        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);
        (await leader.GetAsync("/journey")).Should().Contain("href=\"/journey?handler=export\"");
        var download = await leader.Http.GetAsync("/journey?handler=export");
        download.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var export = JsonDocument.Parse(await download.Content.ReadAsStringAsync()).RootElement;
        export.GetProperty("leader").GetProperty("id").GetGuid().Should().Be(leaderId);
        export.GetProperty("leader").GetProperty("displayName").GetString().Should().Be("Grace Lee");

        var (staff, _) = await StaffAsync("PG");
        var page = $"/staff/leaders/{leaderId}";
        (await staff.GetAsync("/staff/leaders")).Should().Contain($"<a href=\"{page}\">Grace Lee</a>", "a name opens the leader's page");
        // Staff send the leader a copy of what is held about them from the record (the API's export, audited), without the demographics only the leader sees.
        (await staff.GetAsync(page)).Should().Contain($"<a href=\"{page}?handler=export\">Download Grace Lee&#x27;s data (JSON)</a>");
        var staffCopy = await staff.Http.GetAsync($"{page}?handler=export");
        staffCopy.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        staffCopy.Content.Headers.ContentDisposition!.FileName.Should().StartWith($"leader-{leaderId}-personal-data-");
        var copy = JsonDocument.Parse(await staffCopy.Content.ReadAsStringAsync()).RootElement;
        copy.GetProperty("leader").GetProperty("displayName").GetString().Should().Be("Grace Lee");
        copy.GetProperty("demographics").TryGetProperty("omitted", out _).Should().BeTrue("only the leader's own copy holds their answers");
        copy.GetProperty("demographics").TryGetProperty("raceEthnicity", out _).Should().BeFalse();
        copy.GetProperty("readsOfThisRecord").EnumerateArray().Should().Contain(r => r.GetProperty("what").GetString()!.Contains("export"), "the copy made is itself recorded");
        (await new PageClient(_app).Http.GetAsync($"{page}?handler=export")).StatusCode.Should().Be(HttpStatusCode.Redirect, "to sign in first");
        var fields = new Dictionary<string, string> { ["reason"] = "Asked in writing" };
        var unconfirmed = await staff.PostAsync(page, $"{page}?handler=erase", new(fields));
        (await unconfirmed.Content.ReadAsStringAsync()).Should().Contain("Tick the box to confirm");
        fields["confirm"] = "true";
        var erased = await (await staff.PostAsync(page, $"{page}?handler=erase", fields)).Content.ReadAsStringAsync();
        erased.Should().Contain("personal data is erased").And.Contain("<h1>Erased leader</h1>")
            .And.NotContain("handler=erase", "an erased leader is not offered for erasure again");
        (await staff.GetAsync("/staff/leaders")).Should().Contain($"<a href=\"{page}\">Erased leader</a>");
        // The record says it is erased (it read "Active", with no form to act on), and staff are not asked to give it a mentor it cannot take.
        erased.Should().Contain("<span class=\"badge status-withdrawn\">Personal data erased</span> The leader&#x27;s personal data was erased").And.NotContain("status-active");
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        var unmentored = (await (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PG", displayName = "Pat Twice", email = $"{Guid.NewGuid():N}@example.org" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await _app.CaughtUpAsync();
        (await staff.GetAsync("/staff/leaders?mentorFilter=none")).Should().Contain($"/staff/leaders/{unmentored}");
        async Task<int> WithoutMentor() => int.Parse(System.Text.RegularExpressions.Regex.Match(await staff.GetAsync("/"), "Without a mentor</h2>\\s*<p class=\"figure\">(\\d+)</p>").Groups[1].Value);
        var before = await WithoutMentor();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{unmentored}/erasure", new { reason = "Enrolled twice by mistake" }));
        await _app.CaughtUpAsync();
        (await staff.GetAsync("/staff/leaders?mentorFilter=none")).Should().NotContain($"/staff/leaders/{unmentored}");
        // An erased record is nominated to nothing (the board read "Erased leader" on a slate), and no one is enrolled under the words that mark one.
        var seat = (await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "PG", title = "Recording Secretary", requirements = Array.Empty<object>() }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var refusedNomination = await admin.PostAsJsonAsync($"/api/positions/{seat}/nominations", new { leaderId = unmentored });
        refusedNomination.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refusedNomination.Content.ReadAsStringAsync()).Should().Contain("an erased record is nominated to nothing");
        await Ok(admin.PostAsync($"/api/positions/{seat}/retirement", null)); // the class's other tests read PG's positions page
        var reserved = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PG", displayName = "erased LEADER", email = "real.person@example.org" });
        reserved.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await reserved.Content.ReadAsStringAsync()).Should().Contain("marks a record whose personal data was erased");
        (await WithoutMentor()).Should().Be(before - 1, "the home's count of leaders without a mentor leaves the erased one out");

        (await leader.Http.GetAsync("/journey")).StatusCode.Should().Be(HttpStatusCode.Redirect, "their account went with their data");
    }

    [Fact]
    public async Task National_admins_see_the_audit_of_sensitive_reads_and_no_one_else_does()
    {
        var (leaderId, _, _) = await Leader();
        var (admin, adminId) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PG");
        await Ok(admin.GetAsync($"/api/leaders/{leaderId}"));
        var nationalUser = $"national-{Guid.NewGuid():N}"[..20];
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(nationalUser, ApiUsers.Password, Roles.NationalAdmin, null, null, null);
        var national = new PageClient(_app);
        await national.SignInAsync(nationalUser);
        await _app.CaughtUpAsync();
        var audit = await national.GetAsync($"/admin/audit?leaderId={leaderId}");
        // Names, not ids: who read, and whose record.
        var adminName = (await _app.Services.GetRequiredService<AccessDirectory>().FindByIdAsync(adminId))!.Username;
        audit.Should().Contain($"<td data-label=\"Who\">{adminName}</td>").And.Contain("read the leader&#x27;s record").And.Contain("Grace Lee")
            .And.NotContain(adminId.ToString()).And.Contain("href=\"/admin/audit\"");
        (await national.GetAsync("/admin/audit?leader=nonsense")).Should().Contain("No leader&#x27;s name contains &#x27;nonsense&#x27;.");
        // A leader is looked up by name too (across affiliates), and each name in the trail narrows it to that leader.
        audit.Should().Contain($"<a href=\"/admin/audit?leader={leaderId}\" aria-label=\"Only reads of Grace Lee\">Grace Lee</a>", "an address kept from before, with leaderId=, still works");
        var zora = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PG", displayName = "Zora Neale Hurston", email = $"zora.{Guid.NewGuid():N}@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.GetAsync($"/api/leaders/{zora}"));
        await _app.CaughtUpAsync();
        (await national.GetAsync("/admin/audit?leader=zora+neale")).Should().Contain($"aria-label=\"Only reads of Zora Neale Hurston\">Zora Neale Hurston</a>")
            .And.NotContain("aria-label=\"Only reads of Grace Lee\"", "one leader's name holds it: their reads alone");
        var (elsewhere, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "PQ");
        await Ok(elsewhere.PostAsJsonAsync("/api/leaders", new { affiliate = "PQ", displayName = "Grace Lee", email = $"grace.{Guid.NewGuid():N}@example.org" }), HttpStatusCode.Created);
        await _app.CaughtUpAsync();
        (await national.GetAsync("/admin/audit?leader=grace+lee")).Should().Contain("leaders&#x27; names contain &#x27;grace lee&#x27;")
            .And.Contain($"<a href=\"/admin/audit?leader={leaderId}\">Grace Lee</a> · PG", "several share it: the page asks which")
            .And.NotContain("<td data-label=\"Who\">", "and shows no reads until one is chosen");

        var (staff, _) = await StaffAsync("PG");
        (await staff.Http.GetAsync("/admin/audit")).StatusCode.Should().NotBe(HttpStatusCode.OK);
    }
}
