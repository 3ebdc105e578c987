using System.Text;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Succession.Reports;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Board;

/// <summary>The board's succession report, as of any date, with a bench chart, CSV export and a print layout.</summary>
public sealed class SuccessionModel(ReportService reports) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? AsOf { get; set; }
    public SuccessionReport? Report { get; private set; }

    /// <summary>A server-rendered bar chart (no script), its figures also in its title for screen readers.</summary>
    public string Bars(string title, (string Label, int Count)[] bars)
    {
        string[] colours = ["#1e6b34", "#8a5a00", "#555555"];
        var max = Math.Max(1, bars.Max(b => b.Count));
        var svg = new StringBuilder().Append(System.Globalization.CultureInfo.InvariantCulture,
            $"<svg role=\"img\" width=\"360\" height=\"{bars.Length * 32 + 6}\" viewBox=\"0 0 360 {bars.Length * 32 + 6}\"><title>{System.Net.WebUtility.HtmlEncode(title)}: {string.Join(", ", bars.Select(b => $"{b.Label} {b.Count}"))}</title>");
        for (var i = 0; i < bars.Length; i++)
        {
            var width = 200 * bars[i].Count / max;
            svg.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"<text x=\"0\" y=\"{25 + i * 32}\" font-size=\"14\">{bars[i].Label}</text><rect x=\"90\" y=\"{12 + i * 32}\" width=\"{width}\" height=\"18\" fill=\"{colours[i % colours.Length]}\"></rect><text x=\"{96 + width}\" y=\"{25 + i * 32}\" font-size=\"14\">{bars[i].Count}</text>");
        }
        return svg.Append("</svg>").ToString();
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await Load(ct) is { } refused) return refused;
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (await Load(ct) is { } refused) return refused;
        return File(Encoding.UTF8.GetBytes(ReportFormats.SuccessionCsv(Report!)), "text/csv", $"succession-{Report!.Affiliate}-{Report.AsOf:yyyy-MM-dd}.csv");
    }

    private async Task<IActionResult?> Load(CancellationToken ct)
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (!(caller.IsAdmin || caller.Role == Roles.Board) || caller.Affiliate is null) return Forbid();
        DateTimeOffset? at = null;
        if (!string.IsNullOrEmpty(AsOf))
        {
            if (!DateOnly.TryParseExact(AsOf, "yyyy-MM-dd", out var date)) return BadRequest("asOf is a date as yyyy-MM-dd.");
            at = new DateTimeOffset(date.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero);
        }
        Report = await reports.SuccessionAsync(caller.Affiliate, at, ct);
        AsOf = Report.AsOf.ToString("yyyy-MM-dd");
        return null;
    }
}
