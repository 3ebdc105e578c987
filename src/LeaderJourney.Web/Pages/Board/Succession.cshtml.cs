using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Succession.Reports;
using LeaderJourney.Core.Succession.TalentReview;
using Microsoft.AspNetCore.Mvc;

namespace LeaderJourney.Web.Pages.Board;

/// <summary>The board's succession report, as of any date, with a bench chart, CSV export and a print layout.</summary>
public sealed class SuccessionModel(ReportService reports, TalentReviewQuery talentReview, FrameworkWords words, Core.Http.ISentences sentences, LeaderJourney.Storage.Store store, TimeProvider clock) : BoardPage
{
    /// <summary>The talent review's first day of decisions (yyyy-MM-dd); by default the day of the last report issued to the board
    /// before the report's date (what was decided since the board last met), else <see cref="TalentReviewQuery.DefaultDays"/> before it.</summary>
    [BindProperty(SupportsGet = true)] public string? Since { get; set; }

    /// <summary>
    /// The first day the page put in the review's box as its default (<see cref="DefaultSince"/>): sent back
    /// unchanged, it is still the default, worked out again for the date now in the date's box. A person who picked an
    /// earlier date and pressed a download found the old default, now after that date, refused.
    /// </summary>
    [BindProperty(SupportsGet = true)] public string? SinceShown { get; set; }

    public SuccessionReport? Report { get; private set; }

    /// <summary>
    /// Whether to weigh every leader of the affiliate for each key position, to name those who meet its
    /// requirements without being nominated: asked for by a link, as it reads every leader's history (the
    /// report alone reads only the positions' own people; docs/performance.md).
    /// </summary>
    [BindProperty(SupportsGet = true)] public bool Others { get; set; }

    /// <summary>How many of a position's leaders who meet its requirements without a nomination are named; the rest are counted.</summary>
    public const int OthersNamed = 10;

    /// <summary>Themes and domains by name, for the gaps.</summary>
    public CodeWords? Words { get; private set; }

    /// <param name="format">Sent by the talent review's buttons, which belong to the date's form: that review, as a PDF or a workbook.</param>
    public async Task<IActionResult> OnGetAsync(string? format, CancellationToken ct)
    {
        if (SinceShown is { Length: > 0 } && Since == SinceShown) Since = null;
        if (format is { Length: > 0 }) return await OnGetTalentReviewAsync(format, ct);
        // "Show" sends the review's first day too (one form): a new date starts the review's window anew, a month before it.
        Since = null;
        if (await Load(ct) is { } refused) return refused;
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (await Load(ct) is { } refused) return refused;
        if (DownloadRefusal() is { } refusal) return refusal;
        return CsvDownload.Of(ReportFormats.SuccessionCsv(Report!, sentences, Words), $"succession-{Report!.Affiliate}-{Report.AsOf:yyyy-MM-dd}.csv");
    }

    /// <summary>The talent review for the board's meeting, as of the page's date, as a PDF or a workbook.</summary>
    public async Task<IActionResult> OnGetTalentReviewAsync(string? format, CancellationToken ct)
    {
        var (affiliate, at, refusal) = ReportRequest();
        if (refusal == "forbidden") return Forbid();
        if (DownloadRefusal() is { } refused) return refused;
        if (format is not ("pdf" or "xlsx")) return BadRequest(sentences.Say("format is one of: xlsx, pdf."));
        if (format == "pdf" && !PdfFonts.Available)
            return StatusCode(StatusCodes.Status503ServiceUnavailable, sentences.Say("This server cannot make PDF files yet (it lacks a font); download the Excel file instead."));
        try
        {
            // Left at the box's default: the same default the page showed, worked out again for the date asked.
            Since ??= (await LastIssuedBeforeAsync(affiliate!, at ?? clock.GetUtcNow(), ct))?.ToString("yyyy-MM-dd");
            var report = await talentReview.ReadAsync(affiliate!, at, TalentReviewEndpoint.Since(Since), forStaff: Core.Access.BearerTokenHandler.CurrentUserOf(User).IsAdmin, ct);
            var (content, type, name) = TalentReviewEndpoint.Document(report, format, sentences);
            return File(content, type, name);
        }
        catch (RequestValidationException e) when (e.Field == "since")
        {
            // Said on the page, beside the form, with the day typed kept: a bare refusal left a person on a blank page.
            if (await Load(ct) is { } refusedPage) return refusedPage;
            // The form sends a day: anything else came from an address typed or kept, and is said as the form's.
            TalentReviewError = DateOnly.TryParseExact(Since, "yyyy-MM-dd", out var since) && since > DateOnly.FromDateTime(Report!.AsOf.UtcDateTime)
                ? $"The decisions cannot start after the report's date, {Report.AsOf:yyyy-MM-dd}: choose that day or an earlier one."
                : "The decisions' first day is not a day the review can start on: choose one with the date picker, or type it as yyyy-MM-dd.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        catch (RequestValidationException e)
        {
            return BadRequest(sentences.Say(e.Message));
        }
    }

    /// <summary>Why the talent review asked for could not be made, in the review's own section.</summary>
    public string? TalentReviewError { get; private set; }

    /// <summary>The talent review's default first day for the page's date, for the form.</summary>
    public string DefaultSince => (LastIssued ?? DateOnly.FromDateTime((Report?.AsOf ?? DateTimeOffset.UtcNow).UtcDateTime).AddDays(-TalentReviewQuery.DefaultDays)).ToString("yyyy-MM-dd");

    /// <summary>The day of the last report issued to the board before the report's date, if any: the review starts there by default.</summary>
    public DateOnly? LastIssued { get; private set; }

    private async Task<DateOnly?> LastIssuedBeforeAsync(string affiliate, DateTimeOffset at, CancellationToken ct) =>
        (await store.ReadStreamAsync(ReportIssues.StreamIdFor(affiliate), ct: ct)).Select(e => (ReportIssued)e.Data)
            .Where(r => r.IssuedAt <= at).Select(r => (DateOnly?)DateOnly.FromDateTime(r.IssuedAt.UtcDateTime)).Max();

    private async Task<IActionResult?> Load(CancellationToken ct)
    {
        var (affiliate, at, refusal) = ReportRequest();
        if (refusal == "forbidden") return Forbid();
        if (refusal is not null) return BadRequest(refusal);
        Report = await reports.SuccessionAsync(affiliate!, at, ct, suggestions: Others);
        Words = await words.LoadAsync(ct);
        LastIssued = await LastIssuedBeforeAsync(affiliate!, Report.AsOf, ct);
        AsOf = Report.AsOf.ToString("yyyy-MM-dd");
        return null;
    }
}
