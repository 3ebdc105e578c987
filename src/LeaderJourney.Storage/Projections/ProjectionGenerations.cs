using System.Collections.Concurrent;
using Npgsql;

namespace LeaderJourney.Storage.Projections;

/// <summary>
/// The generations of the read models (table <c>projection_generations</c>): which one readers use
/// (active), which one is being built beside it, which version of the projection wrote them, and
/// whether one stopped on an event it could not apply. Marten keeps how far each slot has read
/// (<c>mt_event_progression</c>); this keeps what Marten has no notion of.
/// </summary>
internal sealed class ProjectionGenerations(NpgsqlDataSource dataSource, string schema)
{
    /// <param name="BuiltThrough">For a generation whose build ended holding appends off: the last event it had then.</param>
    public sealed record Row(string Name, int Generation, int Version, string Status, string State, string? LastError, long Position, long BuiltThrough);

    private readonly ConcurrentDictionary<(string Name, int Generation), object> _builders = new();

    public NpgsqlDataSource DataSource => dataSource;
    public string Schema => schema;

    /// <summary>The given Marten store (a build's own) builds the generation: only its daemon's agents may write to it.</summary>
    public IDisposable Building(string name, int generation, object builder)
    {
        _builders[(name, generation)] = builder;
        return new Release(() => _builders.TryRemove((name, generation), out _));
    }

    public object? BuilderOf(string name, int generation) => _builders.GetValueOrDefault((name, generation));

    public bool IsBuildingHere(string name, int generation) => _builders.ContainsKey((name, generation));

    private const string Columns = "name, generation, version, status, state, last_error, position, built_through";

    /// <summary>
    /// The live generations of each read model as this process last read them for an append, with the
    /// epoch they were read in. An append uses them without a round trip and checks them in its own
    /// batch (<see cref="AssertSql"/>); <see cref="Stale"/> makes every process-wide copy be read again.
    /// </summary>
    private readonly ConcurrentDictionary<string, (long Epoch, IReadOnlyList<Row> Rows)> _forAppends = new();

    private static long _epoch;

    /// <summary>Drops every copy of the generations appends use, in every store of the process: after a switch-over here, or an append that found them changed.</summary>
    public static void Stale() => Interlocked.Increment(ref _epoch);

    /// <summary>The live generations for an append: this process's copy, or read now (on the append's connection) when there is none or it is stale.</summary>
    public async Task<IReadOnlyList<Row>> ForAppendAsync(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        var epoch = Interlocked.Read(ref _epoch);
        if (_forAppends.TryGetValue(name, out var kept) && kept.Epoch == epoch) return kept.Rows;
        var rows = await LiveAsync(connection, name, ct);
        _forAppends[name] = (epoch, rows);
        return rows;
    }

    /// <summary>For Marten's SQL operation ('?' placeholders: name, <see cref="Fingerprint"/>): fails the append with LJ001 unless the generations are still those.</summary>
    public string AssertSql => $"call {schema}.assert_generations(?, ?)";

    /// <summary>The same check as a statement of its own, to send ahead of an append's read.</summary>
    public NpgsqlBatchCommand AssertCommand(string name, string fingerprint)
    {
        var check = new NpgsqlBatchCommand($"call {schema}.assert_generations($1, $2)");
        check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = fingerprint });
        return check;
    }

    /// <summary>
    /// What an append decided on, as <see cref="AssertSql"/>'s function computes it from the table: the
    /// active generation (an append writes to no other), its version and whether it is marked failed.
    /// </summary>
    public static string Fingerprint(IEnumerable<Row> rows) =>
        string.Join(';', rows.Where(r => r.Status == "active").OrderByDescending(r => r.Generation).Select(r => FormattableString.Invariant($"{r.Generation}:{r.Version}:{r.Status}:{r.State}")));

    /// <summary>For Marten's SQL operation: the lock an insert into mt_events takes, which a switch-over waits on (it holds the table in SHARE mode).</summary>
    public string HoldSwitchOffSql => $"lock table {schema}.mt_events in row exclusive mode";

    /// <summary>Whether an append failed because a read model changed generations while it was made (then it is tried again).</summary>
    public static bool ChangedDuring(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is PostgresException { SqlState: "LJ001" }) return true;
        return false;
    }

    /// <summary>The live (not retired) generations of a read model, at most one per slot, read on the given connection (an append's own) or a pooled one.</summary>
    /// <param name="holdSwitchOff">Take an insert's lock on mt_events first (in the same round trip), so no switch-over can commit until this transaction ends.</param>
    public async Task<IReadOnlyList<Row>> LiveAsync(NpgsqlConnection? connection, string name, CancellationToken ct, bool holdSwitchOff = false)
    {
        var owned = connection is null ? await dataSource.OpenConnectionAsync(ct) : null;
        try
        {
            await using var batch = new NpgsqlBatch(connection ?? owned);
            if (holdSwitchOff) batch.BatchCommands.Add(new NpgsqlBatchCommand($"lock table {schema}.mt_events in row exclusive mode"));
            var select = new NpgsqlBatchCommand($"select {Columns} from {schema}.projection_generations where name = $1 and status <> 'retired' order by generation desc");
            select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            batch.BatchCommands.Add(select);
            var rows = new List<Row>();
            await using var reader = await batch.ExecuteReaderAsync(ct);
            do
            {
                while (reader.FieldCount > 0 && await reader.ReadAsync(ct)) rows.Add(Read(reader));
            } while (await reader.NextResultAsync(ct));
            return rows;
        }
        finally
        {
            if (owned is not null) await owned.DisposeAsync();
        }
    }

    public async Task<IReadOnlyList<Row>> AllAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from {schema}.projection_generations order by name, generation");
        var list = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(Read(reader));
        return list;
    }

    private static Row Read(NpgsqlDataReader reader) => new(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3),
        reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt64(6), reader.GetInt64(7));

    /// <summary>For Marten's SQL operation ('?' placeholders: name, generation).</summary>
    public string ClearFailureSql => $"update {schema}.projection_generations set state = 'running', last_error = null, updated_at = now() where name = ? and generation = ? and state = 'failed'";

    /// <summary>For Marten's SQL operation ('?' placeholders: sequence, name, generation): how far a daemon has applied a generation.</summary>
    public string PositionSql => $"update {schema}.projection_generations set position = greatest(position, ?), updated_at = now() where name = ? and generation = ?";

    /// <summary>
    /// Records, on a connection of its own (Marten rolls the batch back), that a generation stopped on an
    /// event: the failure is kept with the event, and the generation shows as failed until it applies again.
    /// </summary>
    public async Task RecordFailureAsync(Row generation, StoredEvent e, Exception error, CancellationToken ct)
    {
        var message = $"{error.GetType().Name}: {error.Message.Split('\n')[0]} (event {e.Sequence}, {e.TypeName}, stream {e.StreamId})";
        await using var batch = dataSource.CreateBatch();
        var park = new NpgsqlBatchCommand($"""
            insert into {schema}.projection_dead_letters (name, generation, seq_id, stream_id, event_type, error, attempts)
            select $1, $2, $3, $4, $5, $6, 1
             where not exists (select 1 from {schema}.projection_dead_letters where name = $1 and generation = $2 and seq_id = $3 and resolved_at is null)
            """);
        park.Parameters.Add(new NpgsqlParameter<string> { TypedValue = generation.Name });
        park.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation.Generation });
        park.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Sequence });
        park.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = e.StreamId });
        park.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.TypeName });
        park.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error.ToString() });
        var stop = new NpgsqlBatchCommand($"update {schema}.projection_generations set state = 'failed', last_error = $3, updated_at = now() where name = $1 and generation = $2");
        stop.Parameters.Add(new NpgsqlParameter<string> { TypedValue = generation.Name });
        stop.Parameters.Add(new NpgsqlParameter<int> { TypedValue = generation.Generation });
        stop.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message });
        batch.BatchCommands.Add(park);
        batch.BatchCommands.Add(stop);
        await batch.ExecuteNonQueryAsync(ct);
        Stale();
    }

    private sealed class Release(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
