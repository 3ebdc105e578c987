using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Succession.Reports;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Web.Pages.Board;

/// <summary>The pipeline funnel per stage and per domain, the equity breakdown with small cells suppressed, and the reports issued to the board.</summary>
public sealed class PipelineModel(ReportService reports, Store store) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? AsOf { get; set; }
    public PipelineReport? Report { get; private set; }
    public IReadOnlyList<ReportIssued> Issued { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (!(caller.IsAdmin || caller.Role == Roles.Board) || caller.Affiliate is null) return Forbid();
        DateTimeOffset? at = null;
        if (!string.IsNullOrEmpty(AsOf))
        {
            if (!DateOnly.TryParseExact(AsOf, "yyyy-MM-dd", out var date)) return BadRequest("asOf is a date as yyyy-MM-dd.");
            at = new DateTimeOffset(date.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero);
        }
        Report = await reports.PipelineAsync(caller.Affiliate, at, ct);
        AsOf = Report.AsOf.ToString("yyyy-MM-dd");
        Issued = (await store.ReadStreamAsync(ReportIssues.StreamIdFor(caller.Affiliate), ct: ct)).Select(e => (ReportIssued)e.Data).Reverse().ToList();
        return Page();
    }

    /// <summary>Reopens a report issued to the board exactly as it was, and says whether the same question asked now gives another answer.</summary>
    public async Task<IActionResult> OnGetIssuedAsync(Guid id, CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (!(caller.IsAdmin || caller.Role == Roles.Board) || caller.Affiliate is null) return Forbid();
        var issued = (await store.ReadStreamAsync(ReportIssues.StreamIdFor(caller.Affiliate), ct: ct)).Select(e => (ReportIssued)e.Data).FirstOrDefault(r => r.ReportId == id);
        if (issued is null) return NotFound();
        string html;
        string now;
        if (issued.Kind == "succession")
        {
            html = ReportFormats.SuccessionPage(issued.Content.Deserialize<SuccessionReport>(System.Text.Json.JsonSerializerOptions.Web)!);
            now = ReportIssues.Hash(System.Text.Json.JsonSerializer.SerializeToElement(await reports.SuccessionAsync(caller.Affiliate, issued.AsOf, ct), System.Text.Json.JsonSerializerOptions.Web));
        }
        else
        {
            html = ReportFormats.PipelinePage(issued.Content.Deserialize<PipelineReport>(System.Text.Json.JsonSerializerOptions.Web)!);
            now = ReportIssues.Hash(System.Text.Json.JsonSerializer.SerializeToElement(await reports.PipelineAsync(caller.Affiliate, issued.AsOf, ct), System.Text.Json.JsonSerializerOptions.Web));
        }
        var note = now == issued.ContentHash
            ? $"<p id=\"reopened\">Issued {issued.IssuedAt:yyyy-MM-dd HH:mm} UTC. Asked again now, the same question gives the same answer.</p>"
            : $"<p id=\"reopened\">Issued {issued.IssuedAt:yyyy-MM-dd HH:mm} UTC. What is known now about that date differs from what was issued.</p>";
        return Content(html.Replace("<main>", "<main>" + note, StringComparison.Ordinal), "text/html; charset=utf-8");
    }

    /// <summary>A horizontal bar per level (server-rendered SVG, its figures also in its title).</summary>
    public string Funnel(string title, IReadOnlyList<int> counts)
    {
        var max = Math.Max(1, counts.Max());
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" width=\"360\" height=\"{counts.Count * 26 + 4}\" viewBox=\"0 0 360 {counts.Count * 26 + 4}\"><title>{WebUtility.HtmlEncode(title)}: {string.Join(", ", counts.Select((n, i) => $"level {i} {n}"))}</title>");
        for (var i = 0; i < counts.Count; i++)
        {
            var width = 240 * counts[i] / max;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{18 + i * 26}\" font-size=\"14\">Level {i}</text><rect x=\"60\" y=\"{5 + i * 26}\" width=\"{width}\" height=\"18\" fill=\"#0b5394\"></rect><text x=\"{66 + width}\" y=\"{18 + i * 26}\" font-size=\"14\">{counts[i]}</text>");
        }
        return svg.Append("</svg>").ToString();
    }
}
