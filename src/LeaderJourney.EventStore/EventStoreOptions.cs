namespace LeaderJourney.EventStore;

public sealed record EventStoreOptions
{
    public const string DefaultSchema = "leaderjourney";

    /// <summary>An Npgsql connection string.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The PostgreSQL schema that holds the store's tables; created on open.</summary>
    public string Schema { get; init; } = DefaultSchema;

    /// <summary>Application name shown in pg_stat_activity.</summary>
    public string ApplicationName { get; init; } = "leaderjourney";
}

/// <summary>The read models a store's Marten runs, and how many events one async batch reads at most.</summary>
public sealed record EventStoreProjections(IReadOnlyList<Projections.ProjectionRegistration> Registrations, int BatchSize = 1000);
