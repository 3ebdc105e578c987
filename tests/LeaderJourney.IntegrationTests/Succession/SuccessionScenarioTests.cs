using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeaderJourney.Cli;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeaderJourney.IntegrationTests.Succession;

/// <summary>
/// A small affiliate built through the API on a clock the test moves: 12 leaders, two mentors, 4
/// positions (3 key), trainings, sign-offs, nominations, a readiness call and demographics; then every
/// figure of the succession and pipeline reports, now and as of a past date.
/// </summary>
public sealed class SuccessionScenarioTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private readonly TestClock _clock = new(T0);

    /// <summary>The day staff made their call on L04 for Treasurer.</summary>
    private DateOnly _judgedOn;
    private LeaderJourneyAppFactory _app = null!;
    private string _connectionString = "";
    private HttpClient _admin = null!;
    private HttpClient _mentor = null!;
    private Guid _mentorId;
    private readonly Dictionary<string, Guid> _leaders = new();
    private readonly Dictionary<string, Guid> _positions = new();

    public async Task InitializeAsync()
    {
        // A database for each test: each builds the same affiliate.
        _connectionString = await database.CreateDatabaseAsync();
        _app = new LeaderJourneyAppFactory(_connectionString, _clock);
        await _app.EnsureAffiliateAsync("SC");
        var directory = _app.Services.GetRequiredService<AccessDirectory>();
        await directory.CreateUserAsync("sc.admin", ApiUsers.Password, Roles.AffiliateAdmin, "SC", null, creator: null);
        _mentorId = await directory.CreateUserAsync("sc.mentor", ApiUsers.Password, Roles.Mentor, "SC", null, creator: null);
        await SignInAgain();
    }

    /// <summary>Bearer tokens last hours; the scenario moves its clock by days.</summary>
    private async Task SignInAgain()
    {
        _admin = await _app.SignInAsync("sc.admin");
        _mentor = await _app.SignInAsync("sc.mentor");
    }

    private async Task Advance(TimeSpan by)
    {
        _clock.Advance(by);
        await SignInAgain();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();


    private async Task Attain(string leader, string theme)
    {
        var id = _leaders[leader];
        await Ok(_admin.PostAsJsonAsync($"/api/leaders/{id}/trainings", new { title = $"{theme} course", themeCode = theme, level = 1, completedOn = _clock.GetUtcNow().ToString("yyyy-MM-dd") }));
        (await Ok(_mentor.PostAsJsonAsync($"/api/leaders/{id}/sign-offs", new { themeCode = theme, level = 1 }))).GetProperty("attained").GetBoolean().Should().BeTrue();
    }

    private async Task<Guid> Position(string title, bool key, object[] requirements, string? incumbent = null, DateOnly? termEndsOn = null)
    {
        var created = await Ok(_admin.PostAsJsonAsync("/api/positions", new
        {
            affiliate = "SC", title, key, requirements,
            incumbentLeaderId = incumbent is null ? null : (Guid?)_leaders[incumbent],
            termEndsOn = termEndsOn?.ToString("yyyy-MM-dd"),
        }), HttpStatusCode.Created);
        return _positions[title] = created.GetProperty("id").GetGuid();
    }

    private Task Nominate(string position, string leader) => Ok(_admin.PostAsJsonAsync($"/api/positions/{_positions[position]}/nominations", new { leaderId = _leaders[leader] }));

    private async Task BuildAffiliate()
    {
        // T0: twelve leaders enrolled, the mentor assigned to each, four positions defined.
        for (var i = 1; i <= 12; i++)
        {
            var created = await Ok(_admin.PostAsJsonAsync("/api/leaders", new { affiliate = "SC", displayName = $"L{i:00}", email = $"l{i}@example.org" }), HttpStatusCode.Created);
            _leaders[$"L{i:00}"] = created.GetProperty("id").GetGuid();
            await Ok(_admin.PostAsJsonAsync($"/api/leaders/{_leaders[$"L{i:00}"]}/mentors", new { mentorUserId = _mentorId }));
        }
        await Position("President", true, [new { themeCode = "ADV.1", level = 1 }, new { themeCode = "COM.1", level = 1 }], "L12", DateOnly.FromDateTime(T0.UtcDateTime).AddMonths(6));
        await Position("Treasurer", true, [new { domainCode = "COM", level = 1 }, new { themeCode = "GOV.1", level = 2 }]);
        await Position("Secretary", true, [new { themeCode = "ADV.1", level = 1 }], "L11", DateOnly.FromDateTime(T0.UtcDateTime).AddMonths(20));
        await Position("Committee chair", false, [new { themeCode = "ADV.2", level = 1 }]);

        // T1 = T0 + 10 days: attainments, nominations, a readiness call, demographics.
        await Advance(TimeSpan.FromDays(10));
        foreach (var (leader, theme) in new[]
                 {
                     ("L01", "ADV.1"), ("L01", "COM.1"), ("L01", "COM.2"), ("L02", "ADV.1"), ("L04", "COM.1"), ("L04", "COM.2"),
                     ("L04", "GOV.1"), ("L05", "ADV.1"), ("L06", "ADV.1"), ("L07", "ADV.1"),
                 })
            await Attain(leader, theme);
        foreach (var (position, leader) in new[] { ("President", "L01"), ("President", "L02"), ("President", "L03"), ("Treasurer", "L01"), ("Treasurer", "L03"), ("Treasurer", "L04"), ("Secretary", "L03") })
            await Nominate(position, leader);
        _judgedOn = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        await Ok(_admin.PostAsJsonAsync($"/api/positions/{_positions["Treasurer"]}/readiness-assessments",
            new { leaderId = _leaders["L04"], readiness = "ready-now", justification = "Ran the budget committee for two years." }));
        foreach (var i in Enumerable.Range(1, 12))
        {
            var gender = i is >= 1 and <= 6 or >= 10 ? "woman" : "man";
            string[] race = i <= 5 ? ["Black"] : i == 6 ? ["Latina/o"] : i <= 9 ? ["White"] : [];
            await Ok(_admin.PutAsJsonAsync($"/api/leaders/{_leaders[$"L{i:00}"]}/demographics", new { raceEthnicity = race, gender, jobCategory = "teacher", consent = true }));
        }
    }


    private static JsonNode Without(JsonElement report, string property) => Without(JsonNode.Parse(report.GetRawText())!, property);

    private static JsonNode Without(JsonNode report, string property)
    {
        var node = report.DeepClone();
        node.AsObject().Remove(property);
        return node;
    }

    private static JsonNode WithoutGeneratedAt(JsonElement report)
    {
        var node = JsonNode.Parse(report.GetRawText())!;
        node.AsObject().Remove("generatedAt");
        return node;
    }

    [Fact]
    public async Task Every_figure_of_the_succession_and_pipeline_reports_and_the_same_reports_as_of_a_past_date()
    {
        await BuildAffiliate();
        await Advance(TimeSpan.FromDays(30)); // T2 = T0 + 40 days
        var t2 = _clock.GetUtcNow();
        await _app.CaughtUpAsync();
        var (board, _) = await _app.SignedInAsync(Roles.Board, "SC");

        var succession = await Ok(board.GetAsync("/api/reports/succession?affiliate=SC"));
        succession.GetProperty("affiliate").GetString().Should().Be("SC");
        succession.GetProperty("asOf").GetDateTimeOffset().Should().Be(t2);
        var coverage = succession.GetProperty("coverage");
        coverage.GetProperty("keyPositions").GetInt32().Should().Be(3);
        coverage.GetProperty("withReadyNowSuccessor").GetInt32().Should().Be(2);
        coverage.GetProperty("ratio").GetDouble().Should().BeApproximately(2 / 3.0, 1e-9);
        coverage.GetProperty("fillableAtOnce").GetInt32().Should().Be(2, "L01 for President and L04 for Treasurer: two people");
        var bench = succession.GetProperty("benchStrength");
        (bench.GetProperty("readyNow").GetInt32(), bench.GetProperty("ready1to2Years").GetInt32(), bench.GetProperty("ready3PlusYears").GetInt32()).Should().Be((2, 2, 0));

        var positions = succession.GetProperty("positions").EnumerateArray().ToDictionary(p => p.GetProperty("title").GetString()!);
        positions.Keys.Should().BeEquivalentTo(["President", "Treasurer", "Secretary"], "the committee chair is not a key position");
        string Name(JsonElement c) => c.GetProperty("displayName").GetString()!;
        string Readiness(JsonElement p, string leader) => p.GetProperty("candidates").EnumerateArray().Single(c => Name(c) == leader).GetProperty("readiness").GetString()!;

        var president = positions["President"];
        president.GetProperty("incumbent").GetProperty("displayName").GetString().Should().Be("L12");
        president.GetProperty("termEndsOn").GetString().Should().Be("2026-07-05");
        president.GetProperty("risk").GetString().Should().Be("medium", "exactly one ready-now candidate and the term ends within 12 months");
        president.GetProperty("candidates").EnumerateArray().Select(Name).Should().Equal("L01", "L02", "L03");
        (Readiness(president, "L01"), Readiness(president, "L02"), Readiness(president, "L03")).Should().Be(("ready-now", "ready-1-2-years", "ready-1-2-years"));
        var l03gaps = president.GetProperty("candidates")[2].GetProperty("gaps").EnumerateArray()
            .Select(g => (g.GetProperty("themeCode").GetString(), g.GetProperty("required").GetInt32(), g.GetProperty("current").GetInt32())).ToArray();
        l03gaps.Should().Equal(("ADV.1", 1, 0), ("COM.1", 1, 0));

        var treasurer = positions["Treasurer"];
        treasurer.GetProperty("incumbent").ValueKind.Should().Be(JsonValueKind.Null);
        treasurer.GetProperty("risk").GetString().Should().Be("low", "vacant, but one candidate is judged ready now and no term end is near");
        (Readiness(treasurer, "L01"), Readiness(treasurer, "L03"), Readiness(treasurer, "L04")).Should().Be(("ready-1-2-years", "ready-3-plus-years", "ready-now"));
        var l04 = treasurer.GetProperty("candidates").EnumerateArray().Single(c => Name(c) == "L04");
        (l04.GetProperty("computedReadiness").GetString(), l04.GetProperty("assessedReadiness").GetString()).Should().Be(("ready-1-2-years", "ready-now"), "both the computed and the person's call are shown");
        l04.GetProperty("assessedOn").GetString().Should().Be(_judgedOn.ToString("yyyy-MM-dd"), "and the day the call was made");
        treasurer.GetProperty("candidates").EnumerateArray().Single(c => Name(c) == "L01").GetProperty("assessedOn").ValueKind.Should().Be(JsonValueKind.Null, "no call, no day");
        l04.GetProperty("gaps").EnumerateArray().Single().GetProperty("themeCode").GetString().Should().Be("GOV.1");

        var secretary = positions["Secretary"];
        secretary.GetProperty("risk").GetString().Should().Be("medium", "no ready-now candidate and the term ends within 24 months");
        Readiness(secretary, "L03").Should().Be("ready-1-2-years");

        var suggested = succession.GetProperty("suggested").EnumerateArray()
            .Select(s => (s.GetProperty("positionId").GetGuid(), s.GetProperty("displayName").GetString())).ToArray();
        suggested.Should().BeEquivalentTo(new[] { "L01", "L02", "L05", "L06", "L07" }.Select(l => (_positions["Secretary"], (string?)l)));

        var pipeline = await Ok(board.GetAsync("/api/reports/pipeline?affiliate=SC"));
        pipeline.GetProperty("leaders").GetInt32().Should().Be(12);
        pipeline.GetProperty("stages").EnumerateArray().Select(n => n.GetInt32()).Should().Equal(6, 6, 0, 0);
        var domains = pipeline.GetProperty("domains").EnumerateArray().ToDictionary(d => d.GetProperty("code").GetString()!, d => d.GetProperty("levels").EnumerateArray().Select(n => n.GetInt32()).ToArray());
        domains.Keys.Should().Equal("ADV", "COM", "GOV", "LOP", "ORG", "SEI", "SFH");
        domains["COM"].Should().Equal(10, 2, 0, 0);
        foreach (var code in new[] { "ADV", "GOV", "LOP", "ORG", "SEI", "SFH" }) domains[code].Should().Equal(12, 0, 0, 0);
        var equity = pipeline.GetProperty("equity").EnumerateArray()
            .ToDictionary(e => $"{e.GetProperty("category").GetString()}:{e.GetProperty("value").GetString()}",
                e => e.GetProperty("stages").EnumerateArray().Select(n => n.ValueKind == JsonValueKind.Null ? (int?)null : n.GetInt32()).ToArray());
        equity.Keys.Should().BeEquivalentTo(["gender:man", "gender:woman", "jobCategory:teacher", "raceEthnicity:Black", "raceEthnicity:Hispanic or Latino", "raceEthnicity:White"]);
        equity["jobCategory:teacher"].Should().Equal(6, 6, 0, 0);
        equity["gender:woman"].Should().Equal(null, null, 0, 0); // 4 and 5: the 4 is small, and the 5 would give it away
        equity["gender:man"].Should().Equal(null, null, 0, 0);   // 2 and 1
        equity["raceEthnicity:Black"].Should().Equal(null, null, 0, 0); // 1 and 4
        // "Latina/o" is counted as the listed "Hispanic or Latino" (DemographicLists).
        equity["raceEthnicity:Hispanic or Latino"].Should().Equal(null, null, 0, 0); // 0 and 1: the first zero hides the one
        equity["raceEthnicity:White"].Should().Equal(null, null, 0, 0); // 2 and 1
        // What each value's share is of: those at the stage who answered the category, each person once.
        var answered = pipeline.GetProperty("equityAnswered").EnumerateArray()
            .ToDictionary(a => a.GetProperty("category").GetString()!, a => a.GetProperty("stages").EnumerateArray().Select(n => n.ValueKind == JsonValueKind.Null ? (int?)null : n.GetInt32()).ToArray());
        answered.Keys.Should().Equal("gender", "jobCategory", "raceEthnicity");
        // Shown only over a stage whose cells are all shown: beside a hidden cell, the count would narrow it.
        answered["gender"].Should().Equal(null, null, 0, 0);
        answered["jobCategory"].Should().Equal(6, 6, 0, 0);
        answered["raceEthnicity"].Should().Equal(null, null, 0, 0);
        var pages = new LeaderJourney.IntegrationTests.Pages.PageClient(_app);
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("sc.board", ApiUsers.Password, Roles.Board, "SC", null, null);
        await pages.SignInAsync("sc.board");
        // Tags with the spaces around them closed up, as a reader sees the cells.
        var pipelinePage = System.Text.RegularExpressions.Regex.Replace(await pages.GetAsync("/board/pipeline"), @"\s*(<[^>]+>)\s*", "$1");
        pipelinePage.Should().Contain("<th scope=\"row\">Job category: teacher</th><td data-label=\"Level 0\">6<span class=\"share\">(100%)</span></td>")
            .And.Contain("<th scope=\"row\">Job category: answered</th><td data-label=\"Level 0\">6</td><td data-label=\"Level 1\">6</td>")
            .And.Contain("<th scope=\"row\">Race and ethnicity: answered</th><td data-label=\"Level 0\">not shown</td><td data-label=\"Level 1\">not shown</td>")
            .And.NotContain("<span class=\"share\">(0%)</span>", "nobody at a stage answered: no share of nothing");

        // The succession page: the Treasurer's cover rests on staff's call alone, and its ready-now candidate
        // comes first; as of a date still to come, it says it is no forecast, and a term already run out says so.
        var successionPage = await pages.GetAsync("/board/succession");
        successionPage.Should().Contain("One of them is covered only by staff&#x27;s judgement that a candidate is ready now, not by the levels attained.")
            .And.Contain("Held by L12.").And.Contain("The seat is vacant.").And.NotContain("That date is still to come");
        var treasurerRows = successionPage[successionPage.IndexOf(">Treasurer</h2>", StringComparison.Ordinal)..];
        treasurerRows.IndexOf(">L04</td>", StringComparison.Ordinal).Should().BeLessThan(treasurerRows.IndexOf(">L01</td>", StringComparison.Ordinal), "the readiest first");
        var later = await pages.GetAsync("/board/succession?asOf=2099-01-01");
        later.Should().Contain("That date is still to come: the report shows what is known today, not a forecast.")
            .And.Contain("the term ended on 2026-07-05").And.NotContain("the term ends within 12 months (2026-07-05)")
            .And.Contain($"judged on {_judgedOn:d MMM yyyy}, over a year before this report&#x27;s date", "a call made long before the report's date is said to be old");
        successionPage.Should().Contain($"judged on {_judgedOn:d MMM yyyy};").And.NotContain("over a year before this report", "a month-old call is not old");
        (await pages.GetAsync("/board/pipeline?asOf=2099-01-01")).Should().Contain("That date is still to come");
        // As of a past day inside a month, the board's breakdown is of the month before's end, as the API's and an issued report's are.
        (await pages.GetAsync($"/board/pipeline?asOf={t2.AddDays(-1):yyyy-MM-dd}")).Should().Contain("Pipeline: SC").And.Contain("Counted as of the end of 31 January 2026 (UTC)");
        (await pages.GetAsync("/board/pipeline?asOf=2026-01-31")).Should().NotContain("Counted as of the end of", "a month's last day is a month's end");
        var yearEarlier = pipeline.GetProperty("yearEarlier");
        yearEarlier.GetProperty("leaders").GetInt32().Should().Be(0);
        pipeline.GetProperty("stageChange").EnumerateArray().Select(n => n.GetInt32()).Should().Equal(6, 6, 0, 0);
        var medians = pipeline.GetProperty("medianDaysAtStage");
        medians.GetProperty("0").GetDouble().Should().Be(25, "six leaders spent 10 days at stage 0 and six are still there after 40");
        medians.GetProperty("1").GetDouble().Should().Be(30);
        medians.GetProperty("2").ValueKind.Should().Be(JsonValueKind.Null);
        pipeline.GetProperty("stalledCount").GetInt32().Should().Be(0);
        pipeline.GetProperty("stalled").ValueKind.Should().Be(JsonValueKind.Null, "the board learns how many leaders are stalled, not who");

        var issued = await Ok(_admin.PostAsync("/api/reports/succession/issues?affiliate=SC", null), HttpStatusCode.Created);
        var issuedId = issued.GetProperty("id").GetGuid();

        // Later events must not change what the reports said as of T2.
        await Advance(TimeSpan.FromDays(5));
        board = await _app.SignedInAsync(Roles.Board, "SC") is var (fresh, _) ? fresh : board;
        await Nominate("Secretary", "L05");
        await Attain("L03", "ADV.1");
        await Ok(_admin.DeleteAsync($"/api/leaders/{_leaders["L01"]}/demographics"));
        await _app.CaughtUpAsync();
        var asOf = Uri.EscapeDataString(t2.ToString("O"));
        var thenSuccession = await Ok(board.GetAsync($"/api/reports/succession?affiliate=SC&asOf={asOf}"));
        var thenPipeline = await Ok(board.GetAsync($"/api/reports/pipeline?affiliate=SC&asOf={asOf}"));
        // A report as of a moment is as of the end of its day (docs/security.md), and nothing happened
        // later that day: the same figures as the report made at T2.
        var endOfT2 = new DateTimeOffset(t2.UtcDateTime.Date.AddDays(1).AddTicks(-10), TimeSpan.Zero);
        thenSuccession.GetProperty("asOf").GetDateTimeOffset().Should().Be(endOfT2);
        Without(WithoutGeneratedAt(thenSuccession), "asOf").ToJsonString().Should().Be(Without(WithoutGeneratedAt(succession), "asOf").ToJsonString());
        // All of it is as it was, but for the equity breakdown: L01 withdrew consent, their demographics
        // key was shredded, and so they leave the breakdowns of every date (docs/privacy.md); an issued
        // report keeps the counts the board saw.
        // The time spent at each stage is counted to the end of that day too, so it is a little longer.
        thenPipeline.GetProperty("asOf").GetDateTimeOffset().Should().Be(endOfT2);
        foreach (var figure in new[] { "leaders", "stages", "domains", "stageChange", "stalledCount" })
            thenPipeline.GetProperty(figure).GetRawText().Should().Be(pipeline.GetProperty(figure).GetRawText(), figure);
        Without(thenPipeline.GetProperty("yearEarlier"), "asOf").ToJsonString().Should().Be(Without(pipeline.GetProperty("yearEarlier"), "asOf").ToJsonString());
        thenPipeline.GetProperty("medianDaysAtStage").GetProperty("0").GetDouble().Should()
            .BeGreaterThan(pipeline.GetProperty("medianDaysAtStage").GetProperty("0").GetDouble());
        thenPipeline.GetProperty("equity").EnumerateArray().Single(e => e.GetProperty("value").GetString() == "teacher")
            .GetProperty("stages").EnumerateArray().Sum(n => n.GetInt32()).Should().Be(11, "twelve consented, one withdrew");
        var now = await Ok(board.GetAsync("/api/reports/pipeline?affiliate=SC"));
        now.GetProperty("stages").EnumerateArray().Select(n => n.GetInt32()).Should().Equal(5, 7, 0, 0);

        var reopened = await Ok(board.GetAsync($"/api/reports/issues/{issuedId}?affiliate=SC"));
        reopened.GetProperty("hash").GetString().Should().Be(issued.GetProperty("hash").GetString());
        reopened.GetProperty("changed").GetBoolean().Should().BeFalse("nothing learned since changes what was true on that date");
        JsonNode.DeepEquals(WithoutGeneratedAt(reopened.GetProperty("report")), WithoutGeneratedAt(succession)).Should().BeTrue("the board reopens what it saw");
        reopened.GetProperty("currentHash").GetString().Should().Be(issued.GetProperty("hash").GetString());

        // The pages' report leaves the suggestions out (they weigh every leader of the affiliate) and
        // reads only the positions' people: everything else is the same, now and as of a date.
        var service = _app.Services.GetRequiredService<LeaderJourney.Core.Succession.Reports.ReportService>();
        foreach (DateTimeOffset? at in new DateTimeOffset?[] { null, t2 })
        {
            var full = await service.SuccessionAsync("SC", at, default);
            var forPages = await service.SuccessionAsync("SC", at, default, suggestions: false);
            forPages.Suggested.Should().BeEmpty();
            JsonSerializer.Serialize(forPages with { GeneratedAt = default }).Should().Be(JsonSerializer.Serialize(full with { Suggested = [], GeneratedAt = default }));

            // The pipeline report works out the medians (the pages show them too).
            var fullPipeline = await service.PipelineAsync("SC", at ?? DateTimeOffset.UtcNow, LeaderJourney.Core.Succession.Reports.StalledNames.None, default, equityInWholeMonths: true);
            fullPipeline.MedianDaysAtStage.Values.Should().Contain(d => d != null, "the full report works the medians out");
        }
        (await Ok(board.GetAsync("/api/reports/issues?affiliate=SC"))).EnumerateArray().Single().GetProperty("kind").GetString().Should().Be("succession");
        (await board.PostAsync("/api/reports/succession/issues?affiliate=SC", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden, "the board reads; staff issue");

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestMasterKey.Settings(_connectionString)).Build();
        var output = new StringWriter();
        (await CliApp.RunAsync(["report", "succession", "--affiliate", "SC", "--as-of", t2.ToString("O")], output, new StringWriter(), configuration)).Should().Be(0);
        WithoutGeneratedAt(JsonDocument.Parse(output.ToString()).RootElement).ToJsonString().Should().Be(WithoutGeneratedAt(thenSuccession).ToJsonString(), "the command line prints the same report");

        var csv = await board.GetStringAsync("/api/reports/succession?affiliate=SC&format=csv");
        csv.Split('\n')[0].Should().StartWith("affiliate,as_of,position_id,position");
        csv.Split('\n')[0].Should().EndWith("gaps,assessed_on,justification");
        csv.Should().Contain(",Treasurer,,,low,").And.Contain($"ready-now,ready-1-2-years,ready-now,GOV.1 1/2,{_judgedOn:yyyy-MM-dd},Ran the budget committee for two years.");
        (await board.GetStringAsync("/api/reports/pipeline?affiliate=SC&format=csv")).Should().Contain("equity,gender,woman,<5,<5,0,0");
        var page = await board.GetAsync("/api/reports/succession?affiliate=SC&format=html");
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        (await page.Content.ReadAsStringAsync()).Should().Contain("<h2>President</h2>")
            .And.Contain("<div class=\"scroll\" role=\"region\" aria-label=\"President\" tabindex=\"0\"><table class=\"cards\">", "a wide table scrolls in a named region, and stays a table")
            .And.Contain($"<td data-label=\"Assessed\">Ready now (judged on {_judgedOn:yyyy-MM-dd})</td>", "on a phone each candidate is a card whose cells say what they are, the judgement dated");
        // Opened in a browser from the API, the page's own style is allowed too, by its hash.
        page.Headers.GetValues("Content-Security-Policy").Single().Should().Contain($"style-src 'self' {LeaderJourney.Core.Succession.Reports.ReportFormats.PrintStyleHash};");
    }
    [Fact]
    public async Task A_candidate_withdrawn_from_the_programme_is_not_counted_from_that_day_and_counts_again_when_made_active()
    {
        await BuildAffiliate();
        await Advance(TimeSpan.FromDays(30));
        var before = _clock.GetUtcNow();
        await Advance(TimeSpan.FromDays(2));
        // L01 was President's one candidate ready now, and would be suggested for the Secretary's seat.
        await Ok(_admin.PutAsJsonAsync($"/api/leaders/{_leaders["L01"]}/status", new { status = "withdrawn", reason = "Left the union" }));
        await _app.CaughtUpAsync();
        var (board, _) = await _app.SignedInAsync(Roles.Board, "SC");

        var now = await Ok(board.GetAsync("/api/reports/succession?affiliate=SC"));
        var president = now.GetProperty("positions").EnumerateArray().Single(p => p.GetProperty("title").GetString() == "President");
        president.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("displayName").GetString()).Should().Equal(["L02", "L03"], "someone who has left is nobody's successor");
        president.GetProperty("risk").GetString().Should().Be("high", "no candidate is ready now and the term ends within 12 months");
        now.GetProperty("coverage").GetProperty("withReadyNowSuccessor").GetInt32().Should().Be(1, "the Treasurer's alone");
        now.GetProperty("benchStrength").GetProperty("readyNow").GetInt32().Should().Be(1);
        now.GetProperty("suggested").EnumerateArray().Select(s => s.GetProperty("displayName").GetString()).Should().NotContain("L01");

        var then = await Ok(board.GetAsync($"/api/reports/succession?affiliate=SC&asOf={Uri.EscapeDataString(before.ToString("O"))}"));
        then.GetProperty("coverage").GetProperty("withReadyNowSuccessor").GetInt32().Should().Be(2, "a report of a day before the withdrawal counts them as it did");

        var pages = new LeaderJourney.IntegrationTests.Pages.PageClient(_app);
        await _app.Services.GetRequiredService<AccessDirectory>().CreateUserAsync("sc.board", ApiUsers.Password, Roles.Board, "SC", null, null);
        await pages.SignInAsync("sc.board");
        (await pages.GetAsync("/board/succession")).Should().Contain("Nominated, but withdrawn from the programme on this report&#x27;s date, so not counted: L01.");
        // Today's date, the date box's own value, is now, as the page first shown is: not the end of a day not over yet.
        var today = _clock.GetUtcNow();
        (await pages.GetAsync($"/board/pipeline?asOf={today:yyyy-MM-dd}")).Should().Contain($"As of {today:yyyy-MM-dd HH:mm} UTC.").And.NotContain("23:59 UTC");
        var staff = new LeaderJourney.IntegrationTests.Pages.PageClient(_app);
        await staff.SignInAsync("sc.admin");
        (await staff.GetAsync("/staff/positions")).Should().Contain("L01 is withdrawn from the programme: the board&#x27;s reports do not count them as a candidate")
            .And.NotContain($"id=\"on-{_positions["President"]}-{_leaders["L01"]}\"", "not appointed from there while withdrawn")
            .And.Contain($"id=\"on-{_positions["President"]}-{_leaders["L02"]}\"");
        (await staff.GetAsync($"/staff/leaders/{_leaders["L02"]}")).Should().Contain("Nominated to President: once withdrawn from the programme, they are not counted as a candidate");

        await Ok(_admin.PutAsJsonAsync($"/api/leaders/{_leaders["L01"]}/status", new { status = "active" }));
        await _app.CaughtUpAsync();
        (await Ok(board.GetAsync("/api/reports/succession?affiliate=SC"))).GetProperty("coverage").GetProperty("withReadyNowSuccessor").GetInt32()
            .Should().Be(2, "the nomination stayed, and counts again");
    }
}
