using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Text;
using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Http;
using LeaderJourney.Domain.Succession;
using Microsoft.AspNetCore.Http;

namespace LeaderJourney.Core.Succession.Reports;

/// <summary>The reports as CSV (for spreadsheets) and as a printable page; suppressed cells read "&lt;5" in both.</summary>
public static class ReportFormats
{
    /// <summary>
    /// The succession report as CSV. Without <paramref name="say"/> (the API) it is data: codes as `API.md`
    /// gives them, for scripts, whatever language the client asks for. Downloaded from a page it is for
    /// people, to take to a meeting: the headers, risk, readiness and gaps in words of the page's language,
    /// the day without its time, positions in the page's order (highest risk first) and candidates readiest first.
    /// </summary>
    public static string SuccessionCsv(SuccessionReport r, ISentences? say = null, CodeWords? words = null)
    {
        var csv = new StringBuilder();
        var people = InWords(say) && words is not null;
        string Say(string english) => people ? say!.Say(english) : english;
        string Risk(string risk) => people ? Say(RiskWords(risk)) : risk;
        string Readiness(string? readiness) => people ? Say(ReadinessWords(readiness)) : readiness ?? "";
        string Gaps(IEnumerable<GapView> gaps) => people
            ? string.Join("; ", gaps.Select(g => Say(words!.Gap(g.ThemeCode, g.DomainCode, g.Required, g.Current))))
            : string.Join("; ", gaps.Select(g => $"{g.ThemeCode ?? g.DomainCode} {g.Current}/{g.Required}"));
        Row(csv, people
            ? [.. new[] { "Affiliate", "As of", "Position id", "Position", "Incumbent", "Term ends", "Risk", "Leader id", "Candidate", "Readiness", "Computed", "Assessed", "Gaps", "Assessed on", "Why" }.Select(Say)]
            : ["affiliate", "as_of", "position_id", "position", "incumbent", "term_ends_on", "risk", "leader_id", "candidate", "readiness", "computed_readiness", "assessed_readiness", "gaps", "assessed_on", "justification"]);
        var asOf = people ? r.AsOf.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : Date(r.AsOf);
        foreach (var p in people ? MostAtRiskFirst(r.Positions) : r.Positions)
        {
            if (p.Candidates.Count == 0)
                Row(csv, r.Affiliate, asOf, p.Id.ToString(), p.Title, p.Incumbent?.DisplayName ?? "", p.TermEndsOn?.ToString("yyyy-MM-dd") ?? "", Risk(p.Risk), "", "", "", "", "", "", "", "");
            foreach (var c in people ? ReadiestFirst(p) : p.Candidates)
                Row(csv, r.Affiliate, asOf, p.Id.ToString(), p.Title, p.Incumbent?.DisplayName ?? "", p.TermEndsOn?.ToString("yyyy-MM-dd") ?? "", Risk(p.Risk),
                    c.LeaderId.ToString(), c.DisplayName, Readiness(c.Readiness), Readiness(c.ComputedReadiness), c.AssessedReadiness is null && !people ? "" : Readiness(c.AssessedReadiness),
                    Gaps(c.Gaps), c.AssessedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "", c.AssessedReadiness is null ? "" : c.Justification ?? "");
        }
        return csv.ToString();
    }

    /// <summary>The pipeline report as CSV: the API's data, or words for people from a page (as <see cref="SuccessionCsv"/>).</summary>
    public static string PipelineCsv(PipelineReport r, ISentences? say = null, CodeWords? words = null)
    {
        var csv = new StringBuilder();
        var people = InWords(say) && words is not null;
        // The code for scripts, or the English words said in the reader's language.
        string Pick(string code, string english) => people ? say!.Say(english) : code;
        string Day(DateTimeOffset moment) => people ? moment.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : Date(moment);
        Row(csv, [Pick("affiliate", "Affiliate"), Pick("as_of", "As of"), Pick("breakdown", "Breakdown"), Pick("code", "Code"), Pick("value", "Value"),
            // "Level {0}" said as a whole, then filled: a bare "Level 0" is no sentence the translations match.
            .. Enumerable.Range(0, 4).Select(level => people ? string.Format(CultureInfo.CurrentCulture, say!.Say("Level {0}"), level) : $"level_{level}")]);
        Row(csv, [r.Affiliate, Day(r.AsOf), Pick("stage", "Stage"), "", "", .. r.Stages.Select(n => n.ToString(CultureInfo.InvariantCulture))]);
        foreach (var d in r.Domains) Row(csv, [r.Affiliate, Day(r.AsOf), Pick("domain", "Domain"), people ? words!.Of(d.Code) : d.Code, "", .. d.Levels.Select(n => n.ToString(CultureInfo.InvariantCulture))]);
        foreach (var e in r.Equity) Row(csv, [r.Affiliate, Day(r.EquityAsOf), Pick("equity", "Equity"), Pick(e.Category, CategoryWords(e.Category)), Pick(e.Value, e.Value), .. e.Stages.Select(SmallCells.Display)]);
        foreach (var a in r.EquityAnswered ?? [])
            Row(csv, [r.Affiliate, Day(r.EquityAsOf), Pick("equity answered", "Equity: answered"), Pick(a.Category, CategoryWords(a.Category)), "", .. a.Stages.Select(n => n?.ToString(CultureInfo.InvariantCulture) ?? "")]);
        Row(csv, [r.Affiliate, Day(r.YearEarlier.AsOf), Pick("stage a year earlier", "Stage a year earlier"), "", "", .. r.YearEarlier.Stages.Select(n => n.ToString(CultureInfo.InvariantCulture))]);
        Row(csv, [r.Affiliate, Day(r.AsOf), Pick("median days at stage", "Median days at stage"), "", "", .. MedianDays(r)]);
        if (r.StalledStages is { } stalled)
            // The row's code stays as integrations know it; its words say what it counts (a stage that has not risen).
            Row(csv, [r.Affiliate, Day(r.AsOf), Pick("no progress in twelve months", "Stage unchanged for twelve months"), "", "", .. stalled.Select(n => n.ToString(CultureInfo.InvariantCulture))]);
        if (r.NoLevelStages is { } still)
            Row(csv, [r.Affiliate, Day(r.AsOf), Pick("no level in twelve months", "No level attained for twelve months"), "", "", .. still.Select(n => n.ToString(CultureInfo.InvariantCulture))]);
        return csv.ToString();
    }

    /// <summary>The median days at each stage 0..3, to a tenth of a day; empty where no leader had the stage.</summary>
    private static IEnumerable<string> MedianDays(PipelineReport r) =>
        Enumerable.Range(0, 4).Select(stage => r.MedianDaysAtStage.TryGetValue(stage, out var days) && days is { } d ? Math.Round(d, 1).ToString(CultureInfo.InvariantCulture) : "");

    /// <summary>Whether a download is for people (a page's, which passes its sentences) rather than data (the API's).</summary>
    private static bool InWords(ISentences? say) => say is not null;

    /// <summary>Key positions as the board acts on them: highest risk first, a vacant seat before a held one, then the soonest term end, then by title.</summary>
    public static IEnumerable<PositionView> MostAtRiskFirst(IEnumerable<PositionView> positions) =>
        MostAtRiskFirst(positions, p => (p.Risk, p.Incumbent is null, p.TermEndsOn, p.Title));

    /// <summary>Anything that stands for a key position (a talent review's grid row, say), in that order.</summary>
    public static IEnumerable<T> MostAtRiskFirst<T>(IEnumerable<T> positions, Func<T, (string Risk, bool Vacant, DateOnly? TermEndsOn, string Title)> of) =>
        positions.Select(p => (Position: p, Key: of(p)))
            .OrderBy(p => p.Key.Risk switch { "high" => 0, "medium" => 1, _ => 2 }).ThenBy(p => p.Key.Vacant ? 0 : 1)
            .ThenBy(p => p.Key.TermEndsOn ?? DateOnly.MaxValue).ThenBy(p => p.Key.Title, StringComparer.Ordinal).Select(p => p.Position);

    /// <summary>
    /// What coverage does not say when one person is ready for several key positions: how many of them
    /// could be filled at once, each by someone else; null when that is all of those covered.
    /// </summary>
    public static string? AtOnce(CoverageView coverage) => coverage.Shared && coverage.FillableAtOnce is { } fillable
        ? string.Create(CultureInfo.InvariantCulture, $"Some people are ready now for more than one of them, and each can fill only one: at most {fillable} could be filled at once.")
        : null;

    /// <summary>Who holds a position, in a sentence (its term is said beside its risk).</summary>
    /// <param name="all">The report's positions: a holder of several key seats is said to be (each seat they leave at once is open).</param>
    /// <param name="asOf">The report's moment: a vacancy recorded ahead, dated after it, is said as still to come.</param>
    public static string Holder(PositionView position, IReadOnlyList<PositionView>? all = null, DateTimeOffset? asOf = null)
    {
        if (position.Incumbent is not { } holder)
            return position.VacantSince is not { } since ? "The seat is vacant."
                : asOf is { } at && since > DateOnly.FromDateTime(at.UtcDateTime) ? $"The seat falls vacant on {since:yyyy-MM-dd}."
                : $"The seat has been vacant since {since:yyyy-MM-dd}.";
        var others = (all ?? []).Where(p => p.Id != position.Id && p.Incumbent?.LeaderId == holder.LeaderId).Select(p => p.Title).ToList();
        return others.Count == 0 ? $"Held by {holder.DisplayName}." : $"Held by {holder.DisplayName}, who also holds {string.Join(", ", others)}.";
    }

    /// <summary>
    /// How many covered key positions are covered only by a person's judgement (their ready-now candidates
    /// all computed as not ready yet), in a sentence, or null when none: the board should know what rests on opinion.
    /// </summary>
    public static string? JudgedOnly(SuccessionReport r)
    {
        var judged = r.Positions.Count(p => p.Candidates.Any(c => c.Readiness == "ready-now")
            && p.Candidates.Where(c => c.Readiness == "ready-now").All(c => c.ComputedReadiness != "ready-now"));
        return judged switch
        {
            0 => null,
            1 => "One of them is covered only by staff's judgement that a candidate is ready now, not by the levels attained.",
            _ => string.Create(CultureInfo.InvariantCulture, $"{judged} of them are covered only by staff's judgement that a candidate is ready now, not by the levels attained."),
        };
    }

    /// <summary>A position's candidates, readiest first (as judged where staff judged), in nomination order within each.</summary>
    public static IEnumerable<CandidateView> ReadiestFirst(PositionView position) =>
        position.Candidates.OrderBy(c => c.Readiness switch { "ready-now" => 0, "ready-1-2-years" => 1, _ => 2 });

    /// <summary>The succession report as a printable page, in the reader's language (<paramref name="say"/>), gaps and readiness in words.</summary>
    public static string SuccessionPage(SuccessionReport r, ISentences say, CodeWords words)
    {
        var html = new StringBuilder();
        Page(html, say.Say($"Succession report: {r.Affiliate}, as of {Heading(r.AsOf)}"));
        html.Append("<p>").Append(E(say.Say(string.Create(CultureInfo.InvariantCulture, $"Coverage: {r.Coverage.WithReadyNowSuccessor} of {r.Coverage.KeyPositions} key positions have a ready-now successor ({r.Coverage.Ratio:P0})."))))
            .Append(AtOnce(r.Coverage) is { } atOnce ? " " + E(say.Say(atOnce)) : "")
            .Append(JudgedOnly(r) is { } judged ? " " + E(say.Say(judged)) : "")
            .Append(' ').Append(E(say.Say(string.Create(CultureInfo.InvariantCulture, $"Bench: {r.BenchStrength.ReadyNow} ready now, {r.BenchStrength.Ready1to2Years} ready in 1-2 years, {r.BenchStrength.Ready3PlusYears} in 3+ years."))))
            .Append("</p>");
        var asOf = DateOnly.FromDateTime(r.AsOf.UtcDateTime);
        foreach (var p in MostAtRiskFirst(r.Positions))
        {
            var (ready, seat) = SuccessionRules.RiskReasonParts(p.Incumbent is null, p.TermEndsOn, asOf, p.Candidates.Count(c => c.Readiness == "ready-now"));
            html.Append(CultureInfo.InvariantCulture, $"<h2>{E(p.Title)}</h2><p>{E(say.Say(Holder(p, r.Positions, r.AsOf)))} ")
                .Append(CultureInfo.InvariantCulture, $"{E(say.Say("Risk"))}: <strong>{E(say.Say(RiskWords(p.Risk)))}</strong>. {E(say.Say(ready))}; {E(say.Say(seat))}.</p>");
            // On a phone each candidate becomes a card whose cells say what they are (PrintStyle's "cards"): the
            // Assessed and Gaps columns sat off to the side of a reopened report before.
            string Label(string english) => E(say.Say(english));
            html.Append(CultureInfo.InvariantCulture, $"{ScrollStart(p.Title)}<table class=\"cards\"><thead><tr><th scope=\"col\">{Label("Candidate")}</th><th scope=\"col\">{Label("Readiness")}</th><th scope=\"col\">{Label("Computed")}</th><th scope=\"col\">{Label("Assessed")}</th><th scope=\"col\">{Label("Gaps")}</th></tr></thead><tbody>");
            foreach (var c in ReadiestFirst(p))
                html.Append(CultureInfo.InvariantCulture, $"<tr><td data-label=\"{Label("Candidate")}\">{E(c.DisplayName)}</td><td data-label=\"{Label("Readiness")}\">{E(say.Say(ReadinessWords(c.Readiness)))}</td><td data-label=\"{Label("Computed")}\">{E(say.Say(ReadinessWords(c.ComputedReadiness)))}</td><td data-label=\"{Label("Assessed")}\">{E(say.Say(ReadinessWords(c.AssessedReadiness)))}{(c.AssessedReadiness is not null && c.AssessedOn is { } judgedOn ? " (" + E(say.Say($"judged on {judgedOn:yyyy-MM-dd}")) + ")" : "")}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td data-label=\"{Label("Gaps")}\">{E(c.Gaps.Count == 0 ? say.Say("none") : string.Join("; ", c.Gaps.Select(g => say.Say(words.Gap(g.ThemeCode, g.DomainCode, g.Required, g.Current)))))}</td></tr>");
            html.Append("</tbody></table></div>");
        }
        return html.Append("</main></body></html>").ToString();
    }

    /// <summary>The pipeline report as a printable page, in the reader's language, domains by their titles.</summary>
    public static string PipelinePage(PipelineReport r, ISentences say, CodeWords words)
    {
        // On a phone each row becomes a card, its four figures labelled by level (PrintStyle's "cards
        // levels"): the table, nine columns wide with the equity shares, scrolled sideways in its box.
        var levels = Enumerable.Range(0, 4).Select(level => string.Format(CultureInfo.CurrentCulture, say.Say("Level {0}"), level)).ToList();
        string Cells(IEnumerable<string> values) => string.Concat(values.Select((v, level) => $"<td data-label=\"{E(levels[level])}\">{E(v)}</td>"));
        var html = new StringBuilder();
        Page(html, say.Say($"Pipeline report: {r.Affiliate}, as of {Heading(r.AsOf)}"));
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(say.Say(string.Create(CultureInfo.InvariantCulture, $"{r.Leaders} leaders in the pipeline.")))}</p>{ScrollStart(say.Say("Breakdown"))}<table class=\"cards levels\"><thead><tr><th scope=\"col\">{E(say.Say("Breakdown"))}</th>")
            .Append(string.Concat(levels.Select(level => $"<th scope=\"col\">{E(level)}</th>"))).Append("</tr></thead><tbody>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(say.Say("Stage"))}</th>{Cells(r.Stages.Select(n => n.ToString(CultureInfo.InvariantCulture)))}</tr>");
        foreach (var d in r.Domains) html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(words.Of(d.Code))}</th>{Cells(d.Levels.Select(n => n.ToString(CultureInfo.InvariantCulture)))}</tr>");
        foreach (var category in r.Equity.GroupBy(e => e.Category))
        {
            var named = say.Say(CategoryWords(category.Key));
            foreach (var e in category)
                html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(named)}: {E(say.Say(e.Value))}</th>{Cells(e.Stages.Select((n, stage) => SmallCells.Display(n) + (r.Share(e, stage) is { } share ? $" ({share.ToString("P0", CultureInfo.CurrentCulture)})" : "")))}</tr>");
            if (r.EquityAnswered?.FirstOrDefault(a => a.Category == category.Key) is { } answered)
                html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(say.Say($"{named}: answered"))}</th>{Cells(answered.Stages.Select(n => n?.ToString(CultureInfo.InvariantCulture) ?? say.Say("not shown")))}</tr>");
        }
        html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(say.Say("Median days at stage"))}</th>{Cells(MedianDays(r))}</tr>");
        if (r.StalledStages is { } stalled)
            html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(say.Say("Stage unchanged for twelve months"))}</th>{Cells(stalled.Select(n => n.ToString(CultureInfo.InvariantCulture)))}</tr>");
        if (r.NoLevelStages is { } still)
            html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(say.Say("No level attained for twelve months"))}</th>{Cells(still.Select(n => n.ToString(CultureInfo.InvariantCulture)))}</tr>");
        return html.Append("</tbody></table></div></main></body></html>").ToString();
    }

    /// <summary>A risk code (high, medium, low) as a person says it, in English.</summary>
    public static string RiskWords(string risk) => risk switch { "high" => "High", "medium" => "Medium", "low" => "Low", _ => risk };

    /// <summary>A demographic category as a person says it (in English, as <see cref="ReadinessWords"/>).</summary>
    public static string CategoryWords(string category) => category switch
    {
        "raceEthnicity" => "Race and ethnicity",
        "gender" => "Gender",
        "jobCategory" => "Job category",
        _ => category,
    };

    /// <summary>A readiness code as a person says it (in English; the reader's language comes from <see cref="ISentences"/>).</summary>
    public static string ReadinessWords(string? readiness) => readiness switch
    {
        "ready-now" => "Ready now",
        "ready-1-2-years" => "Ready in 1 to 2 years",
        "ready-3-plus-years" => "Ready in 3 or more years",
        null => "not assessed",
        _ => readiness,
    };

    /// <summary>
    /// The printable pages' one style, inline so that a downloaded page stands alone. A table wider than a
    /// phone scrolls by itself, not the page. Shown inside the app, the page allows this style alone by its
    /// hash (<see cref="PrintStyleHash"/>), as the app's policy allows no inline style.
    /// </summary>
    public const string PrintStyle = "body{font-family:system-ui,sans-serif;margin:2rem;color:#111}.scroll{max-width:100%;overflow-x:auto;margin-bottom:1.5rem}table{border-collapse:collapse}th,td{border:1px solid #555;padding:.3rem .6rem;text-align:left}@media (max-width:40rem){body{margin:1rem}table.cards,table.cards tbody,table.cards tr,table.cards td{display:block}table.cards thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}table.cards tr{border:1px solid #555;margin-bottom:.75rem}table.cards td{border:0}table.cards td::before{content:attr(data-label) \": \";font-weight:600}table.cards th[scope=row]{display:block;border:0;padding:.3rem .6rem 0}table.levels td{display:inline-block}}@media print{body{margin:0}.no-print{display:none}}";

    /// <summary>
    /// Where a table starts: a region named for it that scrolls sideways by itself on a narrow screen and takes
    /// the keyboard's focus to do so; the table inside stays a table for screen readers.
    /// </summary>
    private static string ScrollStart(string name) => $"<div class=\"scroll\" role=\"region\" aria-label=\"{E(name)}\" tabindex=\"0\">";

    /// <summary>A printable page as the app serves it (the API's <c>format=html</c>), its inline style allowed.</summary>
    public static IResult Printable(HttpContext http, string html)
    {
        ContentSecurity.AllowPrintStyle(http.Response);
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>The page with <paramref name="fragment"/> (markup) right after its title.</summary>
    public static string AfterTitle(string page, string fragment)
    {
        var title = page.IndexOf("</h1>", StringComparison.Ordinal);
        return title < 0 ? page.Replace("<main>", "<main>" + fragment, StringComparison.Ordinal) : page.Insert(title + "</h1>".Length, fragment);
    }

    /// <summary>The Content-Security-Policy source that allows <see cref="PrintStyle"/>.</summary>
    public static readonly string PrintStyleHash = $"'sha256-{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(PrintStyle)))}'";

    private static void Page(StringBuilder html, string title) =>
        html.Append(CultureInfo.InvariantCulture, $"<!doctype html><html lang=\"{CultureInfo.CurrentUICulture.TwoLetterISOLanguageName}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append(CultureInfo.InvariantCulture, $"<title>{E(title)}</title><link rel=\"icon\" href=\"data:,\">")
            .Append("<style>").Append(PrintStyle).Append("</style>")
            .Append(CultureInfo.InvariantCulture, $"</head><body><main><h1>{E(title)}</h1>");

    // Letters of every language written as they are (the page says it is UTF-8), markup escaped.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private static string E(string text) => Html.Encode(text);

    /// <summary>A report's moment as its heading says it to people: "2026-12-06 16:54 UTC", not the data's "2026-12-06T16:54:36Z".</summary>
    private static string Heading(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    internal static string Date(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A CSV record: each cell <see cref="Neutralised"/>, quoted where it holds a comma, a quote or a line break.</summary>
    public static void Row(StringBuilder csv, params string[] cells) => Row(csv, ',', cells);

    /// <summary>The same, its cells apart by <paramref name="separator"/> (a file given back as it came: semicolons from a spreadsheet set to Spanish).</summary>
    public static void Row(StringBuilder csv, char separator, params string[] cells) =>
        csv.AppendLine(string.Join(separator, cells.Select(Neutralised).Select(c => c.IndexOfAny([separator, '"', '\n', '\r']) >= 0 ? $"\"{c.Replace("\"", "\"\"")}\"" : c)));

    /// <summary>
    /// A cell a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage
    /// return: a name or a free-text value someone typed) is written with a leading apostrophe, which
    /// spreadsheets show as text.
    /// </summary>
    public static string Neutralised(string cell) => cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cell : cell;
}
