using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Privacy.Audit;
using LeaderJourney.Core.Succession.Reports;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using LeaderJourney.Storage;

namespace LeaderJourney.Web.Pages.Board;

/// <summary>
/// The pipeline funnel per stage and per domain, how long leaders spend at each stage and who has made
/// no progress in a year, the equity breakdown with small cells suppressed, and the reports issued to the board.
/// </summary>
public sealed class PipelineModel(ReportService reports, Store store, SensitiveReads audit, FrameworkWords words, Core.Http.ISentences sentences, Core.Http.StreamCommandBus commands) : BoardPage
{
    public PipelineReport? Report { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }
    /// <summary>Staff issue reports to the board; the board reads them.</summary>
    public bool MayIssue => BearerTokenHandler.CurrentUserOf(User).IsAdmin;
    public IReadOnlyList<ReportIssued> Issued { get; private set; } = [];

    /// <summary>How many of the stalled leaders staff see by name, those who last moved longest ago first.</summary>
    public const int StalledShown = 25;

    /// <summary>Staff see the stalled leaders by name, to reach out to them; the board sees how many there are.</summary>
    public bool SeesStalledNames => MayIssue;

    /// <summary>How many of the stalled leaders, longest-standing first, come before the page of them shown (pages of <see cref="StalledShown"/>).</summary>
    [BindProperty(SupportsGet = true)] public int StalledFrom { get; set; }

    /// <summary>The page of stalled leaders from <paramref name="from"/>, as of the date chosen (none chosen: now, as the page is).</summary>
    public string StalledLink(int from) => $"/board/pipeline?{(ChosenDate is { } date ? $"asOf={date}&" : "")}stalledFrom={from}#stalled";

    public IReadOnlyList<StalledView> StalledFirst => Report?.Stalled ?? [];

    /// <summary>Domains by name.</summary>
    public CodeWords? Words { get; private set; }

    /// <summary>A demographic category as a person says it.</summary>
    public static string CategoryWords(string category) => ReportFormats.CategoryWords(category);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await Load(ct) ?? Page();

    /// <summary>The page's figures as CSV (the equity breakdown with the same suppression), audited as the page is.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (await Load(ct) is { } refused) return refused;
        if (DownloadRefusal() is { } refusal) return refusal;
        return CsvDownload.Of(ReportFormats.PipelineCsv(Report!, sentences, Words), $"pipeline-{Report!.Affiliate}-{Report.AsOf:yyyy-MM-dd}.csv");
    }

    /// <summary>
    /// Staff issue the succession or the pipeline report to the board, as of the date chosen on the page,
    /// or as of now when none was: the command POST /api/reports/{kind}/issues sends.
    /// </summary>
    public async Task<IActionResult> OnPostIssueAsync(string? kind, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        Error = await PageCommands.TryAsync(() => commands.InvokeAsync(
            new IssueReportCommand(kind ?? "", caller.Affiliate, ChosenDate) { Sender = new(caller, PageCommands.Options(Request, "issue report")) }, ct));
        Message = Error is null ? (kind == "succession" ? "The succession report is issued to the board." : "The pipeline report is issued to the board.") : null;
        return await Load(ct) ?? Page();
    }

    private async Task<IActionResult?> Load(CancellationToken ct)
    {
        var (affiliate, at, refusal) = ReportRequest();
        if (refusal == "forbidden") return Forbid();
        if (refusal is not null) return BadRequest(refusal);
        var equityInWholeMonths = BearerTokenHandler.CurrentUserOf(User).Role == Roles.Board;
        // The start of a page: an address's offset is rounded down to one.
        StalledFrom = Math.Clamp(StalledFrom, 0, 10_000_000) / StalledShown * StalledShown;
        Report = await reports.PipelineAsync(affiliate!, at, SeesStalledNames ? StalledNames.LongestStanding(StalledShown, StalledFrom) : StalledNames.None, ct, equityInWholeMonths);
        if (SeesStalledNames && StalledFrom > 0 && StalledFrom >= Report.StalledCount)
        {
            // A page past the last (an old link, or fewer leaders stalled now): the last page.
            StalledFrom = Math.Max(0, (Report.StalledCount - 1) / StalledShown * StalledShown);
            Report = await reports.PipelineAsync(affiliate!, at, StalledNames.LongestStanding(StalledShown, StalledFrom), ct, equityInWholeMonths);
        }
        await audit.RecordAsync(BearerTokenHandler.CurrentUserOf(User), SensitiveReads.EquityBreakdown, null, affiliate, ct, Report.EquityAsOf);
        AsOf = Report.AsOf.ToString("yyyy-MM-dd");
        Words = await words.LoadAsync(ct);
        Issued = (await store.ReadStreamAsync(ReportIssues.StreamIdFor(affiliate!), ct: ct)).Select(e => (ReportIssued)e.Data).Reverse().ToList();
        return null;
    }

    /// <summary>Reopens a report issued to the board exactly as it was, and says whether the same question asked now gives another answer.</summary>
    /// <param name="format"><c>csv</c> downloads the report as it was issued, for the board's own records.</param>
    public async Task<IActionResult> OnGetIssuedAsync(Guid id, string? format, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (!(caller.IsAdmin || caller.Role == Roles.Board) || caller.Affiliate is null) return Forbid();
        var issued = (await store.ReadStreamAsync(ReportIssues.StreamIdFor(caller.Affiliate), ct: ct)).Select(e => (ReportIssued)e.Data).FirstOrDefault(r => r.ReportId == id);
        if (issued is null) return NotFound();
        var current = await ReportIssues.RecomputeAsync(reports, issued, ct);
        var content = await ReportIssues.ReopenAsync(reports, issued, current, ct);
        var codeWords = await words.LoadAsync(ct);
        // A pipeline report holds the equity breakdown: its read is audited, shown or downloaded.
        if (issued.Kind == "pipeline") await audit.RecordAsync(caller, SensitiveReads.EquityBreakdown, null, caller.Affiliate, ct, ReportIssues.EquityAsOf(issued));
        if (format == "csv")
        {
            var csv = issued.Kind == "succession"
                ? ReportFormats.SuccessionCsv(content.Deserialize<SuccessionReport>(JsonSerializerOptions.Web)!, sentences, codeWords)
                : ReportFormats.PipelineCsv(content.Deserialize<PipelineReport>(JsonSerializerOptions.Web)!, sentences, codeWords);
            return CsvDownload.Of(csv, $"{issued.Kind}-{caller.Affiliate}-{issued.AsOf:yyyy-MM-dd}-issued-{issued.IssuedAt:yyyy-MM-dd}.csv");
        }
        var html = issued.Kind == "succession"
            ? ReportFormats.SuccessionPage(content.Deserialize<SuccessionReport>(JsonSerializerOptions.Web)!, sentences, codeWords)
            : ReportFormats.PipelinePage(content.Deserialize<PipelineReport>(JsonSerializerOptions.Web)!, sentences, codeWords);
        var note = !ReportIssues.Changed(issued, current, content)
            ? sentences.Say($"Issued {issued.IssuedAt:yyyy-MM-dd HH:mm} UTC. Asked again now, the same question gives the same answer.")
            : sentences.Say($"Issued {issued.IssuedAt:yyyy-MM-dd HH:mm} UTC. What is known now about that date differs from what was issued.");
        // The printable page stands alone; here it leads back to the reports (on screen: a printed copy has no use for links), and its style is allowed by hash.
        note = $"<p class=\"no-print\"><a href=\"/board/pipeline#issued\">{System.Net.WebUtility.HtmlEncode(sentences.Say("Back to the reports"))}</a> · "
            + $"<a href=\"/board/pipeline?handler=issued&amp;id={issued.ReportId}&amp;format=csv\">{System.Net.WebUtility.HtmlEncode(sentences.Say("Download it as issued (CSV)"))}</a></p>"
            + $"<p id=\"reopened\">{System.Net.WebUtility.HtmlEncode(note)}</p>";
        ContentSecurity.AllowPrintStyle(Response);
        return Content(ReportFormats.AfterTitle(html, note), "text/html; charset=utf-8");
    }
}
