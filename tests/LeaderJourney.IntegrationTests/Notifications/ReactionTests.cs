using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JasperFx.Events;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Notifications;
using LeaderJourney.Domain.Leaders;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;
using static LeaderJourney.IntegrationTests.Infrastructure.Waiting;

namespace LeaderJourney.IntegrationTests.Notifications;

/// <summary>Events reach Wolverine handlers through Marten's subscription; a scheduled reminder survives a restart.</summary>
public sealed class ReactionTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd");

    [Fact]
    public async Task A_level_attained_and_a_declined_request_reach_the_leader_once_and_an_erasure_takes_them_away()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString);
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        var (mentor, mentorId) = await app.SignedInAsync(Roles.Mentor, "OH");
        var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Lucy Stone", email = "lucy@example.org" });
        var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
        var (leader, _) = await app.SignedInAsync(Roles.Leader, "OH", id);
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Organizing 101", themeCode = "ADV.1", level = 1, completedOn = Today }));
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "ADV.1", level = 1 }));
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.1", level = 1 }));
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "ADV.2", level = 1 }));
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-declines", new { themeCode = "ADV.2", level = 1, reason = "Private-reason-R1" }));

        JsonElement[] notes = [];
        await Until(async () => (notes = await Notes(leader)).Length >= 2, "the leader's two notifications");
        notes.Select(n => (n.GetProperty("kind").GetString(), n.GetProperty("themeCode").GetString())).Should()
            .BeEquivalentTo([("request-declined", "ADV.2"), ("level-attained", "ADV.1")]);
        (await admin.GetFromJsonAsync<JsonElement[]>("/api/notifications"))!.Should().BeEmpty("staff see their affiliate's, not a leader's");

        // A reaction that runs again (a node died before Marten recorded the subscription's progress) writes nothing twice.
        var bus = app.Services.GetRequiredService<IMessageBus>();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var attained = await FirstEvent<LevelAttained>(dataSource, id);
        await bus.InvokeAsync(attained);
        await bus.InvokeAsync(attained);
        (await Notes(leader)).Should().HaveCount(2);
        (await Count(dataSource, "select count(*) from leaderjourney.notifications where key like '%Private-reason%' or kind = 'request-declined' and leader_id is null")).Should().Be(0);

        await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/erasure", new { reason = "asked" }));
        await Until(async () => await Count(dataSource, $"select count(*) from leaderjourney.notifications where leader_id = '{id}'") == 0, "the erased leader's notifications to go");

        // The subscription records how far it got, up to the last event: it does not react to the same batch over and over.
        var runtime = app.Services.GetRequiredService<LeaderJourney.Storage.Projections.ProjectionRuntime>();
        var head = await app.Services.GetRequiredService<LeaderJourney.Storage.Store>().ReadLastSequenceAsync();
        await Until(async () => (await runtime.SubscriptionStatusAsync([Reactions.SubscriptionName])).Single().Position >= head, "the subscription's progression to reach the last event");
    }

    [Fact]
    public async Task A_term_end_reminder_scheduled_before_a_restart_runs_once_after_it()
    {
        var db = await database.CreateDatabaseAsync();
        var termEndsOn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        // The reminder is due a few seconds after the term end is set: the lead is the time to the term's end, less that.
        var lead = new DateTimeOffset(termEndsOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) - DateTimeOffset.UtcNow - TimeSpan.FromSeconds(6);
        var settings = new Dictionary<string, string> { ["LeaderJourney:Reminders:TermEndLead"] = lead.ToString("c") };
        await using var dataSource = NpgsqlDataSource.Create(db);
        Guid positionId;
        await using (var first = new LeaderJourneyAppFactory(db, settings: settings))
        {
            var (admin, _) = await first.SignedInAsync(Roles.AffiliateAdmin, "OH");
            var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Ida Wells", email = "ida@example.org" });
            var leaderId = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            var defined = await admin.PostAsJsonAsync("/api/positions", new
            {
                affiliate = "OH", title = "President", incumbentLeaderId = leaderId, termEndsOn = termEndsOn.ToString("yyyy-MM-dd"),
                requirements = new[] { new { themeCode = "ADV.1", level = 1 } },
            });
            defined.StatusCode.Should().Be(HttpStatusCode.Created);
            positionId = (await defined.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            await Until(async () => await Count(dataSource, "select count(*) from leaderjourney.wolverine_incoming_envelopes where status = 'Scheduled' and message_type like '%TermEndReminder%'") == 1,
                "the reminder to be scheduled durably");
        }

        // The host is gone before the reminder is due; another starts and runs it.
        await using var second = new LeaderJourneyAppFactory(db);
        var (staff, _) = await second.SignedInAsync(Roles.AffiliateAdmin, "OH");
        JsonElement[] notes = [];
        await Until(async () => (notes = await Notes(staff)).Length > 0, "the term-end reminder", TimeSpan.FromSeconds(60));
        notes.Should().ContainSingle().Which.GetProperty("kind").GetString().Should().Be("term-ending");
        notes[0].GetProperty("positionId").GetGuid().Should().Be(positionId);
        notes[0].GetProperty("on").GetString().Should().Be(termEndsOn.ToString("yyyy-MM-dd"));
        await Until(async () => await Count(dataSource, "select count(*) from leaderjourney.wolverine_incoming_envelopes where message_type like '%TermEndReminder%' and status <> 'Handled'") == 0,
            "the reminder to be done");
        (await Count(dataSource, "select count(*) from leaderjourney.notifications where kind = 'term-ending'")).Should().Be(1, "it ran once");
    }

    [Fact]
    public async Task A_decline_the_leader_read_and_its_mentor_withdrew_is_followed_by_a_notice_that_the_request_waits_again()
    {
        var db = await database.CreateDatabaseAsync();
        await using var app = new LeaderJourneyAppFactory(db);
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        var (mentor, mentorId) = await app.SignedInAsync(Roles.Mentor, "OH");
        var (other, otherId) = await app.SignedInAsync(Roles.Mentor, "OH");
        var enrolled = await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = "Ida Wells", email = "ida@example.org" });
        var id = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        foreach (var m in new[] { mentorId, otherId }) await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = m }));
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("ida.wells", ApiUsers.Password, Roles.Leader, "OH", id, creator: null);
        var leader = await app.SignInAsync("ida.wells");
        await Ok(leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-requests", new { themeCode = "ADV.2", level = 1 }));
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-declines", new { themeCode = "ADV.2", level = 1, reason = "Meant as a note" }));
        await Until(async () => (await Notes(leader)).Any(n => n.GetProperty("kind").GetString() == "request-declined"), "the leader's notice of the decline");
        (await leader.PostAsJsonAsync("/api/notifications/read", new { })).StatusCode.Should().Be(HttpStatusCode.NoContent);

        // Only the mentor who declined withdraws it (the other mentor and the leader are refused), and only once.
        (await other.PostAsJsonAsync($"/api/leaders/{id}/sign-off-decline-withdrawals", new { themeCode = "ADV.2", level = 1 })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await leader.PostAsJsonAsync($"/api/leaders/{id}/sign-off-decline-withdrawals", new { themeCode = "ADV.2", level = 1 })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var withdrawn = await mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-decline-withdrawals", new { themeCode = "ADV.2", level = 1 });
        withdrawn.StatusCode.Should().Be(HttpStatusCode.OK);
        (await withdrawn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64().Should().Be(6, "enrolled, two mentors, asked, declined, withdrawn");
        var again = await mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-decline-withdrawals", new { themeCode = "ADV.2", level = 1 });
        again.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await again.Content.ReadAsStringAsync()).Should().Contain("This decline can no longer be withdrawn");

        // The leader read of the decline: its notice stays, and a second says the request waits again. Run twice, the reaction writes it once.
        JsonElement[] notes = [];
        await Until(async () => (notes = await Notes(leader)).Any(n => n.GetProperty("kind").GetString() == "decline-withdrawn"), "the notice that the request waits again");
        notes.Select(n => (n.GetProperty("kind").GetString(), n.GetProperty("themeCode").GetString(), n.GetProperty("read").GetBoolean())).Should()
            .Equal(("decline-withdrawn", "ADV.2", false), ("request-declined", "ADV.2", true));
        var stored = (await app.Services.GetRequiredService<LeaderJourney.Storage.Store>().ReadStreamAsync(id)).Single(e => e.Data is SignOffDeclineWithdrawn);
        await app.Services.GetRequiredService<IMessageBus>().InvokeAsync(new Event<SignOffDeclineWithdrawn>((SignOffDeclineWithdrawn)stored.Data)
            { Id = stored.Id, Sequence = stored.Sequence, TenantId = stored.TenantId, StreamId = id, Version = stored.Version });
        (await Notes(leader)).Should().HaveCount(2);
        var page = new Pages.PageClient(app);
        await page.SignInAsync("ida.wells");
        (await page.GetAsync("/notifications")).Should().Contain("was withdrawn: the request waits for a sign-off again.");
        // The request is back in the mentor's queue.
        await Until(async () => (await mentor.GetFromJsonAsync<JsonElement[]>("/api/mentor-queue"))!.Any(r => r.GetProperty("leaderId").GetGuid() == id),
            "the request back in the queue");

        // Declined again and withdrawn before the leader read of it: that notice goes, and no second "waits again" is written
        // (the first decline, read, is not this one).
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-declines", new { themeCode = "ADV.2", level = 1, reason = "Tapped by mistake" }));
        await Until(async () => (await Notes(leader)).Count(n => n.GetProperty("kind").GetString() == "request-declined") == 2, "the second decline's notice");
        await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-off-decline-withdrawals", new { themeCode = "ADV.2", level = 1 }));
        await Until(async () => (await Notes(leader)).Count(n => n.GetProperty("kind").GetString() == "request-declined") == 1, "the unread decline's notice withdrawn");
        var head = await app.Services.GetRequiredService<LeaderJourney.Storage.Store>().ReadLastSequenceAsync();
        var runtime = app.Services.GetRequiredService<LeaderJourney.Storage.Projections.ProjectionRuntime>();
        await Until(async () => (await runtime.SubscriptionStatusAsync([Reactions.SubscriptionName])).Single().Position >= head, "the reactions to pass the withdrawal");
        (await Notes(leader)).Select(n => n.GetProperty("kind").GetString()).Should().Equal("decline-withdrawn", "request-declined");
    }

    [Fact]
    public async Task A_term_end_is_reminded_of_for_the_incumbent_seated_and_again_for_the_one_appointed_to_the_seat()
    {
        var db = await database.CreateDatabaseAsync();
        await using var app = new LeaderJourneyAppFactory(db);
        await using var dataSource = NpgsqlDataSource.Create(db);
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "OH");
        async Task<Guid> Enrol(string name) => (await (await admin.PostAsJsonAsync("/api/leaders", new { affiliate = "OH", displayName = name, email = $"{Guid.NewGuid():N}@example.org" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var (first, next) = (await Enrol("Fannie Hamer"), await Enrol("Ella Baker"));
        var termEndsOn = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(2).ToString("yyyy-MM-dd");
        var defined = await admin.PostAsJsonAsync("/api/positions", new
        {
            affiliate = "OH", title = "Treasurer", incumbentLeaderId = first, termEndsOn, requirements = new[] { new { themeCode = "ADV.1", level = 1 } },
        });
        var positionId = (await defined.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Ok(admin.PostAsJsonAsync($"/api/positions/{positionId}/vacancy", new { leaderId = first, on = DateTime.UtcNow.ToString("yyyy-MM-dd") }));
        await Ok(admin.PostAsJsonAsync($"/api/positions/{positionId}/nominations", new { leaderId = next }));
        await Ok(admin.PostAsJsonAsync($"/api/positions/{positionId}/appointments", new { leaderId = next, on = DateTime.UtcNow.ToString("yyyy-MM-dd") }));

        await Until(async () => await Count(dataSource, "select count(*) from leaderjourney.wolverine_incoming_envelopes where status = 'Scheduled' and message_type like '%TermEndReminder%'") == 2,
            "a reminder for the seated incumbent and one for the appointee");
    }

    private static async Task<IEvent<T>> FirstEvent<T>(NpgsqlDataSource dataSource, Guid streamId) where T : notnull
    {
        await using var command = dataSource.CreateCommand("select id, seq_id, tenant_id from leaderjourney.mt_events where stream_id = $1 and type = 'leader.level-attained' order by seq_id limit 1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        var data = (T)(object)new LevelAttained(streamId, "ADV.1", 1, [], DateTimeOffset.UtcNow);
        return new Event<T>(data) { Id = reader.GetGuid(0), Sequence = reader.GetInt64(1), TenantId = reader.GetString(2), StreamId = streamId };
    }

    private static async Task<JsonElement[]> Notes(HttpClient client) => (await client.GetFromJsonAsync<JsonElement[]>("/api/notifications"))!;

    private static async Task Ok(Task<HttpResponseMessage> request) => (await request).StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.Created);

    private static async Task<long> Count(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
