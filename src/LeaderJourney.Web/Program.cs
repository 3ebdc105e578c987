using LeaderJourney.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddLeaderJourney();

var app = builder.Build();
app.MapHealth();

return await app.RunLeaderJourneyAsync();

public partial class Program;
