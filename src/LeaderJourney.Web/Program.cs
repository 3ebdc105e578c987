using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.Core.Leaders;
using LeaderJourney.Core.Leaders.MentorQueue;
using LeaderJourney.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddLeaderJourney();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapHealth();
app.MapAccess();
app.MapFrameworks();
app.MapLeaderApi();
app.MapMentorQueue();

return await app.RunLeaderJourneyAsync();

public partial class Program;
