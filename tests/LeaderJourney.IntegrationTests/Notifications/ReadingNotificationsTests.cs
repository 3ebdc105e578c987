using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Notifications;
using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.IntegrationTests.Pages;
using Microsoft.Extensions.DependencyInjection;
using static LeaderJourney.IntegrationTests.Infrastructure.Waiting;

namespace LeaderJourney.IntegrationTests.Notifications;

/// <summary>
/// People read what they were told: a withdrawn level is told as an attained one is; each reader marks
/// theirs read (through the API or the page), a mark never moves back, and the menu counts what is unread.
/// </summary>
public sealed class ReadingNotificationsTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;

    public Task InitializeAsync()
    {
        // Every level taken back is told here, however soon (MailTests: one taken back unheard is not).
        _app = new LeaderJourneyAppFactory(database.ConnectionString, settings: new Dictionary<string, string> { ["LeaderJourney:Notices:AttainedHold"] = "00:00:00" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd");

    /// <summary>A leader with a sign-in, whose Level 1 of ADV.1 was attained and then taken back by the mentor.</summary>
    private async Task<(Guid LeaderId, string LeaderUser)> LeaderWithALevelTakenBack()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "NV");
        var (mentor, mentorId) = await _app.SignedInAsync(Roles.Mentor, "NV");
        var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "NV", displayName = "Dolores Huerta", email = $"{Guid.NewGuid():N}@example.org" });
        var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Organizing 101", themeCode = "ADV.1", level = 1, completedOn = Today }));
        (await (await mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.1", level = 1 })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("attained").GetBoolean().Should().BeTrue();
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-revocations", new { themeCode = "ADV.1", level = 1, reason = "Signed the wrong theme" }));
        var leaderUser = $"leader-{Guid.NewGuid():N}"[..20];
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(leaderUser, ApiUsers.Password, Roles.Leader, "NV", id, null);
        return (id, leaderUser);
    }

    [Fact]
    public async Task A_withdrawn_level_is_told_and_a_readers_mark_covers_what_they_saw_and_never_moves_back()
    {
        var (leaderId, leaderUser) = await LeaderWithALevelTakenBack();
        var leader = await _app.SignInAsync(leaderUser);

        JsonElement[] notes = [];
        await Until(async () => (notes = await Notes(leader)).Length >= 2, "the attained and the withdrawn level");
        notes.Select(n => (n.GetProperty("kind").GetString(), n.GetProperty("themeCode").GetString(), n.GetProperty("read").GetBoolean())).Should()
            .Equal(("level-revoked", "ADV.1", false), ("level-attained", "ADV.1", false));
        var (newest, older) = (notes[0].GetProperty("id").GetInt64(), notes[1].GetProperty("id").GetInt64());

        (await leader.PostAsJsonAsync("/api/notifications/read", new { throughId = older })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Notes(leader)).Select(n => n.GetProperty("read").GetBoolean()).Should().Equal(false, true);

        (await leader.PostAsJsonAsync("/api/notifications/read", new { })).StatusCode.Should().Be(HttpStatusCode.NoContent, "no id marks every one read");
        (await Notes(leader)).Select(n => n.GetProperty("read").GetBoolean()).Should().Equal(true, true);

        (await leader.PostAsJsonAsync("/api/notifications/read", new { throughId = older })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Notes(leader)).Select(n => n.GetProperty("read").GetBoolean()).Should().Equal([true, true], "an older page's mark does not unread what was read since");

        var refused = await leader.PostAsJsonAsync("/api/notifications/read", new { throughId = -1 });
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("throughId");
        foreach (var body in new[] { "{\"throughId\": \"soon\"}", "{\"throughId\": 1.5}", "not json", "[1, 2]" })
        {
            var malformed = await leader.PostAsync("/api/notifications/read", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            malformed.StatusCode.Should().Be(HttpStatusCode.BadRequest, body);
            (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should()
                .StartWith("The request could not be read", "a body that is not the request's shape is refused in words, not a bare 400 or a 500");
        }
        (await leader.GetAsync("/api/notifications?before=soon")).Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");

        (await leader.GetFromJsonAsync<JsonElement[]>($"/api/notifications?before={newest}"))!.Select(n => n.GetProperty("id").GetInt64()).Should().Equal(older);

        // A mark sent past the newest notification stops at it: what is written later is unread.
        (await leader.PostAsJsonAsync("/api/notifications/read", new { throughId = long.MaxValue })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _app.Services.GetRequiredService<NotificationBox>().AddAsync($"test:{Guid.NewGuid()}", "NV", NotificationBox.LevelAttained,
            leaderId: leaderId, themeCode: "ADV.2", level: 1)).Should().BeTrue();
        (await Notes(leader)).Select(n => n.GetProperty("read").GetBoolean()).Should().Equal(false, true, true);

        // Another leader's notifications are theirs alone.
        var (_, anotherUser) = await LeaderWithALevelTakenBack();
        var anotherLeader = await _app.SignInAsync(anotherUser);
        await Until(async () => (await Notes(anotherLeader)).Length >= 2, "the other leader's notifications");
        (await Notes(anotherLeader)).Select(n => n.GetProperty("id").GetInt64()).Should().NotIntersectWith((await Notes(leader)).Select(n => n.GetProperty("id").GetInt64()));

        // Who may not read notifications may not mark them either, whatever they send.
        var (board, _) = await _app.SignedInAsync(Roles.Board, "NV");
        (await board.PostAsJsonAsync("/api/notifications/read", new { throughId = -1 })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Each_of_an_affiliates_staff_keeps_their_own_mark_and_another_affiliate_sees_none_of_it()
    {
        var db = await database.CreateDatabaseAsync();
        await using var app = new LeaderJourneyAppFactory(db);
        var (first, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        var (second, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        var (elsewhere, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "MA");
        var box = app.Services.GetRequiredService<NotificationBox>();
        var positionId = Guid.NewGuid();
        (await box.AddAsync($"test:{positionId}", "OH", NotificationBox.TermEnding, positionId: positionId, onDate: new DateOnly(2027, 3, 1))).Should().BeTrue();

        (await first.PostAsJsonAsync("/api/notifications/read", new { })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Notes(first)).Should().ContainSingle().Which.GetProperty("read").GetBoolean().Should().BeTrue();
        (await Notes(second)).Should().ContainSingle().Which.GetProperty("read").GetBoolean().Should().BeFalse("the other staff member has not read it");
        (await Notes(elsewhere)).Should().BeEmpty("another affiliate's staff see none of OH's");

        // A reminder is not taken back when the term end moves: the page says where it stands now.
        var treasurer = (await (await first.PostAsJsonAsync("/api/positions", new { affiliate = "OH", title = "Treasurer", termEndsOn = "2028-08-05",
            requirements = new[] { new { themeCode = "ADV.1", level = 1 } } })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await box.AddAsync($"test:{treasurer}", "OH", NotificationBox.TermEnding, positionId: treasurer, onDate: new DateOnly(2027, 3, 1))).Should().BeTrue();
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("oh.reader", ApiUsers.Password, Roles.AffiliateAdmin, "OH", null, null);
        var staffPage = new PageClient(app);
        await staffPage.SignInAsync("oh.reader");
        (await staffPage.GetAsync("/notifications")).Should().Contain("The term of Treasurer was to end on 1 Mar 2027; it now ends on 5 Aug 2028.")
            .And.Contain($"href=\"/staff/positions#p-{treasurer}\"")
            .And.Contain("Here you hear when the term of one of your affiliate&#x27;s positions is about to end.", "each role is told what comes here");
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("oh.mentor.reader", ApiUsers.Password, Roles.Mentor, "OH", null, null);
        var mentorPage = new PageClient(app);
        await mentorPage.SignInAsync("oh.mentor.reader");
        (await mentorPage.GetAsync("/notifications")).Should().Contain("<a href=\"/mentor/queue\">Sign-off requests wait in your queue.</a>", "a mentor looks for requests in the queue, not here");
    }

    [Fact]
    public async Task A_leader_reads_their_notifications_on_a_page_the_menu_counts_the_unread_and_marking_them_read_clears_it()
    {
        var (_, leaderUser) = await LeaderWithALevelTakenBack();
        var leader = new PageClient(_app);
        await leader.SignInAsync(leaderUser);
        var api = await _app.SignInAsync(leaderUser);
        await Until(async () => (await Notes(api)).Length >= 2, "the two notifications");

        var journey = await leader.GetAsync("/journey");
        journey.Should().MatchRegex("""<a href="/notifications">Notifications\s*<span class="badge count">2<span class="visually-hidden"> unread</span></span>\s*</a>""");

        var page = await leader.GetAsync("/notifications");
        var theme = "Utilizes best practices in advocacy and political efforts, Level 1";
        page.Should().Contain($"You attained {theme}.").And.Contain($"{theme} was taken back: a sign-off, training or assessment it stood on was withdrawn.")
            .And.Contain("href=\"/journey/theme/ADV.1\"");
        System.Text.RegularExpressions.Regex.Matches(page, "<span class=\"badge unread-mark\">New</span>").Count.Should().Be(2);

        var throughId = System.Text.RegularExpressions.Regex.Match(page, @"name=""throughId"" value=""(\d+)""").Groups[1].Value;
        throughId.Should().Be((await Notes(api))[0].GetProperty("id").GetInt64().ToString(), "the form marks up to the newest notification shown");
        var marked = await leader.PostAsync("/notifications", "/notifications?handler=read", new() { ["throughId"] = throughId });
        marked.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var after = await leader.GetAsync("/notifications");
        after.Should().NotContain("unread-mark").And.NotContain("Mark all as read").And.Contain($"You attained {theme}.");
        after.Should().MatchRegex("""<a href="/notifications">Notifications\s*</a>""", "nothing is unread, so the menu shows no count");
        // In Spanish the theme's English title inside the sentence is marked as English, for a screen reader.
        var spanish = new PageClient(_app);
        spanish.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es");
        await spanish.SignInAsync(leaderUser);
        (await spanish.GetAsync("/notifications")).Should().Contain("Has alcanzado <span lang=\"en\">Utilizes best practices in advocacy and political efforts</span>, Nivel 1.");
    }

    [Fact]
    public async Task A_mentor_is_told_of_a_new_mentee_the_leader_and_staff_are_not_and_one_taken_off_them_is_no_longer_named()
    {
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "NV");
        var mentorUser = $"mentor-{Guid.NewGuid():N}"[..20];
        var mentorId = await directory.CreateUserAsync(mentorUser, ApiUsers.Password, Roles.Mentor, "NV", null, null);
        var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "NV", displayName = "Larry Itliong", email = $"{Guid.NewGuid():N}@example.org" });
        var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var mentorApi = await _app.SignInAsync(mentorUser);
        (await Notes(mentorApi)).Should().BeEmpty();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
        await Until(async () => (await Notes(mentorApi)).Length == 1, "the mentor's notice");
        var notice = (await Notes(mentorApi)).Single();
        notice.GetProperty("kind").GetString().Should().Be(NotificationBox.MenteeAssigned);
        notice.GetProperty("leaderId").GetGuid().Should().Be(id);
        notice.GetProperty("read").GetBoolean().Should().BeFalse();

        // The notice is about the leader, but to the mentor: neither the leader nor staff read it.
        var (leaderApi, _) = await _app.SignedInAsync(Roles.Leader, "NV", id);
        (await Notes(leaderApi)).Should().BeEmpty();
        (await Notes(admin)).Should().NotContain(n => n.GetProperty("kind").GetString() == NotificationBox.MenteeAssigned);

        // Named at once, whether or not the mentees' read model has caught up (a leader it lacks is looked for in their stream).
        var mentor = new PageClient(_app);
        await mentor.SignInAsync(mentorUser);
        (await mentor.GetAsync("/")).Should().MatchRegex("""<a href="/notifications">Notifications\s*<span class="badge count">1<span class="visually-hidden"> unread</span></span>\s*</a>""");
        (await mentor.GetAsync("/notifications")).Should().Contain("Larry Itliong is now your mentee.").And.Contain($"<a href=\"/mentor/mentees/{id}\">See their journey</a>");
        (await mentor.GetAsync("/account/mail")).Should().Contain("when a leader becomes your mentee").And.Contain("every notice is in your notifications", "this installation has no mail server");

        (await mentor.PostAsync("/notifications", "/notifications?handler=read", new() { ["throughId"] = notice.GetProperty("id").GetInt64().ToString() }))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await Notes(mentorApi)).Single().GetProperty("read").GetBoolean().Should().BeTrue("a mentor keeps their own mark");

        // Taken off them after they read it, the leader is no longer theirs to see: the notice stays, without the name.
        (await admin.DeleteAsync($"/api/leaders/{id}/mentors/{mentorId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await _app.CaughtUpAsync();
        (await mentor.GetAsync("/notifications")).Should().Contain("A leader was assigned to you; they are not among your mentees now.").And.NotContain("Larry Itliong");

        // A wrong pick undone before they read of it is told neither way; the next leader is (the reactions run in order,
        // so once that one is told the undone one was handled).
        async Task<Guid> Enrol(string name) => (await (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "NV", displayName = name, email = $"{Guid.NewGuid():N}@example.org" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var wrong = await Enrol("Philip Vera Cruz");
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{wrong}/mentors", new { mentorUserId = mentorId }));
        (await admin.DeleteAsync($"/api/leaders/{wrong}/mentors/{mentorId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        var next = await Enrol("Itliong Next");
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{next}/mentors", new { mentorUserId = mentorId }));
        await Until(async () => (await Notes(mentorApi)).Any(n => n.GetProperty("leaderId").GetGuid() == next), "the next leader's notice");
        (await Notes(mentorApi)).Select(n => n.GetProperty("leaderId").GetGuid()).Should().Equal(next, id);
        (await mentor.GetAsync("/")).Should().MatchRegex("""<span class="badge count">1<span class="visually-hidden"> unread</span>""");
    }

    private static async Task<JsonElement[]> Notes(HttpClient client) => (await client.GetFromJsonAsync<JsonElement[]>("/api/notifications"))!;

    private static async Task Ok(Task<HttpResponseMessage> request) => (await request).StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.Created);
}
