using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClosedXML.Excel;
using LeaderJourney.Core.Access;
using LeaderJourney.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using PdfSharp.Pdf.IO;
using static LeaderJourney.IntegrationTests.Infrastructure.AppExtensions;

namespace LeaderJourney.IntegrationTests.Succession;

/// <summary>
/// The board's talent review (`GET /api/reports/talent-review`): an affiliate's positions built through
/// the API on a clock the test moves, a first round of nominations and a later meeting's decisions;
/// then the grid and the decisions in all four formats, as of the meeting and as of before it.
/// </summary>
public sealed class TalentReviewTests(TalentReviewTests.Scenario scenario) : IClassFixture<TalentReviewTests.Scenario>
{
    private const string Formula = "=HYPERLINK(\"http://example.org\",\"x\")";
    private LeaderJourneyAppFactory _app => scenario.App;

    /// <summary>The affiliate, built once for the class on its own database.</summary>
    public sealed class Scenario : IAsyncLifetime
    {
        private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        private readonly TestDatabase _database = new();
        private readonly TestClock _clock = new(T0);
        private HttpClient _admin = null!;
        private readonly Dictionary<string, Guid> _leaders = [];
        private readonly Dictionary<string, Guid> _positions = [];

        public LeaderJourneyAppFactory App { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await _database.InitializeAsync();
            App = new LeaderJourneyAppFactory(_database.ConnectionString, _clock);
            await App.EnsureAffiliateAsync("TR");
            await App.EnsureAffiliateAsync("TX");
            var directory = App.Services.GetRequiredService<AccessDirectory>();
            await directory.CreateUserAsync("tr.admin", ApiUsers.Password, Roles.AffiliateAdmin, "TR", null, creator: null);
            await directory.CreateUserAsync("tr.board", ApiUsers.Password, Roles.Board, "TR", null, creator: null);
            await directory.CreateUserAsync("tr.mentor", ApiUsers.Password, Roles.Mentor, "TR", null, creator: null);
            await directory.CreateUserAsync("tx.board", ApiUsers.Password, Roles.Board, "TX", null, creator: null);
            _admin = await App.SignInAsync("tr.admin");

            // T0: four leaders, three positions (two key), the first slate (one nomination with the longest
            // note there may be, one word, taller than a page once wrapped) and a readiness call.
            foreach (var name in new[] { "L1", "L2", "L3", "L4" })
                _leaders[name] = (await Ok(_admin.PostAsJsonAsync("/api/leaders", new { affiliate = "TR", displayName = $"Leader {name}", email = $"{name.ToLowerInvariant()}@example.org" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
            await Position("President", true, new { themeCode = "ADV.1", level = 2 }, incumbent: "L4");
            await Position("Treasurer", true, new { themeCode = "COM.1", level = 3 });
            await Position("Chair", false, new { themeCode = "ADV.2", level = 1 });
            await Nominate("President", "L1");
            await Nominate("President", "L2");
            await Nominate("Treasurer", "L3", new string('x', LeaderJourney.Core.Leaders.LeaderInput.MaxNoteLength));
            await Assess("President", "L1", "ready-now", "Chaired the bargaining team.");

            // The meeting, forty days on: a nomination with a note a spreadsheet would run, a withdrawal, a
            // readiness call, and a nomination to a position that is not key.
            _clock.Advance(TimeSpan.FromDays(40));
            _admin = await App.SignInAsync("tr.admin");
            await Nominate("Treasurer", "L2", Formula);
            await Ok(_admin.PostAsJsonAsync($"/api/positions/{_positions["President"]}/nomination-withdrawals", new { leaderId = _leaders["L2"], reason = "Moved to the Treasurer's slate." }));
            await Assess("Treasurer", "L3", "ready-1-2-years", "Led the budget review.");
            await Nominate("Chair", "L1");
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            await _database.DisposeAsync();
        }

        private async Task Position(string title, bool key, object requirement, string? incumbent = null) =>
            _positions[title] = (await Ok(_admin.PostAsJsonAsync("/api/positions", new
            {
                affiliate = "TR", title, key, requirements = new[] { requirement },
                incumbentLeaderId = incumbent is null ? null : (Guid?)_leaders[incumbent],
                termEndsOn = incumbent is null ? null : "2026-09-30",
            }), HttpStatusCode.Created)).GetProperty("id").GetGuid();

        private Task Nominate(string position, string leader, string? note = null) =>
            Ok(_admin.PostAsJsonAsync($"/api/positions/{_positions[position]}/nominations", new { leaderId = _leaders[leader], note }));

        private Task Assess(string position, string leader, string readiness, string justification) =>
            Ok(_admin.PostAsJsonAsync($"/api/positions/{_positions[position]}/readiness-assessments", new { leaderId = _leaders[leader], readiness, justification }));
    }

    private static IEnumerable<string> Names(JsonElement cell) => cell.EnumerateArray().Select(c => c.GetProperty("displayName").GetString()!);

    [Fact]
    public async Task The_grid_puts_each_key_candidate_in_the_column_of_their_readiness_and_the_meeting_decisions_follow()
    {
        var board = await _app.SignInAsync("tr.board");
        var review = await Ok(board.GetAsync("/api/reports/talent-review?affiliate=TR&asOf=2026-04-11&since=2026-04-11"));

        review.GetProperty("since").GetDateTimeOffset().Should().Be(new DateTimeOffset(2026, 4, 11, 0, 0, 0, TimeSpan.Zero));
        var grid = review.GetProperty("grid").EnumerateArray().ToList();
        grid.Select(r => r.GetProperty("title").GetString()).Should().Equal(["President", "Treasurer"], "key positions only, by title");
        var president = grid[0];
        president.GetProperty("incumbent").GetProperty("displayName").GetString().Should().Be("Leader L4");
        Names(president.GetProperty("readyNow")).Should().Equal(["Leader L1"], "the assessment puts L1 there");
        president.GetProperty("readyNow")[0].GetProperty("computedReadiness").GetString().Should().Be("ready-1-2-years");
        president.GetProperty("readyNow")[0].GetProperty("assessedReadiness").GetString().Should().Be("ready-now");
        Names(president.GetProperty("ready1to2Years")).Should().BeEmpty("L2 was withdrawn at the meeting");
        var treasurer = grid[1];
        Names(treasurer.GetProperty("readyNow")).Should().BeEmpty();
        Names(treasurer.GetProperty("ready1to2Years")).Should().Equal(["Leader L3"]);
        Names(treasurer.GetProperty("ready3PlusYears")).Should().Equal(["Leader L2"], "three levels short of COM.1 level 3");
        review.GetProperty("coverage").GetProperty("withReadyNowSuccessor").GetInt32().Should().Be(1);

        var decisions = review.GetProperty("decisions").EnumerateArray().ToList();
        decisions.Select(d => (d.GetProperty("position").GetString(), d.GetProperty("decision").GetString(), d.GetProperty("displayName").GetString()))
            .Should().Equal([
                ("Treasurer", "candidate-nominated", "Leader L2"),
                ("President", "candidate-withdrawn", "Leader L2"),
                ("Treasurer", "readiness-assessed", "Leader L3"),
                ("Chair", "candidate-nominated", "Leader L1"),
            ], "the meeting's decisions in the order they were recorded, the non-key position's too");
        decisions[0].GetProperty("note").ValueKind.Should().Be(JsonValueKind.Null, "a nomination's note is staff's");
        decisions[1].GetProperty("note").ValueKind.Should().Be(JsonValueKind.Null, "so is a withdrawal's reason");
        decisions[2].GetProperty("readiness").GetString().Should().Be("ready-1-2-years");
        decisions[2].GetProperty("note").GetString().Should().Be("Led the budget review.", "the board sees a readiness call's justification, as in the succession report");
        decisions.Should().AllSatisfy(d => d.GetProperty("decidedByName").GetString().Should().Be("tr.admin"));
        decisions.Should().AllSatisfy(d => d.GetProperty("at").GetDateTimeOffset().Should().Be(new DateTimeOffset(2026, 4, 11, 0, 0, 0, TimeSpan.Zero)),
            "the board sees each decision dated to its day, not its moment");

        var staff = await _app.SignInAsync("tr.admin");
        var staffDecisions = (await Ok(staff.GetAsync("/api/reports/talent-review?affiliate=TR&asOf=2026-04-11&since=2026-04-11"))).GetProperty("decisions");
        staffDecisions[0].GetProperty("note").GetString().Should().Be(Formula);
        staffDecisions[1].GetProperty("note").GetString().Should().Be("Moved to the Treasurer's slate.");
        staffDecisions[0].GetProperty("at").GetDateTimeOffset().Should().Be(new DateTimeOffset(2026, 4, 11, 9, 0, 0, TimeSpan.Zero), "staff see the moment");

        var byDefault = await Ok(board.GetAsync("/api/reports/talent-review?asOf=2026-04-11"));
        byDefault.GetProperty("since").GetDateTimeOffset().Should().Be(new DateTimeOffset(2026, 3, 12, 0, 0, 0, TimeSpan.Zero), "30 days before the day of asOf");
        byDefault.GetProperty("decisions").GetArrayLength().Should().Be(4, "the first round, 40 days earlier, is outside the window");
    }

    [Fact]
    public async Task As_of_before_the_meeting_the_grid_and_the_decisions_are_as_they_stood_then()
    {
        var board = await _app.SignInAsync("tr.board");
        var review = await Ok(board.GetAsync("/api/reports/talent-review?asOf=2026-03-02&since=2026-03-01"));

        var president = review.GetProperty("grid")[0];
        Names(president.GetProperty("readyNow")).Should().Equal(["Leader L1"]);
        Names(president.GetProperty("ready1to2Years")).Should().Equal(["Leader L2"], "not yet withdrawn");
        Names(review.GetProperty("grid")[1].GetProperty("ready3PlusYears")).Should().Equal(["Leader L3"], "not yet judged");
        var decisions = review.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("decision").GetString()).ToList();
        decisions.Should().HaveCount(8).And.OnlyContain(d => d != "candidate-withdrawn");
        decisions.Count(d => d == "defined").Should().Be(3);
        decisions.Should().Contain("incumbent-seated");
    }

    [Fact]
    public async Task The_csv_is_one_table_of_grid_rows_and_decisions_with_formulas_neutralised()
    {
        var staff = await _app.SignInAsync("tr.admin");
        var response = await staff.GetAsync("/api/reports/talent-review?asOf=2026-04-11&since=2026-04-11&format=csv");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

        lines[0].Should().StartWith("section,affiliate,as_of,position_id,position,");
        lines.Where(l => l.StartsWith("grid,")).Should().HaveCount(3, "L1 for President; L3 and L2 for Treasurer");
        lines.Should().Contain(l => l.StartsWith("grid,") && l.Contains(",President,") && l.Contains(",ready-now,") && l.Contains(",Leader L1,"));
        lines.Where(l => l.StartsWith("decision,")).Should().HaveCount(4);
        lines.Should().Contain(l => l.Contains("candidate-nominated") && l.Contains("\"'=HYPERLINK(\"\"http://example.org\"\",\"\"x\"\")\""),
            "a note starting with = is written with an apostrophe");
    }

    [Fact]
    public async Task The_workbook_has_the_grid_and_the_decisions_with_a_typed_formula_kept_as_text_and_speaks_Spanish_when_asked()
    {
        var staff = await _app.SignInAsync("tr.admin");
        var response = await staff.GetAsync("/api/reports/talent-review?asOf=2026-04-11&since=2026-04-11&format=xlsx");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        response.Content.Headers.ContentDisposition!.FileName.Should().Be("talent-review-TR-2026-04-11.xlsx");

        using (var workbook = new XLWorkbook(await response.Content.ReadAsStreamAsync()))
        {
            var grid = workbook.Worksheet("Grid");
            var president = grid.RowsUsed().Single(r => r.Cell(1).GetString() == "President");
            president.Cell(2).GetString().Should().Be("Leader L4");
            president.Cell(5).GetString().Should().Be("Leader L1 (judged by staff)");
            var treasurer = grid.RowsUsed().Single(r => r.Cell(1).GetString() == "Treasurer");
            treasurer.Cell(6).GetString().Should().Be("Leader L3 (judged by staff)");
            treasurer.Cell(7).GetString().Should().Be("Leader L2");

            var decisions = workbook.Worksheet("Decisions");
            var nominated = decisions.RowsUsed().Single(r => r.Cell(8).GetString() == Formula);
            nominated.Cell(8).HasFormula.Should().BeFalse("a typed note is text, never a formula");
            nominated.Cell(3).GetString().Should().Be("Nominated");
            decisions.RowsUsed().Count(r => r.Cell(9).GetString() == "tr.admin").Should().Be(4);
        }

        using var spanish = new HttpRequestMessage(HttpMethod.Get, "/api/reports/talent-review?asOf=2026-04-11&since=2026-04-11&format=xlsx");
        spanish.Headers.AcceptLanguage.ParseAdd("es");
        var answer = await staff.SendAsync(spanish);
        answer.StatusCode.Should().Be(HttpStatusCode.OK);
        using var inSpanish = new XLWorkbook(await answer.Content.ReadAsStreamAsync());
        inSpanish.Worksheets.Select(w => w.Name).Should().Equal(["Cuadro", "Decisiones"]);
        inSpanish.Worksheet("Cuadro").Row(4).Cell(5).GetString().Should().Be("Preparado ya");
    }

    [Fact]
    public async Task The_pdf_opens_with_its_title_and_sets_a_note_taller_than_a_page()
    {
        var staff = await _app.SignInAsync("tr.admin");
        var response = await staff.GetAsync("/api/reports/talent-review?asOf=2026-04-11&since=2026-03-01&format=pdf");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        System.Text.Encoding.ASCII.GetString(bytes, 0, 5).Should().Be("%PDF-");
        using var document = PdfReader.Open(new MemoryStream(bytes), PdfDocumentOpenMode.Import);
        document.PageCount.Should().BeGreaterThanOrEqualTo(3, "the note of 4,000 characters, broken inside its one word, is taller than a page");
        document.Info.Title.Should().Be("Talent review: TR, as of the end of 2026-04-11 (UTC)", "a whole day, not a moment still to come on it");
    }

    [Fact]
    public async Task On_the_board_page_a_window_starting_after_the_reports_date_is_said_beside_the_form_not_on_a_bare_page()
    {
        var board = new LeaderJourney.IntegrationTests.Pages.PageClient(_app);
        await board.SignInAsync("tr.board");
        (await board.GetAsync("/board/succession?asOf=2026-03-01")).Should().Contain("<input id=\"since\" name=\"since\" form=\"report-date\" type=\"date\" max=\"2026-03-01\"",
            "the date picker offers no day after the report's")
            .And.Contain("<button type=\"submit\" form=\"report-date\" name=\"format\" value=\"xlsx\">").And.Contain("<button type=\"submit\" name=\"handler\" value=\"csv\" class=\"secondary\">",
                "every download is sent by the date's form, so a file is of the date in the box even before it is shown");
        // What the date's form sends for the review's button: the review as of the day in the box.
        var picked = await board.Http.GetAsync("/board/succession?asOf=2026-02-01&since=2026-01-01&format=xlsx");
        picked.StatusCode.Should().Be(HttpStatusCode.OK);
        picked.Content.Headers.ContentDisposition!.FileNameStar.Should().Contain("2026-02-01");

        // The default first day, left as it is, follows a date picked earlier before any Show (it was refused as after that date).
        var shown = System.Text.RegularExpressions.Regex.Match(await board.GetAsync("/board/succession?asOf=2026-03-01"), @"name=""sinceShown"" form=""report-date"" value=""([0-9-]{10})""").Groups[1].Value;
        shown.Should().Be("2026-01-30");
        var earlier = await board.Http.GetAsync($"/board/succession?asOf=2025-06-30&since={shown}&sinceShown={shown}&format=xlsx");
        earlier.StatusCode.Should().Be(HttpStatusCode.OK);
        earlier.Content.Headers.ContentDisposition!.FileNameStar.Should().Contain("2025-06-30");
        (await board.Http.GetAsync($"/board/succession?asOf=2025-06-30&since=2026-01-29&sinceShown={shown}&format=xlsx")).StatusCode
            .Should().Be(HttpStatusCode.BadRequest, "a first day the person chose is theirs, and said when it cannot be");

        var refused = await board.Http.GetAsync("/board/succession?handler=talentReview&asOf=2026-03-01&since=2026-03-02&format=pdf");
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        (await refused.Content.ReadAsStringAsync()).Should().Contain("<p class=\"error\" role=\"alert\" id=\"since-error\">The decisions cannot start after the report&#x27;s date, 2026-03-01: choose that day or an earlier one.</p>")
            .And.Contain("value=\"2026-03-02\" aria-describedby=\"since-error\"", "the day typed is kept, tied to its error")
            .And.Contain("<h1>", "the whole page, with its way back");
        var unreadable = await board.Http.GetAsync("/board/succession?handler=talentReview&since=last-week&format=xlsx");
        unreadable.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await unreadable.Content.ReadAsStringAsync()).Should().Contain("id=\"since-error\">The decisions&#x27; first day is not a day the review can start on: choose one with the date picker, or type it as yyyy-MM-dd.</p>");
        // A day that reads as a date but lies outside the reports' reach is not called one after the report's.
        (await (await board.Http.GetAsync("/board/succession?handler=talentReview&since=0001-01-01&format=xlsx")).Content.ReadAsStringAsync())
            .Should().Contain("id=\"since-error\">The decisions&#x27; first day is not a day the review can start on");
    }

    [Fact]
    public async Task Only_the_board_and_staff_of_the_affiliate_read_it_and_bad_parameters_are_refused_in_words()
    {
        (await (await _app.SignInAsync("tr.mentor")).GetAsync("/api/reports/talent-review")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await (await _app.SignInAsync("tx.board")).GetAsync("/api/reports/talent-review?affiliate=TR")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _app.CreateClient().GetAsync("/api/reports/talent-review?affiliate=TR")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await (await _app.SignInAsync("tr.admin")).GetAsync("/api/reports/talent-review?format=xlsx")).StatusCode.Should().Be(HttpStatusCode.OK, "staff read it too");

        var board = await _app.SignInAsync("tr.board");
        foreach (var (query, field) in new[]
                 {
                     ("format=docx", "format"),
                     ("format=html", "format"),
                     ("since=last-week", "since"),
                     ("asOf=2026-03-01&since=2026-03-02", "since"),
                     ("since=0001-01-01", "since"),
                     ("asOf=someday", "asOf"),
                 })
        {
            var response = await board.GetAsync($"/api/reports/talent-review?{query}");
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, query);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue($"{query} names {field}");
        }
    }
}
