using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeaderJourney.IntegrationTests.Infrastructure;

/// <summary>The real web host, in memory, on a test database; optionally on a clock the test moves.</summary>
public sealed class LeaderJourneyAppFactory(string connectionString, TimeProvider? clock = null, CapturedLogs? logs = null,
    IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("LEADERJOURNEY_DB", connectionString);
        foreach (var (key, value) in TestMasterKey.UnlimitedSignIns) builder.UseSetting(key, value);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
        builder.UseEnvironment("Testing");
        if (logs is not null) builder.ConfigureLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        if (clock is not null) builder.ConfigureTestServices(services => services.AddSingleton(clock));
        builder.ConfigureTestServices(registrations =>
        {
            registrations.AddSingleton<IStartupFilter, FromLoopback>();
            services?.Invoke(registrations);
        });
    }

    /// <summary>
    /// The in-memory server gives requests no client address; a real one on this machine would give
    /// loopback, which the host trusts as a proxy: a test then sets the client's address with
    /// X-Forwarded-For, as a proxy in front of the host would.
    /// </summary>
    private sealed class FromLoopback : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress ??= System.Net.IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>A clock that stands still until the test moves it.</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
