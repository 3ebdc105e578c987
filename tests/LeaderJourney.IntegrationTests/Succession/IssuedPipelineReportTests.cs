using System.Net;
using System.Net.Http.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Succession;

/// <summary>
/// The pipeline report's read models trail commands (they run under the daemon): a report issued to the
/// board waits for them to have every change stored so far, and is refused when they do not in time.
/// </summary>
public sealed class IssuedPipelineReportTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static async Task<Guid> Enrol(HttpClient admin, string name)
    {
        var created = await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "IP", displayName = name, email = "issued@example.org" }), HttpStatusCode.Created);
        return created.GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_pipeline_report_issued_right_after_a_level_is_attained_counts_it_and_one_whose_read_models_lag_is_refused()
    {
        await using (var app = new LeaderJourneyAppFactory(database.ConnectionString))
        {
            var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "IP");
            var (mentor, mentorId) = await app.SignedInAsync(Roles.Mentor, "IP");
            var id = await Enrol(admin, "Imogen Pell");
            await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/mentors", new { mentorUserId = mentorId }));
            await Ok(admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = "Advocacy basics", themeCode = "ADV.1", level = 1, completedOn = "2026-03-02" }));
            await Ok(mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = "ADV.1", level = 1 }));

            // Issued at once, before anything waits for the daemon here.
            var issued = await Ok(admin.PostAsync("/api/reports/pipeline/issues?affiliate=IP", null), HttpStatusCode.Created);
            var reopened = await Ok(admin.GetAsync($"/api/reports/issues/{issued.GetProperty("id").GetGuid()}?affiliate=IP"));
            reopened.GetProperty("report").GetProperty("stages").EnumerateArray().Select(n => n.GetInt32()).Should().Equal(0, 1, 0, 0);
        }

        // A host whose daemon does not run: the pipeline report's read models never catch up.
        var settings = new Dictionary<string, string> { ["LeaderJourney:Daemon:Enabled"] = "false", ["LeaderJourney:Reports:CatchUpSeconds"] = "0.5" };
        await using (var app = new LeaderJourneyAppFactory(database.ConnectionString, settings: settings))
        {
            var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "IP");
            await Enrol(admin, "Ines Parra");
            var refused = await admin.PostAsync("/api/reports/pipeline/issues?affiliate=IP", null);
            refused.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await refused.Content.ReadAsStringAsync()).Should().Contain("have not caught up with the latest changes yet");
            // The succession report reads the leaders' inline read model: it is issued as before.
            await Ok(admin.PostAsync("/api/reports/succession/issues?affiliate=IP", null), HttpStatusCode.Created);
        }
    }

    [Fact]
    public async Task The_boards_equity_breakdown_counts_whole_months_so_neither_two_days_reports_nor_reports_issued_an_hour_apart_show_who_moved_between_them()
    {
        var clock = new TestClock(new DateTimeOffset(2026, 5, 12, 14, 5, 0, TimeSpan.Zero));
        await using var app = new LeaderJourneyAppFactory(await database.CreateDatabaseAsync(), clock);
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "IQ");
        var directory = app.Services.GetRequiredService<AccessDirectory>();
        var mentorId = await directory.CreateUserAsync("iq.mentor", ApiUsers.Password, Roles.Mentor, "IQ", null, null);
        var leaders = new List<Guid>();
        foreach (var i in Enumerable.Range(1, 6))
        {
            var created = await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "IQ", displayName = $"Whole Month {i}", email = "whole@example.org" }), HttpStatusCode.Created);
            leaders.Add(created.GetProperty("id").GetGuid());
            await Ok(admin.PutAsJsonAsync($"/api/leaders/{leaders[^1]}/demographics", new { raceEthnicity = new[] { "Asian" }, gender = "woman", jobCategory = "teacher", consent = true }));
        }
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaders[0]}/mentors", new { mentorUserId = mentorId }));
        await Ok(admin.PostAsJsonAsync($"/api/leaders/{leaders[0]}/trainings", new { title = "Advocacy basics", themeCode = "ADV.1", level = 1, completedOn = "2026-05-12" }));
        await app.CaughtUpAsync();
        var endOfApril = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-10);
        var endOfMay = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-10);

        var issued = await Ok(admin.PostAsync("/api/reports/pipeline/issues?affiliate=IQ", null), HttpStatusCode.Created);
        var issuedAsOfItsDay = await Ok(admin.PostAsync("/api/reports/pipeline/issues?affiliate=IQ&asOf=2026-05-12", null), HttpStatusCode.Created);
        // The next day one of the six attains a level: their stage, and so their equity cells, move.
        clock.Advance(TimeSpan.FromDays(1));
        await Ok((await app.SignInAsync("iq.mentor")).PostAsJsonAsync($"/api/leaders/{leaders[0]}/sign-offs", new { themeCode = "ADV.1", level = 1 }));
        clock.Advance(TimeSpan.FromDays(1));
        await app.CaughtUpAsync();
        (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "IQ");
        var (board, _) = await app.SignedInAsync(Roles.Board, "IQ");

        // Staff see the present, so the day before and the day after differ; the board's two days are one month's end.
        string Equity(System.Text.Json.JsonElement report) => report.GetProperty("equity").GetRawText();
        var staffDays = (await Ok(admin.GetAsync("/api/reports/pipeline?affiliate=IQ&asOf=2026-05-12")), await Ok(admin.GetAsync("/api/reports/pipeline?affiliate=IQ&asOf=2026-05-13")));
        Equity(staffDays.Item1).Should().NotBe(Equity(staffDays.Item2), "the level attained on 13 May moves a cell of each category");
        var boardDays = (await Ok(board.GetAsync("/api/reports/pipeline?affiliate=IQ&asOf=2026-05-12")), await Ok(board.GetAsync("/api/reports/pipeline?affiliate=IQ&asOf=2026-05-13")));
        Equity(boardDays.Item1).Should().Be(Equity(boardDays.Item2), "both days are counted at the end of the month before");
        boardDays.Item2.GetProperty("equityAsOf").GetDateTimeOffset().Should().Be(endOfApril);
        boardDays.Item2.GetProperty("equity").EnumerateArray().Should().BeEmpty("the six gave their answers in May");
        boardDays.Item2.GetProperty("stages").EnumerateArray().Select(n => n.GetInt32()).Should().Equal([5, 1, 0, 0], "the rest of the report is of its date");
        // The audit trail keeps what each breakdown was counted to: the staff's, of their days; the board's, of April's end.
        var trail = await app.Services.GetRequiredService<LeaderJourney.Core.Privacy.Audit.SensitiveReads>().ListAsync(null, null, null, null, 20, default);
        trail.Where(r => r.What == "equity-breakdown").Select(r => r.AsOf?.UtcDateTime.Date).Should().Contain([new DateTime(2026, 5, 12), new DateTime(2026, 5, 13)])
            .And.Contain(new DateTime(2026, 4, 30));
        trail.Where(r => r.What == "equity-breakdown" && r.Role == Roles.Board).Should().OnlyContain(r => r.AsOf == endOfApril);

        // Issued reports reopened: the breakdown still ends at the month before the one they were issued in.
        var reopened = await Ok(board.GetAsync($"/api/reports/issues/{issued.GetProperty("id").GetGuid()}?affiliate=IQ"));
        reopened.GetProperty("report").GetProperty("equityAsOf").GetDateTimeOffset().Should().Be(endOfApril);
        reopened.GetProperty("current").GetProperty("equityAsOf").GetDateTimeOffset().Should().Be(endOfApril,
            "asked again days later, the breakdown still ends at a whole month, not at 14:05, when the six were counted");
        reopened.GetProperty("current").GetProperty("equity").EnumerateArray().Should().BeEmpty();
        reopened.GetProperty("changed").GetBoolean().Should().BeFalse();
        var reopenedDay = await Ok(board.GetAsync($"/api/reports/issues/{issuedAsOfItsDay.GetProperty("id").GetGuid()}?affiliate=IQ"));
        reopenedDay.GetProperty("current").GetProperty("equityAsOf").GetDateTimeOffset().Should().Be(endOfApril);
        reopenedDay.GetProperty("changed").GetBoolean().Should().BeFalse("its day was not a month's end");

        // Once May has ended, a report as of its last day counts the month's answers and moves together.
        clock.Advance(TimeSpan.FromDays(20));
        (board, _) = await app.SignedInAsync(Roles.Board, "IQ");
        var endOfMonth = await Ok(board.GetAsync("/api/reports/pipeline?affiliate=IQ&asOf=2026-05-31"));
        endOfMonth.GetProperty("equityAsOf").GetDateTimeOffset().Should().Be(endOfMay);
        endOfMonth.GetProperty("equity").EnumerateArray().Should().NotBeEmpty();
        (await Ok(board.GetAsync("/api/reports/pipeline?affiliate=IQ"))).GetProperty("equityAsOf").GetDateTimeOffset().Should().Be(endOfMay, "June has not ended");
        await directory.CreateUserAsync("iq.board", ApiUsers.Password, Roles.Board, "IQ", null, null);
        var pages = new LeaderJourney.IntegrationTests.Pages.PageClient(app);
        await pages.SignInAsync("iq.board");
        (await pages.GetAsync("/board/pipeline")).Should().Contain("Counted as of the end of 31 May 2026 (UTC): the breakdown is counted at the end of whole months only");
    }

    [Fact]
    public async Task A_pipeline_report_issued_while_breakdowns_were_counted_to_whole_days_reopens_counted_as_it_was_unchanged()
    {
        var clock = new TestClock(new DateTimeOffset(2026, 5, 12, 14, 5, 0, TimeSpan.Zero));
        await using var app = new LeaderJourneyAppFactory(await database.CreateDatabaseAsync(), clock);
        var (admin, adminId) = await app.SignedInAsync(Roles.AffiliateAdmin, "IO");
        foreach (var i in Enumerable.Range(1, 6))
        {
            var created = await Ok(admin.PostAsJsonAsync("/api/leaders", new { affiliate = "IO", displayName = $"Day Rule {i}", email = "day@example.org" }), HttpStatusCode.Created);
            await Ok(admin.PutAsJsonAsync($"/api/leaders/{created.GetProperty("id").GetGuid()}/demographics", new { raceEthnicity = new[] { "Asian" }, gender = "woman", jobCategory = "teacher", consent = true }));
        }
        clock.Advance(TimeSpan.FromDays(1));
        await app.CaughtUpAsync();
        // As the rule of whole days issued it on 13 May: the breakdown counted to the end of 12 May, the six in it.
        var service = app.Services.GetRequiredService<LeaderJourney.Core.Succession.Reports.ReportService>();
        var now = clock.GetUtcNow();
        var endOf12May = new DateTimeOffset(2026, 5, 13, 0, 0, 0, TimeSpan.Zero).AddTicks(-10);
        var content = System.Text.Json.JsonSerializer.SerializeToElement(await service.PipelineAsync("IO", now, LeaderJourney.Core.Succession.Reports.StalledNames.None, default,
            equityInWholeMonths: true, issuedAt: now, equityAt: endOf12May), System.Text.Json.JsonSerializerOptions.Web);
        content.GetProperty("equity").EnumerateArray().Should().NotBeEmpty();
        var issued = new LeaderJourney.Core.Succession.Reports.ReportIssued(Guid.NewGuid(), "IO", "pipeline", now, LeaderJourney.Core.Succession.Reports.ReportIssues.Hash(content),
            LeaderJourney.Core.Succession.Reports.ReportIssues.Redact(content), adminId, now);
        await app.Services.GetRequiredService<LeaderJourney.Storage.Store>().StartStreamAsync(LeaderJourney.Core.Succession.Reports.ReportIssues.StreamIdFor("IO"),
            LeaderJourney.Core.Succession.Reports.ReportIssues.StreamType, [issued], new LeaderJourney.Storage.AppendMetadata { TenantId = "IO" });

        clock.Advance(TimeSpan.FromDays(2));
        var (board, _) = await app.SignedInAsync(Roles.Board, "IO");
        var reopened = await Ok(board.GetAsync($"/api/reports/issues/{issued.ReportId}?affiliate=IO"));
        reopened.GetProperty("current").GetProperty("equityAsOf").GetDateTimeOffset().Should().Be(endOf12May, "asked again where it was counted, not at April's end");
        reopened.GetProperty("changed").GetBoolean().Should().BeFalse("nobody changed anything since");
    }

    [Fact]
    public async Task The_talent_reviews_decisions_start_by_default_on_the_day_the_last_report_was_issued_to_the_board()
    {
        var clock = new TestClock(new DateTimeOffset(2026, 5, 12, 14, 5, 0, TimeSpan.Zero));
        await using var app = new LeaderJourneyAppFactory(await database.CreateDatabaseAsync(), clock);
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "IT");
        await Ok(admin.PostAsync("/api/reports/succession/issues?affiliate=IT", null), HttpStatusCode.Created);
        clock.Advance(TimeSpan.FromDays(50));
        await app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("it.board", ApiUsers.Password, Roles.Board, "IT", null, null);
        var pages = new LeaderJourney.IntegrationTests.Pages.PageClient(app);
        await pages.SignInAsync("it.board");

        (await pages.GetAsync("/board/succession")).Should().Contain("name=\"sinceShown\" form=\"report-date\" value=\"2026-05-12\"")
            .And.Contain("From the day the last report was issued to the board, 12 May 2026.", "what was decided since the board last met");
        var review = await pages.Http.GetAsync("/board/succession?since=2026-05-12&sinceShown=2026-05-12&format=xlsx");
        review.StatusCode.Should().Be(HttpStatusCode.OK, "left as shown, the review starts there");
        // As of a day before that report, a month before the day, as before.
        (await pages.GetAsync("/board/succession?asOf=2026-05-01")).Should().Contain("name=\"sinceShown\" form=\"report-date\" value=\"2026-04-01\"")
            .And.NotContain("From the day the last report was issued");
    }

    [Fact]
    public async Task Concurrent_issues_all_land_in_a_report_issues_stream_of_the_affiliate_and_if_match_and_idempotency_key_hold()
    {
        await using var app = new LeaderJourneyAppFactory(database.ConnectionString);
        var (admin, _) = await app.SignedInAsync(Roles.AffiliateAdmin, "RI");
        var (national, _) = await app.SignedInAsync(Roles.NationalAdmin);
        var store = app.Services.GetRequiredService<LeaderJourney.Storage.Store>();
        var streamId = LeaderJourney.Core.Succession.Reports.ReportIssues.StreamIdFor("RI");

        // None of them finds the stream when it starts: all but one lose the start and are handled once more.
        var issued = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => admin.PostAsync("/api/reports/succession/issues?affiliate=RI", null)));

        issued.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.Created);
        var stream = await store.FetchStreamInfoAsync(streamId);
        (stream!.Type, stream.TenantId, stream.Version).Should().Be(("report_issues", "RI", 8L));

        // A national admin names the affiliate; the report lands in that affiliate's stream.
        HttpRequestMessage Issue(string? ifMatch = null, string? key = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports/succession/issues?affiliate=RI");
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            if (key is not null) request.Headers.Add("Idempotency-Key", key);
            return request;
        }
        (await national.SendAsync(Issue(ifMatch: "\"7\""))).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await national.SendAsync(Issue(ifMatch: "\"8\""))).StatusCode.Should().Be(HttpStatusCode.Created);
        var repeats = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => national.SendAsync(Issue(key: "issue-once"))));
        repeats.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.Created);
        (await Task.WhenAll(repeats.Select(r => r.Content.ReadAsStringAsync()))).Distinct().Should().ContainSingle("every repeat answers the first answer");
        (await store.FetchStreamInfoAsync(streamId))!.Version.Should().Be(10, "five repeats of one key issue once");
        (await Ok(admin.GetAsync("/api/reports/issues?affiliate=RI"))).GetArrayLength().Should().Be(10);
    }
}
