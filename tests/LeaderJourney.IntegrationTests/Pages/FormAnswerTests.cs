using System.Net;
using System.Net.Http.Json;
using System.Text;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.Web.Pages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>
/// A form's post is answered 303 See Other to its page, whose next load shows the answer once (so Back
/// and reload never resend a form); the answer is kept sealed under a key only the browser's cookie holds.
/// </summary>
public sealed class FormAnswerTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private sealed record Staffed(LeaderJourneyAppFactory App, PageClient Staff, Guid LeaderId, string Record);

    private async Task<Staffed> StaffWithALeader(string affiliate, string name, string email)
    {
        var app = new LeaderJourneyAppFactory(database.ConnectionString);
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, affiliate);
        var leaderId = (await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate, displayName = name, email }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync($"{affiliate.ToLowerInvariant()}.staff", ApiUsers.Password, Roles.AffiliateAdmin, affiliate, null, null);
        var staff = new PageClient(app);
        await staff.SignInAsync($"{affiliate.ToLowerInvariant()}.staff");
        // The class's tests share a database, and an answer shown is left to its minutes: each test counts its own.
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using (var clear = dataSource.CreateCommand("delete from leaderjourney.page_answers")) await clear.ExecuteNonQueryAsync();
        return new(app, staff, leaderId, $"/staff/leaders/{leaderId}");
    }

    /// <summary>Posts the record's profile form as a browser does, without following the answer's redirect.</summary>
    private static async Task<HttpResponseMessage> PostProfile(PageClient staff, string record, string query, string displayName, string email)
    {
        var html = await staff.GetAsync(record);
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        return await staff.Http.PostAsync($"{record}?{query}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["displayName"] = displayName, ["email"] = email, ["local"] = "Local 9",
        }));
    }

    private async Task<List<byte[]>> KeptAnswers()
    {
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var command = dataSource.CreateCommand("select sealed from leaderjourney.page_answers");
        var rows = new List<byte[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((byte[])reader[0]);
        return rows;
    }

    /// <summary>The answer's id (in the redirect's address) and the key its cookie holds.</summary>
    private static (string Id, string Key) AnswerOf(HttpResponseMessage posted)
    {
        var id = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(new Uri("http://localhost"), posted.Headers.Location!).Query)[FormAnswers.QueryKey].ToString();
        var cookie = posted.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(FormAnswers.CookiePrefix + id + "=", StringComparison.Ordinal));
        return (id, cookie.Split(';')[0].Split('=', 2)[1]);
    }

    [Fact]
    public async Task A_forms_answer_is_a_redirect_to_its_page_that_shows_the_answer_on_a_reload_too_and_the_answer_is_kept_sealed()
    {
        var (app, staff, _, record) = await StaffWithALeader("FA", "Fay Formsby", "fay@example.org");
        await using var _ = app;

        var posted = await PostProfile(staff, record, "handler=profile&tab=1", "Fay Formsby-Reyes", "fay.reyes@example.org");
        posted.StatusCode.Should().Be(HttpStatusCode.SeeOther, "a form's post is answered with a redirect, so the history holds no post to send again");
        var (id, key) = AnswerOf(posted);
        posted.Headers.Location!.ToString().Should().Be($"{record}?tab=1&answer={id}", "the page's own address, with its query and the answer's id but without the form's handler");
        posted.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(FormAnswers.CookiePrefix, StringComparison.Ordinal))
            .Should().Contain($"path={record}").And.Contain("httponly").And.Contain("samesite=strict").And.Contain("max-age=300");

        // Until the page is loaded, the answer is a row no one reads without the cookie: no name, no address in
        // it, not even compressed; opened with the cookie's key (AES-GCM, the answer's id bound to it), it is the page.
        var kept = (await KeptAnswers()).Should().ContainSingle().Subject;
        foreach (var personal in new[] { "Fay Formsby-Reyes", "fay.reyes@example.org", "The name, e-mail and local are saved." })
        {
            Encoding.UTF8.GetString(kept).Should().NotContain(personal);
            kept.AsSpan().IndexOf(Encoding.UTF8.GetBytes(personal)).Should().Be(-1);
        }
        static string Unpacked(byte[] packed)
        {
            try
            {
                using var brotli = new System.IO.Compression.BrotliStream(new MemoryStream(packed), System.IO.Compression.CompressionMode.Decompress);
                using var text = new StreamReader(brotli);
                return text.ReadToEnd();
            }
            // Random bytes make Brotli's decoder throw either, depending on where it stops.
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException) { return ""; }
        }
        Unpacked(kept[28..]).Should().NotContain("Fay Formsby-Reyes", "the row is sealed, not merely compressed");
        var opened = new byte[kept.Length - 28];
        using (var aes = new System.Security.Cryptography.AesGcm(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(key), 16))
            aes.Decrypt(kept[..12], kept[28..], kept[12..28], opened, Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(id));
        Unpacked(opened).Should().Contain("Fay Formsby-Reyes");

        var shown = await staff.GetAsync(posted.Headers.Location.ToString());
        shown.Should().Contain("The name, e-mail and local are saved.").And.Contain("<h1>Fay Formsby-Reyes</h1>")
            .And.Contain($"name=\"returnUrl\" value=\"{record}?tab=1\"", "a change of language leads back to the page with its query, not to the answer or the form's handler");
        // A reload in the cookie's five minutes shows it again (a phone's browser reloads a tab it put away); the row is left to the sweep.
        var reloaded = await staff.Http.GetAsync(posted.Headers.Location.ToString());
        reloaded.StatusCode.Should().Be(HttpStatusCode.OK);
        (await reloaded.Content.ReadAsStringAsync()).Should().Contain("The name, e-mail and local are saved.");
        (await KeptAnswers()).Should().ContainSingle();
        (await staff.GetAsync($"{record}?tab=1")).Should().NotContain("The name, e-mail and local are saved.").And.Contain("<h1>Fay Formsby-Reyes</h1>");

        // A refusal comes back the same way, with what was typed in its form.
        var refused = await PostProfile(staff, record, "handler=profile", "Fay Formsby-Reyes", "not an address");
        refused.StatusCode.Should().Be(HttpStatusCode.SeeOther);
        var again = await staff.GetAsync(refused.Headers.Location!.ToString());
        again.Should().Contain("<p class=\"error\" role=\"alert\">").And.Contain("value=\"not an address\"").And.Contain("<details id=\"profile\" open=\"open\">");

        // Two tabs sending forms of one page at once: each load shows its own answer, whichever comes first.
        var first = await PostProfile(staff, record, "handler=profile", "Fay Formsby-Reyes", "fay@example.org");
        var second = await PostProfile(staff, record, "handler=profile", "Fay Formsby-Reyes", "still not an address");
        (await staff.GetAsync(second.Headers.Location!.ToString())).Should().Contain("value=\"still not an address\"");
        (await staff.GetAsync(first.Headers.Location!.ToString())).Should().Contain("The name, e-mail and local are saved.").And.NotContain("still not an address");

        // A form of the site refused before its handler (no anti-forgery token) is an error page in words, not a
        // redirect, handing back what was typed; a post another site sends, there or to the error page itself, is shown nothing of.
        async Task<string> Tokenless(string address, string site, string field = "note")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, address) { Content = new FormUrlEncodedContent(new Dictionary<string, string> { [field] = "Watched her chair the meeting" }) };
            request.Headers.Add("Sec-Fetch-Site", site);
            var response = await staff.Http.SendAsync(request);
            response.StatusCode.Should().BeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.NotFound);
            return await response.Content.ReadAsStringAsync();
        }
        (await Tokenless($"{record}?handler=peer", "same-origin")).Should().Contain("<h1>This form could not be sent</h1>").And.Contain("Nothing this form sent was recorded.")
            .And.Contain(">Watched her chair the meeting</textarea>").And.Contain($"<a href=\"{record}\">Back to the page</a>", "the way back is the form's page, not its handler's address");
        (await Tokenless($"{record}?handler=peer", "cross-site")).Should().Contain("<h1>").And.NotContain("Watched her chair the meeting");
        (await Tokenless("/error/404", "same-origin")).Should().Contain("<h1>").And.NotContain("Watched her chair the meeting", "the error page shows typed text only of a form refused on its way");
        // A refused form with a field named "code" (an affiliate's) is answered in words too: the page's status comes from its address.
        (await Tokenless("/admin/users?handler=removeAffiliate", "same-origin", field: "code")).Should().Contain("<h1>This form could not be sent</h1>");
    }

    [Fact]
    public async Task An_answer_is_shown_only_at_its_address_to_whom_it_was_made_for_and_a_wrong_or_stale_cookie_gives_the_page_afresh()
    {
        var (app, staff, leaderId, record) = await StaffWithALeader("FB", "Bo Bellamy", "bo@example.org");
        await using var _ = app;
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("fb.other", ApiUsers.Password, Roles.AffiliateAdmin, "FB", null, null);
        var other = new PageClient(app);
        await other.SignInAsync("fb.other");
        // Whether a load with that cookie showed the answer (else it went on to the page afresh, never an error).
        async Task<bool> Shown(string id, string key, PageClient who, string address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, address);
            request.Headers.Add("Cookie", $"{FormAnswers.CookiePrefix}{id}={key}");
            var response = await who.Http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.SeeOther) return false;
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            return (await response.Content.ReadAsStringAsync()).Contains("The name, e-mail and local are saved.");
        }

        // Another staff member's browser given the cookie: not shown, and left for its owner.
        var posted = await PostProfile(staff, record, "handler=profile", "Bo Bellamy", "bo.new@example.org");
        var (id, key) = AnswerOf(posted);
        (await Shown(id, key, other, posted.Headers.Location!.ToString())).Should().BeFalse();
        (await KeptAnswers()).Should().ContainSingle("a look that may not see it leaves it");
        (await staff.GetAsync(posted.Headers.Location!.ToString())).Should().Contain("The name, e-mail and local are saved.");
        (await KeptAnswers()).Should().ContainSingle("shown, it is left to its minutes: a reload shows it again");

        // The same person in a second browser, at another address (the query changed), or with a key that is
        // wrong or not one at all: not shown, never an error, and the row is left to expire.
        var elsewhere = new PageClient(app);
        await elsewhere.SignInAsync("fb.staff");
        posted = await PostProfile(staff, record, "handler=profile", "Bo Bellamy", "bo@example.org");
        var leftover = posted.Headers.Location!.ToString();
        (id, key) = AnswerOf(posted);
        (await Shown(id, key, elsewhere, $"{record}?page=2&answer={id}")).Should().BeFalse();
        posted = await PostProfile(staff, record, "handler=profile", "Bo Bellamy", "bo.other@example.org");
        (id, key) = AnswerOf(posted);
        var wrongKey = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(key);
        wrongKey[^1] ^= 1;
        (await Shown(id, Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(wrongKey), elsewhere, posted.Headers.Location!.ToString())).Should().BeFalse();
        (await Shown("not-an-id", "not-a-key", elsewhere, $"{record}?answer=not-an-id")).Should().BeFalse();
        (await KeptAnswers()).Should().HaveCount(3);
        (await Shown(id, key, elsewhere, posted.Headers.Location!.ToString())).Should().BeTrue("the same person, the same address, the cookie as made");

        // A row older than any cookie's life is not shown, even with its key, and goes with the hourly sweep of kept answers.
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        posted = await PostProfile(staff, record, "handler=profile", "Bo Bellamy", "bo.stale@example.org");
        (id, key) = AnswerOf(posted);
        await using (var age = dataSource.CreateCommand("update leaderjourney.page_answers set kept_at = now() - interval '11 minutes' where id = $1"))
        {
            age.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = new Guid(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(id)) });
            (await age.ExecuteNonQueryAsync()).Should().Be(1);
        }
        (await Shown(id, key, elsewhere, posted.Headers.Location!.ToString())).Should().BeFalse("its five minutes are long over");
        (await KeptAnswers()).Should().HaveCount(4, "the stale row and the three above");
        await app.Services.GetRequiredService<Wolverine.IMessageBus>().InvokeAsync(new LeaderJourney.Core.Http.SweepKeptAnswers());
        (await KeptAnswers()).Should().HaveCount(3, "the sweep takes the stale row, not those still in their minutes");
        (await staff.GetAsync(leftover)).Should().Contain("The name, e-mail and local are saved.", "an answer left unseen is still there in its minutes");

        // The API is not a page: its posts answer as before.
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "FB");
        (await admin.PostAsJsonAsync($"/api/leaders/{leaderId}/trainings", new { title = "Organizing 101", themeCode = "ADV.1", level = 1, completedOn = "2026-01-10" }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_password_link_in_an_answer_is_shown_at_its_first_load_only_and_a_browser_keeps_few_answer_cookies()
    {
        var (app, staff, _, record) = await StaffWithALeader("FC", "Cy Cookieson", "cy@example.org");
        await using var _ = app;
        var mentorId = await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("fc.mentor", ApiUsers.Password, Roles.Mentor, "FC", null, null);

        // A password link is a secret to hand on once: a reload or Back does not show it again.
        var users = await staff.GetAsync("/admin/users");
        System.Text.RegularExpressions.Regex.Match(users, "<select id=\"role\" name=\"role\">(.*?)</select>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value
            .Should().Contain("<option value=\"mentor\" selected=\"selected\">Mentor</option>").And.Contain("<option value=\"affiliate-admin\">",
                "a new sign-in is a mentor unless another role is chosen: a hurried Add makes no admin");
        var token = System.Text.RegularExpressions.Regex.Match(users, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var made = await staff.Http.PostAsync("/admin/users?handler=passwordLink", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["userId"] = mentorId.ToString() }));
        made.StatusCode.Should().Be(HttpStatusCode.SeeOther);
        (await staff.GetAsync(made.Headers.Location!.ToString())).Should().Contain("A password link for fc.mentor.");
        (await KeptAnswers()).Should().BeEmpty("its first load deletes it");
        var reloaded = await staff.Http.GetAsync(made.Headers.Location!.ToString());
        reloaded.StatusCode.Should().Be(HttpStatusCode.SeeOther, "the page afresh, without the link");

        // Answers of many forms sent on one page in a few minutes: once more than a few cookies ride on its requests, showing one lets the others go.
        var posted = new List<HttpResponseMessage>();
        for (var i = 0; i < 10; i++) posted.Add(await PostProfile(staff, record, "handler=profile", "Cy Cookieson", $"cy{i}@example.org"));
        var last = await staff.Http.GetAsync(posted[^1].Headers.Location!.ToString());
        last.StatusCode.Should().Be(HttpStatusCode.OK);
        last.Headers.GetValues("Set-Cookie").Count(c => c.StartsWith(FormAnswers.CookiePrefix, StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970")).Should().Be(9);
        (await staff.Http.GetAsync(posted[0].Headers.Location!.ToString())).StatusCode.Should().Be(HttpStatusCode.SeeOther, "its cookie went");
        (await staff.Http.GetAsync(posted[^1].Headers.Location!.ToString())).StatusCode.Should().Be(HttpStatusCode.OK, "the one shown stays for its reload");
    }
}
