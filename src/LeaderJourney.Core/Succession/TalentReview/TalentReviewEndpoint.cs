using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Succession.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeaderJourney.Core.Succession.TalentReview;

/// <summary><c>GET /api/reports/talent-review</c>: the board's grid and the decisions of a period, as JSON, CSV, a workbook or a PDF.</summary>
public static class TalentReviewEndpoint
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static IEndpointRouteBuilder MapTalentReview(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/reports/talent-review", async (string? affiliate, string? asOf, string? since, string? format, HttpContext http, TalentReviewQuery query, ISentences say,
            Access.AccessDirectory directory, CancellationToken ct) =>
        {
            var (code, at, shape) = await ReportEndpoints.ParametersAsync(http.CurrentUser(), affiliate, asOf, format, directory, ct, "json", "csv", "xlsx", "pdf");
            if (shape == "pdf" && !PdfFonts.Available)
                return Results.Problem(title: say.Say("PDF reports need a font this server does not have (fonts-dejavu-core); ask for format=xlsx or csv."), statusCode: StatusCodes.Status503ServiceUnavailable);
            var report = await query.ReadAsync(code, at, Since(since), forStaff: http.CurrentUser().IsAdmin, ct);
            if (shape is "json") return Results.Ok(report);
            if (shape is "csv") return Results.Text(TalentReviewFormats.Csv(report), "text/csv; charset=utf-8");
            var (content, type, name) = Document(report, shape, say);
            return Results.File(content, type, name);
        }).WithTags("Reports").RequireAuthorization().Produces<TalentReviewReport>()
          .WithDescription($"The key positions' candidates by readiness as of asOf (now by default), and the decisions recorded on the affiliate's positions from since (a date, from the start of its day UTC; {TalentReviewQuery.DefaultDays} days before asOf's day by default). JSON by default; format=csv (data, codes as in JSON), xlsx or pdf (for people, in the request's language).");
        return app;
    }

    /// <summary>The review as a document for people (xlsx or pdf, in the reader's language): what the API and the board's page download.</summary>
    public static (byte[] Content, string ContentType, string FileName) Document(TalentReviewReport report, string format, ISentences say)
    {
        var name = $"talent-review-{report.Affiliate}-{report.AsOf.UtcDateTime:yyyy-MM-dd}";
        return format == "pdf"
            ? (TalentReviewPdf.Render(report, say), "application/pdf", name + ".pdf")
            : (TalentReviewFormats.Workbook(report, say), XlsxType, name + ".xlsx");
    }

    /// <summary>A date (from the start of its day, UTC) or an ISO 8601 moment; null when not given.</summary>
    public static DateTimeOffset? Since(string? value) => LeaderInput.Moment(value, "since", endOfDay: false);
}
