using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.IntegrationTests.Access;

/// <summary>Signing out, changing a password, disabling a user and changing a role end that user's tokens and page sessions at once.</summary>
public sealed partial class AccountTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;

    public Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(string Username, Guid Id)> User(string role, string affiliate = "AC", Guid? leaderId = null)
    {
        await _app.EnsureAffiliateAsync(affiliate);
        var username = $"{role}.{Guid.NewGuid():N}"[..28];
        var id = await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(username, ApiUsers.Password, role, affiliate, leaderId, creator: null);
        return (username, id);
    }

    private HttpClient Client(string token)
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> Token(string username, string password = ApiUsers.Password)
    {
        var response = await _app.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>A browser session: signs in on the page, keeps the cookie.</summary>
    private async Task<HttpClient> PageSession(string username, string password = ApiUsers.Password)
    {
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/account/sign-in");
        var antiForgery = AntiForgery().Match(form).Groups[1].Value;
        var signedIn = await browser.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = username, ["password"] = password, ["__RequestVerificationToken"] = antiForgery,
        }));
        signedIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await browser.GetAsync("/account/password")).StatusCode.Should().Be(HttpStatusCode.OK);
        return browser;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiForgery();

    private static async Task<bool> PageSessionHolds(HttpClient browser) => (await browser.GetAsync("/account/password")).StatusCode == HttpStatusCode.OK;

    [Fact]
    public async Task Signing_out_ends_the_token_it_was_sent_with_and_no_other()
    {
        var (mentor, _) = await User(Roles.Mentor);
        var (first, second) = (Client(await Token(mentor)), Client(await Token(mentor)));

        (await first.PostAsync("/api/auth/sign-out", null)).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await first.GetAsync("/api/frameworks")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the token is revoked at once");
        (await second.GetAsync("/api/frameworks")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Signing_out_on_the_page_ends_the_session_so_a_copy_of_its_cookie_signs_nobody_in()
    {
        var (mentor, _) = await User(Roles.Mentor);
        var cookies = string.Join("; ", ExtractCookies(await SignInCookie(mentor)));
        var copy = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        copy.DefaultRequestHeaders.Add("Cookie", cookies);
        var home = await copy.GetAsync("/account/password");
        home.StatusCode.Should().Be(HttpStatusCode.OK, "a copied cookie works while its session lasts");

        var signOut = await copy.PostAsync("/account/sign-out", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiForgery().Match(await home.Content.ReadAsStringAsync()).Groups[1].Value,
        }));
        signOut.StatusCode.Should().Be(HttpStatusCode.Redirect);

        var replay = await copy.GetAsync("/account/password");
        replay.StatusCode.Should().Be(HttpStatusCode.Redirect, "the session was ended on the server, not only in one browser");
        replay.Headers.Location!.ToString().Should().Contain("/account/sign-in");
    }

    /// <summary>Signs in on the page without following redirects and returns the Set-Cookie headers.</summary>
    private async Task<IEnumerable<string>> SignInCookie(string username)
    {
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var get = await browser.GetAsync("/account/sign-in");
        var form = await get.Content.ReadAsStringAsync();
        var post = new HttpRequestMessage(HttpMethod.Post, "/account/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = username, ["password"] = ApiUsers.Password, ["__RequestVerificationToken"] = AntiForgery().Match(form).Groups[1].Value,
            }),
        };
        post.Headers.Add("Cookie", string.Join("; ", ExtractCookies(get.Headers.GetValues("Set-Cookie"))));
        var answer = await browser.SendAsync(post);
        answer.StatusCode.Should().Be(HttpStatusCode.Redirect);
        return get.Headers.GetValues("Set-Cookie").Concat(answer.Headers.GetValues("Set-Cookie"));
    }

    private static IEnumerable<string> ExtractCookies(IEnumerable<string> setCookies) => setCookies.Select(c => c.Split(';')[0]);

    [Fact]
    public async Task Changing_the_password_ends_every_token_and_page_session_and_only_the_new_password_signs_in()
    {
        var (staff, _) = await User(Roles.AffiliateAdmin);
        var token = Client(await Token(staff));
        var other = Client(await Token(staff));
        var page = await PageSession(staff);

        var wrong = await token.PostAsJsonAsync("/api/auth/password", new { currentPassword = "not the password", newPassword = "a brand new password" });
        wrong.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("currentPassword", out _).Should().BeTrue();
        (await token.PostAsJsonAsync("/api/auth/password", new { currentPassword = ApiUsers.Password, newPassword = "short" }))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);

        (await token.PostAsJsonAsync("/api/auth/password", new { currentPassword = ApiUsers.Password, newPassword = "a brand new password" }))
            .StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await token.GetAsync("/api/frameworks")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await other.GetAsync("/api/frameworks")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await PageSessionHolds(page)).Should().BeFalse();
        (await _app.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = staff, password = ApiUsers.Password }))
            .StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Client(await Token(staff, "a brand new password")).GetAsync("/api/frameworks")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Staff_disable_a_user_and_change_a_role_which_ends_their_sessions_at_once_and_the_new_role_holds()
    {
        var (admin, adminId) = await User(Roles.AffiliateAdmin);
        var staff = Client(await Token(admin));
        var (mentor, mentorId) = await User(Roles.Mentor);
        var mentorToken = Client(await Token(mentor));
        var mentorPage = await PageSession(mentor);

        var disabled = await staff.PatchAsJsonAsync($"/api/users/{mentorId}", new { disabled = true });
        disabled.StatusCode.Should().Be(HttpStatusCode.OK);
        (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("disabled").GetBoolean().Should().BeTrue();
        (await mentorToken.GetAsync("/api/mentor-queue")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await PageSessionHolds(mentorPage)).Should().BeFalse();
        (await _app.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = mentor, password = ApiUsers.Password }))
            .StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a disabled user cannot sign in");

        (await staff.PatchAsJsonAsync($"/api/users/{mentorId}", new { disabled = false, role = Roles.Board })).StatusCode.Should().Be(HttpStatusCode.OK);
        var asBoard = Client(await Token(mentor));
        (await asBoard.GetAsync("/api/mentor-queue")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "the new role holds");
        (await asBoard.GetAsync("/api/reports/succession?affiliate=AC")).StatusCode.Should().Be(HttpStatusCode.OK);

        var users = await staff.GetFromJsonAsync<JsonElement>("/api/users");
        users.EnumerateArray().Should().Contain(u => u.GetProperty("id").GetGuid() == mentorId && u.GetProperty("role").GetString() == Roles.Board);
        users.EnumerateArray().Should().OnlyContain(u => u.GetProperty("affiliate").GetString() == "AC");
        (await staff.PatchAsJsonAsync($"/api/users/{adminId}", new { disabled = true })).StatusCode.Should().Be(HttpStatusCode.BadRequest, "nobody disables themself");
    }

    [Fact]
    public async Task Staff_record_an_address_for_a_user_made_without_one_replace_it_and_remove_it_and_it_is_never_shown_back()
    {
        var (admin, _) = await User(Roles.AffiliateAdmin);
        var staff = Client(await Token(admin));
        var (mentor, mentorId) = await User(Roles.Mentor);
        var (_, otherId) = await User(Roles.Mentor);
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        async Task<string[]> Mailed() => [.. (await directory.MailAddressesAsync(default, userIds: [mentorId])).Select(a => a.Address)];
        var mentorToken = Client(await Token(mentor));

        var saved = await staff.PatchAsJsonAsync($"/api/users/{mentorId}", new { email = " Mentor.New@Example.org " });
        saved.StatusCode.Should().Be(HttpStatusCode.OK);
        (await mentorToken.GetAsync("/api/mentor-queue")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a new address ends the sessions (single sign-on signs in by it)");
        mentorToken = Client(await Token(mentor));
        (await staff.PatchAsJsonAsync($"/api/users/{mentorId}", new { email = "mentor.new@example.org" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await mentorToken.GetAsync("/api/mentor-queue")).StatusCode.Should().Be(HttpStatusCode.OK, "the same address again changes nothing");
        var body = await saved.Content.ReadAsStringAsync();
        body.Should().Contain("\"hasEmail\":true").And.NotContainEquivalentOf("mentor.new", "the address is never answered back");
        (await Mailed()).Should().Equal(["mentor.new@example.org"], "as last written");

        (await staff.PatchAsJsonAsync($"/api/users/{mentorId}", new { email = "mentor.other@example.org" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Mailed()).Should().Equal("mentor.other@example.org");
        (await staff.PatchAsJsonAsync($"/api/users/{otherId}", new { email = "MENTOR.OTHER@example.org" })).StatusCode
            .Should().Be(HttpStatusCode.Conflict, "one address is one user of the affiliate (single sign-on finds the account by it)");
        (await staff.PatchAsJsonAsync($"/api/users/{mentorId}", new { email = "not an address" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Mailed()).Should().Equal("mentor.other@example.org");

        var removed = await staff.PatchAsJsonAsync($"/api/users/{mentorId}", new { email = "" });
        (await removed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hasEmail").GetBoolean().Should().BeFalse();
        (await Mailed()).Should().BeEmpty();

        // Only users staff manage, and not a leader's own sign-in (a leader is mailed at their record's address).
        var (_, foreignMentor) = await User(Roles.Mentor, "AX");
        (await staff.PatchAsJsonAsync($"/api/users/{foreignMentor}", new { email = "foreign@example.org" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var (_, leaderUser) = await User(Roles.Leader, "AC", Guid.NewGuid());
        (await staff.PatchAsJsonAsync($"/api/users/{leaderUser}", new { email = "leader@example.org" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Staff_give_a_mentor_the_name_people_know_them_by_which_their_leaders_see_and_which_is_kept_only_sealed()
    {
        var (admin, _) = await User(Roles.AffiliateAdmin, "AC");
        var staff = Client(await Token(admin));
        var mentorName = $"mentor.{Guid.NewGuid():N}"[..24];
        var created = await staff.PostAsJsonAsync("/api/users", new { username = mentorName, password = ApiUsers.Password, role = Roles.Mentor, affiliate = "AC", name = "María López" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var mentorId = Guid.Parse(created.Headers.Location!.OriginalString.Split('/')[^1]);
        (await staff.GetFromJsonAsync<JsonElement>("/api/users")).EnumerateArray().Single(u => u.GetProperty("id").GetGuid() == mentorId)
            .GetProperty("name").GetString().Should().Be("María López");

        var leader = (await (await staff.PostAsJsonAsync("/api/leaders", new { affiliate = "AC", displayName = "Luisa Moreno", email = "luisa@example.org" })).Content
            .ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await staff.PostAsJsonAsync($"/api/leaders/{leader}/mentors", new { mentorUserId = mentorId })).StatusCode.Should().Be(HttpStatusCode.OK);
        var (leaderUser, leaderUserId) = await User(Roles.Leader, "AC", leader);
        var person = new Pages.PageClient(_app);
        await person.SignInAsync(leaderUser);
        (await person.GetAsync("/journey/theme/ADV.1")).Should().Contain("Your mentor: María López.").And.NotContain(mentorName);
        (await person.GetAsync("/journey")).Should().Contain("María López became a mentor").And.Contain("Your mentor: María López.", "the journey says who signs off");
        var (secondName, secondId) = await User(Roles.Mentor, "AC");
        (await staff.PostAsJsonAsync($"/api/leaders/{leader}/mentors", new { mentorUserId = secondId })).StatusCode.Should().Be(HttpStatusCode.OK);
        var both = string.Compare("María López", secondName, StringComparison.CurrentCulture) < 0 ? $"María López and {secondName}" : $"{secondName} and María López";
        (await person.GetAsync("/journey")).Should().Contain($"Your mentors: {both}.");
        (await person.GetAsync("/journey/theme/ADV.1")).Should().Contain($"Your mentors: {both}.");
        (await staff.DeleteAsync($"/api/leaders/{leader}/mentors/{secondId}")).StatusCode.Should().Be(HttpStatusCode.OK);

        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(database.ConnectionString))
        await using (var stored = dataSource.CreateCommand("select name_sealed from leaderjourney.users where id = $1"))
        {
            stored.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = mentorId });
            var bytes = (byte[])(await stored.ExecuteScalarAsync())!;
            System.Text.Encoding.UTF8.GetString(bytes).Should().NotContain("L\u00f3pez").And.NotContain("Mar", "the name is sealed, not stored as typed");
        }

        (await staff.PatchAsJsonAsync($"/api/users/{mentorId}", new { name = "" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await person.GetAsync("/journey/theme/ADV.1")).Should().Contain($"Your mentor: {mentorName}.", "without a name the user name is shown");
        (await staff.PatchAsJsonAsync($"/api/users/{leaderUserId}", new { name = "Someone Else" })).StatusCode
            .Should().Be(HttpStatusCode.BadRequest, "a leader's name is the one on their record");
        (await staff.PatchAsJsonAsync($"/api/users/{mentorId}", new { name = new string('n', 101) })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_affiliate_admin_manages_only_their_own_affiliates_users_and_others_answer_as_missing()
    {
        var (admin, _) = await User(Roles.AffiliateAdmin, "AC");
        var staff = Client(await Token(admin));
        var (_, foreignMentor) = await User(Roles.Mentor, "AX");
        var (_, leaderUser) = await User(Roles.Leader, "AC", Guid.NewGuid());
        var (_, boardUser) = await User(Roles.Board, "AC");

        var foreign = await staff.PatchAsJsonAsync($"/api/users/{foreignMentor}", new { disabled = true });
        var missing = await staff.PatchAsJsonAsync($"/api/users/{Guid.NewGuid()}", new { disabled = true });
        foreign.StatusCode.Should().Be(HttpStatusCode.NotFound);
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await staff.PatchAsJsonAsync($"/api/users/{boardUser}", new { role = Roles.NationalAdmin })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await staff.PatchAsJsonAsync($"/api/users/{leaderUser}", new { role = Roles.Mentor })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await staff.PatchAsJsonAsync($"/api/users/{boardUser}", new { role = "wizard" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await staff.PatchAsJsonAsync($"/api/users/{boardUser}", new { })).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var (mentor, _) = await User(Roles.Mentor, "AC");
        var asMentor = Client(await Token(mentor));
        (await asMentor.PatchAsJsonAsync($"/api/users/{boardUser}", new { disabled = true })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await asMentor.GetAsync("/api/users")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
