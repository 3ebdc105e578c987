using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>
/// The positions seen from one leader: staff read the leader's nominations and their judgement on the
/// leader's record; the leader and their mentor read what each key position still asks of the leader.
/// </summary>
public sealed class LeaderPositionsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Staff_see_a_leaders_nominations_with_their_judgement_and_the_leader_and_mentor_see_what_each_key_position_still_asks()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString);
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "LP");
        var directory = app.Services.GetRequiredService<AccessDirectory>();
        var mentorId = await directory.CreateUserAsync("lp.mentor", ApiUsers.Password, Roles.Mentor, "LP", null, null);
        var mentorApi = await app.SignInAsync("lp.mentor");
        var ada = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "LP", displayName = "Ada Aims", email = "ada@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{ada}/mentors", new { mentorUserId = mentorId }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{ada}/trainings", new { title = "Organizing 101", themeCode = "ADV.1", level = 1, completedOn = "2026-01-10" }));
        await Ok(mentorApi.PostAsJsonAsync($"/api/leaders/{ada}/sign-offs", new { themeCode = "ADV.1", level = 1 }));
        async Task<Guid> Position(string title, bool key, params object[] requirements) =>
            (await Ok(admin.PostAsJsonAsync("/api/positions", new { affiliate = "LP", title, key, requirements }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var viceChair = await Position("Vice Chair", true, new { themeCode = "ADV.1", level = 1 });
        var treasurer = await Position("Treasurer", true, new { themeCode = "ADV.1", level = 2 }, new { themeCode = "COM.1", level = 1 });
        await Position("Committee Seat", false, new { themeCode = "ADV.1", level = 1 });
        await Position("Organizer", true, new { domainCode = "ADV", level = 1 });
        await Position("Open Chair", true);
        await Ok(admin.PostAsJsonAsync($"/api/positions/{treasurer}/nominations", new { leaderId = ada, note = "Keen on finance" }));
        await Ok(admin.PostAsJsonAsync($"/api/positions/{treasurer}/readiness-assessments", new { leaderId = ada, readiness = "ready-now", justification = "Kept the local's books" }));
        await app.CaughtUpAsync();

        // Staff: the nomination with the readiness that counts, the computed one beside staff's call, and what is missing.
        await directory.CreateUserAsync("lp.staff", ApiUsers.Password, Roles.AffiliateAdmin, "LP", null, null);
        var staff = new PageClient(app);
        await staff.SignInAsync("lp.staff");
        var record = await staff.GetAsync($"/staff/leaders/{ada}");
        var positions = record[record.IndexOf("<h2 id=\"positions\">Positions</h2>", StringComparison.Ordinal)..record.IndexOf("<section aria-labelledby=\"sign-in\">", StringComparison.Ordinal)];
        positions.Should().Contain("<h3>Treasurer</h3>").And.Contain($"Nominated on {DateTime.UtcNow:d MMM yyyy}.")
            .And.Contain("<span class=\"badge ready-now\">Ready now</span>").And.Contain("Computed: Ready in 1 to 2 years; Assessed: Ready now")
            .And.Contain("Why: Kept the local&#x27;s books").And.Contain("Still needed:")
            .And.Contain("needs Level 2 in Utilizes best practices in advocacy and political efforts, has Level 1");
        positions.Should().NotContain("<h3>Vice Chair</h3>", "staff's record lists the positions the leader is nominated to or holds");

        // The others are offered to nominate the leader to from the record, nearest first, each saying how near; the answer is said in the section.
        positions.Should().Contain($"<option value=\"{viceChair}\">Vice Chair (key) · meets every requirement</option>").And.NotContain($"<option value=\"{treasurer}\">")
            .And.Contain($"action=\"/staff/leaders/{ada}?handler=nominate#positions\"");
        var form = positions[positions.IndexOf($"action=\"/staff/leaders/{ada}?handler=nominate#positions\"", StringComparison.Ordinal)..];
        form[..form.IndexOf("</form>", StringComparison.Ordinal)].Should().Contain("name=\"__RequestVerificationToken\"", "a form with its own action carries its own token (without one it answered 400)");
        positions.IndexOf("Vice Chair (key)", StringComparison.Ordinal).Should().BeLessThan(positions.IndexOf("Organizer (key)", StringComparison.Ordinal), "the one met first");
        var nominated = await (await staff.PostAsync($"/staff/leaders/{ada}", $"/staff/leaders/{ada}?handler=nominate", new() { ["positionId"] = viceChair.ToString() })).Content.ReadAsStringAsync();
        var section = nominated[nominated.IndexOf("<h2 id=\"positions\">", StringComparison.Ordinal)..];
        section.Should().Contain("<p class=\"notice\" role=\"status\">Nominated to Vice Chair.</p>").And.Contain("<h3>Vice Chair</h3>");
        nominated[..nominated.IndexOf("<h2 id=\"positions\">", StringComparison.Ordinal)].Should().NotContain("Nominated to", "said once, where the page opens");
        await Ok(admin.PostAsJsonAsync($"/api/positions/{viceChair}/nomination-withdrawals", new { leaderId = ada, reason = "Tried the form" }));

        // The record's forms are an affiliate's staff's: a national admin (who has no record pages) and a mentor are turned away before anything is sent.
        await directory.CreateUserAsync("lp.national", ApiUsers.Password, Roles.NationalAdmin, null, null, null);
        var national = new PageClient(app);
        await national.SignInAsync("lp.national");
        var mentorPages = new PageClient(app);
        await mentorPages.SignInAsync("lp.mentor");
        foreach (var (who, pages, own) in new[] { ("national admin", national, "/account/password"), ("mentor", mentorPages, "/account/password") })
        {
            (await pages.Http.GetAsync($"/staff/leaders/{ada}?handler=export")).StatusCode.Should().Be(HttpStatusCode.Forbidden, who);
            // Each with an anti-forgery token of their own (from a page of theirs), so the handler's own check is what answers.
            var sent = await pages.PostAsync(own, $"/staff/leaders/{ada}?handler=nominate", new() { ["positionId"] = viceChair.ToString() });
            sent.StatusCode.Should().Be(HttpStatusCode.Forbidden, who);
        }
        (await staff.GetAsync($"/staff/leaders/{ada}")).Should().NotContain("<h3>Vice Chair</h3>", "nothing was sent for them");

        // The leader: the key positions that set requirements, nearest first, each gap leading to its theme; no slate, no judgement.
        await directory.CreateUserAsync("lp.ada", ApiUsers.Password, Roles.Leader, "LP", ada, null);
        var leader = new PageClient(app);
        await leader.SignInAsync("lp.ada");
        var journey = await leader.GetAsync("/journey");
        var aims = journey[journey.IndexOf("<h2 id=\"positions\">", StringComparison.Ordinal)..];
        aims.Should().Contain("Key positions and what they ask").And.Contain("<a href=\"/journey/theme/COM.1#next\">");
        aims.IndexOf("<h3>Vice Chair</h3>", StringComparison.Ordinal).Should().BeLessThan(aims.IndexOf("<h3>Treasurer</h3>", StringComparison.Ordinal), "the one already met comes first, though its title sorts later");
        aims[..aims.IndexOf("<h3>Treasurer</h3>", StringComparison.Ordinal)].Should().Contain("You meet every requirement.")
            .And.Contain("Staff nominate the candidates for a position: if you would like to be one, tell your mentor or your affiliate&#x27;s staff.", "the way on from there");
        journey.Should().Contain("href=\"#positions\"").And.NotContain("Committee Seat", "only key positions").And.NotContain("Open Chair", "one that asks nothing shows no way to it")
            .And.NotContain("Nominated").And.NotContain("Kept the local").And.NotContain("Ready now");

        // A domain's gap names its themes still below the level (all but ADV.1, which Ada attained), each leading to its page.
        var organizer = aims[aims.IndexOf("<h3>Organizer</h3>", StringComparison.Ordinal)..];
        organizer = organizer[..organizer.IndexOf("</li>", StringComparison.Ordinal)];
        organizer.Should().Contain("Advocacy: needs Level 1 in every theme; at least one of its themes has no level yet").And.Contain("Below it (")
            .And.Contain("<a href=\"/journey/theme/ADV.2#next\">").And.NotContain("/journey/theme/ADV.1#next");

        // Their mentor reads the same, each gap opening the assessment at its theme.
        var mentor = new PageClient(app);
        await mentor.SignInAsync("lp.mentor");
        var mentee = await mentor.GetAsync($"/mentor/mentees/{ada}");
        mentee.Should().Contain("Key positions and what they ask").And.Contain("Meets every requirement.")
            .And.Contain($"<a href=\"/mentor/mentees/{ada}?theme=COM.1#assess\">").And.NotContain("Kept the local").And.NotContain("Nominated");

        // A withdrawn leader aims at nothing until made active again: neither page shows the positions; staff's record still does.
        await Ok(admin.PutAsJsonAsync($"/api/leaders/{ada}/status", new { status = "withdrawn" }));
        (await leader.GetAsync("/journey")).Should().NotContain("Key positions and what they ask");
        (await mentor.GetAsync($"/mentor/mentees/{ada}")).Should().NotContain("Key positions and what they ask");
        (await staff.GetAsync($"/staff/leaders/{ada}")).Should().Contain("<h3>Treasurer</h3>").And.NotContain("?handler=nominate", "a withdrawn leader is nominated to nothing");
    }
}
