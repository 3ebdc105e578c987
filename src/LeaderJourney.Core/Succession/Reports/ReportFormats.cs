using System.Globalization;
using System.Net;
using System.Text;
using LeaderJourney.Domain.Succession;

namespace LeaderJourney.Core.Succession.Reports;

/// <summary>The reports as CSV (for spreadsheets) and as a printable page; suppressed cells read "&lt;5" in both.</summary>
public static class ReportFormats
{
    public static string SuccessionCsv(SuccessionReport r)
    {
        var csv = new StringBuilder();
        Row(csv, "affiliate", "as_of", "position_id", "position", "incumbent", "term_ends_on", "risk", "leader_id", "candidate", "readiness", "computed_readiness", "assessed_readiness", "gaps");
        foreach (var p in r.Positions)
        {
            if (p.Candidates.Count == 0)
                Row(csv, r.Affiliate, Date(r.AsOf), p.Id.ToString(), p.Title, p.Incumbent?.DisplayName ?? "", p.TermEndsOn?.ToString("yyyy-MM-dd") ?? "", p.Risk, "", "", "", "", "", "");
            foreach (var c in p.Candidates)
                Row(csv, r.Affiliate, Date(r.AsOf), p.Id.ToString(), p.Title, p.Incumbent?.DisplayName ?? "", p.TermEndsOn?.ToString("yyyy-MM-dd") ?? "", p.Risk,
                    c.LeaderId.ToString(), c.DisplayName, c.Readiness, c.ComputedReadiness, c.AssessedReadiness ?? "",
                    string.Join("; ", c.Gaps.Select(g => $"{g.ThemeCode ?? g.DomainCode} {g.Current}/{g.Required}")));
        }
        return csv.ToString();
    }

    public static string PipelineCsv(PipelineReport r)
    {
        var csv = new StringBuilder();
        Row(csv, "affiliate", "as_of", "breakdown", "code", "value", "level_0", "level_1", "level_2", "level_3");
        Row(csv, [r.Affiliate, Date(r.AsOf), "stage", "", "", .. r.Stages.Select(n => n.ToString(CultureInfo.InvariantCulture))]);
        foreach (var d in r.Domains) Row(csv, [r.Affiliate, Date(r.AsOf), "domain", d.Code, "", .. d.Levels.Select(n => n.ToString(CultureInfo.InvariantCulture))]);
        foreach (var e in r.Equity) Row(csv, [r.Affiliate, Date(r.EquityAsOf), "equity", e.Category, e.Value, .. e.Stages.Select(SmallCells.Display)]);
        Row(csv, [r.Affiliate, Date(r.YearEarlier.AsOf), "stage a year earlier", "", "", .. r.YearEarlier.Stages.Select(n => n.ToString(CultureInfo.InvariantCulture))]);
        return csv.ToString();
    }

    public static string SuccessionPage(SuccessionReport r)
    {
        var html = new StringBuilder();
        Page(html, $"Succession report: {r.Affiliate}, as of {Date(r.AsOf)}");
        html.Append(CultureInfo.InvariantCulture, $"<p>Coverage: {r.Coverage.WithReadyNowSuccessor} of {r.Coverage.KeyPositions} key positions have a ready-now successor ({r.Coverage.Ratio:P0}). ")
            .Append(CultureInfo.InvariantCulture, $"Bench: {r.BenchStrength.ReadyNow} ready now, {r.BenchStrength.Ready1to2Years} ready in 1-2 years, {r.BenchStrength.Ready3PlusYears} in 3+ years.</p>");
        foreach (var p in r.Positions)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{E(p.Title)}</h2><p>Incumbent: {E(p.Incumbent?.DisplayName ?? "vacant")}; term ends {E(p.TermEndsOn?.ToString("yyyy-MM-dd") ?? "open")}; risk <strong>{E(p.Risk)}</strong>.</p>");
            html.Append("<table><thead><tr><th scope=\"col\">Candidate</th><th scope=\"col\">Readiness</th><th scope=\"col\">Computed</th><th scope=\"col\">Assessed</th><th scope=\"col\">Gaps</th></tr></thead><tbody>");
            foreach (var c in p.Candidates)
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(c.DisplayName)}</td><td>{E(c.Readiness)}</td><td>{E(c.ComputedReadiness)}</td><td>{E(c.AssessedReadiness ?? "")}</td><td>{E(string.Join("; ", c.Gaps.Select(g => $"{g.ThemeCode ?? g.DomainCode} {g.Current}/{g.Required}")))}</td></tr>");
            html.Append("</tbody></table>");
        }
        return html.Append("</main></body></html>").ToString();
    }

    public static string PipelinePage(PipelineReport r)
    {
        var html = new StringBuilder();
        Page(html, $"Pipeline report: {r.Affiliate}, as of {Date(r.AsOf)}");
        html.Append(CultureInfo.InvariantCulture, $"<p>{r.Leaders} leaders in the pipeline.</p><table><thead><tr><th scope=\"col\">Breakdown</th><th scope=\"col\">Level 0</th><th scope=\"col\">Level 1</th><th scope=\"col\">Level 2</th><th scope=\"col\">Level 3</th></tr></thead><tbody>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">Stage</th>{Cells(r.Stages.Select(n => n.ToString(CultureInfo.InvariantCulture)))}</tr>");
        foreach (var d in r.Domains) html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(d.Code)}</th>{Cells(d.Levels.Select(n => n.ToString(CultureInfo.InvariantCulture)))}</tr>");
        foreach (var e in r.Equity) html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(e.Category)}: {E(e.Value)}</th>{Cells(e.Stages.Select(SmallCells.Display))}</tr>");
        return html.Append("</tbody></table></main></body></html>").ToString();
    }

    private static string Cells(IEnumerable<string> values) => string.Concat(values.Select(v => $"<td>{E(v)}</td>"));

    private static void Page(StringBuilder html, string title) =>
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append(CultureInfo.InvariantCulture, $"<title>{E(title)}</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;margin-bottom:1.5rem}th,td{border:1px solid #555;padding:.3rem .6rem;text-align:left}@media print{body{margin:0}}</style>")
            .Append(CultureInfo.InvariantCulture, $"</head><body><main><h1>{E(title)}</h1>");

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Date(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void Row(StringBuilder csv, params string[] cells) =>
        csv.AppendLine(string.Join(',', cells.Select(Neutralised).Select(c => c.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{c.Replace("\"", "\"\"")}\"" : c)));

    /// <summary>
    /// A cell a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage
    /// return: a name or a free-text value someone typed) is written with a leading apostrophe, which
    /// spreadsheets show as text.
    /// </summary>
    public static string Neutralised(string cell) => cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cell : cell;
}
