using LeaderJourney.Core.Privacy.Audit;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.MentorActivity;
using LeaderJourney.Core.Leaders.MentorQueue;
using LeaderJourney.Core.Notifications;
using LeaderJourney.Core.Succession.Positions;
using LeaderJourney.Core.Succession.Reports;
using LeaderJourney.Web;
using LeaderJourney.Web.Pages;
using LeaderJourney.Web.Telemetry;

var builder = WebApplication.CreateBuilder(Hosting.Options(args));
if (builder.BuildLeaderJourney() is not { } app) return 1;
if (args.FirstOrDefault() == "codegen") return await CodeGeneration.RunAsync(app, args);
app.UseForwardedHeaders();
app.UseExceptionHandler();
// The pages' language: the user's choice, else the browser's (LeaderJourney.Web.Texts).
app.UseRequestLocalization(Texts.Options());
// A page that answers 403, 404 or another error without a body shows a page a person can read (the API keeps its problem details).
app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics"),
    pages => pages.UseStatusCodePagesWithReExecute("/error/{0}"));
// Routing after the status pages, so that a re-executed request finds the error page.
app.UseRouting();
app.UseHttpsWhenBehindProxy();
app.UseSecurityHeaders();
app.UseStaticFiles(new StaticFileOptions
{
    // Linked with a version in the address (asp-append-version), so a day's caching never serves an old one.
    OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "public, max-age=86400",
});
app.UseAuthentication();
app.UseAuthorization();
// A form's post is answered with a redirect to its page, which shows the answer once (Back and reload never resend it).
app.UseFormAnswers();
app.MapHealth();
app.MapMetrics();
app.MapApiDocs();
app.MapAccess();
app.MapFrameworks();
app.MapLeaderApi();
app.MapMentorQueue();
app.MapMentorActivity();
app.MapPositions();
app.MapReports();
app.MapReportIssues();
app.MapSensitiveReads();
app.MapNotifications();
app.MapRazorPages();

return await app.RunLeaderJourneyAsync();

public partial class Program;
