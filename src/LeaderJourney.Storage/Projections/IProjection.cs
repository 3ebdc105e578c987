using System.Text.RegularExpressions;
using Npgsql;

namespace LeaderJourney.Storage.Projections;

/// <summary>
/// Turns events into read-model rows with set-based SQL. A projection never reads the clock or calls
/// out: everything it needs is in the events, so rebuilding it from zero gives the same rows as running
/// it live. Marten runs it (<see cref="MartenSlot"/>): inline in the append's transaction, or under
/// Marten's async daemon.
/// </summary>
public interface IProjection
{
    /// <summary>Stable name: lower-case letters, digits and '-' (it goes into table names).</summary>
    string Name { get; }

    /// <summary>Bump it when the rows change shape or meaning: a new generation is then built beside the old one, which keeps serving until the new one has caught up.</summary>
    int Version { get; }

    /// <summary>The stable type names of the events it reads; others never reach it.</summary>
    IReadOnlySet<string> EventTypes { get; }

    /// <summary>Creates this generation's tables (named through <see cref="ProjectionSchemaContext.Table"/>).</summary>
    Task CreateTablesAsync(ProjectionSchemaContext context, CancellationToken ct);

    /// <summary>
    /// Applies events in global order by queuing statements (<see cref="ProjectionContext.Write"/>), which
    /// Marten runs in the transaction that also records how far the projection got. Reads through
    /// <see cref="ProjectionContext.QueryAsync"/> see the rows as they were before this call's statements.
    /// </summary>
    Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct);
}

public enum ProjectionMode
{
    /// <summary>Applied in the transaction of the append (read-your-writes); Marten's daemon only replays it for a rebuild.</summary>
    Inline,

    /// <summary>Applied by Marten's async daemon, in global order, in batches.</summary>
    Async,
}

/// <param name="ReplayGroup">
/// Rebuilt together (<see cref="ProjectionRuntime.RebuildTogetherAsync"/>), the read models of one group
/// share one reading of the log, and the groups' replays run side by side. Those without a group share one.
/// </param>
public sealed record ProjectionRegistration(IProjection Projection, ProjectionMode Mode, string? ReplayGroup = null);

/// <summary>Where a generation's tables are made: a transaction of their own.</summary>
public sealed class ProjectionSchemaContext(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string projectionName, int generation)
{
    public int Generation { get; } = generation;

    /// <summary>The schema-qualified name of one of this generation's tables.</summary>
    public string Table(string baseName) => ProjectionTables.Name(schema, projectionName, Generation, baseName);

    public NpgsqlCommand Command(string sql) => new(sql, connection, transaction);
}

/// <summary>
/// What a projection writes into: statements queued on Marten's session (executed in Marten's
/// transaction, in order, after the projection returns), and reads of the rows as they stood before.
/// </summary>
public sealed partial class ProjectionContext
{
    private readonly Action<string, object[]> _queue;
    private readonly Func<CancellationToken, Task<(NpgsqlConnection Connection, bool Owned)>> _readConnection;
    private readonly string _schema;
    private readonly string _projectionName;

    private readonly Func<IReadOnlyList<NpgsqlBatchCommand>>? _guards;

    /// <param name="guards">Statements to send in front of the next read (an append's lock and checks, MartenSlot.AppendScope), if any.</param>
    internal ProjectionContext(Action<string, object[]> queue, Func<CancellationToken, Task<(NpgsqlConnection, bool)>> readConnection,
        string schema, string projectionName, int generation, LookupHashes hashes, Func<IReadOnlyList<NpgsqlBatchCommand>>? guards = null)
    {
        Hashes = hashes;
        _guards = guards;
        _queue = queue;
        _readConnection = readConnection;
        _schema = schema;
        _projectionName = projectionName;
        Generation = generation;
    }

    public int Generation { get; }

    /// <summary>Keyed hashes to keep in place of a personal value a reader looks rows up by.</summary>
    public LookupHashes Hashes { get; }

    /// <summary>The schema the store's tables, and the projection's, live in.</summary>
    public string Schema => _schema;

    /// <summary>The schema-qualified name of one of this generation's tables.</summary>
    public string Table(string baseName) => ProjectionTables.Name(_schema, _projectionName, Generation, baseName);

    /// <summary>Queues one statement ($1, $2, ... for the values, in any order and as often as needed) on Marten's session.</summary>
    public void Write(string sql, params object?[] values)
    {
        // Marten's SQL operation takes one placeholder per value in order; a $n used twice becomes two.
        var ordered = new List<object?>();
        var text = Positional().Replace(sql, m =>
        {
            ordered.Add(values[int.Parse(m.Groups[1].Value) - 1]);
            return "?";
        });
        _queue(text, ordered.ToArray()!);
    }

    /// <summary>Runs a query against the rows as they stood before this call's writes, one callback per row.</summary>
    public async Task QueryAsync(string sql, object?[] values, Action<NpgsqlDataReader> row, CancellationToken ct)
    {
        var (connection, owned) = await _readConnection(ct);
        try
        {
            // Any guards go in the same batch, ahead of the query: they return no rows.
            await using var batch = new NpgsqlBatch(connection);
            foreach (var guard in _guards?.Invoke() ?? []) batch.BatchCommands.Add(guard);
            var query = new NpgsqlBatchCommand(sql);
            foreach (var value in values) query.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            batch.BatchCommands.Add(query);
            await using var reader = await batch.ExecuteReaderAsync(ct);
            do
            {
                while (reader.FieldCount > 0 && await reader.ReadAsync(ct)) row(reader);
            } while (await reader.NextResultAsync(ct));
        }
        finally
        {
            if (owned) await connection.DisposeAsync();
        }
    }

    [GeneratedRegex(@"\$(\d+)")]
    private static partial Regex Positional();
}

public static class ProjectionTables
{
    public static string Name(string schema, string projectionName, int generation, string baseName) =>
        $"{schema}.p_{projectionName.Replace('-', '_')}_g{generation}_{baseName}";
}
