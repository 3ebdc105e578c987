using Npgsql;

namespace LeaderJourney.EventStore.Projections;

/// <summary>
/// Turns events into read-model rows. A projection never reads the clock or calls out: everything it
/// needs is in the events, so rebuilding it from zero gives the same rows as running it live.
/// </summary>
public interface IProjection
{
    /// <summary>Stable name: lower-case letters, digits and '-' (it goes into table names).</summary>
    string Name { get; }

    /// <summary>Bump it when the rows change shape or meaning: a new generation is then built beside the old one, which keeps serving until the new one has caught up.</summary>
    int Version { get; }

    /// <summary>The stable type names of the events it reads; others never reach it.</summary>
    IReadOnlySet<string> EventTypes { get; }

    /// <summary>Creates this generation's tables (named through <see cref="ProjectionContext.Table"/>).</summary>
    Task CreateTablesAsync(ProjectionContext context, CancellationToken ct);

    /// <summary>
    /// Applies events in global order. The same event may reach an inline projection twice (at append time
    /// and from the daemon), so an inline projection must apply each stream version once; the runtime
    /// filters repeats with <see cref="ProjectionContext"/>'s per-stream versions before calling this.
    /// </summary>
    Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct);
}

public enum ProjectionMode
{
    /// <summary>Applied in the transaction of the append (read-your-writes), and by the daemon for rebuilds and repair.</summary>
    Inline,

    /// <summary>Applied by the daemon only, in global order, in batches.</summary>
    Async,
}

public sealed record ProjectionRegistration(IProjection Projection, ProjectionMode Mode);

/// <summary>Where a projection writes: a connection inside the transaction that also moves its checkpoint.</summary>
public sealed class ProjectionContext(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string projectionName, int generation)
{
    public NpgsqlConnection Connection { get; } = connection;
    public NpgsqlTransaction Transaction { get; } = transaction;
    public int Generation { get; } = generation;

    /// <summary>The schema-qualified name of one of this generation's tables.</summary>
    public string Table(string baseName) => ProjectionTables.Name(schema, projectionName, Generation, baseName);

    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);
}

public static class ProjectionTables
{
    public static string Name(string schema, string projectionName, int generation, string baseName) =>
        $"{schema}.p_{projectionName.Replace('-', '_')}_g{generation}_{baseName}";
}
