using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Demographics;
using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.IntegrationTests.Pages;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Access;

/// <summary>A forgotten password: an admin makes a one-time link, and whoever opens it chooses the new password.</summary>
public sealed class PasswordLinkTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private LeaderJourneyAppFactory _app = null!;
    private readonly TestClock _clock = new(DateTimeOffset.UtcNow);

    public Task InitializeAsync()
    {
        _app = new LeaderJourneyAppFactory(database.ConnectionString, _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(string Username, Guid Id)> User(string role, string? affiliate = "PL")
    {
        if (affiliate is not null) await _app.EnsureAffiliateAsync(affiliate);
        var username = $"{role}.{Guid.NewGuid():N}"[..28];
        return (username, await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(username, ApiUsers.Password, role, affiliate, null, creator: null));
    }

    private async Task<string> Link(HttpClient staff, Guid userId)
    {
        var made = await staff.PostAsync($"/api/users/{userId}/password-link", null);
        made.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await made.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("expiresAt").GetDateTimeOffset().Should().Be(_clock.GetUtcNow() + AccessDirectory.PasswordLinkLifetime);
        return body.GetProperty("link").GetString()!;
    }

    private static string TokenOf(string link) => link[(link.IndexOf("?t=", StringComparison.Ordinal) + 3)..];

    [Fact]
    public async Task Whoever_opens_the_link_staff_made_chooses_the_password_once_and_every_session_of_the_user_ends()
    {
        var (admin, adminId) = await User(Roles.AffiliateAdmin);
        var staff = await _app.SignInAsync(admin);
        var (mentor, mentorId) = await User(Roles.Mentor);
        var oldSession = await _app.SignInAsync(mentor);

        var link = await Link(staff, mentorId);
        link.Should().StartWith(PasswordReset.PagePath + "?t=");
        (await oldSession.GetAsync("/api/frameworks")).StatusCode.Should().Be(HttpStatusCode.OK, "making a link changes nothing yet");

        var person = new PageClient(_app);
        (await person.GetAsync(link)).Should().Contain(mentor, "the page names the sign-in whose password it sets");
        var differing = await person.PostAsync(link, link, new() { ["newPassword"] = "a new password 1", ["repeatPassword"] = "a new password 2" });
        differing.StatusCode.Should().Be(HttpStatusCode.OK);
        (await differing.Content.ReadAsStringAsync()).Should().Contain("The new password and its repetition differ.");
        var chosen = await person.PostAsync(link, link, new() { ["newPassword"] = "the new password", ["repeatPassword"] = "the new password" });
        chosen.StatusCode.Should().Be(HttpStatusCode.Redirect);
        chosen.Headers.Location!.OriginalString.Should().BeEquivalentTo("/account/sign-in?changed=true");

        (await oldSession.GetAsync("/api/frameworks")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "every session of the user ended");
        var http = _app.CreateClient();
        (await http.PostAsJsonAsync("/api/auth/token", new { username = mentor, password = ApiUsers.Password })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await http.PostAsJsonAsync("/api/auth/token", new { username = mentor, password = "the new password" })).StatusCode.Should().Be(HttpStatusCode.OK);

        var again = await http.GetAsync(link);
        again.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a link works once");
        (await again.Content.ReadAsStringAsync()).Should().Contain("This password link is not valid");
        (await http.PostAsJsonAsync("/api/auth/password-reset", new { token = TokenOf(link), newPassword = "yet another password" })).StatusCode
            .Should().Be(HttpStatusCode.NotFound);
        (await http.PostAsJsonAsync("/api/auth/token", new { username = mentor, password = "yet another password" })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var stored = dataSource.CreateCommand("select made_by, used_at is not null from leaderjourney.password_links where user_id = $1");
        stored.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = mentorId });
        await using var reader = await stored.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue("a used link stays as the record of who made it");
        reader.GetGuid(0).Should().Be(adminId);
        reader.GetBoolean(1).Should().BeTrue();
        (await reader.ReadAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task A_link_stops_working_after_two_days_or_when_a_newer_one_is_made_and_only_its_hash_is_stored()
    {
        var (admin, _) = await User(Roles.AffiliateAdmin);
        var staff = await _app.SignInAsync(admin);
        var (_, mentorId) = await User(Roles.Mentor);
        var http = _app.CreateClient();

        var first = await Link(staff, mentorId);
        var second = await Link(staff, mentorId);
        (await http.PostAsJsonAsync("/api/auth/password-reset", new { token = TokenOf(first), newPassword = "the first choice" })).StatusCode
            .Should().Be(HttpStatusCode.NotFound, "a newer link replaced it");

        await using (var dataSource = NpgsqlDataSource.Create(database.ConnectionString))
        await using (var stored = dataSource.CreateCommand("select token_hash from leaderjourney.password_links where user_id = $1"))
        {
            stored.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = mentorId });
            ((byte[])(await stored.ExecuteScalarAsync())!).Should().Equal(SHA256.HashData(Encoding.UTF8.GetBytes(TokenOf(second))), "only the token's hash is kept, the newer link's alone");
        }

        (await http.PostAsJsonAsync("/api/auth/password-reset", new { token = TokenOf(second), newPassword = "short" })).StatusCode
            .Should().Be(HttpStatusCode.BadRequest, "a password has at least ten characters");
        _clock.Advance(AccessDirectory.PasswordLinkLifetime + TimeSpan.FromMinutes(1));
        (await http.GetAsync(second)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await http.PostAsJsonAsync("/api/auth/password-reset", new { token = TokenOf(second), newPassword = "a late choice" })).StatusCode
            .Should().Be(HttpStatusCode.NotFound, "the link expired");
        (await http.PostAsJsonAsync("/api/auth/password-reset", new { token = (string?)null, newPassword = "a late choice" })).StatusCode
            .Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Links_made_at_the_same_moment_leave_one_that_works()
    {
        var (admin, _) = await User(Roles.AffiliateAdmin);
        var staff = await _app.SignInAsync(admin);
        var (_, mentorId) = await User(Roles.Mentor);
        var made = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => staff.PostAsync($"/api/users/{mentorId}/password-link", null)));
        made.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Created);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var open = dataSource.CreateCommand("select count(*) from leaderjourney.password_links where user_id = $1 and used_at is null");
        open.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = mentorId });
        ((long)(await open.ExecuteScalarAsync())!).Should().Be(1);
    }

    [Fact]
    public async Task Only_an_admin_of_the_users_affiliate_makes_a_link_and_not_for_themself_a_national_admin_or_a_disabled_user()
    {
        var (admin, adminId) = await User(Roles.AffiliateAdmin);
        var staff = await _app.SignInAsync(admin);
        var (_, foreignMentor) = await User(Roles.Mentor, "PX");
        var (mentor, mentorId) = await User(Roles.Mentor);
        var (_, boardId) = await User(Roles.Board);

        (await staff.PostAsync($"/api/users/{foreignMentor}/password-link", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await staff.PostAsync($"/api/users/{adminId}/password-link", null)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await staff.PostAsync($"/api/users/not-an-id/password-link", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var asMentor = await _app.SignInAsync(mentor);
        (await asMentor.PostAsync($"/api/users/{boardId}/password-link", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _app.CreateClient().PostAsync($"/api/users/{boardId}/password-link", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        (await staff.PatchAsJsonAsync($"/api/users/{mentorId}", new { disabled = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await staff.PostAsync($"/api/users/{mentorId}/password-link", null)).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a disabled user is enabled first");

        var (_, nationalId) = await User(Roles.NationalAdmin, null);
        var (otherNational, _) = await User(Roles.NationalAdmin, null);
        var asNational = await _app.SignInAsync(otherNational);
        (await asNational.PostAsync($"/api/users/{nationalId}/password-link", null)).StatusCode.Should().Be(HttpStatusCode.BadRequest, "the command line sets a national admin's");
        (await asNational.PostAsync($"/api/users/{foreignMentor}/password-link", null)).StatusCode.Should().Be(HttpStatusCode.Created, "a national admin manages every affiliate's users");
    }

    /// <summary>A leader with a sign-in and demographics they gave themself, in affiliate PL.</summary>
    private async Task<(Guid LeaderId, string Username, Guid UserId, HttpClient Session)> LeaderWithDemographics(HttpClient staff)
    {
        var leaderId = (await Ok(staff.PostAsJsonAsync("/api/leaders", new { affiliate = "PL", displayName = "Lena Forgetful", email = "lena@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var username = $"lena.{Guid.NewGuid():N}"[..20];
        var userId = (await Ok(staff.PostAsJsonAsync("/api/users", new { username, password = ApiUsers.Password, role = Roles.Leader, affiliate = "PL", leaderId }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var session = await _app.SignInAsync(username);
        (await session.PutAsJsonAsync($"/api/leaders/{leaderId}/demographics", new { raceEthnicity = new[] { "Asian" }, gender = "Woman", consent = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        return (leaderId, username, userId, session);
    }

    [Fact]
    public async Task A_leaders_link_made_by_staff_withdraws_the_leaders_demographics_before_the_password_is_set()
    {
        var (admin, adminId) = await User(Roles.AffiliateAdmin);
        var staff = await _app.SignInAsync(admin);
        var (leaderId, leader, leaderUser, oldSession) = await LeaderWithDemographics(staff);

        var link = await Link(staff, leaderUser);
        (await new PageClient(_app).GetAsync(link)).Should().Contain("Staff made this link. Setting a password with it deletes your demographic answers",
            "whoever opens it is told before choosing the password");
        // The directory itself sets no password with it unless the withdrawal runs first (only the message's handler gives one).
        await _app.Invoking(a => a.Services.GetRequiredService<AccessDirectory>().ResetPasswordAsync(TokenOf(link), "straight past the withdrawal"))
            .Should().ThrowAsync<NotFoundException>();

        // A password the rule refuses withdraws nothing: nothing is set either.
        var http = _app.CreateClient();
        (await http.PostAsJsonAsync("/api/auth/password-reset", new { token = TokenOf(link), newPassword = "short" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Ok(oldSession.GetAsync($"/api/leaders/{leaderId}/demographics"))).GetProperty("consent").GetBoolean().Should().BeTrue();

        (await http.PostAsJsonAsync("/api/auth/password-reset", new { token = TokenOf(link), newPassword = "the new password" })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await oldSession.GetAsync($"/api/leaders/{leaderId}/demographics")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "every session of the leader ended");
        var holder = await _app.SignInAsync(leader, "the new password");
        var own = await Ok(holder.GetAsync($"/api/leaders/{leaderId}/demographics"));
        own.GetProperty("consent").GetBoolean().Should().BeFalse("whoever set the password, the admin perhaps, sees no answer the leader gave");
        own.GetProperty("gender").ValueKind.Should().Be(JsonValueKind.Null);
        // Nor does the leader's own export say that any were given before (their key is shredded).
        (await Ok(holder.GetAsync($"/api/leaders/{leaderId}/personal-data"))).GetProperty("demographics").GetProperty("events").GetArrayLength().Should().Be(0);

        var events = await _app.Services.GetRequiredService<LeaderJourney.Storage.Store>().ReadStreamAsync(DemographicsState.StreamIdFor(leaderId));
        events.Last().Data.Should().BeOfType<DemographicsConsentWithdrawn>().Which.WithdrawnBy.Should().Be(leaderUser, "the leader's sign-in withdrew them, through a link whose row names the admin");
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var madeBy = dataSource.CreateCommand("select made_by from leaderjourney.password_links where user_id = $1 and used_at is not null");
        madeBy.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = leaderUser });
        (await madeBy.ExecuteScalarAsync()).Should().Be(adminId);

        // Given again afterwards, under a new key; the used link opens nothing more.
        (await holder.PutAsJsonAsync($"/api/leaders/{leaderId}/demographics", new { raceEthnicity = new[] { "Asian" }, gender = "Woman", consent = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.PostAsJsonAsync("/api/auth/password-reset", new { token = TokenOf(link), newPassword = "yet another password" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Ok(holder.GetAsync($"/api/leaders/{leaderId}/demographics"))).GetProperty("gender").GetString().Should().Be("Woman");
    }

    [Fact]
    public async Task The_links_own_page_sets_the_password_as_the_api_does_withdrawing_the_demographics_and_a_differing_repetition_keeps_the_link()
    {
        var (admin, _) = await User(Roles.AffiliateAdmin);
        var (leaderId, leader, leaderUser, _) = await LeaderWithDemographics(await _app.SignInAsync(admin));
        var link = await Link(await _app.SignInAsync(admin), leaderUser);
        var page = new PageClient(_app);
        // This host has no public address configured: the link is the page's path.
        var path = link;

        var differing = await page.PostAsync(path, path, new() { ["t"] = TokenOf(link), ["newPassword"] = "the page's new password", ["repeatPassword"] = "the page's new passwort" });
        differing.StatusCode.Should().Be(HttpStatusCode.OK);
        (await differing.Content.ReadAsStringAsync()).Should().Contain("The new password and its repetition differ.").And.Contain("Staff made this link.", "the caution stays in view");

        var set = await page.PostAsync(path, path, new() { ["t"] = TokenOf(link), ["newPassword"] = "the page's new password", ["repeatPassword"] = "the page's new password" });
        set.StatusCode.Should().Be(HttpStatusCode.Redirect);
        set.Headers.Location!.OriginalString.Should().StartWith("/account/sign-in");
        var holder = await _app.SignInAsync(leader, "the page's new password");
        (await Ok(holder.GetAsync($"/api/leaders/{leaderId}/demographics"))).GetProperty("consent").GetBoolean().Should().BeFalse("the page sends the API's message, withdrawal and all");
        (await _app.CreateClient().GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.BadRequest, "a used link opens nothing more");
    }

    [Fact]
    public async Task The_users_page_asks_again_before_a_leaders_link_saying_what_it_costs()
    {
        var (admin, _) = await User(Roles.AffiliateAdmin);
        var (_, leader, leaderUser, _) = await LeaderWithDemographics(await _app.SignInAsync(admin));
        var person = new PageClient(_app);
        await person.SignInAsync(admin);

        var page = await person.GetAsync("/admin/users");
        page.Should().Contain("Using this link deletes the leader&#x27;s demographic answers").And.NotContain("mail themselves a link", "this installation sends no mail").And.Contain($"Make a password link for {leader}");
        var made = await person.PostAsync("/admin/users", "/admin/users?handler=passwordLink", new() { ["userId"] = leaderUser.ToString() });
        (await made.Content.ReadAsStringAsync()).Should().Contain($"A password link for {leader}.");
    }

    [Fact]
    public async Task The_users_page_makes_a_link_and_shows_it_once_to_hand_on()
    {
        var (admin, _) = await User(Roles.AffiliateAdmin);
        var (mentor, mentorId) = await User(Roles.Mentor);
        var person = new PageClient(_app);
        await person.SignInAsync(admin);

        var made = await person.PostAsync("/admin/users", "/admin/users?handler=passwordLink", new() { ["userId"] = mentorId.ToString(), ["username"] = mentor });
        made.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await made.Content.ReadAsStringAsync();
        html.Should().Contain($"A password link for {mentor}.");
        html.Should().MatchRegex(@"It works once, until \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC\.", "in words, the time's zone said (it read 12/9/2026 4:36 AM)");
        var link = System.Text.RegularExpressions.Regex.Match(html, "id=\"password-link\" class=\"whole\" type=\"text\" readonly value=\"([^\"]+)\"").Groups[1].Value;
        link.Should().StartWith("http://localhost/account/reset?t=");
        (await _app.CreateClient().GetAsync(new Uri(link).PathAndQuery)).StatusCode.Should().Be(HttpStatusCode.OK, "the link shown works");
        (await person.GetAsync("/admin/users")).Should().NotContain("id=\"password-link\"", "it is shown once, not kept on the page");
    }
}
