using LeaderJourney.Storage;
using LeaderJourney.Storage.Projections;
using Marten;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeaderJourney.Core.Projections;

public static class ProjectionSetup
{
    /// <summary>
    /// Every read model: the leader's own progress inline (read-your-writes), the rest async. Rebuilt
    /// together, the two that read the sign-offs share one reading of the log and the others another,
    /// the two replays side by side (the fastest of the pairings measured, docs/performance.md).
    /// </summary>
    public static IReadOnlyList<ProjectionRegistration> All(Domain.Demographics.DemographicLists? lists = null) =>
    [
        new(new LeaderProgressProjection(), ProjectionMode.Inline, SignOffReaders),
        new(new MentorQueueProjection(), ProjectionMode.Async, SignOffReaders),
        new(new AffiliatePipelineProjection(), ProjectionMode.Async),
        new(new PipelineHistoryProjection(), ProjectionMode.Async),
        new(new EquityProjection(lists ?? Domain.Demographics.DemographicLists.Default), ProjectionMode.Async),
    ];

    private const string SignOffReaders = "sign-off-readers";

    /// <summary>
    /// The read models as registered with Marten. <c>LeaderJourney:Projections:BatchSize</c> sets how many
    /// events one async batch reads at most (default 5,000: a state-size rebuild took 34 s with it against
    /// 42 s with 1,000 and 39 s with 10,000 under the previous engine, docs/performance.md). Following the
    /// head, batches are as small as what was just appended.
    /// </summary>
    public static EventStoreProjections For(IConfiguration configuration, string schema) =>
        For(schema, All(Leaders.Demographics.DemographicSettings.From(configuration)), Math.Clamp(configuration.GetValue("LeaderJourney:Projections:BatchSize", 5000), 1, 50_000));

    /// <summary>The given read models, the framework catalog (inline, in the core schema's own tables), and the folds the commands decide on.</summary>
    public static EventStoreProjections For(string schema, IReadOnlyList<ProjectionRegistration>? registrations = null, int batchSize = 5000) =>
        new(registrations ?? All(), batchSize, marten =>
        {
            marten.Projections.Add(new Frameworks.FrameworkCatalogProjection(schema), JasperFx.Events.Projections.ProjectionLifecycle.Inline,
                Frameworks.FrameworkCatalogProjection.ProjectionName);
            Frameworks.ImportFramework.FrameworkEditionsAggregation.Register(marten);
            Succession.Positions.PositionAggregation.Register(marten);
            Leaders.Demographics.DemographicsAggregation.Register(marten);
            Succession.Reports.IssuedReportsAggregation.Register(marten);
            Leaders.LeaderAggregation.Register(marten);
        });

    public static IServiceCollection AddLeaderJourneyProjections(this IServiceCollection services) =>
        services.AddSingleton(sp => new ProjectionRuntime(sp.GetRequiredService<Store>()));

    /// <summary>
    /// Runs Marten's async daemon in this host under Marten's hot/cold coordination (each async slot on
    /// one host at a time, taken over when that host dies), and builds any generation waiting to be built
    /// (a new projection version). Off with LeaderJourney:Daemon:Enabled=false.
    /// </summary>
    public static IServiceCollection AddProjectionDaemon(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetValue("LeaderJourney:Daemon:Enabled", true))
            services.AddHostedService<DaemonService>();
        return services;
    }

    private sealed class DaemonService(Store store, ProjectionRuntime runtime, Hosting.DatabaseStartup startup, ILoggerFactory loggers) : BackgroundService
    {
        private ProjectionCoordinator? _coordinator;
        private IDisposable? _pauses;

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await startup.RunAsync(stoppingToken);
            await runtime.SkipIdleSlotsAsync(stoppingToken);
            _coordinator = new ProjectionCoordinator(store.Marten, loggers.CreateLogger<ProjectionCoordinator>());
            runtime.HostDaemon = _ => Task.FromResult(_coordinator.DaemonForMainDatabase());
            _pauses = runtime.WatchPauses(_coordinator.DaemonForMainDatabase());
            await _coordinator.StartAsync(stoppingToken);
            var logger = loggers.CreateLogger<ProjectionRuntime>();
            try
            {
                await runtime.BuildPendingAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Building a new generation of a read model failed; `projections rebuild` starts it again");
            }
        }

        public override async Task StopAsync(CancellationToken cancellationToken)
        {
            await base.StopAsync(cancellationToken);
            if (_coordinator is not null)
            {
                await _coordinator.StopAsync(cancellationToken);
                _pauses?.Dispose();
                await _coordinator.DisposeAsync();
            }
        }
    }
}
