using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Privacy.Audit;
using LeaderJourney.Core.Succession.Reports;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Web.Pages.Board;

/// <summary>The pipeline funnel per stage and per domain, the equity breakdown with small cells suppressed, and the reports issued to the board.</summary>
public sealed class PipelineModel(ReportService reports, Store store, SensitiveReads audit, FrameworkWords words, Core.Http.ISentences sentences) : BoardPage
{
    public PipelineReport? Report { get; private set; }
    public IReadOnlyList<ReportIssued> Issued { get; private set; } = [];

    /// <summary>Domains by name.</summary>
    public CodeWords? Words { get; private set; }

    /// <summary>A demographic category as a person says it.</summary>
    public static string CategoryWords(string category) => ReportFormats.CategoryWords(category);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var (affiliate, at, refusal) = ReportRequest();
        if (refusal == "forbidden") return Forbid();
        if (refusal is not null) return BadRequest(refusal);
        // The page shows the counts and the breakdown, not the medians or the stalled leaders.
        Report = await reports.PipelineAsync(affiliate!, at, ct, equityInWholeDays: BearerTokenHandler.CurrentUserOf(User).Role == Roles.Board, timelines: false);
        await audit.RecordAsync(BearerTokenHandler.CurrentUserOf(User), SensitiveReads.EquityBreakdown, null, affiliate, ct);
        AsOf = Report.AsOf.ToString("yyyy-MM-dd");
        Words = await words.LoadAsync(ct);
        Issued = (await store.ReadStreamAsync(ReportIssues.StreamIdFor(affiliate!), ct: ct)).Select(e => (ReportIssued)e.Data).Reverse().ToList();
        return Page();
    }

    /// <summary>Reopens a report issued to the board exactly as it was, and says whether the same question asked now gives another answer.</summary>
    public async Task<IActionResult> OnGetIssuedAsync(Guid id, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (!(caller.IsAdmin || caller.Role == Roles.Board) || caller.Affiliate is null) return Forbid();
        var issued = (await store.ReadStreamAsync(ReportIssues.StreamIdFor(caller.Affiliate), ct: ct)).Select(e => (ReportIssued)e.Data).FirstOrDefault(r => r.ReportId == id);
        if (issued is null) return NotFound();
        var current = await ReportIssues.Compute(reports, issued.Kind, caller.Affiliate, issued.AsOf, ct);
        var content = await ReportIssues.ReopenAsync(reports, issued, current, ct);
        var codeWords = await words.LoadAsync(ct);
        var html = issued.Kind == "succession"
            ? ReportFormats.SuccessionPage(content.Deserialize<SuccessionReport>(JsonSerializerOptions.Web)!, sentences, codeWords)
            : ReportFormats.PipelinePage(content.Deserialize<PipelineReport>(JsonSerializerOptions.Web)!, sentences, codeWords);
        if (issued.Kind == "pipeline") await audit.RecordAsync(caller, SensitiveReads.EquityBreakdown, null, caller.Affiliate, ct);
        var now = ReportIssues.Hash(current);
        var note = now == issued.ContentHash
            ? sentences.Say($"Issued {issued.IssuedAt:yyyy-MM-dd HH:mm} UTC. Asked again now, the same question gives the same answer.")
            : sentences.Say($"Issued {issued.IssuedAt:yyyy-MM-dd HH:mm} UTC. What is known now about that date differs from what was issued.");
        note = $"<p id=\"reopened\">{System.Net.WebUtility.HtmlEncode(note)}</p>";
        return Content(html.Replace("<main>", "<main>" + note, StringComparison.Ordinal), "text/html; charset=utf-8");
    }
}
