using LeaderJourney.Core.Frameworks.BrowseFrameworks;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Privacy.Audit;
using LeaderJourney.Core.Succession.TalentReview;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeaderJourney.Core.Succession.Reports;

/// <summary>The board's reports, as JSON, CSV (format=csv) or a printable page (format=html), now or as of a date.</summary>
public static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization();

        reports.MapGet("/succession", async (string? affiliate, string? asOf, string? format, HttpContext http, ReportService service, ISentences say, FrameworkWords words, AccessDirectory directory, CancellationToken ct) =>
        {
            var (code, at, shape) = await ParametersAsync(http.CurrentUser(), affiliate, asOf, format, directory, ct);
            var report = await service.SuccessionAsync(code, at, ct);
            return shape switch
            {
                "csv" => Results.Text(ReportFormats.SuccessionCsv(report), "text/csv; charset=utf-8"),
                "html" => ReportFormats.Printable(http, ReportFormats.SuccessionPage(report, say, await words.LoadAsync(ct))),
                _ => Results.Ok(report),
            };
        }).Produces<SuccessionReport>().WithDescription(Formats);

        reports.MapGet("/pipeline", async (string? affiliate, string? asOf, string? format, HttpContext http, ReportService service, SensitiveReads audit, ISentences say, FrameworkWords words, AccessDirectory directory, CancellationToken ct) =>
        {
            var (code, at, shape) = await ParametersAsync(http.CurrentUser(), affiliate, asOf, format, directory, ct);
            var report = await service.PipelineAsync(code, at, StalledNames.For(http.CurrentUser()), ct, equityInWholeMonths: http.CurrentUser().Role == Roles.Board);
            await audit.RecordAsync(http.CurrentUser(), SensitiveReads.EquityBreakdown, null, code, ct, report.EquityAsOf);
            return shape switch
            {
                "csv" => Results.Text(ReportFormats.PipelineCsv(report), "text/csv; charset=utf-8"),
                "html" => ReportFormats.Printable(http, ReportFormats.PipelinePage(report, say, await words.LoadAsync(ct))),
                _ => Results.Ok(report),
            };
        }).Produces<PipelineReport>().WithDescription(Formats);
        app.MapTalentReview();
        return app;
    }

    private const string Formats = "JSON by default; format=csv answers text/csv (cells a spreadsheet would run as formulas are neutralised), format=html a printable page.";

    /// <summary>The board and admins read reports of their own affiliate (national admins of any: <see cref="AccessDirectory.AffiliateAskedAsync"/>); mentors and leaders do not.</summary>
    internal static async Task<(string Affiliate, DateTimeOffset? AsOf, string Format)> ParametersAsync(CurrentUser caller, string? affiliate, string? asOf, string? format,
        AccessDirectory directory, CancellationToken ct, params string[] formats)
    {
        if (formats.Length == 0) formats = ["json", "csv", "html"];
        if (!(caller.IsAdmin || caller.Role == Roles.Board)) throw new ForbiddenException("Reports are for the board and staff.");
        var code = await directory.AffiliateAskedAsync(caller, affiliate, "You see your own affiliate's reports only.", ct);
        var shape = (format ?? "json").ToLowerInvariant();
        if (!formats.Contains(shape)) throw new RequestValidationException("format", $"format is one of: {string.Join(", ", formats)}.");
        return (code, LeaderInput.ReportDay(asOf), shape);
    }
}
