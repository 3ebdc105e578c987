using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Succession.Reports;

namespace LeaderJourney.Core.Succession.TalentReview;

/// <summary>
/// The talent review as CSV (data for scripts: codes as `API.md` gives them) and as a workbook
/// (for people: a sheet for the grid and one for the decisions, in the reader's language). The PDF is
/// <see cref="TalentReviewPdf"/>.
/// </summary>
public static class TalentReviewFormats
{
    /// <summary>
    /// One table, a row per grid candidate (a position without candidates gets one row of its own) and
    /// per decision; <c>section</c> says which. Cells a spreadsheet would run as formulas are neutralised.
    /// </summary>
    public static string Csv(TalentReviewReport r)
    {
        var csv = new StringBuilder();
        ReportFormats.Row(csv, "section", "affiliate", "as_of", "position_id", "position", "incumbent", "term_ends_on", "risk", "readiness",
            "leader_id", "leader", "computed_readiness", "assessed_readiness", "at", "decision", "on", "note", "decided_by");
        var asOf = ReportFormats.Date(r.AsOf);
        foreach (var row in r.Grid)
        {
            string[] position = [r.Affiliate, asOf, row.PositionId.ToString(), row.Title, row.Incumbent?.DisplayName ?? "", Day(row.TermEndsOn), row.Risk];
            var cells = Bands(row).SelectMany(b => b.Candidates.Select(c => (b.Readiness, Candidate: (GridCandidate?)c))).ToList();
            if (cells.Count == 0) cells.Add(("", null));
            foreach (var (readiness, c) in cells)
                ReportFormats.Row(csv, ["grid", .. position, readiness, c?.LeaderId.ToString() ?? "", c?.DisplayName ?? "", c?.ComputedReadiness ?? "", c?.AssessedReadiness ?? "", "", "", "", "", ""]);
        }
        foreach (var d in r.Decisions)
            ReportFormats.Row(csv, "decision", r.Affiliate, asOf, d.PositionId.ToString(), d.Position, "", Day(d.TermEndsOn), "", d.Readiness ?? "",
                d.LeaderId?.ToString() ?? "", d.DisplayName ?? "", "", "", ReportFormats.Date(d.At), d.Decision, Day(d.On), d.Note ?? "", d.DecidedByName ?? d.DecidedBy.ToString());
        return csv.ToString();
    }

    /// <summary>The grid's rows as the board's page lists the positions (<see cref="ReportFormats.MostAtRiskFirst"/>): the files for people follow it; the data keeps the title order.</summary>
    public static IEnumerable<GridRow> MostAtRiskFirst(IEnumerable<GridRow> rows) =>
        ReportFormats.MostAtRiskFirst(rows, p => (p.Risk, p.Incumbent is null, p.TermEndsOn, p.Title));

    /// <summary>The workbook (.xlsx): "Grid" and "Decisions" sheets, headings and codes in the reader's language.</summary>
    public static byte[] Workbook(TalentReviewReport r, ISentences say)
    {
        using var workbook = new XLWorkbook();
        var grid = workbook.Worksheets.Add(Sheet(say.Say("Grid")));
        grid.Cell(1, 1).SetValue(Title(r, say)).Style.Font.SetBold().Font.SetFontSize(14);
        grid.Cell(2, 1).SetValue(Summary(r, say));
        var gridHeadings = new[] { "Position", "Incumbent", "Term ends", "Risk", "Ready now", "Ready in 1 to 2 years", "Ready in 3 or more years" };
        Headings(grid, 4, gridHeadings, say);
        var line = 5;
        foreach (var row in MostAtRiskFirst(r.Grid))
        {
            Cells(grid, line++, [row.Title, row.Incumbent?.DisplayName ?? say.Say("vacant"), row.TermEndsOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? say.Say("open"),
                say.Say(ReportFormats.RiskWords(row.Risk)), .. Bands(row).Select(b => Names(b.Candidates, say))]);
        }
        Finish(grid, 4, line - 1, [28, 24, 12, 10, 32, 32, 32]);

        var decisions = workbook.Worksheets.Add(Sheet(say.Say("Decisions")));
        decisions.Cell(1, 1).SetValue(say.Say($"Decisions from {Day(r.Since)} to {Day(r.AsOf)}")).Style.Font.SetBold().Font.SetFontSize(14);
        Headings(decisions, 3, ["When (UTC)", "Position", "Decision", "Leader", "Readiness", "Date", "Term ends", "Note", "Recorded by"], say);
        line = 4;
        foreach (var d in r.Decisions)
            Cells(decisions, line++, [d.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), d.Position, say.Say(DecisionWords(d.Decision)),
                d.DisplayName ?? d.LeaderId?.ToString() ?? "", d.Readiness is null ? "" : say.Say(ReportFormats.ReadinessWords(d.Readiness)), Day(d.On), Day(d.TermEndsOn), d.Note ?? "",
                d.DecidedByName ?? ""]);
        if (r.Decisions.Count == 0) decisions.Cell(line++, 1).SetValue(say.Say("No decisions were recorded in this period."));
        Finish(decisions, 3, line - 1, [17, 24, 24, 24, 22, 11, 11, 40, 14]);

        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    /// <summary>The report's title in the reader's language: a review as of a whole day (a date asked for) is of that day's end, said so, not as 23:59 (a moment still to come on the day).</summary>
    public static string Title(TalentReviewReport r, ISentences say) =>
        r.AsOf.UtcDateTime.TimeOfDay >= new TimeSpan(23, 59, 59)
            ? say.Say($"Talent review: {r.Affiliate}, as of the end of {r.AsOf.UtcDateTime:yyyy-MM-dd} (UTC)")
            : say.Say($"Talent review: {r.Affiliate}, as of {r.AsOf.UtcDateTime:yyyy-MM-dd HH:mm} UTC");

    /// <summary>Coverage and bench, as the succession report says them.</summary>
    public static string Summary(TalentReviewReport r, ISentences say) =>
        say.Say(string.Create(CultureInfo.InvariantCulture, $"Coverage: {r.Coverage.WithReadyNowSuccessor} of {r.Coverage.KeyPositions} key positions have a ready-now successor ({r.Coverage.Ratio:P0}).")) + " " +
        (Reports.ReportFormats.AtOnce(r.Coverage) is { } atOnce ? say.Say(atOnce) + " " : "") +
        say.Say(string.Create(CultureInfo.InvariantCulture, $"Bench: {r.BenchStrength.ReadyNow} ready now, {r.BenchStrength.Ready1to2Years} ready in 1-2 years, {r.BenchStrength.Ready3PlusYears} in 3+ years."));

    /// <summary>A row's candidates by readiness, readiest first.</summary>
    public static IEnumerable<(string Readiness, IReadOnlyList<GridCandidate> Candidates)> Bands(GridRow row) =>
        [("ready-now", row.ReadyNow), ("ready-1-2-years", row.Ready1to2Years), ("ready-3-plus-years", row.Ready3PlusYears)];

    /// <summary>A cell's candidates, one per line, each marked when a person's judgement put them there.</summary>
    public static string Names(IReadOnlyList<GridCandidate> candidates, ISentences say) =>
        string.Join("\n", candidates.Select(c => c.AssessedReadiness is null ? c.DisplayName : $"{c.DisplayName} ({say.Say("judged by staff")})"));

    /// <summary>A decision code as a person says it, in English.</summary>
    public static string DecisionWords(string decision) => decision switch
    {
        "defined" => "Position defined",
        "requirements-changed" => "Requirements changed",
        "incumbent-seated" => "Incumbent seated",
        "incumbent-vacated" => "Seat vacated",
        "term-end-set" => "Term end set",
        "candidate-nominated" => "Nominated",
        "candidate-withdrawn" => "Nomination withdrawn",
        "readiness-assessed" => "Readiness judged",
        "appointed" => "Appointed",
        "retired" => "Position retired",
        _ => decision,
    };

    public static string Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    private static string Day(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // A sheet's name has at most 31 characters and none of : \ / ? * [ ].
    private static string Sheet(string name) => new string([.. name.Where(c => !":\\/?*[]".Contains(c))]) is var clean && clean.Length > 31 ? clean[..31] : clean;

    private static void Headings(IXLWorksheet sheet, int line, string[] english, ISentences say)
    {
        for (var i = 0; i < english.Length; i++) sheet.Cell(line, i + 1).SetValue(say.Say(english[i])).Style.Font.SetBold();
    }

    // Values are set as text: a name or a note starting with = is never a formula.
    private static void Cells(IXLWorksheet sheet, int line, string[] values)
    {
        for (var i = 0; i < values.Length; i++) sheet.Cell(line, i + 1).SetValue(values[i]);
    }

    private static void Finish(IXLWorksheet sheet, int headingLine, int lastLine, int[] widths)
    {
        for (var i = 0; i < widths.Length; i++) sheet.Column(i + 1).Width = widths[i];
        var table = sheet.Range(headingLine, 1, Math.Max(headingLine, lastLine), widths.Length);
        table.Style.Alignment.SetWrapText().Alignment.SetVertical(XLAlignmentVerticalValues.Top);
        table.Style.Border.SetInsideBorder(XLBorderStyleValues.Thin).Border.SetOutsideBorder(XLBorderStyleValues.Thin);
        sheet.SheetView.FreezeRows(headingLine);
    }
}
