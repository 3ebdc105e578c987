using LeaderJourney.Core.Access;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeaderJourney.Core.Leaders.MentorActivity;

/// <summary>GET /api/mentors/activity: for staff, each mentor of their affiliate with mentees, waiting requests and the answers they gave lately.</summary>
public static class MentorActivityEndpoint
{
    public static IEndpointRouteBuilder MapMentorActivity(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/mentors/activity", async (string? affiliate, string? days, HttpContext http, MentorActivityQuery query, AccessDirectory directory, CancellationToken ct) =>
        {
            var caller = http.CurrentUser();
            if (!caller.IsAdmin) throw new ForbiddenException("Mentors' activity is for staff.");
            var code = await directory.AffiliateAskedAsync(caller, affiliate, "You see your own affiliate's mentors only.", ct);
            var window = Window(days);
            var report = await query.ForAffiliateAsync(code, window, ct);
            if (report is null)
                return Results.Problem(title: "The mentors' activity is still being worked out; try again shortly.", statusCode: StatusCodes.Status503ServiceUnavailable);
            return Results.Ok(report);
        }).RequireAuthorization().WithTags("Leaders").Produces<MentorActivityReport>()
          .WithDescription($"Staff of the affiliate (national admins: any, with affiliate=...). days is the window of answers counted, 1 to {MentorActivityQuery.MostDays}; {MentorActivityQuery.DefaultDays} when left out.");
        return app;
    }

    /// <summary>The window of answers counted: whole days within a year; left out or left empty (a form sent with nothing chosen), the default.</summary>
    public static int Window(string? days)
    {
        if (string.IsNullOrEmpty(days)) return MentorActivityQuery.DefaultDays;
        return int.TryParse(days, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MentorActivityQuery.MostDays
            ? n
            : throw new RequestValidationException("days", $"days is a whole number of days from 1 to {MentorActivityQuery.MostDays}.");
    }
}
