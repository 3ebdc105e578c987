using LeaderJourney.EventStore.Projections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Core.Projections;

public static class ProjectionSetup
{
    /// <summary>Every read model: the leader's own progress inline (read-your-writes), the rest async.</summary>
    public static IReadOnlyList<ProjectionRegistration> All() =>
    [
        new(new LeaderProgressProjection(), ProjectionMode.Inline),
        new(new MentorQueueProjection(), ProjectionMode.Async),
        new(new AffiliatePipelineProjection(), ProjectionMode.Async),
        new(new EquityProjection(), ProjectionMode.Async),
    ];

    /// <summary>
    /// The runtime. <c>LeaderJourney:Projections:BatchSize</c> sets how many events one batch reads at most:
    /// by default 5,000, since a state-size rebuild took 34 s with it against 42 s with 1,000 and 39 s with
    /// 10,000 (docs/performance.md). Following the head, batches are as small as what was just appended.
    /// </summary>
    public static IServiceCollection AddLeaderJourneyProjections(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton(sp => new ProjectionRuntime(sp.GetRequiredService<Store>(), All(),
            new ProjectionOptions { BatchSize = Math.Clamp(configuration.GetValue("LeaderJourney:Projections:BatchSize", 5000), 1, 50_000) }));

    /// <summary>Runs the daemon in this host (it becomes the one daemon if it wins the election); off with LeaderJourney:Daemon:Enabled=false.</summary>
    public static IServiceCollection AddProjectionDaemon(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetValue("LeaderJourney:Daemon:Enabled", true))
        {
            services.AddSingleton(sp => new ProjectionDaemon(sp.GetRequiredService<ProjectionRuntime>(),
                sp.GetRequiredService<Hosting.DatabaseSettings>().ConnectionString,
                message => sp.GetRequiredService<ILoggerFactory>().CreateLogger<ProjectionDaemon>().LogInformation("{Message}", message)));
            services.AddHostedService<DaemonService>();
        }
        return services;
    }

    private sealed class DaemonService(ProjectionDaemon daemon, Hosting.DatabaseStartup startup) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await startup.RunAsync(stoppingToken);
            await daemon.RunAsync(stoppingToken);
        }
    }
}
