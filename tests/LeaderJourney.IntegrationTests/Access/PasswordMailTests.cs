using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.IntegrationTests.Pages;
using Microsoft.Extensions.DependencyInjection;
using netDumbster.smtp;
using Npgsql;
using Wolverine;
using static LeaderJourney.IntegrationTests.Infrastructure.Waiting;

namespace LeaderJourney.IntegrationTests.Access;

/// <summary>
/// A forgotten password without an admin: a person confirms the address on file for them (a link mailed
/// there, opened signed in as them), and a password link asked for by user name goes only to that address.
/// </summary>
public sealed partial class PasswordMailTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static Dictionary<string, string> Mail(int port, int triesPerAddress = 20) => new()
    {
        ["LEADERJOURNEY_SMTP"] = $"smtp://127.0.0.1:{port}",
        ["LEADERJOURNEY_MAIL_FROM"] = "LeaderJourney <journey@example.org>",
        ["LeaderJourney:PublicUrl"] = "https://journey.example.org",
        [SignInLimits.PerAddressSetting] = triesPerAddress.ToString(),
    };

    [GeneratedRegex(@"https://journey\.example\.org(/account/(?:confirm|reset))\?t=([A-Za-z0-9_-]+)")]
    private static partial Regex Link();

    private const string Confirmation = "Confirm your e-mail address for LeaderJourney";
    private const string PasswordLinkSubject = "Choose a new LeaderJourney password";
    private const string AddressChangedSubject = "The e-mail address on your LeaderJourney record was changed";

    /// <summary>The mails people asked for, leaving out the notices to a former address that staff changed (sent from the reactions, whenever they run).</summary>
    private static int AskedFor(SimpleSmtpServer server) => server.Mails().Count(m => m.Subject != AddressChangedSubject);

    /// <summary>The page and the token of the link in the one mail of <paramref name="subject"/> to <paramref name="address"/>.</summary>
    private static (string Page, string Token) LinkIn(SimpleSmtpServer server, string address, string subject)
    {
        var mail = server.Mails().Single(m => m.Subject == subject && m.ToAddresses.Any(a => a.ToString() == address));
        var found = Link().Match(mail.MessageParts.Single().BodyData);
        found.Success.Should().BeTrue("the mail carries its link");
        return (found.Groups[1].Value, found.Groups[2].Value);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        response.StatusCode.Should().Be(expected, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>An admin of PM and a leader enrolled with <paramref name="email"/> who has a sign-in.</summary>
    private static async Task<(HttpClient Admin, Guid LeaderId, string Username, HttpClient Leader)> LeaderAsync(LeaderJourneyAppFactory app, string email)
    {
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "PM");
        var id = (await Json(await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "PM", displayName = "Lena Forgets", email }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var username = $"lena.{Guid.NewGuid():N}"[..20];
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(username, ApiUsers.Password, Roles.Leader, "PM", id, creator: null);
        return (admin, id, username, await app.SignInAsync(username));
    }

    [Fact]
    public async Task A_leader_confirms_the_address_on_their_record_and_a_forgotten_password_is_mailed_only_there_while_it_stays_on_file()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var app = new LeaderJourneyAppFactory(db, settings: Mail(server.Configuration.Port));
        var (admin, leaderId, username, leader) = await LeaderAsync(app, "lena@example.org");
        var userId = (await app.Services.GetRequiredService<AccessDirectory>().FindByUsernameAsync(username))!.Value;
        var bus = app.Services.GetRequiredService<IMessageBus>();

        var address = await leader.GetFromJsonAsync<JsonElement>("/api/account/address");
        address.GetProperty("address").GetString().Should().Be("lena@example.org", "a leader's address is the one on their record");
        address.GetProperty("confirmed").GetBoolean().Should().BeFalse();

        var journey = new PageClient(app);
        await journey.SignInAsync(username);
        (await journey.GetAsync("/journey")).Should().Contain("Once you confirm your e-mail address, a forgotten password can be mailed to you.");

        // Not confirmed yet: asking makes no link and mails nothing (the message is handled here, inline).
        await bus.InvokeAsync(new MailPasswordLink(userId));
        AskedFor(server).Should().Be(0);

        (await Json(await leader.PostAsync("/api/account/address/confirmation", null), HttpStatusCode.OK))
            .GetProperty("expiresAt").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow + AccessDirectory.AddressConfirmationLifetime, TimeSpan.FromMinutes(1));
        AskedFor(server).Should().Be(1, "the confirmation is mailed while the person waits");
        var (page, token) = LinkIn(server, "lena@example.org", Confirmation);
        page.Should().Be(ConfirmedAddress.PagePath);

        // Staff who receive the mail (say, having put their own address on the record) cannot use it: the link is the leader's.
        (await admin.PostAsJsonAsync("/api/account/address/confirm", new { token, address = "lena@example.org", password = ApiUsers.Password }))
            .StatusCode.Should().Be(HttpStatusCode.NotFound);
        // The leader types the address and their password: another address, or a session without the password, confirms nothing.
        var lookAlike = await leader.PostAsJsonAsync("/api/account/address/confirm", new { token, address = "lena@examp1e.org", password = ApiUsers.Password });
        lookAlike.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await lookAlike.Content.ReadAsStringAsync()).Should().Contain("That is not the address this link was mailed to");
        (await leader.PostAsJsonAsync("/api/account/address/confirm", new { token, address = "lena@example.org", password = "not the password" }))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Json(await leader.PostAsJsonAsync("/api/account/address/confirm", new { token, address = " Lena@Example.org ", password = ApiUsers.Password }), HttpStatusCode.OK))
            .GetProperty("confirmed").GetBoolean().Should().BeTrue();
        (await leader.PostAsJsonAsync("/api/account/address/confirm", new { token, address = "lena@example.org", password = ApiUsers.Password }))
            .StatusCode.Should().Be(HttpStatusCode.NotFound, "a confirmation link works once");
        (await leader.GetFromJsonAsync<JsonElement>("/api/account/address")).GetProperty("confirmed").GetBoolean().Should().BeTrue();
        (await journey.GetAsync("/journey")).Should().NotContain("Once you confirm your e-mail address", "the journey asks only until the address is confirmed");

        // Forgotten: asked for by name, without signing in; the link comes to the confirmed address.
        var anonymous = app.CreateClient();
        (await anonymous.PostAsJsonAsync("/api/auth/password-mail", new { username = username.ToUpperInvariant() })).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await Until(() => Task.FromResult(AskedFor(server) == 2), "the password link's mail");
        var mail = server.Mails().Single(m => m.Subject == PasswordLinkSubject);
        mail.ToAddresses.Select(a => a.ToString()).Should().Equal("lena@example.org");
        mail.MessageParts.Single().BodyData.Should().Contain(username);
        var (resetPage, resetToken) = LinkIn(server, "lena@example.org", PasswordLinkSubject);
        resetPage.Should().Be(PasswordReset.PagePath);

        // Asked again at once: the mailbox gets no second link.
        await bus.InvokeAsync(new MailPasswordLink(userId));
        AskedFor(server).Should().Be(2);

        // A leader's mailed link sets the password and keeps their demographics (an admin's withdraws them first); every session ends.
        (await anonymous.PostAsJsonAsync("/api/auth/password-reset", new { token = resetToken, newPassword = "lena's new password" })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await leader.GetAsync("/api/account/address")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var again = await app.SignInAsync(username, "lena's new password");
        (await again.GetAsync($"/api/leaders/{leaderId}")).StatusCode.Should().Be(HttpStatusCode.OK, "the new password signs the leader in");
        (await again.GetFromJsonAsync<JsonElement>("/api/account/address")).GetProperty("confirmed").GetBoolean().Should().BeTrue("a mailed link proved the address again");

        // Staff change the address on the record: it is no longer confirmed, and no password link is mailed to either address.
        (await admin.PutAsJsonAsync($"/api/leaders/{leaderId}/profile", new { displayName = "Lena Forgets", email = "staff.own@example.org" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await again.GetFromJsonAsync<JsonElement>("/api/account/address")).GetProperty("confirmed").GetBoolean().Should().BeFalse();
        await bus.InvokeAsync(new MailPasswordLink(userId));
        AskedFor(server).Should().Be(2, "a changed address was not confirmed by its owner");
        // The address the record had hears of the change (not the new one, which staff may have mistyped or made their own).
        await Until(() => Task.FromResult(server.Mails().Any(m => m.Subject == AddressChangedSubject && m.ToAddresses.Single().ToString() == "lena@example.org")),
            "the former address's notice");

        // Put back, it is confirmed again; a password set since (staff chose the first one) ends the confirmation.
        (await admin.PutAsJsonAsync($"/api/leaders/{leaderId}/profile", new { displayName = "Lena Forgets", email = "lena@example.org" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await again.GetFromJsonAsync<JsonElement>("/api/account/address")).GetProperty("confirmed").GetBoolean().Should().BeTrue();
        (await again.PostAsJsonAsync("/api/auth/password", new { currentPassword = "lena's new password", newPassword = "lena's third password" })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var third = await app.SignInAsync(username, "lena's third password");
        (await third.GetFromJsonAsync<JsonElement>("/api/account/address")).GetProperty("confirmed").GetBoolean().Should().BeFalse();
        await bus.InvokeAsync(new MailPasswordLink(userId));
        AskedFor(server).Should().Be(2, "a confirmation made before a password was set counts no more");
    }

    [Fact]
    public async Task A_leader_whose_password_is_set_with_a_link_staff_made_is_told_once_at_the_address_on_their_record()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var app = new LeaderJourneyAppFactory(db, settings: Mail(server.Configuration.Port));
        var (admin, _, username, _) = await LeaderAsync(app, "lena.told@example.org");
        var userId = (await app.Services.GetRequiredService<AccessDirectory>().FindByUsernameAsync(username))!.Value;

        var made = await Json(await admin.PostAsync($"/api/users/{userId}/password-link", null), HttpStatusCode.Created);
        var token = made.GetProperty("link").GetString()!.Split("?t=")[1];
        (await app.CreateClient().PostAsJsonAsync("/api/auth/password-reset", new { token, newPassword = "set by whoever held it" })).StatusCode.Should().Be(HttpStatusCode.NoContent);

        await Until(() => Task.FromResult(AskedFor(server) == 1), "the leader's notice");
        var mail = server.Mails().Single();
        mail.Subject.Should().Be("Your LeaderJourney password was changed");
        mail.ToAddresses.Select(a => a.ToString()).Should().Equal("lena.told@example.org");
        mail.MessageParts.Single().BodyData.Should().Contain($"The password of {username} in LeaderJourney was set with a link an administrator made")
            .And.Contain("https://journey.example.org/account/sign-in").And.NotContain("?t=", "the notice carries no link that sets anything");

        // One message run twice tells once (sent by hand below, before and after a mentor's link, which tells nothing).
        var byHand = new TellOfPasswordSetByStaff(userId, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await app.Services.GetRequiredService<IMessageBus>().InvokeAsync(byHand);
        var (_, mentorId) = await app.SignedInAsync(Roles.Mentor, "PM");
        var mentorLink = (await Json(await admin.PostAsync($"/api/users/{mentorId}/password-link", null), HttpStatusCode.Created)).GetProperty("link").GetString()!.Split("?t=")[1];
        (await app.CreateClient().PostAsJsonAsync("/api/auth/password-reset", new { token = mentorLink, newPassword = "a mentor's new one" })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await app.Services.GetRequiredService<IMessageBus>().InvokeAsync(byHand);
        AskedFor(server).Should().Be(2, "one more for the message sent by hand, once");
    }

    [Fact]
    public async Task A_name_nobody_has_answers_as_one_that_exists_and_neither_the_name_nor_a_token_lands_in_the_database()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        await using var app = new LeaderJourneyAppFactory(db, settings: Mail(server.Configuration.Port, triesPerAddress: 3));
        var (_, _, username, leader) = await LeaderAsync(app, "quiet@example.org");
        (await leader.PostAsync("/api/account/address/confirmation", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        var (_, confirmToken) = LinkIn(server, "quiet@example.org", Confirmation);
        (await leader.PostAsJsonAsync("/api/account/address/confirm", new { token = confirmToken, address = "quiet@example.org", password = ApiUsers.Password }))
            .StatusCode.Should().Be(HttpStatusCode.OK);

        var anonymous = app.CreateClient();
        var unknown = await anonymous.PostAsJsonAsync("/api/auth/password-mail", new { username = "nobody.has.this.name" });
        var known = await anonymous.PostAsJsonAsync("/api/auth/password-mail", new { username });
        unknown.StatusCode.Should().Be(HttpStatusCode.Accepted);
        known.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await unknown.Content.ReadAsStringAsync()).Should().Be(await known.Content.ReadAsStringAsync(), "the answer does not tell who has an account");
        await Until(() => Task.FromResult(AskedFor(server) == 2), "the password link's mail");
        var (_, resetToken) = LinkIn(server, "quiet@example.org", PasswordLinkSubject);

        // Each ask counts against the address it came from (three a minute here).
        (await anonymous.PostAsJsonAsync("/api/auth/password-mail", new { username = "someone.else" })).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var refused = await anonymous.PostAsJsonAsync("/api/auth/password-mail", new { username = "someone.else" });
        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter.Should().NotBeNull();
        var page = await new PageClient(app).PostAsync("/account/forgot", "/account/forgot", new() { ["username"] = "someone.else" });
        page.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "the page says the limit as the API does");
        page.Headers.RetryAfter.Should().NotBeNull();
        (await page.Content.ReadAsStringAsync()).Should().Contain("Too many tries from your network");

        (await CountAsync(dataSource, "select count(*) from leaderjourney.wolverine_incoming_envelopes where message_type like $1", "%MailPasswordLink%"))
            .Should().BeGreaterThan(1, "each ask went through Wolverine's durable inbox, the unknown name's too");
        foreach (var secret in new[] { username, resetToken, confirmToken, "nobody.has.this.name", "quiet@example.org" })
            (await CountAsync(dataSource, """
                select (select count(*) from leaderjourney.wolverine_incoming_envelopes where position(convert_to($1, 'UTF8') in body) > 0)
                     + (select count(*) from leaderjourney.wolverine_dead_letters where position(convert_to($1, 'UTF8') in body) > 0)
                """, secret)).Should().Be(0, "messages carry ids only: no name, address or token");
    }

    [Fact]
    public async Task A_mentor_confirms_on_the_pages_and_asks_for_a_link_from_the_sign_in_page()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var app = new LeaderJourneyAppFactory(db, settings: Mail(server.Configuration.Port));
        await app.EnsureAffiliateAsync("PM");
        var username = $"mentor.{Guid.NewGuid():N}"[..20];
        var mentorId = await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(username, ApiUsers.Password, Roles.Mentor, "PM", null, creator: null,
            email: "mentor.pages@example.org");
        var mentor = new PageClient(app);
        await mentor.SignInAsync(username);

        var mailPage = await mentor.GetAsync("/account/mail");
        mailPage.Should().Contain("mentor.pages@example.org").And.Contain("Mail me a link to confirm it").And.Contain("Not right any more? An admin of your affiliate corrects it.");
        var sent = await mentor.PostAsync("/account/mail", "/account/mail?handler=confirm", []);
        sent.StatusCode.Should().Be(HttpStatusCode.OK);
        (await sent.Content.ReadAsStringAsync()).Should().Contain("A mail is on its way to this address.");
        var (page, token) = LinkIn(server, "mentor.pages@example.org", Confirmation);

        var link = $"{page}?t={token}";
        // Another user's session opens nothing with it.
        var other = new PageClient(app);
        var otherName = $"other.{Guid.NewGuid():N}"[..20];
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(otherName, ApiUsers.Password, Roles.Mentor, "PM", null, creator: null);
        await other.SignInAsync(otherName);
        var refused = await other.Http.GetAsync(link);
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("This confirmation link is not valid for you").And.NotContain("name=\"address\"");

        (await mentor.GetAsync(link)).Should().Contain("Type the address this mail came to").And.NotContain("mentor.pages@example.org", "the address is typed, not shown");
        var confirmed = await mentor.PostAsync(link, link, new() { ["address"] = "mentor.pages@example.org", ["password"] = ApiUsers.Password });
        confirmed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await confirmed.Content.ReadAsStringAsync()).Should().Contain("Confirmed: if you forget your password");
        (await mentor.GetAsync("/account/mail")).Should().Contain("You confirmed this address");
        // A new password would end the confirmation: the password page says so before, not a forgotten password later.
        const string confirmAgain = "Your e-mail address will then need confirming again";
        (await other.GetAsync("/account/password")).Should().NotContain(confirmAgain, "nothing to lose for one who never confirmed");
        (await mentor.GetAsync("/account/password")).Should().Contain(confirmAgain);

        // Signed out, from the sign-in page's link.
        var someone = new PageClient(app);
        (await someone.GetAsync("/account/sign-in")).Should().Contain("href=\"/account/forgot\"");
        var asked = await someone.PostAsync("/account/forgot", "/account/forgot", new() { ["username"] = username });
        asked.StatusCode.Should().Be(HttpStatusCode.OK);
        (await asked.Content.ReadAsStringAsync()).Should().Contain("a link to choose a new password is on its way to it");
        await Until(() => Task.FromResult(server.Mails().Any(m => m.Subject == PasswordLinkSubject)), "the password link's mail");
        var (resetPage, resetToken) = LinkIn(server, "mentor.pages@example.org", PasswordLinkSubject);
        var reset = $"{resetPage}?t={resetToken}";
        (await someone.PostAsync(reset, reset, new() { ["newPassword"] = "the mentor's new one", ["repeatPassword"] = "the mentor's new one" }))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);
        await someone.SignInAsync(username, "the mentor's new one");

        // An admin gives the mentor a new address: not confirmed until the mentor confirms it.
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "PM");
        (await admin.PatchAsJsonAsync($"/api/users/{mentorId}", new { email = "mentor.new@example.org" })).StatusCode.Should().Be(HttpStatusCode.OK);
        await someone.SignInAsync(username, "the mentor's new one");
        (await someone.GetAsync("/account/mail")).Should().Contain("mentor.new@example.org").And.Contain("Mail me a link to confirm it");
    }

    [Fact]
    public async Task A_confirmation_the_mail_server_cannot_take_now_says_to_try_again()
    {
        var db = await database.CreateDatabaseAsync();
        await using var app = new LeaderJourneyAppFactory(db, settings: Mail(FreePort.Next()));
        var (_, _, _, leader) = await LeaderAsync(app, "later@example.org");
        var refused = await leader.PostAsync("/api/account/address/confirmation", null);
        refused.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Be("The mail could not be sent just now; try again in a few minutes.");
        (await leader.PostAsync("/api/account/address/confirmation", null)).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable,
            "a mail that did not go out does not hold back the next ask (its link was dropped)");
    }

    [Fact]
    public async Task Links_run_out_a_second_password_mail_waits_its_interval_and_no_one_disabled_or_erased_is_mailed()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        var clock = new TestClock(DateTimeOffset.UtcNow);
        await using var app = new LeaderJourneyAppFactory(db, clock, settings: Mail(server.Configuration.Port));
        var (admin, leaderId, username, leader) = await LeaderAsync(app, "runs.out@example.org");
        var directory = app.Services.GetRequiredService<AccessDirectory>();
        var userId = (await directory.FindByUsernameAsync(username))!.Value;
        var bus = app.Services.GetRequiredService<IMessageBus>();
        async Task<HttpResponseMessage> Confirm(HttpClient client, string token, string address = "runs.out@example.org") =>
            await client.PostAsJsonAsync("/api/account/address/confirm", new { token, address, password = ApiUsers.Password });

        // A confirmation link works for 48 hours; a second is asked for once a minute at most.
        (await leader.PostAsync("/api/account/address/confirmation", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await leader.PostAsync("/api/account/address/confirmation", null)).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "one a minute");
        var (_, expired) = LinkIn(server, "runs.out@example.org", Confirmation);
        clock.Advance(AccessDirectory.AddressConfirmationLifetime + TimeSpan.FromMinutes(1));
        leader = await app.SignInAsync(username);
        (await Confirm(leader, expired)).StatusCode.Should().Be(HttpStatusCode.NotFound, "the link ran out");

        // The address changes between the mail and the click: the link confirms nothing until it is back.
        (await leader.PostAsync("/api/account/address/confirmation", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        // The mail server keeps no order: the new link is the one that is not the first.
        var token = server.Mails().Where(m => m.Subject == Confirmation).Select(m => Link().Match(m.MessageParts.Single().BodyData).Groups[2].Value).Single(t => t != expired);
        (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "PM"); // the first one's token ran out with the clock
        (await admin.PutAsJsonAsync($"/api/leaders/{leaderId}/profile", new { displayName = "Lena Forgets", email = "moved@example.org" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var changed = await Confirm(leader, token);
        changed.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await changed.Content.ReadAsStringAsync()).Should().Contain("changed after this link was mailed");
        (await admin.PutAsJsonAsync($"/api/leaders/{leaderId}/profile", new { displayName = "Lena Forgets", email = "runs.out@example.org" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Confirm(leader, token)).StatusCode.Should().Be(HttpStatusCode.OK);

        // A second password mail waits five minutes; the newer link replaces the first.
        var mails = AskedFor(server);
        await bus.InvokeAsync(new MailPasswordLink(userId));
        await bus.InvokeAsync(new MailPasswordLink(userId));
        AskedFor(server).Should().Be(mails + 1);
        var (_, first) = LinkIn(server, "runs.out@example.org", PasswordLinkSubject);
        clock.Advance(AccessDirectory.PasswordMailInterval + TimeSpan.FromSeconds(1));
        await bus.InvokeAsync(new MailPasswordLink(userId));
        AskedFor(server).Should().Be(mails + 2);
        var anonymous = app.CreateClient();
        (await anonymous.PostAsJsonAsync("/api/auth/password-reset", new { token = first, newPassword = "a password never set" })).StatusCode
            .Should().Be(HttpStatusCode.NotFound, "a newer link replaced it");

        // Disabled: nothing is mailed. Erased: the sign-in is gone, with its links.
        clock.Advance(AccessDirectory.PasswordMailInterval + TimeSpan.FromSeconds(1));
        (await admin.PatchAsJsonAsync($"/api/users/{userId}", new { disabled = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        await bus.InvokeAsync(new MailPasswordLink(userId));
        AskedFor(server).Should().Be(mails + 2, "a disabled user is mailed nothing");
        (await admin.PostAsJsonAsync($"/api/leaders/{leaderId}/erasure", new { reason = "The leader's written request" })).StatusCode.Should().Be(HttpStatusCode.OK);
        await bus.InvokeAsync(new MailPasswordLink(userId));
        AskedFor(server).Should().Be(mails + 2);
        (await CountAsync(dataSource, """
            select (select count(*) from leaderjourney.password_links where user_id::text = $1) + (select count(*) from leaderjourney.address_confirmations where user_id::text = $1)
            """, userId.ToString())).Should().Be(0, "the erasure removed the sign-in with its links");
    }

    [Fact]
    public async Task No_more_than_five_password_links_a_day_reach_one_person_and_one_whose_mail_failed_is_not_counted()
    {
        using var server = SimpleSmtpServer.Start();
        var clock = new TestClock(DateTimeOffset.UtcNow);
        await using var app = new LeaderJourneyAppFactory(await database.CreateDatabaseAsync(), clock, settings: Mail(server.Configuration.Port));
        var (_, _, username, leader) = await LeaderAsync(app, "daily@example.org");
        (await leader.PostAsync("/api/account/address/confirmation", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        var (_, confirmation) = LinkIn(server, "daily@example.org", Confirmation);
        (await leader.PostAsJsonAsync("/api/account/address/confirm", new { token = confirmation, address = "daily@example.org", password = ApiUsers.Password }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        var directory = app.Services.GetRequiredService<AccessDirectory>();
        var userId = (await directory.FindByUsernameAsync(username))!.Value;
        var bus = app.Services.GetRequiredService<IMessageBus>();
        int Mailed() => server.Mails().Count(m => m.Subject == PasswordLinkSubject);

        // Links whose mail failed are dropped, and leave no mark on the day's count.
        foreach (var _ in Enumerable.Range(0, AccessDirectory.PasswordMailsADay + 2))
            await directory.DropPasswordLinkAsync((await directory.MakeMailedPasswordLinkAsync(userId))!.Token);

        // Asked for every five minutes (from many networks, say): five mails, then none until a day has passed.
        var first = clock.GetUtcNow();
        var step = AccessDirectory.PasswordMailInterval + TimeSpan.FromSeconds(1);
        foreach (var _ in Enumerable.Range(0, AccessDirectory.PasswordMailsADay + 2))
        {
            await bus.InvokeAsync(new MailPasswordLink(userId));
            clock.Advance(step);
        }
        Mailed().Should().Be(AccessDirectory.PasswordMailsADay);
        clock.Advance(first + TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1) - clock.GetUtcNow());
        await bus.InvokeAsync(new MailPasswordLink(userId));
        Mailed().Should().Be(AccessDirectory.PasswordMailsADay, "the first of the five was mailed less than a day ago");
        clock.Advance(TimeSpan.FromMinutes(2));
        await bus.InvokeAsync(new MailPasswordLink(userId));
        Mailed().Should().Be(AccessDirectory.PasswordMailsADay + 1, "a day after the first, one more may go");
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql, string value)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
