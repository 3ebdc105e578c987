using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LeaderJourney.IntegrationTests.Infrastructure;

/// <summary>The real web host, in memory, on a test database.</summary>
public sealed class LeaderJourneyAppFactory(string connectionString) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("LEADERJOURNEY_DB", connectionString);
        builder.UseEnvironment("Testing");
    }
}
