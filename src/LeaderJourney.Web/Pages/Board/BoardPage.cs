using System.Globalization;
using System.Net;
using System.Text;
using LeaderJourney.Core.Access;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeaderJourney.Web.Pages.Board;

/// <summary>What the board's pages share: who may open them, the as-of date, and the bar charts.</summary>
public abstract class BoardPage : PageModel
{
    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)] public string? AsOf { get; set; }

    /// <summary>Said on the page when the address's date could not be read: the report is then today's.</summary>
    public string? DateError { get; private set; }

    /// <summary>
    /// The caller's affiliate and the as-of moment (the end of the chosen day; now for today's date or none), or why the page is refused.
    /// A date that cannot be read (a hand-edited address: the form's date field sends yyyy-MM-dd) gives
    /// today's report with <see cref="DateError"/>, not a bare error.
    /// </summary>
    protected (string? Affiliate, DateTimeOffset? At, string? Refusal) ReportRequest()
    {
        var caller = BearerTokenHandler.CurrentUserOf(User);
        if (!(caller.IsAdmin || caller.Role == Roles.Board) || caller.Affiliate is null) return (null, null, "forbidden");
        if (string.IsNullOrEmpty(AsOf)) return (caller.Affiliate, null, null);
        if (!DateOnly.TryParseExact(AsOf, "yyyy-MM-dd", out var date))
            // Not the typed text itself: a crafted link would otherwise put its words in the page's alert.
            (DateError, _downloadRefusal) = ("The date in the address is not a date as yyyy-MM-dd; the report is as of today.", "The date in the address is not a date as yyyy-MM-dd.");
        else if (date.Year is < Core.Leaders.LeaderInput.FirstReportYear or > Core.Leaders.LeaderInput.LastReportYear)
            // The reports look a year back, out of the calendar's reach from year 1: the API's range holds here too.
            (DateError, _downloadRefusal) = ("The reports cover the years 1900 to 2999; the report is as of today.", "The reports cover the years 1900 to 2999.");
        else if (date == DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime))
            // Today is the date box's own value: a download from the page shown is as of now, as the page is; the end of a
            // day not over yet gave the files figures of their own (a median a day and a half longer, say).
            return (caller.Affiliate, null, null);
        else
            return (caller.Affiliate, new DateTimeOffset(date.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero), null);
        return (caller.Affiliate, null, null);
    }

    /// <summary>The date the person chose (the address's, when the report was made as of it), or null for now.</summary>
    public string? ChosenDate => DateError is null && DateOnly.TryParseExact(Request.Query["asOf"].ToString(), "yyyy-MM-dd", out var date) ? date.ToString("yyyy-MM-dd") : null;

    /// <summary>
    /// Whether the chosen date is still to come: a report as of it shows what is known today (levels,
    /// candidates, seats), with only the terms' ends weighed against that date, so the page says it is no forecast.
    /// </summary>
    public bool ChosenDateIsLater => ChosenDate is { } chosen
        && DateOnly.ParseExact(chosen, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) > DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    /// <summary>The host's clock (a test's own, in tests), as the reports read it.</summary>
    private TimeProvider Clock => HttpContext.RequestServices.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;

    /// <summary>A download is not a page that can say its date was not read: it is refused instead (and is not today's).</summary>
    protected Microsoft.AspNetCore.Mvc.IActionResult? DownloadRefusal() => _downloadRefusal is null ? null : BadRequest(_downloadRefusal);

    private string? _downloadRefusal;

    /// <summary>A readiness as a person says it (the API's codes stay as they are).</summary>
    public static string ReadinessWords(string? readiness) => Core.Succession.Reports.ReportFormats.ReadinessWords(readiness);

    /// <summary>A server-rendered bar chart (no script), its figures also in its title for screen readers.</summary>
    /// <summary>Stages (Level 0 to 3): one blue, darker the higher the level, so no stage reads as good or bad.</summary>
    public static readonly IReadOnlyList<string> StageColours = ["#5f7590", "#3f6791", "#24548c", "#0b3d75"];

    /// <summary>Readiness (ready now, in 1 to 2 years, in 3 or more): the inks of the readiness badges, green, amber and red.</summary>
    public static readonly IReadOnlyList<string> ReadinessColours = ["#14532d", "#6b4600", "#8a1c1c"];

    /// <summary>A bar chart as SVG, each bar in <paramref name="colours"/> by its place (every colour at least 4.5:1 against white).</summary>
    public static string Bars(string title, IReadOnlyList<(string Label, int Count)> bars, IReadOnlyList<string> colours)
    {
        var max = Math.Max(1, bars.Max(b => b.Count));
        var height = bars.Count * 28 + 6;
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<svg role=\"img\" width=\"360\" height=\"{height}\" viewBox=\"0 0 360 {height}\"><title>{WebUtility.HtmlEncode(title)}: {string.Join(", ", bars.Select(b => $"{b.Label} {b.Count}"))}</title>");
        for (var i = 0; i < bars.Count; i++)
        {
            var width = 200 * bars[i].Count / max;
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"0\" y=\"{21 + i * 28}\" font-size=\"14\">{WebUtility.HtmlEncode(bars[i].Label)}</text><rect x=\"90\" y=\"{8 + i * 28}\" width=\"{width}\" height=\"18\" fill=\"{colours[i % colours.Count]}\"></rect><text x=\"{96 + width}\" y=\"{21 + i * 28}\" font-size=\"14\">{bars[i].Count}</text>");
        }
        return svg.Append("</svg>").ToString();
    }
}
