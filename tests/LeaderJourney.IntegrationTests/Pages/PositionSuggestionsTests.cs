using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>Staff ask, for one position, who meets its requirements and is not yet nominated, and nominate from that list.</summary>
public sealed class PositionSuggestionsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Staff_see_who_meets_a_positions_requirements_without_the_withdrawn_or_the_nominated_and_nominate_from_the_list()
    {
        await using var app = new LeaderJourneyAppFactory(await database.CreateDatabaseAsync());
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "SG");
        var (mentor, mentorId) = await app.SignedInAsync(Roles.Mentor, "SG");
        async Task<Guid> Leader(string name, bool attained)
        {
            var id = (await (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "SG", displayName = name, email = $"{Guid.NewGuid():N}@example.org" }))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            if (!attained) return id;
            (await admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId })).StatusCode.Should().Be(HttpStatusCode.OK);
            (await admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Organizing 101", themeCode = "ADV.1", level = 1, completedOn = "2026-01-10" })).StatusCode.Should().Be(HttpStatusCode.OK);
            (await mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.1", level = 1 })).StatusCode.Should().Be(HttpStatusCode.OK);
            return id;
        }
        var ready = await Leader("Ada Ready", attained: true);
        var notYet = await Leader("Bea Notyet", attained: false);
        var gone = await Leader("Cy Gone", attained: true);
        (await admin.PutAsJsonAsync($"/api/leaders/{gone}/status", new { status = "withdrawn" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var nominated = await Leader("Di Nominated", attained: true);
        var position = (await (await admin.PostAsJsonAsync("/api/positions", new { affiliate = "SG", title = "Secretary", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await admin.PostAsJsonAsync($"/api/positions/{position}/nominations", new { leaderId = nominated })).StatusCode.Should().Be(HttpStatusCode.OK);

        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("sg.staff", ApiUsers.Password, Roles.AffiliateAdmin, "SG", null, null);
        var staff = new PageClient(app);
        await staff.SignInAsync("sg.staff");
        (await staff.GetAsync("/staff/positions")).Should().Contain($"href=\"/staff/positions?suggestFor={position}#suggest-{position}\"").And.NotContain("Nominate Ada Ready")
            .And.Contain("<details class=\"define\">", "with positions to show, the form to define one is folded below the heading");

        var asked = await staff.GetAsync($"/staff/positions?suggestFor={position}");
        asked.Should().Contain("One leader meets every requirement and is not nominated yet:").And.Contain("Nominate Ada Ready")
            .And.Contain($"<a href=\"/staff/leaders/{ready}\">Record");
        foreach (var other in new[] { "Bea Notyet", "Cy Gone", "Nominate Di Nominated" }) asked.Should().NotContain(other);
        asked.Should().NotContain(notYet.ToString()).And.NotContain(gone.ToString());

        // Ada holds another key position (its seat set directly, since a date): said beside her name.
        var chair = (await (await admin.PostAsJsonAsync("/api/positions", new { affiliate = "SG", title = "Chair", requirements = new[] { new { themeCode = "COM.1", level = 3 } } }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await admin.PostAsJsonAsync($"/api/positions/{chair}/incumbent", new { leaderId = ready, since = "2025-01-01", termEndsOn = "2027-01-01" })).StatusCode.Should().Be(HttpStatusCode.OK);

        // The board reads the same on its succession report when it asks: the report alone weighs only the slates.
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("sg.board", ApiUsers.Password, Roles.Board, "SG", null, null);
        var board = new PageClient(app);
        await board.SignInAsync("sg.board");
        (await board.GetAsync("/board/succession")).Should().Contain("<a href=\"/board/succession?others=true#others\">Who else meets a key position&#x27;s requirements without being nominated?</a>")
            .And.NotContain("Also meeting every requirement", "the list is asked for");
        var others = await board.GetAsync("/board/succession?others=true");
        others.Should().Contain("<p id=\"others\">One leader not nominated meets every requirement of a key position, named below under each position they meet.")
            .And.Contain("<p class=\"others\">Also meeting every requirement, not nominated: Ada Ready (holds Chair).</p>", "the withdrawn and the nominated are not among them");
        // Staff open the name's record, to nominate from there.
        (await staff.GetAsync("/board/succession?others=true")).Should().Contain($"not nominated: <a href=\"/staff/leaders/{ready}\">Ada Ready</a> (holds Chair).</p>");

        // A paused leader still meets the requirements and stays listed, marked: a break is not a no, but the board and staff should know.
        (await admin.PutAsJsonAsync($"/api/leaders/{ready}/status", new { status = "paused", reason = "Family leave" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await board.GetAsync("/board/succession?others=true")).Should().Contain("not nominated: Ada Ready (their journey is paused) (holds Chair).</p>");
        (await staff.GetAsync($"/staff/positions?suggestFor={position}")).Should().Contain("Nominate Ada Ready (their journey is paused)</button>", "said in the button's own name");
        (await admin.PutAsJsonAsync($"/api/leaders/{ready}/status", new { status = "active" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await board.GetAsync("/board/succession?others=true")).Should().Contain("not nominated: Ada Ready (holds Chair).</p>");

        // The list's form keeps the list in view after a nomination (the same position asked again, at its place on the page).
        var action = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(asked, @"<form method=""post"" class=""inline-form"" action=""([^""]*suggestFor=[^""]*)""").Groups[1].Value);
        action.Should().Be($"/staff/positions?suggestFor={position}&suggestFrom=0&handler=nominate#suggest-{position}");
        var nominating = await staff.PostAsync($"/staff/positions?suggestFor={position}", action.Split('#')[0],
            new() { ["positionId"] = position.ToString(), ["leaderId"] = ready.ToString() });
        // Nobody left who meets them: the nearest are shown with what they lack, not a dead end (never the withdrawn or the nominated).
        (await nominating.Content.ReadAsStringAsync()).Should().Contain("Nominated: Ada Ready, to Secretary.").And.Contain("No leader who is not already nominated meets every requirement yet.")
            .And.Contain("Nearest, by the levels they still lack:").And.Contain($"<a href=\"/staff/leaders/{notYet}\">Bea Notyet</a>: ")
            .And.Contain("needs Level 1 in").And.Contain("Nominate Bea Notyet").And.NotContain("Nominate Cy Gone").And.NotContain("Nominate Ada Ready");

        // A name that several leaders' names contain stays in the box, and the list marks who is nominated already.
        var several = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=nominate",
            new() { ["positionId"] = position.ToString(), ["leader"] = "ea" })).Content.ReadAsStringAsync();
        several.Should().Contain($"id=\"leader-{position}\" name=\"leader\" required maxlength=\"100\" autocomplete=\"off\" value=\"ea\"")
            .And.Contain("Nominate Bea Notyet").And.Contain("Ada Ready  · already nominated").And.NotContain("Nominate Ada Ready");

        // A withdrawn leader is not nominated, whichever form (or hand-made post) names them.
        var refused = await (await staff.PostAsync("/staff/positions", "/staff/positions?handler=nominate",
            new() { ["positionId"] = position.ToString(), ["leaderId"] = gone.ToString() })).Content.ReadAsStringAsync();
        refused.Should().Contain($"Leader {gone} is withdrawn from the programme; reactivate them before nominating them.");
        (await admin.PostAsJsonAsync($"/api/positions/{position}/nominations", new { leaderId = gone })).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        // A position that does not exist, or an id that is not one, is said on the page, not a server error.
        foreach (var missing in new[] { Guid.Empty.ToString(), Guid.NewGuid().ToString(), "not-an-id" })
        {
            var answer = await staff.PostAsync("/staff/positions", "/staff/positions?handler=nominate", new() { ["positionId"] = missing, ["leaderId"] = ready.ToString() });
            answer.StatusCode.Should().Be(HttpStatusCode.OK, missing);
            (await answer.Content.ReadAsStringAsync()).Should().Contain("class=\"error\" role=\"alert\"", missing);
        }
        // The API answers the empty id as a missing position or leader (Marten refuses to look a stream up by it).
        (await admin.PostAsJsonAsync($"/api/positions/{Guid.Empty}/nominations", new { leaderId = ready })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await admin.PostAsJsonAsync($"/api/leaders/{Guid.Empty}/trainings", new { title = "T", themeCode = "ADV.1", level = 1, completedOn = "2026-01-10" }))
            .StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Staff_page_through_a_long_list_of_who_meets_the_requirements_and_stay_on_the_page_they_nominate_from()
    {
        await using var app = new LeaderJourneyAppFactory(await database.CreateDatabaseAsync());
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "SP");
        var (mentor, mentorId) = await app.SignedInAsync(Roles.Mentor, "SP");
        var ids = new Dictionary<int, Guid>();
        for (var n = 1; n <= 22; n++)
        {
            var id = ids[n] = (await (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "SP", displayName = $"Ready {n:00}", email = $"{Guid.NewGuid():N}@example.org" }))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            (await admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId })).StatusCode.Should().Be(HttpStatusCode.OK);
            (await mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.1", level = 1, assessment = new { } })).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        var position = (await (await admin.PostAsJsonAsync("/api/positions", new { affiliate = "SP", title = "Treasurer", requirements = new[] { new { themeCode = "ADV.1", level = 1 } } }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("sp.staff", ApiUsers.Password, Roles.AffiliateAdmin, "SP", null, null);
        var staff = new PageClient(app);
        await staff.SignInAsync("sp.staff");

        var first = await staff.GetAsync($"/staff/positions?suggestFor={position}");
        first.Should().Contain("22 leaders meet every requirement and are not nominated yet; the first 20 by name:").And.Contain("Nominate Ready 20").And.NotContain("Nominate Ready 21")
            .And.Contain("Page 1 of 2").And.Contain($"href=\"/staff/positions?suggestFor={position}&amp;suggestFrom=20#suggest-{position}\" rel=\"next\"");
        var second = await staff.GetAsync($"/staff/positions?suggestFor={position}&suggestFrom=20");
        second.Should().Contain("22 leaders meet every requirement and are not nominated yet; by name, 21 to 22:").And.Contain("Nominate Ready 21").And.Contain("Nominate Ready 22")
            .And.NotContain("Nominate Ready 20").And.Contain("Page 2 of 2").And.Contain("rel=\"prev\">Previous page</a>");

        // A nomination from the second page answers with the second page, one name shorter.
        var nominated = await (await staff.PostAsync($"/staff/positions?suggestFor={position}&suggestFrom=20", $"/staff/positions?suggestFor={position}&suggestFrom=20&handler=nominate",
            new() { ["positionId"] = position.ToString(), ["leaderId"] = ids[21].ToString() })).Content.ReadAsStringAsync();
        nominated.Should().Contain("Nominated: Ready 21, to Treasurer.").And.Contain("21 leaders meet every requirement and are not nominated yet; by name, 21 to 21:").And.Contain("Nominate Ready 22");
        (await staff.GetAsync($"/staff/positions?suggestFor={position}&suggestFrom=999")).Should().Contain("by name, 21 to 21:", "a page past the last is the last");
    }
}
