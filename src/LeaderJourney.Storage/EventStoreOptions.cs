namespace LeaderJourney.Storage;

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

/// <summary>
/// The read models a store's Marten runs, how many events one async batch reads at most, and any other
/// Marten configuration of the caller's (inline projections with tables of their own, for one).
/// </summary>
public sealed record EventStoreProjections(IReadOnlyList<Projections.ProjectionRegistration> Registrations, int BatchSize = 1000,
    Action<Marten.StoreOptions>? ConfigureMarten = null);
