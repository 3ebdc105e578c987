using LeaderJourney.EventStore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Store = LeaderJourney.EventStore.EventStore;

namespace LeaderJourney.Core.Hosting;

public static class LeaderJourneyServices
{
    /// <summary>The database, the event store and everything the use cases share; the same for the web host and the command line.</summary>
    public static IServiceCollection AddLeaderJourneyCore(this IServiceCollection services, IConfiguration configuration)
    {
        // Resolved lazily, so a missing or bad setting surfaces as one clear line when the host starts.
        services.AddSingleton(_ => DatabaseSettings.From(configuration));
        services.AddSingleton(sp => Database.CreateDataSource(sp.GetRequiredService<DatabaseSettings>().ConnectionString));
        services.AddSingleton(_ => EventTypes.CreateRegistry());
        services.AddSingleton(sp => Store.Create(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<DatabaseSettings>().Schema, sp.GetRequiredService<EventTypeRegistry>()));
        services.AddSingleton<DatabaseStartup>();
        return services;
    }
}

/// <summary>Connects and brings every component's tables up to date, once per process however often it is asked.</summary>
public sealed class DatabaseStartup(Store store)
{
    private readonly Lazy<Task> _run = new(() => store.MigrateAsync());

    public Task RunAsync(CancellationToken ct) => _run.Value.WaitAsync(ct);
}
