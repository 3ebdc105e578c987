using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Notifications;
using LeaderJourney.Core.Notifications.Mail;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.IntegrationTests.Infrastructure;
using LeaderJourney.IntegrationTests.Pages;
using Microsoft.Extensions.DependencyInjection;
using netDumbster.smtp;
using Npgsql;
using Wolverine;
using static LeaderJourney.IntegrationTests.Infrastructure.Waiting;

namespace LeaderJourney.IntegrationTests.Notifications;

/// <summary>With a mail server configured, a leader's notices also reach their e-mail address, once, and a server that was down gets them when it is back.</summary>
public sealed class MailTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd");

    /// <summary>A mail server at <paramref name="port"/>; a level attained is mailed at once unless a hold is given.</summary>
    /// <param name="menteeHold">Given: how long a mentor's new mentee waits before it is mailed; else the default (5 minutes).</param>
    private static Dictionary<string, string> Mail(int port, string attainedHold = "00:00:00", string? menteeHold = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["LEADERJOURNEY_SMTP"] = $"smtp://127.0.0.1:{port}",
            ["LEADERJOURNEY_MAIL_FROM"] = "LeaderJourney <journey@example.org>",
            ["LeaderJourney:PublicUrl"] = "https://journey.example.org",
            ["LeaderJourney:Notices:AttainedHold"] = attainedHold,
        };
        if (menteeHold is not null) settings["LeaderJourney:Notices:MenteeHold"] = menteeHold;
        return settings;
    }

    private static async Task Ok(Task<HttpResponseMessage> request) => (await request).StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.Created);

    /// <summary>Enrols a leader with a mentor and has the mentor sign off ADV.1 Level 1, so the level is attained.</summary>
    private static async Task<Guid> AttainAsync(LeaderJourneyAppFactory app, string name, string email)
    {
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        var (mentor, mentorId) = await app.SignedInAsync(Roles.Mentor, "OH");
        var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = name, email });
        var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Organizing 101", themeCode = "ADV.1", level = 1, completedOn = Today }));
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.1", level = 1 }));
        return id;
    }

    /// <summary>An admin of OH, a mentor with an address (signed in under <paramref name="mentorName"/>), and a leader with that mentor.</summary>
    private static async Task<(HttpClient Admin, HttpClient Mentor, Guid LeaderId)> LeaderWithMentorAsync(LeaderJourneyAppFactory app, string mentorName, string leaderName, string leaderEmail)
    {
        await app.EnsureAffiliateAsync("OH");
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        var mentorId = await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(mentorName, ApiUsers.Password, Roles.Mentor, "OH", null, creator: null, email: $"{mentorName}@example.org");
        var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = leaderName, email = leaderEmail });
        var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
        return (admin, await app.SignInAsync(mentorName), id);
    }

    /// <summary>As <see cref="LeaderWithMentorAsync"/>, with the leader's own sign-in (<paramref name="leaderUsername"/>), signed in.</summary>
    private static async Task<(HttpClient Mentor, HttpClient Leader, Guid LeaderId)> SignedInLeaderWithMentorAsync(LeaderJourneyAppFactory app, string mentorName,
        string leaderName, string leaderEmail, string leaderUsername)
    {
        var (_, mentor, id) = await LeaderWithMentorAsync(app, mentorName, leaderName, leaderEmail);
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync(leaderUsername, ApiUsers.Password, Roles.Leader, "OH", id, creator: null);
        return (mentor, await app.SignInAsync(leaderUsername), id);
    }

    private static async Task<long> Scalar(NpgsqlDataSource dataSource, string sql) => Convert.ToInt64(await dataSource.CreateCommand(sql).ExecuteScalarAsync());

    [Fact]
    public async Task A_level_attained_is_mailed_to_the_leader_once_with_a_link_and_only_its_id_in_Wolverine_s_tables()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        await using var app = new LeaderJourneyAppFactory(db, settings: Mail(server.Configuration.Port));

        var id = await AttainAsync(app, "Ida Mailed", "ida.mailed@example.org");
        await Until(() => Task.FromResult(server.Mails().Length == 1), "the mail");

        var mail = server.Mails().Single();
        mail.ToAddresses.Select(a => a.ToString()).Should().Equal("ida.mailed@example.org");
        mail.FromAddress.ToString().Should().Be("journey@example.org");
        mail.Subject.Should().StartWith("You attained").And.EndWith("Level 1");
        var body = mail.MessageParts.Single().BodyData;
        body.Should().Contain("Hello Ida Mailed").And.Contain("https://journey.example.org/journey/theme/ADV.1");

        // Claimed as sent, and a second run of the message (a node died after sending) sends nothing.
        var noticeId = await Scalar(dataSource, $"select id from leaderjourney.notifications where leader_id = '{id}' and user_id is null");
        (await Scalar(dataSource, $"select count(*) from leaderjourney.mail_sent where what = 'notice:{noticeId}' and recipient = '{id}'")).Should().Be(1, "claimed for the notice and its leader, by ids");
        await app.Services.GetRequiredService<IMessageBus>().InvokeAsync(new MailNotification(noticeId));
        server.Mails().Length.Should().Be(1);

        (await Scalar(dataSource, "select count(*) from leaderjourney.wolverine_incoming_envelopes where message_type like '%MailNotification%'"))
            .Should().BeGreaterThan(0, "the message went through Wolverine's durable inbox");
        (await Scalar(dataSource, """
            select count(*) from leaderjourney.wolverine_incoming_envelopes
             where position(convert_to('Ida', 'UTF8') in body) > 0 or position(convert_to('example.org', 'UTF8') in body) > 0
            """)).Should().Be(0, "the message names the notification, never the leader or the address");
    }

    [Fact]
    public async Task Mentors_hear_of_a_request_and_the_affiliate_s_admins_of_a_term_ending_at_the_addresses_they_gave()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        await using var app = new LeaderJourneyAppFactory(db, settings: Mail(server.Configuration.Port));
        await app.EnsureAffiliateAsync("OH");
        var directory = app.Services.GetRequiredService<AccessDirectory>();
        async Task<(HttpClient, Guid)> User(string role, string name, string? email)
        {
            var userId = await directory.CreateUserAsync(name, ApiUsers.Password, role, "OH", null, creator: null, email: email);
            return (await app.SignInAsync(name), userId);
        }
        var (admin, _) = await User(Roles.AffiliateAdmin, "staff.one", "staff.one@example.org");
        await User(Roles.AffiliateAdmin, "staff.two", "staff.two@example.org");
        await User(Roles.AffiliateAdmin, "staff.none", null);
        var (_, mentorId) = await User(Roles.Mentor, "mentor.one", "mentor.one@example.org");

        var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Fannie Asks", email = "fannie@example.org" });
        var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
        var (leader, _) = await app.SignedInAsync(Roles.Leader, "OH", id);
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        await Until(() => Task.FromResult(server.Mails().Length == 1), "the mentor's mail");
        var asked = server.Mails().Single();
        asked.ToAddresses.Select(a => a.ToString()).Should().Equal("mentor.one@example.org");
        asked.Subject.Should().StartWith("Fannie Asks asks you to sign off").And.EndWith("Level 1");
        asked.MessageParts.Single().BodyData.Should().Contain("https://journey.example.org/mentor/queue");

        // The term ends tomorrow: the reminder is due now (90 days before), and goes to each admin who gave an address.
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1).ToString("yyyy-MM-dd");
        await Ok(admin.PostAsJsonAsync("/api/positions", new
        {
            affiliate = "OH", title = "Treasurer", incumbentLeaderId = id, termEndsOn = tomorrow, requirements = new[] { new { themeCode = "ADV.1", level = 1 } },
        }));
        await Until(() => Task.FromResult(server.Mails().Length == 3), "the admins' mails", TimeSpan.FromSeconds(60));
        var reminders = server.Mails().Where(m => m.Subject.StartsWith("The term of Treasurer ends on")).ToList();
        reminders.SelectMany(m => m.ToAddresses.Select(a => a.ToString())).Should().BeEquivalentTo(["staff.one@example.org", "staff.two@example.org"],
            "one mail to each admin who gave an address, so none sees another's");
        reminders[0].MessageParts.Single().BodyData.Should().Contain("https://journey.example.org/staff/positions#p-");

        (await Scalar(dataSource, """
            select count(*) from leaderjourney.users where position(convert_to('example.org', 'UTF8') in coalesce(email_sealed, ''::bytea)) > 0
            """)).Should().Be(0, "a user's address is kept sealed");
    }

    [Fact]
    public async Task A_mentor_hears_of_a_new_mentee_by_mail_after_the_hold_and_not_of_one_taken_off_them_meanwhile()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        var logs = new CapturedLogs();
        await using var app = new LeaderJourneyAppFactory(db, logs: logs, settings: Mail(server.Configuration.Port, menteeHold: "00:00:05"));
        var (admin, _, id) = await LeaderWithMentorAsync(app, "mentor.new", "Pauli Murray", "pauli@example.org");
        // A second mentor picked by mistake and taken off within the hold hears nothing (their unread notice is withdrawn).
        var wrongId = await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("mentor.wrong", ApiUsers.Password, Roles.Mentor, "OH", null, creator: null,
            email: "mentor.wrong@example.org");
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = wrongId }));
        (await admin.DeleteAsync($"/api/leaders/{id}/mentors/{wrongId}")).StatusCode.Should().Be(HttpStatusCode.OK);

        await using var dataSource = NpgsqlDataSource.Create(db);
        await Until(async () => server.Mails().Length == 1
            && await Scalar(dataSource, $"select count(*) from leaderjourney.notifications where user_id = '{wrongId}' and withdrawn") == 1,
            "the mentor's mail, and the other's notice withdrawn", TimeSpan.FromSeconds(60));
        var mail = server.Mails().Single();
        mail.ToAddresses.Select(a => a.ToString()).Should().Equal("mentor.new@example.org");
        mail.Subject.Should().Be("Pauli Murray is now your mentee");
        mail.MessageParts.Single().BodyData.Should().Contain($"https://journey.example.org/mentor/mentees/{id}");

        // Mentees given to a mentor within moments (as the mentors page hands a departing mentor's over) are told in one mail.
        var mentorId = (await admin.GetFromJsonAsync<JsonElement>($"/api/leaders/{id}")).GetProperty("mentors").EnumerateArray().Single().GetGuid();
        foreach (var name in new[] { "Ella Baker", "Bayard Rustin" })
        {
            var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = name, email = $"{Guid.NewGuid():N}@example.org" });
            var leaderId = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaderId}/mentors", new { mentorUserId = mentorId }));
        }
        await Until(() => Task.FromResult(server.Mails().Length == 2 && logs.Lines.Any(l => l.Contains("(mentee-assigned) is not mailed here: told in another"))),
            "one mail for both, and the other notice's message finding it told", TimeSpan.FromSeconds(60));
        server.Mails().Length.Should().Be(2);
        var both = server.Mails().Single(m => m.Subject != "Pauli Murray is now your mentee");
        both.Subject.Should().Be("2 leaders are now your mentees");
        both.MessageParts.Single().BodyData.Should().Contain("- Ella Baker\n- Bayard Rustin").And.Contain("https://journey.example.org/mentor/mentees\n");
        server.Mails().SelectMany(m => m.ToAddresses).Should().NotContain(a => a.ToString() == "mentor.wrong@example.org", "its mail came due before the second one's, and found the notice withdrawn");
    }

    [Fact]
    public async Task A_decline_the_mentor_undoes_at_once_puts_the_request_back_and_the_leader_is_told_neither_way()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        await using var app = new LeaderJourneyAppFactory(db, settings: Mail(server.Configuration.Port, attainedHold: "00:00:05", menteeHold: "00:00:00"));
        var (_, leader, id) = await SignedInLeaderWithMentorAsync(app, "mentor.undo", "Dolores Undone", "dolores.undone@example.org", "dolores.undone");
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        await Until(() => Task.FromResult(server.Mails().Length == 2), "the mentor's mails: the new mentee, the request");

        // The card's one box holds a note or a reason: "Decline" tapped for "Sign off".
        var mentor = new PageClient(app);
        await mentor.SignInAsync("mentor.undo");
        var form = new Dictionary<string, string> { ["leaderId"] = id.ToString(), ["themeCode"] = "ADV.1", ["level"] = "1", ["text"] = "Well argued." };
        var declined = await (await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=decline", form)).Content.ReadAsStringAsync();
        declined.Should().Contain("Declined Dolores Undone&#x27;s request for a sign-off of").And.Contain("?handler=undoDecline").And.Contain("Undo this decline");
        var version = long.Parse(System.Text.RegularExpressions.Regex.Match(declined, "name=\"version\" value=\"([0-9]+)\"").Groups[1].Value);
        await Until(async () => await Scalar(dataSource, $"select count(*) from leaderjourney.notifications where leader_id = '{id}' and kind = 'request-declined'") == 1,
            "the leader's notice of the decline");

        // From a form naming another decline, or a level the mentor did not decline, nothing; the leader logging learning
        // elsewhere meanwhile does not stop the undo, which puts the request back, shown at once, as old as it was.
        foreach (var (level, named) in new[] { ("1", version - 1), ("2", version) })
            (await (await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=undoDecline",
                new() { ["leaderId"] = id.ToString(), ["themeCode"] = "ADV.1", ["level"] = level, ["version"] = named.ToString() })).Content.ReadAsStringAsync())
                .Should().Contain("This decline can no longer be withdrawn").And.NotContain("is undone");
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/evidence", new { themeCode = "GOV.2", level = 1, note = "Chaired the meeting" }));
        var undone = await (await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=undoDecline",
            new() { ["leaderId"] = id.ToString(), ["themeCode"] = "ADV.1", ["level"] = "1", ["version"] = version.ToString() })).Content.ReadAsStringAsync();
        undone.Should().Contain("Your decline of Dolores Undone&#x27;s request for").And.Contain("is undone, and the request is back in your queue.")
            .And.Contain($"<h2 id=\"r-{id}-ADV.1\">Dolores Undone: ").And.Contain(">Well argued.</textarea>", "the words meant for a sign-off are back in the box");
        // Once undone, that decline is not undone again.
        (await (await mentor.PostAsync("/mentor/queue", "/mentor/queue?handler=undoDecline",
            new() { ["leaderId"] = id.ToString(), ["themeCode"] = "ADV.1", ["level"] = "1", ["version"] = version.ToString() })).Content.ReadAsStringAsync())
            .Should().Contain("This decline can no longer be withdrawn");
        var events = await app.Services.GetRequiredService<LeaderJourney.Storage.Store>().ReadStreamAsync(id);
        var asked = events.Select(e => e.Data).OfType<SignOffRequested>().Single();
        events.Select(e => e.Data).OfType<SignOffDeclineWithdrawn>().Should().ContainSingle()
            .Which.Should().Match<SignOffDeclineWithdrawn>(w => w.DeclineVersion == version && w.RequestWaitingSince == asked.RequestedAt && w.Level == 1);
        events.Select(e => e.Data).OfType<SignOffRequested>().Should().ContainSingle("the request waits again without being asked again");
        // The leader's timeline says who withdrew the decline; it and the theme's page keep that there was one, without its words.
        var leaderPage = new PageClient(app);
        await leaderPage.SignInAsync("dolores.undone");
        (await leaderPage.GetAsync("/journey")).Should().Contain("mentor.undo withdrew the decline of").And.NotContain("Well argued.");
        (await leaderPage.GetAsync("/journey/theme/ADV.1")).Should().NotContain("Well argued.").And.Contain("mentor.undo declined your request for a sign-off, then withdrew the decline");
        // Nor do the mentors' figures count it.
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        await Until(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/mentors/activity")).GetProperty("mentors").EnumerateArray()
            .Single(m => m.GetProperty("name").GetString() == "mentor.undo") is var m && m.GetProperty("declined").GetInt32() == 0 && m.GetProperty("waiting").GetInt32() == 1,
            "the mentor's decline no longer counted, and the request waiting for them again");

        // The leader's notice is withdrawn before its mail came due, and no mail of it goes once it has.
        await Until(async () => await Scalar(dataSource, $"select count(*) from leaderjourney.notifications where leader_id = '{id}' and kind = 'request-declined' and withdrawn") == 1,
            "the decline's notice withdrawn");
        await Until(async () => await Scalar(dataSource, "select count(*) from leaderjourney.wolverine_incoming_envelopes where message_type like '%MailNotification%' and status = 'Scheduled'") == 0,
            "the held mail to come due", TimeSpan.FromSeconds(60));
        server.Mails().SelectMany(m => m.ToAddresses).Should().NotContain(a => a.ToString() == "dolores.undone@example.org", "the leader hears nothing of a decline undone");
        (await leader.GetFromJsonAsync<JsonElement[]>("/api/notifications"))!.Should().NotContain(n => n.GetProperty("kind").GetString() == "request-declined");
    }

    [Fact]
    public async Task A_decline_withdrawn_after_its_mail_is_mailed_too_and_one_read_in_the_inbox_before_its_mail_is_mailed_neither_way()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        // Long enough for the second decline to be read and withdrawn within it on a busy machine.
        await using var app = new LeaderJourneyAppFactory(db, settings: Mail(server.Configuration.Port, attainedHold: "00:00:10", menteeHold: "00:00:00"));
        var (mentor, leader, id) = await SignedInLeaderWithMentorAsync(app, "mentor.back", "Ruby Bridges", "ruby@example.org", "ruby.bridges");
        foreach (var theme in new[] { "ADV.1", "ADV.2" })
            await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = theme, level = 1 }));
        var title = (await app.Services.GetRequiredService<LeaderJourney.Core.Leaders.LeaderReader>().FindAsync(id, default))!.Scope.TitleOf("ADV.1");
        var ToLeader = () => server.Mails().Where(m => m.ToAddresses.Any(a => a.ToString() == "ruby@example.org")).ToArray();

        // Mailed: the decline's withdrawal is mailed too.
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-declines", new { themeCode = "ADV.1", level = 1, reason = "Not yet" }));
        await Until(() => Task.FromResult(ToLeader().Length == 1), "the decline's mail, after its hold", TimeSpan.FromSeconds(60));
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-decline-withdrawals", new { themeCode = "ADV.1", level = 1 }));
        await Until(() => Task.FromResult(ToLeader().Length == 2), "the withdrawal's mail", TimeSpan.FromSeconds(60));
        // (The test server keeps its mails in no order.)
        ToLeader().Select(m => m.Subject).Should().BeEquivalentTo($"Your request to sign off {title}, Level 1 was declined", $"Your request to sign off {title}, Level 1 waits again");
        ToLeader().Single(m => m.Subject.EndsWith("waits again", StringComparison.Ordinal)).MessageParts.Single().BodyData.Should().Contain($"The decline of your request to sign off {title}, Level 1 was withdrawn: the request waits for a sign-off again.");

        // Read in the inbox before its mail came due, then withdrawn: the leader reads the withdrawal there, and neither is mailed.
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-declines", new { themeCode = "ADV.2", level = 1, reason = "Not yet either" }));
        await Until(async () => (await leader.GetFromJsonAsync<JsonElement[]>("/api/notifications"))!.Any(n => n.GetProperty("themeCode").GetString() == "ADV.2"),
            "the second decline's notice");
        (await leader.PostAsJsonAsync("/api/notifications/read", new { })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        ToLeader().Should().HaveCount(2, "the second decline's mail waits for its hold");
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-decline-withdrawals", new { themeCode = "ADV.2", level = 1 }));
        await Until(async () => (await leader.GetFromJsonAsync<JsonElement[]>("/api/notifications"))!
            .Any(n => n.GetProperty("themeCode").GetString() == "ADV.2" && n.GetProperty("kind").GetString() == "decline-withdrawn"), "the notice that the request waits again");
        await Until(async () => await Scalar(dataSource, "select count(*) from leaderjourney.wolverine_incoming_envelopes where message_type like '%MailNotification%' and status = 'Scheduled'") == 0
            && await Scalar(dataSource, "select count(*) from leaderjourney.wolverine_incoming_envelopes where message_type like '%MailNotification%' and status <> 'Handled'") == 0,
            "the held mail to come due and every mail to be handled", TimeSpan.FromSeconds(60));
        ToLeader().Should().HaveCount(2, "the second decline was read before its mail and is pending again since; its withdrawal is read in the inbox");
    }

    [Fact]
    public async Task A_request_still_waiting_after_the_set_time_is_recalled_to_the_mentors_once_and_one_answered_is_not()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        var settings = Mail(server.Configuration.Port);
        // Long enough for the decline below to land first on a busy machine, short enough for a test.
        settings["LeaderJourney:Reminders:SignOffRequestWait"] = "00:00:08";
        await using var app = new LeaderJourneyAppFactory(db, settings: settings);
        await app.EnsureAffiliateAsync("OH");
        var directory = app.Services.GetRequiredService<AccessDirectory>();
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        var mentorId = await directory.CreateUserAsync("mentor.slow", ApiUsers.Password, Roles.Mentor, "OH", null, creator: null, email: "mentor.slow@example.org");
        var mentor = await app.SignInAsync("mentor.slow");
        var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Rita Waits", email = "rita@example.org" });
        var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "COM.2", level = 1 }));
        // One is answered at once; the other still waits when its reminder is due.
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-declines", new { themeCode = "COM.2", level = 1, reason = "Not yet" }));

        // Both reminders have run (Wolverine keeps a handled envelope a while, so that it runs once).
        await Until(async () => await Scalar(dataSource, """
            select count(*) from leaderjourney.wolverine_incoming_envelopes where message_type like '%SignOffRequestReminder%' and status = 'Handled'
            """) == 2, "both reminders handled", TimeSpan.FromSeconds(60));
        // The mentor's mails: the requests (the declined one's perhaps not, if the decline came first) and one reminder.
        var reminders = server.Mails().Where(m => m.Subject.StartsWith("Reminder: ", StringComparison.Ordinal)).ToList();
        reminders.Should().ContainSingle("the declined request is not recalled");
        var reminder = reminders[0];
        reminder.ToAddresses.Select(a => a.ToString()).Should().Equal("mentor.slow@example.org");
        var title = (await app.Services.GetRequiredService<LeaderJourney.Core.Leaders.LeaderReader>().FindAsync(id, default))!.Scope.TitleOf("ADV.1");
        reminder.Subject.Should().Be($"Reminder: Rita Waits still waits for you to sign off {title}, Level 1", "the request still waiting, not the one declined");
        var asked = (await app.Services.GetRequiredService<LeaderJourney.Storage.Store>().ReadStreamAsync(id))
            .Single(e => e.Data is SignOffRequested { ThemeCode: "ADV.1" });
        var requestedAt = ((SignOffRequested)asked.Data).RequestedAt;
        reminder.MessageParts.Single().BodyData.Should().Contain($"Rita Waits asked you on {requestedAt.UtcDateTime:dddd, MMMM d, yyyy}")
            .And.Contain("https://journey.example.org/mentor/queue");
        // Run again (a node died after sending), it sends nothing more.
        await app.Services.GetRequiredService<IMessageBus>().InvokeAsync(new SignOffRequestReminder(asked.Id, id, "ADV.1", 1, requestedAt));
        server.Mails().Count(m => m.Subject.StartsWith("Reminder: ", StringComparison.Ordinal)).Should().Be(1);
        (await Scalar(dataSource, """
            select count(*) from leaderjourney.wolverine_incoming_envelopes
             where position(convert_to('Rita', 'UTF8') in body) > 0 or position(convert_to('example.org', 'UTF8') in body) > 0
            """)).Should().Be(0, "a reminder names the request by ids, never the leader or an address");
    }

    [Fact]
    public async Task Each_mail_is_in_the_language_its_reader_s_pages_are_shown_in()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var app = new LeaderJourneyAppFactory(db, settings: Mail(server.Configuration.Port));
        await app.EnsureAffiliateAsync("OH");
        var directory = app.Services.GetRequiredService<AccessDirectory>();
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Lucia Prueba", email = "lucia@example.org" });
        var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // Two mentors: one signs in with a browser that asks for Spanish, the other never chose a language.
        var spanish = await directory.CreateUserAsync("mentor.es", ApiUsers.Password, Roles.Mentor, "OH", null, creator: null, email: "mentor.es@example.org");
        var english = await directory.CreateUserAsync("mentor.en", ApiUsers.Password, Roles.Mentor, "OH", null, creator: null, email: "mentor.en@example.org");
        foreach (var mentor in new[] { spanish, english }) await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentor }));
        var spanishPages = new PageClient(app);
        spanishPages.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es");
        await spanishPages.SignInAsync("mentor.es");
        // The leader chooses Spanish on the language page while signed in, whatever their browser says.
        await directory.CreateUserAsync("lucia", ApiUsers.Password, Roles.Leader, "OH", id, creator: null);
        var leaderPages = new PageClient(app);
        await leaderPages.SignInAsync("lucia");
        (await leaderPages.PostAsync("/account/language", "/account/language", new() { ["language"] = "es" })).StatusCode.Should().Be(HttpStatusCode.Redirect);

        // Each is told, where they turn the mails on or off, which language the mails come in.
        System.Net.WebUtility.HtmlDecode(await leaderPages.GetAsync("/account/mail")).Should().Contain("cuando iniciaste sesión o lo elegiste por última vez: español.", "a language's name inside a Spanish sentence is written in lower case")
            .And.Contain("¿Ya no es correcta? El personal de tu afiliada la corrige en tu ficha.", "a leader is told whom to ask to correct it");
        var englishPages = new PageClient(app);
        await englishPages.SignInAsync("mentor.en");
        System.Net.WebUtility.HtmlDecode(await englishPages.GetAsync("/account/mail")).Should().Contain("when you last signed in or chose one: English.");
        System.Net.WebUtility.HtmlDecode(await spanishPages.GetAsync("/account/mail")).Should().Contain("cuando iniciaste sesión o lo elegiste por última vez: español.");

        var leader = await app.SignInAsync("lucia");
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        await Until(() => Task.FromResult(server.Mails().Length == 2), "the mentors' mails");
        var toSpanish = Read(server.Mails().Single(m => m.ToAddresses.Single().ToString() == "mentor.es@example.org"));
        toSpanish.Subject.Should().StartWith("Lucia Prueba te pide validar").And.EndWith(", Nivel 1");
        toSpanish.TextBody.Should().StartWith("Hola:").And.Contain("Puedes validarlo, o rechazarlo con un motivo, desde tu cola.")
            .And.Contain("Míralo en LeaderJourney: https://journey.example.org/mentor/queue").And.Contain("Para dejar de recibir estos correos: https://");
        var toEnglish = Read(server.Mails().Single(m => m.ToAddresses.Single().ToString() == "mentor.en@example.org"));
        toEnglish.Subject.Should().StartWith("Lucia Prueba asks you to sign off").And.EndWith(", Level 1");
        toEnglish.TextBody.Should().StartWith("Hello,").And.Contain("To stop these e-mails: https://");

        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Organizing 101", themeCode = "ADV.1", level = 1, completedOn = Today }));
        await Ok((await app.SignInAsync("mentor.en")).PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.1", level = 1 }));
        await Until(() => Task.FromResult(server.Mails().Length == 3), "the leader's mail");
        var attained = Read(server.Mails().Single(m => m.ToAddresses.Single().ToString() == "lucia@example.org"));
        attained.Subject.Should().StartWith("Has alcanzado").And.EndWith(", Nivel 1");
        attained.TextBody.Should().StartWith("Hola, Lucia Prueba:").And.Contain("¡Enhorabuena!")
            .And.Contain("El mismo aviso está en tus notificaciones cuando inicias sesión en LeaderJourney.");

        // An admin whose pages are in Spanish reads of a term ending, its date written the Spanish way.
        var staff = await directory.CreateUserAsync("staff.es", ApiUsers.Password, Roles.AffiliateAdmin, "OH", null, creator: null, email: "staff.es@example.org");
        await directory.SetLanguageAsync(staff, "es");
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        await Ok(admin.PostAsJsonAsync("/api/positions", new
        {
            affiliate = "OH", title = "Treasurer", incumbentLeaderId = id, termEndsOn = tomorrow.ToString("yyyy-MM-dd"), requirements = new[] { new { themeCode = "ADV.1", level = 1 } },
        }));
        await Until(() => Task.FromResult(server.Mails().Length == 4), "the admin's mail", TimeSpan.FromSeconds(60));
        var reminder = Read(server.Mails().Single(m => m.ToAddresses.Single().ToString() == "staff.es@example.org"));
        reminder.Subject.Should().Be($"El mandato de Treasurer termina el {tomorrow.ToString("D", System.Globalization.CultureInfo.GetCultureInfo("es"))}");
        reminder.Subject.Should().Contain(" de ", "the Spanish long date");
        reminder.TextBody.Should().Contain("Recibes esto como administrador de OH en LeaderJourney");

        static MimeKit.MimeMessage Read(SmtpMessage mail) => MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mail.Data)));
    }

    [Fact]
    public async Task A_mail_server_that_was_down_gets_the_mail_when_it_is_back_and_no_mail_is_sent_without_one()
    {
        var port = FreePort.Next();
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        var logs = new CapturedLogs();
        await using var app = new LeaderJourneyAppFactory(db, logs: logs, settings: Mail(port));

        var id = await AttainAsync(app, "Ella Waiting", "ella.waiting@example.org");
        await Until(async () => await Scalar(dataSource, $"select count(*) from leaderjourney.notifications where leader_id = '{id}' and user_id is null") == 1, "the notice in the inbox");
        await Until(() => Task.FromResult(logs.Lines.Any(l => l.Contains("was not sent to everyone (SocketException)"))), "a first try at the mail, which fails: nothing listens on the port");
        logs.Lines.Should().NotContain(l => l.Contains("ella.waiting") || l.Contains("Ella Waiting"), "the log says which notice failed, not to whom");

        using var server = SimpleSmtpServer.Start(port);
        await Until(() => Task.FromResult(server.Mails().Length == 1), "the mail, tried again", TimeSpan.FromSeconds(90));
        server.Mails().Single().ToAddresses.Select(a => a.ToString()).Should().Equal("ella.waiting@example.org");

        // Without a server configured the notice stays in the inbox only.
        var quiet = await database.CreateDatabaseAsync();
        await using var quietApp = new LeaderJourneyAppFactory(quiet);
        await using var quietData = NpgsqlDataSource.Create(quiet);
        var other = await AttainAsync(quietApp, "Rosa Quiet", "rosa.quiet@example.org");
        // The reactions have handled every event (a message they sent would be in the inbox table by then).
        var runtime = quietApp.Services.GetRequiredService<LeaderJourney.Storage.Projections.ProjectionRuntime>();
        var head = await quietApp.Services.GetRequiredService<LeaderJourney.Storage.Store>().ReadLastSequenceAsync();
        await Until(async () => (await runtime.SubscriptionStatusAsync([Reactions.SubscriptionName])).Single().Position >= head, "the reactions to pass the last event");
        (await Scalar(quietData, $"select count(*) from leaderjourney.notifications where leader_id = '{other}' and user_id is null")).Should().Be(1, "the notice is in the inbox");
        (await Scalar(quietData, "select count(*) from leaderjourney.wolverine_incoming_envelopes where message_type like '%Mail%'")).Should().Be(0, "no mail was asked for");
    }

    [Fact]
    public async Task Whoever_turns_the_mails_off_gets_none_the_inbox_keeps_the_notice_and_turning_them_on_mails_the_next()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        var logs = new CapturedLogs();
        await using var app = new LeaderJourneyAppFactory(db, logs: logs, settings: Mail(server.Configuration.Port));
        var (admin, mentor, id) = await LeaderWithMentorAsync(app, "mentor.quiet", "Nora Quiet", "nora.quiet@example.org");
        var (leader, _) = await app.SignedInAsync(Roles.Leader, "OH", id);

        // Both turn the mails off for themselves; a body without the choice is refused in words.
        (await mentor.GetFromJsonAsync<JsonElement>("/api/account/mail")).GetProperty("mail").GetBoolean().Should().BeTrue("mail is on until one turns it off");
        foreach (var client in new[] { mentor, leader })
            (await client.PutAsJsonAsync("/api/account/mail", new { mail = false })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await mentor.GetFromJsonAsync<JsonElement>("/api/account/mail")).GetProperty("mail").GetBoolean().Should().BeFalse();
        var refused = await leader.PutAsJsonAsync("/api/account/mail", new { });
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("mail", out _).Should().BeTrue();

        // A request and an attainment: handled, neither mailed, the leader's notice in the inbox.
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        // Signed off only after: a request already signed off when its mail is made is not mailed anyway.
        await Until(() => Task.FromResult(logs.Lines.Any(l => l.Contains("is not mailed: none of the leader's mentors"))), "the request handled, not mailed");
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Organizing 101", themeCode = "ADV.1", level = 1, completedOn = Today }));
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.1", level = 1 }));
        await Until(() => Task.FromResult(logs.Lines.Any(l => l.Contains("(level-attained) is not mailed"))), "the notice handled, not mailed");
        server.Mails().Length.Should().Be(0);
        (await Scalar(dataSource, $"select count(*) from leaderjourney.notifications where leader_id = '{id}' and user_id is null")).Should().Be(1, "the inbox keeps the notice");

        // On again: the next notice is mailed, and says how to stop them.
        (await leader.PutAsJsonAsync("/api/account/mail", new { mail = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Organizing 102", themeCode = "ADV.2", level = 1, completedOn = Today }));
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.2", level = 1 }));
        await Until(() => Task.FromResult(server.Mails().Length == 1), "the leader's mail");
        var mail = server.Mails().Single();
        mail.ToAddresses.Select(a => a.ToString()).Should().Equal("nora.quiet@example.org");
        mail.MessageParts.Single().BodyData.Should().Contain("To stop these e-mails: https://journey.example.org/account/mail/stop?t=");
        mail.Headers["List-Unsubscribe"].Should().StartWith("<https://journey.example.org/account/mail/stop?t=");

        // The page sends the same command: the mentor turns them on again there.
        var page = new PageClient(app);
        await page.SignInAsync("mentor.quiet");
        (await page.GetAsync("/account/mail")).Should().Contain("id=\"mail-off\" name=\"mail\" value=\"false\" checked=\"checked\"");
        (await (await page.PostAsync("/account/mail", "/account/mail", new() { ["mail"] = "true" })).Content.ReadAsStringAsync())
            .Should().Contain("Saved: notices are e-mailed to you too.").And.Contain("id=\"mail-on\" name=\"mail\" value=\"true\" checked=\"checked\"");
        (await mentor.GetFromJsonAsync<JsonElement>("/api/account/mail")).GetProperty("mail").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task A_mail_s_stop_link_stops_the_mails_without_signing_in_even_for_a_leader_with_no_sign_in_and_opening_it_changes_nothing()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        var logs = new CapturedLogs();
        await using var app = new LeaderJourneyAppFactory(db, logs: logs, settings: Mail(server.Configuration.Port));
        var (admin, mentor, id) = await LeaderWithMentorAsync(app, "mentor.linked", "Lena Linked", "lena.linked@example.org");
        async Task Attain(string theme)
        {
            await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Organizing 101", themeCode = theme, level = 1, completedOn = Today }));
            await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = theme, level = 1 }));
        }

        // A leader with no sign-in attains a level: the mail's foot and headers carry a link that names them only in its token.
        await Attain("ADV.1");
        await Until(() => Task.FromResult(server.Mails().Length == 1), "the leader's mail");
        var mail = server.Mails().Single();
        var header = mail.Headers["List-Unsubscribe"]!;
        header.Should().MatchRegex("^<https://journey\\.example\\.org/account/mail/stop\\?t=[A-Za-z0-9_-]+>$");
        mail.Headers["List-Unsubscribe-Post"].Should().Be("List-Unsubscribe=One-Click");
        var link = new Uri(header.Trim('<', '>'));
        mail.MessageParts.Single().BodyData.Should().Contain($"To stop these e-mails: {link}");
        link.Query.Should().NotContain(id.ToString()).And.NotContain(id.ToString("N")).And.NotContainEquivalentOf("lena");
        var anonymous = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        // Opening it (a person, or a mail scanner following links) asks, and changes nothing.
        using (var opened = await anonymous.GetAsync(link.PathAndQuery))
        {
            opened.StatusCode.Should().Be(HttpStatusCode.OK);
            (await opened.Content.ReadAsStringAsync()).Should().Contain("Stop LeaderJourney&#x27;s e-mails to you?").And.Contain("<button type=\"submit\">Stop e-mails</button>");
        }
        (await Scalar(dataSource, "select count(*) from leaderjourney.mail_off_leaders")).Should().Be(0);

        // A link this installation did not make is refused in words, and stops nothing.
        using (var forged = await anonymous.PostAsync("/account/mail/stop?t=" + link.Query[3..^6] + "AAAAAA", OneClick()))
        {
            forged.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await forged.Content.ReadAsStringAsync()).Should().Contain("This link is not one of LeaderJourney");
        }
        (await Scalar(dataSource, "select count(*) from leaderjourney.mail_off_leaders")).Should().Be(0);

        // The mail program's one click: a POST of List-Unsubscribe=One-Click, with no cookie and no form token.
        using (var clicked = await anonymous.PostAsync(link.PathAndQuery, OneClick()))
        {
            clicked.StatusCode.Should().Be(HttpStatusCode.OK);
            (await clicked.Content.ReadAsStringAsync()).Should().Contain("Done: LeaderJourney will not e-mail you any more.");
        }
        await Attain("ADV.2");
        await Until(() => Task.FromResult(logs.Lines.Any(l => l.Contains("(level-attained) is not mailed"))), "the next notice handled, not mailed");
        server.Mails().Length.Should().Be(1);
        (await Scalar(dataSource, $"select count(*) from leaderjourney.notifications where leader_id = '{id}' and user_id is null")).Should().Be(2, "the inbox keeps every notice");

        // Given a sign-in later, the leader sees the mails off, and turning them on lifts the link's stop.
        var (leader, _) = await app.SignedInAsync(Roles.Leader, "OH", id);
        (await leader.GetFromJsonAsync<JsonElement>("/api/account/mail")).GetProperty("mail").GetBoolean().Should().BeFalse();
        (await leader.PutAsJsonAsync("/api/account/mail", new { mail = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        await Attain("ADV.3");
        await Until(() => Task.FromResult(server.Mails().Length == 2), "the leader's mail again");

        // A mentor's link stops that mentor's mails, seen from their own account.
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "ADV.4", level = 1 }));
        await Until(() => Task.FromResult(server.Mails().Length == 3), "the mentor's mail");
        var mentorMail = server.Mails().Single(m => m.ToAddresses.Any(a => a.ToString() == "mentor.linked@example.org"));
        var mentorLink = new Uri(mentorMail.Headers["List-Unsubscribe"]!.Trim('<', '>'));
        mentorLink.Should().NotBe(link);
        (await anonymous.PostAsync(mentorLink.PathAndQuery, OneClick())).StatusCode.Should().Be(HttpStatusCode.OK);
        (await mentor.GetFromJsonAsync<JsonElement>("/api/account/mail")).GetProperty("mail").GetBoolean().Should().BeFalse();
        (await leader.GetFromJsonAsync<JsonElement>("/api/account/mail")).GetProperty("mail").GetBoolean().Should().BeTrue("the mentor's link stops the mentor alone");

        // An erasure takes the leader's stop with it, and their link, followed after, keeps nothing about them.
        (await anonymous.PostAsync(link.PathAndQuery, OneClick())).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Scalar(dataSource, $"select count(*) from leaderjourney.mail_off_leaders where leader_id = '{id}'")).Should().Be(1);
        (await admin.PostAsJsonAsync($"/api/leaders/{id}/erasure", new { reason = "Written request" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Scalar(dataSource, $"select count(*) from leaderjourney.mail_off_leaders where leader_id = '{id}'")).Should().Be(0);
        (await anonymous.PostAsync(link.PathAndQuery, OneClick())).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Scalar(dataSource, $"select count(*) from leaderjourney.mail_off_leaders where leader_id = '{id}'")).Should().Be(0);

        static FormUrlEncodedContent OneClick() => new(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" });
    }
    private static async Task<(string Kind, string Theme)[]> Notes(HttpClient leader) =>
        [.. (await leader.GetFromJsonAsync<JsonElement[]>("/api/notifications"))!.Select(n => (n.GetProperty("kind").GetString()!, n.GetProperty("themeCode").GetString()!))];

    [Fact]
    public async Task A_sign_off_undone_before_the_leader_heard_of_it_is_told_neither_way_and_a_level_taken_back_after_they_read_of_it_is()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        await using var app = new LeaderJourneyAppFactory(db, settings: Mail(server.Configuration.Port, attainedHold: "01:00:00"));
        var (admin, mentor, id) = await LeaderWithMentorAsync(app, "mentor.undo", "Rosa Undone", "rosa.undone@example.org");
        var (leader, _) = await app.SignedInAsync(Roles.Leader, "OH", id);
        foreach (var theme in new[] { "ADV.1", "ADV.2", "ADV.3" })
            await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Organizing 101", themeCode = theme, level = 1, completedOn = Today }));
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        await Until(() => Task.FromResult(server.Mails().Length == 1), "the mentor's mail of the request");

        // The mentor signs ADV.1 off and undoes it at once (a wrong tap): the request goes back in the queue.
        var signed = await (await mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.1", level = 1 })).Content.ReadFromJsonAsync<JsonElement>();
        signed.GetProperty("attained").GetBoolean().Should().BeTrue();
        var undo = new HttpRequestMessage(HttpMethod.Post, $"/api/leaders/{id}/sign-off-revocations")
        {
            Content = JsonContent.Create(new { themeCode = "ADV.1", level = 1, reason = "Undo", askAgain = true }),
        };
        undo.Headers.TryAddWithoutValidation("If-Match", $"\"{signed.GetProperty("version").GetInt64()}\"");
        await Ok(mentor.SendAsync(undo));
        // ADV.3 is signed off unasked and undone: the request the undo puts back is the mentor's own, not mailed to them.
        var direct = await (await mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.3", level = 1 })).Content.ReadAsStringAsync();
        var directUndo = new HttpRequestMessage(HttpMethod.Post, $"/api/leaders/{id}/sign-off-revocations")
        {
            Content = JsonContent.Create(new { themeCode = "ADV.3", level = 1, reason = "Undo", askAgain = true }),
        };
        directUndo.Headers.TryAddWithoutValidation("If-Match", $"\"{JsonDocument.Parse(direct).RootElement.GetProperty("version").GetInt64()}\"");
        await Ok(mentor.SendAsync(directUndo));

        // ADV.2 is signed off, the leader reads of it, and then it is taken back: that is told, in the inbox and by mail.
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.2", level = 1 }));
        await Until(async () => (await Notes(leader)).Contains(("level-attained", "ADV.2")), "the notice of ADV.2");
        (await leader.PostAsJsonAsync("/api/notifications/read", new { })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-revocations", new { themeCode = "ADV.2", level = 1, reason = "Signed too soon" }));
        await Until(() => Task.FromResult(server.Mails().Length == 2), "the mail of ADV.2 taken back");
        var takenBack = server.Mails().Single(m => m.ToAddresses.Single().ToString() == "rosa.undone@example.org");
        takenBack.Subject.Should().EndWith("Level 1 was taken back");

        // The reactions run in order, so ADV.1's are done: its two notices are withdrawn, and the request
        // put back by the undo was not mailed to the mentor again.
        (await Notes(leader)).Should().Equal([("level-revoked", "ADV.2"), ("level-attained", "ADV.2")], "ADV.1, attained and taken back unheard, is told neither way");
        (await Scalar(dataSource, $"select count(*) from leaderjourney.notifications where leader_id = '{id}' and theme_code in ('ADV.1', 'ADV.3') and withdrawn")).Should().Be(4);
        server.Mails().Count(m => m.ToAddresses.Single().ToString() == "mentor.undo@example.org").Should().Be(1, "a request put back by an undo is not asked anew");

        // Each attained level's mail waits its hour in Wolverine's durable store; run now, neither is sent:
        // ADV.1's notice is withdrawn, and ADV.2 no longer holds (its mail would come after "taken back").
        (await Scalar(dataSource, """
            select count(*) from leaderjourney.wolverine_incoming_envelopes
             where message_type like '%MailNotification%' and status = 'Scheduled' and execution_time > now() + interval '50 minutes'
            """)).Should().Be(3);
        var bus = app.Services.GetRequiredService<IMessageBus>();
        foreach (var theme in new[] { "ADV.1", "ADV.2", "ADV.3" })
            await bus.InvokeAsync(new MailNotification(await Scalar(dataSource,
                $"select id from leaderjourney.notifications where leader_id = '{id}' and kind = 'level-attained' and theme_code = '{theme}'")));
        server.Mails().Length.Should().Be(2);
    }

    [Fact]
    public async Task A_notice_s_mail_is_claimed_before_its_level_is_taken_back_or_not_at_all()
    {
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        await using var app = new LeaderJourneyAppFactory(db, settings: new Dictionary<string, string> { ["LeaderJourney:Notices:AttainedHold"] = "01:00:00" });
        var (box, claims) = (app.Services.GetRequiredService<NotificationBox>(), app.Services.GetRequiredService<MailClaims>());
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        async Task<(Guid Leader, long Notice)> Attained()
        {
            var leader = Guid.NewGuid();
            await box.AddAsync($"level-attained:{leader}", "OH", NotificationBox.LevelAttained, leaderId: leader, themeCode: "ADV.1", level: 1, onDate: today);
            return (leader, (await box.UnmailedAsync($"level-attained:{leader}", default))!.Value);
        }

        // Claimed first: the leader was mailed, so the level taken back is told.
        var (mailed, mailedNotice) = await Attained();
        (await claims.ClaimAsync(MailClaims.Notice(mailedNotice), mailed, default, notice: mailedNotice)).Should().BeTrue();
        await box.AddRevokedAsync($"level-revoked:{mailed}", "OH", mailed, "ADV.1", 1, DateTimeOffset.UtcNow, default);
        (await Scalar(dataSource, $"select count(*) from leaderjourney.notifications where leader_id = '{mailed}' and user_id is null and not withdrawn")).Should().Be(2);

        // The notice's row held as a level taken back holds it: the claim waits, then finds the notice withdrawn.
        var (unheard, unheardNotice) = await Attained();
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await new NpgsqlCommand($"select 1 from leaderjourney.notifications where id = {unheardNotice} for update", connection, transaction).ExecuteNonQueryAsync();
            var claim = claims.ClaimAsync(MailClaims.Notice(unheardNotice), unheard, default, notice: unheardNotice);
            await Until(async () => await Scalar(dataSource, """
                select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%insert into leaderjourney.mail_sent%'
                """) == 1, "the claim waiting for the notice's row");
            await new NpgsqlCommand($"update leaderjourney.notifications set withdrawn = true where id = {unheardNotice}", connection, transaction).ExecuteNonQueryAsync();
            await transaction.CommitAsync();
            (await claim).Should().BeFalse("the notice was withdrawn while the claim waited");
        }
        (await Scalar(dataSource, $"select count(*) from leaderjourney.mail_sent where what = 'notice:{unheardNotice}'")).Should().Be(0);

        // The claim committed while the level taken back waited for the notice's row: it is seen, and the level taken back is told.
        var (raced, racedNotice) = await Attained();
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await new NpgsqlCommand($"select 1 from leaderjourney.notifications where id = {racedNotice} for update", connection, transaction).ExecuteNonQueryAsync();
            await new NpgsqlCommand($"insert into leaderjourney.mail_sent (what, recipient, sent_at) values ('notice:{racedNotice}', '{raced}', now())", connection, transaction)
                .ExecuteNonQueryAsync();
            var revoking = box.AddRevokedAsync($"level-revoked:{raced}", "OH", raced, "ADV.1", 1, DateTimeOffset.UtcNow, default);
            await Until(async () => await Scalar(dataSource, """
                select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%order by id desc limit 1 for update%'
                """) == 1, "the level taken back waiting for the notice's row");
            await transaction.CommitAsync();
            await revoking;
        }
        (await Scalar(dataSource, $"select count(*) from leaderjourney.notifications where leader_id = '{raced}' and user_id is null and not withdrawn")).Should().Be(2, "the leader was mailed the level");

        // A newer notice of the same level (taken back, attained again) supersedes a held "attained" mail.
        var (again, first) = await Attained();
        var firstNotice = (await box.FindAsync(first, default))!.Value.Notice;
        (await box.SupersededAsync(firstNotice, default)).Should().BeFalse();
        await box.AddAsync($"level-attained:again:{again}", "OH", NotificationBox.LevelAttained, leaderId: again, themeCode: "ADV.1", level: 1, onDate: today);
        (await box.SupersededAsync(firstNotice, default)).Should().BeTrue();

        // Not claimed and not read: the level taken back withdraws both, once however often the reaction runs.
        var (quiet, _) = await Attained();
        for (var run = 0; run < 2; run++)
            await box.AddRevokedAsync($"level-revoked:{quiet}", "OH", quiet, "ADV.1", 1, DateTimeOffset.UtcNow, default);
        (await Scalar(dataSource, $"select count(*) from leaderjourney.notifications where leader_id = '{quiet}' and withdrawn")).Should().Be(2);
        (await box.UnmailedAsync($"level-revoked:{quiet}", default)).Should().BeNull("a withdrawn notice is not mailed");
    }

    [Fact]
    public async Task The_address_a_leaders_record_had_hears_once_that_staff_changed_it_and_a_name_corrected_alone_tells_nobody()
    {
        using var server = SimpleSmtpServer.Start();
        var db = await database.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db);
        await using var app = new LeaderJourneyAppFactory(db, settings: Mail(server.Configuration.Port));
        await app.EnsureAffiliateAsync("OH");
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Mona Moved", email = "mona.old@example.org" });
        var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // The name corrected and the address in another case: the same mailbox, nothing to tell.
        await Ok(admin.PutAsJsonAsync($"/api/leaders/{id}/profile", new { displayName = "Mona Moved-Far", email = "Mona.Old@example.org" }));
        await Ok(admin.PutAsJsonAsync($"/api/leaders/{id}/profile", new { displayName = "Mona Moved-Far", email = "mona.new@example.org" }));
        await Until(() => Task.FromResult(server.Mails().Length == 1), "the former address's notice");
        var mail = server.Mails().Single();
        mail.ToAddresses.Select(a => a.ToString()).Should().Equal("Mona.Old@example.org");
        mail.Subject.Should().Be("The e-mail address on your LeaderJourney record was changed");
        var body = mail.MessageParts.Single().BodyData;
        body.Should().Contain("Your affiliate's staff changed the e-mail address on your LeaderJourney record on").And.NotContain("mona.new", "the new address is not said");

        // The message run again (a node died after sending) sends nothing more.
        var changed = (await app.Services.GetRequiredService<LeaderJourney.Storage.Store>().ReadStreamAsync(id)).Last();
        await app.Services.GetRequiredService<IMessageBus>().InvokeAsync(new LeaderJourney.Core.Notifications.Mail.MailAddressChanged(changed.Id, id, changed.Version));
        (await Scalar(dataSource, $"select count(*) from leaderjourney.mail_sent where what = 'address-changed:{changed.Id}' and recipient = '{id}'")).Should().Be(1);
        server.Mails().Length.Should().Be(1, "told once");
    }
}
