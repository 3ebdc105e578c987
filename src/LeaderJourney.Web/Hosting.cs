using LeaderJourney.Core.Access;
using LeaderJourney.Core.Hosting;
using LeaderJourney.Core.Http;
using Microsoft.AspNetCore.Diagnostics;
using LeaderJourney.Core.Projections;
using LeaderJourney.Web.Pages;
using LeaderJourney.Web.Telemetry;
using LeaderJourney.Domain;
using LeaderJourney.Storage;

namespace LeaderJourney.Web;

public static class Hosting
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// Started from the project folder (dotnet run) the stylesheet is in ./wwwroot; started from anywhere
    /// else it is in the build output beside the assembly, which then serves as the web root.
    /// </summary>
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        WebRootPath = !Directory.Exists(Path.Combine(Directory.GetCurrentDirectory(), "wwwroot")) && Directory.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot"))
            ? Path.Combine(AppContext.BaseDirectory, "wwwroot")
            : null,
    };

    public static WebApplicationBuilder AddLeaderJourney(this WebApplicationBuilder builder)
    {
        // --urls and ASPNETCORE_URLS both arrive as the "urls" setting; without either, listen on loopback only.
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);
        builder.Services.AddProblemDetails();
        // One place turns a refusal (validation, role, rule, conflict) into problem details, for every
        // endpoint and the Wolverine handlers behind them. A refusal is an answer, not an error to log;
        // anything else stays a logged 500.
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.Configure<ExceptionHandlerOptions>(options =>
            options.SuppressDiagnosticsCallback = context => context.ExceptionHandledBy == ExceptionHandledType.ExceptionHandlerService);
        // A body that is not JSON of the endpoint's shape, or a query value of the wrong kind, reaches the
        // same handler as a problem (the framework's own answer is a 400 with no body at all).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddLeaderJourneyCore(builder.Configuration, Messaging.IntegrateWolverine);
        builder.Services.AddLeaderJourneyMessaging(builder.Configuration);
        builder.Services.AddLeaderJourneyAuthentication();
        builder.Services.AddLeaderJourneyPages(builder.Configuration);
        builder.Services.AddProxySupport(builder.Configuration);
        builder.Services.AddApiDocs();
        builder.Services.AddTelemetry(builder.Configuration);
        builder.Services.AddProjectionDaemon(builder.Configuration);
        builder.Services.AddHostedService<LeaderJourney.Core.Privacy.Keys.KeyShredListening>();
        builder.Services.AddHostedService<StartupMigration>();
        return builder;
    }

    /// <summary>Sets the host up and builds it, or says in one line on stderr which setting it cannot be built with (null: exit code 1).</summary>
    public static WebApplication? BuildLeaderJourney(this WebApplicationBuilder builder)
    {
        try
        {
            return builder.AddLeaderJourney().Build();
        }
        catch (SettingException e)
        {
            Console.Error.WriteLine($"leaderjourney: {e.Message}");
            return null;
        }
    }

    /// <summary>Runs the host; a database that cannot be used at start ends it with one line on stderr and exit code 1.</summary>
    public static async Task<int> RunLeaderJourneyAsync(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
            Console.WriteLine($"LeaderJourney is running at {string.Join(", ", app.Urls)} (health: {app.Urls.FirstOrDefault()}/health). Press Ctrl+C to stop."));
        try
        {
            // Migrating here first means a bad database ends the run with our one line, before the
            // host's own start-up logging would print a stack trace for it.
            // Settings read once the host runs are checked first, so a wrong one ends it here in one line.
            app.Services.GetRequiredService<Telemetry.MetricsAccess>();
            app.Services.GetRequiredService<Core.Notifications.Mail.MailSettings>();
            app.Services.GetRequiredService<Core.Notifications.NotificationBox>();
            app.Services.GetRequiredService<IdempotentAnswers>();
            await app.Services.GetRequiredService<DatabaseStartup>().RunAsync(app.Lifetime.ApplicationStopping);
            await app.RunAsync();
            return 0;
        }
        catch (Exception e) when (e is EventStoreUnavailableException or SettingException)
        {
            await Console.Error.WriteLineAsync($"leaderjourney: {e.Message}");
            return 1;
        }
        catch (DomainRuleException e)
        {
            // Only start-up gets here with a rule's refusal (a request's is its answer): the built-in
            // catalog could not be published. What had started stops (Wolverine releases what it owned;
            // its node's row stays until another node finds it dead, as after a kill).
            await Console.Error.WriteLineAsync($"leaderjourney: {e.Message}");
            await app.StopAsync(CancellationToken.None);
            return 1;
        }
    }

    /// <summary>Migrates before the host starts listening, so no request meets a missing table (also where Program's run is not used, as in tests).</summary>
    private sealed class StartupMigration(DatabaseStartup startup) : IHostedService
    {
        public Task StartAsync(CancellationToken ct) => startup.RunAsync(ct);
        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
