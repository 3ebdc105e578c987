using LeaderJourney.Core.Access;
using LeaderJourney.Core.Frameworks;
using LeaderJourney.Core.Leaders;
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

return await app.RunLeaderJourneyAsync();

public partial class Program;
