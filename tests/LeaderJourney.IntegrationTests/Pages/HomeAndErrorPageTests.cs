using System.Net;
using System.Net.Http.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.IntegrationTests.Pages;

/// <summary>Every role lands on a home of its own; a page not for the role and an address that is not there are pages in words, with the menu.</summary>
public sealed class HomeAndErrorPageTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;

    public async Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        await _app.EnsureAffiliateAsync("HE");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<PageClient> SignedIn(string role, string? affiliate = "HE")
    {
        var username = $"{role}.{Guid.NewGuid():N}"[..24];
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(username, ApiUsers.Password, role, role == Roles.NationalAdmin ? null : affiliate, null, null);
        var page = new PageClient(_app);
        await page.SignInAsync(username);
        return page;
    }

    [Fact]
    public async Task A_page_not_for_the_role_is_a_403_page_in_words_with_the_menu_not_raw_json()
    {
        var mentor = await SignedIn(Roles.Mentor);
        var response = await mentor.Http.GetAsync("/staff/leaders");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("This page is not for your role").And.Contain("<nav aria-label=\"Main\">").And.Contain("My queue");
    }

    [Fact]
    public async Task An_address_that_is_not_there_is_a_404_page_while_the_api_keeps_its_plain_answer()
    {
        var leader = await SignedIn(Roles.Board);
        var page = await leader.Http.GetAsync("/no/such/page");
        page.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await page.Content.ReadAsStringAsync()).Should().Contain("Page not found").And.Contain("Succession report");

        var anonymous = await _app.CreateClient().GetAsync("/nothing-here");
        anonymous.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await anonymous.Content.ReadAsStringAsync()).Should().Contain("Page not found").And.Contain("sign in");

        var api = await _app.CreateClient().GetAsync("/api/no-such-thing");
        api.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.Content.ReadAsStringAsync()).Should().NotContain("<html");
    }

    [Fact]
    public async Task A_national_admin_lands_on_the_affiliates_and_users_and_manages_them_there()
    {
        var national = await SignedIn(Roles.NationalAdmin);
        var home = await national.Http.GetAsync("/");
        home.Headers.Location!.ToString().Should().Be("/admin/users");
        var page = await national.GetAsync("/admin/users");
        page.Should().Contain("Affiliates and users").And.Contain(">HE<");
        // Their menu leads only to pages that are theirs: an affiliate's leaders, positions and reports need an affiliate.
        foreach (var link in new[] { "/staff/leaders", "/staff/positions", "/staff/import", "/board/succession", "/board/pipeline" })
            page.Should().NotContain($"href=\"{link}\"");
        page.Should().Contain("href=\"/admin/audit\"");

        // A new affiliate: the form for its first staff member opens next, for that affiliate and role.
        // Its code typed in small letters is kept in capitals, as codes are written.
        var affiliate = await (await national.PostAsync("/admin/users", "/admin/users?handler=affiliate", new() { ["code"] = " hf ", ["name"] = "Home Federation" })).Content.ReadAsStringAsync();
        affiliate.Should().Contain("Created affiliate HF. Next: add its first staff member (affiliate admin).")
            .And.Contain("<details id=\"add-user\" open=\"open\">").And.Contain("<option value=\"affiliate-admin\" selected=\"selected\">")
            .And.Contain("<option value=\"HF\" selected=\"selected\">HF · Home Federation</option>", "the affiliate is picked from those there are, the new one chosen")
            .And.Contain("No user yet: add the first below.");
        (await _app.Services.GetRequiredService<AccessDirectory>().StoredAffiliateCodeAsync("hf")).Should().Be("HF");
        // One code in another case, or one name, is a second affiliate by mistake: refused, saying which exists, the form as typed.
        var again = await (await national.PostAsync("/admin/users", "/admin/users?handler=affiliate", new() { ["code"] = "hf", ["name"] = "Home Fed." })).Content.ReadAsStringAsync();
        again.Should().Contain("Affiliate &#x27;HF&#x27; already exists.").And.Contain("<details id=\"add-affiliate\" open=\"open\">").And.Contain("value=\"Home Fed.\"");
        (await (await national.PostAsync("/admin/users", "/admin/users?handler=affiliate", new() { ["code"] = "HF2", ["name"] = "home federation" })).Content.ReadAsStringAsync())
            .Should().Contain("An affiliate named &#x27;Home Federation&#x27; already exists: HF.");
        (await _app.Services.GetRequiredService<AccessDirectory>().AffiliateExistsAsync("HF2")).Should().BeFalse();

        // A refused user keeps what was typed, but not the password.
        var refused = await (await national.PostAsync("/admin/users", "/admin/users?handler=create",
            new() { ["username"] = "hf.board", ["password"] = "short", ["role"] = Roles.Board, ["affiliate"] = "HF", ["name"] = "Bea Board" })).Content.ReadAsStringAsync();
        refused.Should().Contain("A password has 10 to 200 characters.").And.Contain("value=\"hf.board\"").And.Contain("value=\"Bea Board\"")
            .And.Contain("<option value=\"board\" selected=\"selected\">").And.NotContain("value=\"short\"");
        // A hand-made form naming no affiliate is refused in plain words, and the list shown stays the whole one (not "no user yet" of the code sent).
        var nowhere = await (await national.PostAsync("/admin/users", "/admin/users?handler=create",
            new() { ["username"] = "xx.board", ["password"] = ApiUsers.Password, ["role"] = Roles.Board, ["affiliate"] = "XX" })).Content.ReadAsStringAsync();
        nowhere.Should().Contain("There is no affiliate &#x27;XX&#x27;; add the affiliate first.").And.NotContain("Users of XX").And.NotContain("No user yet").And.NotContain("POST /api");
        // The code in small letters names the affiliate as stored.
        var created = await (await national.PostAsync("/admin/users", "/admin/users?handler=create",
            new() { ["username"] = "hf.board", ["password"] = ApiUsers.Password, ["role"] = Roles.Board, ["affiliate"] = "hf" })).Content.ReadAsStringAsync();
        created.Should().Contain("Created hf.board.").And.NotContain("id=\"password-link\"");
        created.Should().Contain("<h2>Users of HF</h2>").And.Contain("Name of hf.board", "the new user is listed under the affiliate as stored");
        // Taken, it says which: the name (one list for every affiliate), not a list of guesses.
        (await (await national.PostAsync("/admin/users", "/admin/users?handler=create",
            new() { ["username"] = "HF.Board", ["password"] = ApiUsers.Password, ["role"] = Roles.Mentor, ["affiliate"] = "HF" })).Content.ReadAsStringAsync())
            .Should().Contain("The user name &#x27;HF.Board&#x27; is taken: choose another.");

        // Without a first password: a link to hand on, with which they choose their own; no admin knows it.
        var withLink = await (await national.PostAsync("/admin/users", "/admin/users?handler=create",
            new() { ["username"] = "hf.staff", ["password"] = "", ["role"] = Roles.AffiliateAdmin, ["affiliate"] = "HF" })).Content.ReadAsStringAsync();
        withLink.Should().Contain("Created hf.staff. Give them this password link").And.Contain("A password link for hf.staff.");
        var passwordLink = System.Text.RegularExpressions.Regex.Match(withLink, "id=\"password-link\" class=\"whole\" type=\"text\" readonly value=\"([^\"]+)\"").Groups[1].Value;
        (await _app.CreateClient().PostAsJsonAsync("/api/auth/password-reset", new { token = passwordLink[(passwordLink.IndexOf("?t=", StringComparison.Ordinal) + 3)..], newPassword = "chosen by hf.staff" }))
            .StatusCode.Should().Be(System.Net.HttpStatusCode.NoContent);
        (await _app.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "hf.staff", password = "chosen by hf.staff" })).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        // The new affiliate's staff: what to do first, and a leader list that says it is empty, not that a filter found nobody.
        var newStaff = new PageClient(_app);
        await newStaff.SignInAsync("hf.staff", "chosen by hf.staff");
        (await newStaff.GetAsync("/")).Should().Contain("Getting started").And.Contain("href=\"/staff/import\">import a CSV file of them</a>");
        (await newStaff.GetAsync("/staff/leaders")).Should().Contain("No leader is enrolled yet: enrol one below, or import a CSV file of them.").And.NotContain("No leader matches.")
            .And.Contain("<a href=\"#enrol\">Enrol a leader</a>").And.Contain("<a href=\"/staff/import\">Import leaders from CSV</a>", "the forms below a long list are named at its top")
            .And.NotContain("href=\"#attendance-form\"", "no leader to tick, no training form");
        (await newStaff.GetAsync("/staff/leaders?q=nobody")).Should().Contain("No leader is enrolled yet");

        // The list says who signed in last when, and who never did; a search narrows it by user name or name.
        var found = await national.GetAsync("/admin/users?affiliate=HF&q=STAFF");
        var lastSignIn = (await _app.Services.GetRequiredService<AccessDirectory>().ListUsersAsync(CurrentUser.Operator, "HF")).Single(u => u.Username == "hf.staff").LastSignedInAt;
        found.Should().Contain($"last signed in {LeaderJourney.Web.Pages.Dates.Long(lastSignIn!.Value.UtcDateTime)}").And.Contain("Name of hf.staff").And.NotContain("Name of hf.board", "only those the search finds")
            .And.Contain("<input type=\"hidden\" name=\"affiliate\" value=\"HF\">", "the search stays in the affiliate shown");
        (await national.GetAsync("/admin/users?affiliate=HF&q=board")).Should().Contain("never signed in");
        (await national.GetAsync("/admin/users?affiliate=HF&q=nobody")).Should().Contain("No user&#x27;s name or user name contains &#x27;nobody&#x27;.").And.NotContain("No user yet");

        var user = (await _app.Services.GetRequiredService<AccessDirectory>().ListUsersAsync(CurrentUser.Operator, "HF")).Single(u => u.Username == "hf.board");
        (await (await national.PostAsync("/admin/users", "/admin/users?handler=change", new() { ["userId"] = user.Id.ToString(), ["disabled"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain("Disabled hf.board: they can no longer sign in, and their sessions have ended.");
        (await _app.Services.GetRequiredService<AccessDirectory>().ListUsersAsync(CurrentUser.Operator, "HF")).Single(u => u.Username == "hf.board").Disabled.Should().BeTrue();

        // An address for a user made without one: saved, never shown back, and removed by an empty box.
        var saved = await (await national.PostAsync("/admin/users", "/admin/users?handler=email", new() { ["userId"] = user.Id.ToString(), ["email"] = "hf.board@example.org" })).Content.ReadAsStringAsync();
        saved.Should().Contain("Saved the e-mail address of hf.board.").And.Contain("on file").And.Contain("Remove e-mail").And.NotContain("hf.board@example.org");
        (await _app.Services.GetRequiredService<AccessDirectory>().ListUsersAsync(CurrentUser.Operator, "HF")).Single(u => u.Username == "hf.board").HasEmail.Should().BeTrue();
        (await _app.Services.GetRequiredService<AccessDirectory>().MailAddressesAsync(default, userIds: [user.Id])).Should().BeEmpty("a disabled user is mailed nothing");
        (await (await national.PostAsync("/admin/users", "/admin/users?handler=email", new() { ["userId"] = user.Id.ToString(), ["email"] = "" })).Content.ReadAsStringAsync())
            .Should().Contain("Type the new e-mail address.", "an empty box is not a removal");
        (await _app.Services.GetRequiredService<AccessDirectory>().ListUsersAsync(CurrentUser.Operator, "HF")).Single(u => u.Username == "hf.board").HasEmail.Should().BeTrue();
        (await (await national.PostAsync("/admin/users", "/admin/users?handler=email", new() { ["userId"] = user.Id.ToString(), ["remove"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain("Removed the e-mail address of hf.board.");
        (await _app.Services.GetRequiredService<AccessDirectory>().ListUsersAsync(CurrentUser.Operator, "HF")).Single(u => u.Username == "hf.board").HasEmail.Should().BeFalse();
    }

    // A leader's home (/journey) needs a leader's record: PageTests signs one in there; HomeTests checks the homes' figures.
    [Theory]
    [InlineData(Roles.Mentor, "Your mentoring", "/mentor/queue")]
    [InlineData(Roles.AffiliateAdmin, "Your leaders at a glance", "/staff/leaders")]
    [InlineData(Roles.Board, "Succession at a glance", "/board/succession")]
    public async Task Every_role_has_a_home_with_its_menu(string role, string heading, string menuLink)
    {
        var client = await SignedIn(role);
        (await client.GetAsync("/")).Should().Contain($"<h1>{heading}</h1>").And.Contain($"<a href=\"{menuLink}\">");
    }
}
