using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.IntegrationTests.Pages;
using LeaderJourney.Storage;
using Microsoft.Extensions.DependencyInjection;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Leaders;

/// <summary>
/// What staff see of each mentor: mentees still on their way, requests waiting for them, and the sign-offs
/// and declines they gave in the window, from the mentor-queue read model; their own affiliate only.
/// </summary>
public sealed class MentorActivityTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;

    public Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Staff_see_each_mentors_mentees_waiting_requests_and_answers_in_the_window_those_keeping_leaders_waiting_first()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "MV");
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        async Task<(HttpClient Client, Guid Id)> Mentor(string username, string affiliate = "MV")
        {
            await _app.EnsureAffiliateAsync(affiliate);
            var id = await directory.CreateUserAsync(username, ApiUsers.Password, Roles.Mentor, affiliate, null, null);
            return (await _app.SignInAsync(username), id);
        }
        async Task<Guid> Enrol(string name, Guid mentor, HttpClient? by = null, string affiliate = "MV")
        {
            var id = (await Ok((by ?? admin).PostAsJsonAsync("/api/leaders", new { affiliate, displayName = name, email = $"{name.Replace(' ', '.')}@example.org" }),
                HttpStatusCode.Created)).GetProperty("id").GetGuid();
            await Ok((by ?? admin).PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentor }));
            return id;
        }

        var (busy, busyId) = await Mentor("mv.busy");
        var (_, quietId) = await Mentor("mv.quiet");
        var (_, freeId) = await Mentor("mv.free");
        var (_, goneId) = await Mentor("mv.gone");
        var asking = await Enrol("Ann Asking", busyId);
        var answered = await Enrol("Bo Answered", busyId);
        var withdrawn = await Enrol("Cy Withdrawn", busyId);
        await Enrol("Di Quiet", quietId);
        var edLeft = await Enrol("Ed Left", goneId);
        // A withdrawn leader's request waits for nobody.
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{withdrawn}/sign-off-requests", new { themeCode = "GOV.1", level = 1 }));
        await Ok(admin.PutAsJsonAsync($"/api/leaders/{withdrawn}/status", new { status = "withdrawn", reason = "Moved away" }));

        await Ok(admin.PostAsJsonAsync($"/api/leaders/{asking}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{asking}/sign-off-requests", new { themeCode = "SEI.3", level = 1 }));
        await Ok(busy.PostAsJsonAsync($"/api/leaders/{asking}/sign-off-declines", new { themeCode = "SEI.3", level = 1, reason = "Not yet" }));
        await Ok(busy.PostAsJsonAsync($"/api/leaders/{answered}/sign-offs", new { themeCode = "COM.2", level = 1 }));
        // A decline given 200 days ago: inside a year's window, outside ninety days'.
        var store = _app.Services.GetRequiredService<Store>();
        var version = (await Ok(admin.GetAsync($"/api/leaders/{answered}"))).GetProperty("version").GetInt64();
        var longAgo = DateTimeOffset.UtcNow.AddDays(-200);
        await store.AppendAsync(answered, version, [new SignOffDeclined(answered, "GOV.2", 1, busyId, "Come back later", longAgo)], new AppendMetadata { TenantId = "MV" });
        // Staff disable a mentor whose leader still has them, and waits for them: that request waits for nobody now.
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{edLeft}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        await Ok(admin.PatchAsJsonAsync($"/api/users/{goneId}", new { disabled = true }));
        // Another affiliate's mentor and answers stay out.
        var (elsewhere, elsewhereId) = await Mentor("mw.elsewhere", "MW");
        var (otherAdmin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "MW");
        var theirs = await Enrol("Fay Elsewhere", elsewhereId, otherAdmin, "MW");
        await Ok(elsewhere.PostAsJsonAsync($"/api/leaders/{theirs}/sign-offs", new { themeCode = "COM.2", level = 1 }));
        await _app.CaughtUpAsync();

        var report = await Ok(admin.GetAsync("/api/mentors/activity"));
        var mentors = report.GetProperty("mentors").EnumerateArray().ToList();
        mentors.Select(m => m.GetProperty("name").GetString()).Should().BeEquivalentTo(["mv.busy", "mv.quiet", "mv.free", "mv.gone"], "the affiliate's mentors, none of another");
        mentors[0].GetProperty("name").GetString().Should().Be("mv.busy", "a mentor keeping a leader waiting comes first");
        mentors.Skip(1).Take(2).Select(m => m.GetProperty("name").GetString()).Should().Equal(["mv.gone", "mv.quiet"],
            "then one who cannot sign in (their waiting request is no one's), then those with mentees who answered nothing");
        mentors[3].GetProperty("name").GetString().Should().Be("mv.free");

        var first = mentors[0];
        first.GetProperty("mentorId").GetGuid().Should().Be(busyId);
        first.GetProperty("mentees").GetInt32().Should().Be(2, "a withdrawn leader is no one's mentee");
        first.GetProperty("waiting").GetInt32().Should().Be(1, "the declined request and the withdrawn leader's are not waiting");
        first.GetProperty("waitingSince").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        (first.GetProperty("signedOff").GetInt32(), first.GetProperty("declined").GetInt32()).Should().Be((1, 1), "the decline of 200 days ago is outside ninety days");
        first.GetProperty("lastAnswerAt").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        var gone = mentors.Single(m => m.GetProperty("mentorId").GetGuid() == goneId);
        (gone.GetProperty("canSignIn").GetBoolean(), gone.GetProperty("mentees").GetInt32(), gone.GetProperty("waiting").GetInt32()).Should().Be((false, 1, 1));
        var free = mentors.Single(m => m.GetProperty("mentorId").GetGuid() == freeId);
        (free.GetProperty("mentees").GetInt32(), free.GetProperty("waiting").GetInt32(), free.GetProperty("lastAnswerAt").ValueKind).Should().Be((0, 0, JsonValueKind.Null));
        mentors.Single(m => m.GetProperty("mentorId").GetGuid() == quietId).GetProperty("mentees").GetInt32().Should().Be(1);

        (await Ok(admin.GetAsync("/api/mentors/activity?days="))).GetProperty("from").GetDateTimeOffset()
            .Should().BeCloseTo(DateTimeOffset.UtcNow.AddDays(-90), TimeSpan.FromMinutes(5), "a window left empty is the default");
        var year = (await Ok(admin.GetAsync("/api/mentors/activity?days=365"))).GetProperty("mentors").EnumerateArray().First();
        (year.GetProperty("signedOff").GetInt32(), year.GetProperty("declined").GetInt32()).Should().Be((1, 2), "a year's window holds the old decline");
        var other = (await Ok(otherAdmin.GetAsync("/api/mentors/activity"))).GetProperty("mentors").EnumerateArray().Single();
        (other.GetProperty("name").GetString(), other.GetProperty("signedOff").GetInt32()).Should().Be(("mw.elsewhere", 1));

        // Refusals: bad windows in words, another affiliate's and a mentor's asking.
        foreach (var days in new[] { "0", "367", "ninety", "-5", "9.5" })
        {
            var refused = await admin.GetAsync($"/api/mentors/activity?days={days}");
            refused.StatusCode.Should().Be(HttpStatusCode.BadRequest, days);
            (await refused.Content.ReadAsStringAsync()).Should().Contain("days is a whole number of days from 1 to 366.");
        }
        (await otherAdmin.GetAsync("/api/mentors/activity?affiliate=MV")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await busy.GetAsync("/api/mentors/activity")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var (national, _) = await _app.SignedInAsync(Roles.NationalAdmin);
        (await Ok(national.GetAsync("/api/mentors/activity?affiliate=MV"))).GetProperty("mentors").GetArrayLength().Should().Be(4);

        // The page: the same figures, each name leading to the mentees, the waiting count to the requests.
        await directory.CreateUserAsync("mv.staff", ApiUsers.Password, Roles.AffiliateAdmin, "MV", null, null);
        var staff = new PageClient(_app);
        await staff.SignInAsync("mv.staff");
        var page = await staff.GetAsync("/staff/mentors");
        page.Should().Contain($"<a href=\"/staff/leaders?mentorFilter={busyId}\">mv.busy</a>")
            .And.Contain($"<a href=\"/staff/requests#m-{busyId}\">1</a>")
            .And.Contain("mv.gone")
            .And.Contain("(cannot sign in: reassign their mentees)")
            .And.Contain("<a href=\"/staff/requests\">1</a>", "a disabled mentor's mentee's request waits for another mentor or for nobody, not under them")
            .And.Contain("One mentor has requests waiting.")
            .And.Contain("One mentor with mentees gave no answer in that time.")
            .And.Contain("One mentor who cannot sign in still has mentees: move them to a mentor who can.")
            .And.NotContain("mw.elsewhere");
        page.IndexOf(">mv.busy</a>", StringComparison.Ordinal).Should().BeLessThan(page.IndexOf("mv.free", StringComparison.Ordinal));
        (await staff.GetAsync("/staff/requests")).Should().Contain("href=\"/staff/mentors\"");
        // On Spanish pages the framework's English titles are marked as English, for a screen reader to say them so.
        var spanish = new PageClient(_app);
        spanish.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es");
        await spanish.SignInAsync("mv.staff");
        (await spanish.GetAsync("/staff/requests")).Should().MatchRegex("<span lang=\"en\">[^<]+</span>, Nivel \\d</td>");
        (await spanish.GetAsync("/board/pipeline")).Should().MatchRegex("<h3><span lang=\"en\">[^<]+</span></h3>");
        // Also in the lists to pick a theme from (a domain's group marks its themes).
        (await spanish.GetAsync("/staff/leaders")).Should().MatchRegex("<optgroup label=\"Advocacy\" lang=\"en\">\\s*<option value=\"ADV.1\">");
        (await spanish.GetAsync("/staff/positions")).Should().MatchRegex("<option value=\"ADV.1\" lang=\"en\">");
        (await staff.GetAsync("/staff/leaders")).Should().Contain("<optgroup label=\"Advocacy\">", "an English page needs no mark");
        var wrong = await staff.Http.GetAsync("/staff/mentors?days=ninety");
        wrong.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await wrong.Content.ReadAsStringAsync()).Should().Contain("The answers are counted over 1 to 366 days; the last 90 days are shown.")
            .And.Contain(">mv.busy</a>", "the default window is shown under the refusal");
        (await staff.GetAsync("/staff/mentors?days=7")).Should().Contain("<option value=\"7\" selected=\"selected\">the last 7 days</option>", "a window typed in is kept by the form");
    }

    [Fact]
    public async Task Staff_move_a_leaving_mentors_mentees_to_another_in_one_write_each_from_the_mentors_page_or_the_API()
    {
        var (admin, _) = await _app.SignedInAsync(Roles.AffiliateAdmin, "MX");
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        var leavingId = await directory.CreateUserAsync("mx.leaving", ApiUsers.Password, Roles.Mentor, "MX", null, null);
        var takingId = await directory.CreateUserAsync("mx.taking", ApiUsers.Password, Roles.Mentor, "MX", null, null);
        var lockedId = await directory.CreateUserAsync("mx.locked", ApiUsers.Password, Roles.Mentor, "MX", null, null);
        async Task<Guid> Enrol(string name, params Guid[] mentors)
        {
            var id = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "MX", displayName = name, email = $"{name.Replace(' ', '.')}@example.org" }),
                HttpStatusCode.Created)).GetProperty("id").GetGuid();
            foreach (var mentor in mentors) await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentor }));
            return id;
        }
        var byApi = await Enrol("Al Api", leavingId);
        var byPage = await Enrol("Bea Page", leavingId);
        var both = await Enrol("Cal Both", leavingId, takingId);
        var withdrawn = await Enrol("Dot Withdrawn", leavingId);
        await Ok(admin.PutAsJsonAsync($"/api/leaders/{withdrawn}/status", new { status = "withdrawn", reason = "Moved away" }));
        // An erased leader's record takes no more changes: no one's mentee, and not offered to move.
        var erased = await Enrol("Eve Erased", leavingId);
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{erased}/erasure", new { reason = "Asked to be forgotten" }));
        await Ok(admin.PatchAsJsonAsync($"/api/users/{lockedId}", new { disabled = true }));
        async Task<Guid[]> Mentors(Guid leader) => [.. (await Ok(admin.GetAsync($"/api/leaders/{leader}"))).GetProperty("mentors").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.Object ? m.GetProperty("userId").GetGuid() : m.GetGuid())];

        // The API: the mentor in the path replaced by the one in the body, in one write.
        (await Ok(admin.PutAsJsonAsync($"/api/leaders/{byApi}/mentors/{leavingId}", new { mentorUserId = takingId }))).GetProperty("alreadyAssigned").GetBoolean()
            .Should().BeFalse("the one taking over was not the leader's mentor yet");
        (await Mentors(byApi)).Should().Equal(takingId);
        (await Ok(admin.GetAsync($"/api/leaders/{byApi}/history"))).EnumerateArray().Select(e => e.GetProperty("type").GetString()).TakeLast(2)
            .Should().Equal("leader.mentor-assigned", "leader.mentor-unassigned");
        var locked = await admin.PutAsJsonAsync($"/api/leaders/{byPage}/mentors/{leavingId}", new { mentorUserId = lockedId });
        locked.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await locked.Content.ReadAsStringAsync()).Should().Contain("This mentor's sign-in is disabled");
        (await admin.PutAsJsonAsync($"/api/leaders/{byApi}/mentors/{leavingId}", new { mentorUserId = takingId })).StatusCode
            .Should().Be(HttpStatusCode.UnprocessableEntity, "the leaving mentor is no longer assigned");
        var (mentor, _) = await _app.SignedInAsync(Roles.Mentor, "MX");
        (await mentor.PutAsJsonAsync($"/api/leaders/{byPage}/mentors/{leavingId}", new { mentorUserId = takingId })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await _app.CaughtUpAsync();

        // The page: every mentee still on their way, one command each; one who has both keeps the one taking over.
        await directory.CreateUserAsync("mx.staff", ApiUsers.Password, Roles.AffiliateAdmin, "MX", null, null);
        var staff = new PageClient(_app);
        await staff.SignInAsync("mx.staff");
        (await staff.GetAsync("/staff/mentors")).Should().Contain($"href=\"/staff/mentors?days=90&amp;move={leavingId}#move\"")
            .And.NotContain($"<option value=\"{takingId}\"", "the list of mentors who could take over is drawn only for the mentor chosen");
        var page = await staff.GetAsync($"/staff/mentors?move={leavingId}");
        page.Should().Contain("Move the mentees of mx.leaving").And.Contain("Move the mentees ticked").And.Contain($"<option value=\"{takingId}\">mx.taking (2 mentees)</option>")
            .And.Contain($"name=\"leaderIds\" value=\"{byPage}\" checked> <label for=\"move-{byPage}\" class=\"inline\">Bea Page</label>", "Bea and Cal, each ticked (Al moved by the API, Dot withdrawn, Eve erased)")
            .And.Contain($"name=\"leaderIds\" value=\"{both}\" checked>").And.NotContain($"value=\"{withdrawn}\"")
            .And.NotContain($"<option value=\"{lockedId}\">", "a mentor who cannot sign in takes over no one");
        var unchosen = await (await staff.PostAsync($"/staff/mentors?move={leavingId}", "/staff/mentors?handler=move", new() { ["from"] = leavingId.ToString(), ["to"] = "" })).Content.ReadAsStringAsync();
        unchosen.Should().Contain("Choose the mentor who takes over.");
        (await (await staff.PostAsync($"/staff/mentors?move={leavingId}", "/staff/mentors?handler=move", new() { ["from"] = leavingId.ToString(), ["to"] = takingId.ToString(), ["listed"] = "true" }))
            .Content.ReadAsStringAsync()).Should().Contain("Tick the mentees to move.").And.Contain("Move the mentees of mx.leaving", "the form stays open");
        // Those ticked alone are moved, and named.
        var moved = await staff.PostAsync($"/staff/mentors?move={leavingId}", "/staff/mentors?handler=move",
            new() { ["from"] = leavingId.ToString(), ["to"] = takingId.ToString(), ["listed"] = "true", ["leaderIds"] = byPage.ToString() });
        moved.StatusCode.Should().Be(HttpStatusCode.OK);
        (await moved.Content.ReadAsStringAsync()).Should().Contain("Moved one mentee: Bea Page.").And.NotContain("Not moved:");
        (await Mentors(byPage)).Should().Equal(takingId);
        (await Mentors(both)).Should().BeEquivalentTo([leavingId, takingId], "Cal was not ticked");
        await _app.CaughtUpAsync();
        // A form of before the ticks moves every mentee still theirs.
        (await (await staff.PostAsync($"/staff/mentors?move={leavingId}", "/staff/mentors?handler=move", new() { ["from"] = leavingId.ToString(), ["to"] = takingId.ToString() }))
            .Content.ReadAsStringAsync()).Should().Contain("One had both mentors: only the one leaving was taken off.", "the one with both is not counted as moved");
        (await Mentors(both)).Should().Equal(takingId);
        (await Mentors(withdrawn)).Should().Equal([leavingId], "a withdrawn leader's mentors change only once they are reactivated");
        await _app.CaughtUpAsync();
        var after = (await Ok(admin.GetAsync("/api/mentors/activity"))).GetProperty("mentors").EnumerateArray()
            .ToDictionary(m => m.GetProperty("mentorId").GetGuid(), m => m.GetProperty("mentees").GetInt32());
        (after.GetValueOrDefault(leavingId), after[takingId]).Should().Be((0, 3));
    }
}
