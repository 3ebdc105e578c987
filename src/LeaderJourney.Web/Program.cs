using LeaderJourney.Core.Privacy.Audit;
using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.MentorQueue;
using LeaderJourney.Core.Notifications;
using LeaderJourney.Core.Succession.Positions;
using LeaderJourney.Core.Succession.Reports;
using LeaderJourney.Web;
using LeaderJourney.Web.Pages;

var builder = WebApplication.CreateBuilder(Hosting.Options(args));
builder.AddLeaderJourney();

var app = builder.Build();
app.UseExceptionHandler();
app.UseSecurityHeaders();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.MapHealth();
app.MapApiDocs();
app.MapAccess();
app.MapFrameworks();
app.MapLeaderApi();
app.MapMentorQueue();
app.MapPositions();
app.MapReports();
app.MapReportIssues();
app.MapSensitiveReads();
app.MapNotifications();
app.MapRazorPages();

return await app.RunLeaderJourneyAsync();

public partial class Program;
