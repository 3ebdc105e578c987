using System.Text;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Succession.Reports;
using Microsoft.AspNetCore.Mvc;

namespace LeaderJourney.Web.Pages.Board;

/// <summary>The board's succession report, as of any date, with a bench chart, CSV export and a print layout.</summary>
public sealed class SuccessionModel(ReportService reports, FrameworkWords words, Core.Http.ISentences sentences) : BoardPage
{
    public SuccessionReport? Report { get; private set; }

    /// <summary>Themes and domains by name, for the gaps.</summary>
    public CodeWords? Words { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await Load(ct) is { } refused) return refused;
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (await Load(ct) is { } refused) return refused;
        if (DownloadRefusal() is { } refusal) return refusal;
        return File(Encoding.UTF8.GetBytes(ReportFormats.SuccessionCsv(Report!, sentences, Words)), "text/csv", $"succession-{Report!.Affiliate}-{Report.AsOf:yyyy-MM-dd}.csv");
    }

    private async Task<IActionResult?> Load(CancellationToken ct)
    {
        var (affiliate, at, refusal) = ReportRequest();
        if (refusal == "forbidden") return Forbid();
        if (refusal is not null) return BadRequest(refusal);
        Report = await reports.SuccessionAsync(affiliate!, at, ct, suggestions: false);
        Words = await words.LoadAsync(ct);
        AsOf = Report.AsOf.ToString("yyyy-MM-dd");
        return null;
    }
}
